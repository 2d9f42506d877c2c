import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { communitiesOf } from '../../testing/factories.js';
import { ALL_ROLES_USERS, buildTestApp, type TestApp } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { auditLog } from '../audit/schema.js';
import { calls } from '../calls/schema.js';
import { payments } from '../funds/schema.js';
import { notifications } from '../notifications/schema.js';
import { signedContract } from '../projects/test-fixtures.js';
import { inspections } from './schema.js';
import { unzipEntries } from './zip-testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const pdf = Buffer.from('%PDF-1.4\n% receipt\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const NOT_OVERSEERS = ALL_ROLES_USERS.filter((u) => u !== 'supervisor' && u !== 'admin');
const NOT_SUPERVISORS = ALL_ROLES_USERS.filter((u) => u !== 'supervisor');

/** A started project with one expense and its receipt, one requested payment. */
async function projectWithReceipt() {
  const fixture = await signedContract(db(), { title: '监督检查测试项目' });
  const provider = await t.as('provider');
  expect((await provider.post(`/api/projects/${fixture.contract.id}/start`, {})).statusCode).toBe(200);
  const expense = await provider.post(`/api/projects/${fixture.contract.id}/expenses`, {
    category: 'activities',
    amountFen: 123_456,
    spentOn: '2026-11-30',
    invoiceNo: '04400999',
    payee: '昆明某印务有限公司',
    description: '宣传册',
  });
  expect(expense.statusCode, expense.body).toBe(201);
  const receipt = await upload(
    provider,
    `/api/expenses/${expense.json().id}/receipt`,
    pdf,
    '发票.pdf',
    'application/pdf',
  );
  expect(receipt.statusCode, receipt.body).toBe(201);
  const payment = await provider.post(`/api/projects/${fixture.contract.id}/payments`, {
    milestoneKey: 'signing',
  });
  return { ...fixture, expenseId: expense.json().id as string, paymentStatus: payment.statusCode };
}

let project: Awaited<ReturnType<typeof projectWithReceipt>>;
beforeAll(async () => {
  project = await projectWithReceipt();
});

const readsOf = (targetId: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'supervision.read'), eq(auditLog.targetId, targetId)));

describe('the project search', () => {
  it('finds every project with filters, sorted, for supervisors and admins only', async () => {
    const supervisor = await t.as('supervisor');
    const all = (await supervisor.get('/api/supervision/projects?pageSize=200')).json();
    expect(all.total).toBe(await countRows(t, calls));
    const found = (
      await supervisor.get(`/api/supervision/projects?q=${encodeURIComponent(project.call.code)}`)
    ).json();
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({
      id: project.call.id,
      state: 'project:in_implementation',
      stateLabel: '实施：实施中',
      amountFen: 10_000_001,
      contracts: [{ id: project.contract.id, status: 'signed', projectStatus: 'in_implementation' }],
    });
    const byState = (
      await supervisor.get('/api/supervision/projects?state=project:in_implementation&pageSize=200')
    ).json();
    expect(byState.items.every((p: { state: string }) => p.state === 'project:in_implementation')).toBe(true);
    expect(byState.items.map((p: { id: string }) => p.id)).toContain(project.call.id);
    const ranged = (
      await supervisor.get('/api/supervision/projects?minFen=10000001&maxFen=10000001&pageSize=200')
    ).json();
    expect(ranged.items.every((p: { amountFen: number }) => p.amountFen === 10_000_001)).toBe(true);
    const byYear = (
      await supervisor.get(
        `/api/supervision/projects?year=${project.call.year}&buyerOrgId=${project.call.buyerOrgId}&pageSize=200`,
      )
    ).json();
    expect(
      byYear.items.every(
        (p: { year: number; buyerOrgId: string }) =>
          p.year === project.call.year && p.buyerOrgId === project.call.buyerOrgId,
      ),
    ).toBe(true);
    const noAlerts = (await supervisor.get('/api/supervision/projects?alert=none&pageSize=200')).json();
    expect(noAlerts.items.every((p: { openAlerts: number }) => p.openAlerts === 0)).toBe(true);
    const byAmount = (
      await supervisor.get('/api/supervision/projects?sort=amount&order=asc&pageSize=200')
    ).json();
    const amounts = byAmount.items.map((p: { amountFen: number }) => p.amountFen);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    expect((await (await t.as('admin')).get('/api/supervision/projects')).statusCode).toBe(200);
    await expectDeniedToEach(t, NOT_OVERSEERS, { method: 'GET', url: '/api/supervision/projects' });
  });

  it('refuses bad filters with field messages', async () => {
    const supervisor = await t.as('supervisor');
    const res = await supervisor.get('/api/supervision/projects?state=nope&grade=x&year=abc&minFen=-1');
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['grade', 'minFen', 'state', 'year']);
    const range = await supervisor.get('/api/supervision/projects?minFen=5&maxFen=1');
    expect(range.statusCode).toBe(422);
    expect(range.json().details.fields).toEqual([{ path: 'maxFen', message: '最高金额不能低于最低金额' }]);
  });

  it('exports the filtered list to Excel', async () => {
    const res = await (await t.as('supervisor')).get(
      `/api/supervision/projects/export.xlsx?q=${encodeURIComponent(project.call.code)}`,
    );
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(1).value).toBe(project.call.code);
    expect(sheet.getRow(2).getCell(6).value).toBe(100000.01);
    await expectDeniedToEach(t, NOT_OVERSEERS, {
      method: 'GET',
      url: '/api/supervision/projects/export.xlsx',
    });
  });
});

describe('the project view', () => {
  it('shows what is not public, and records the supervisor’s reads of receipts, scores and objectors', async () => {
    const supervisor = await t.as('supervisor');
    const view = (await supervisor.get(`/api/supervision/projects/${project.call.id}`)).json();
    expect(view.call.code).toBe(project.call.code);
    expect(view.expenses).toHaveLength(1);
    const [receipt] = view.expenses[0].receipts;
    expect(receipt).toMatchObject({ name: '发票.pdf' });
    expect(receipt.url).toBe(`/api/supervision/files/${receipt.id}`);
    expect(await readsOf(project.expenseId)).toHaveLength(0);
    const file = await supervisor.get(receipt.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
    const [entry] = await readsOf(project.expenseId);
    expect(entry).toMatchObject({
      actorName: expect.any(String),
      targetType: 'expense',
      visibility: 'internal',
      summary: { read: 'attachment', attachmentId: receipt.id, name: '发票.pdf' },
    });
    // The ordinary file route records a supervisor's read as well, when it lets the supervisor read.
    expect((await supervisor.get(`/api/files/${receipt.id}`)).statusCode).toBe(200);
    expect(await readsOf(project.expenseId)).toHaveLength(2);

    expect((await supervisor.get(`/api/supervision/projects/${project.call.id}/scores`)).statusCode).toBe(
      200,
    );
    expect((await supervisor.get(`/api/supervision/projects/${project.call.id}/objections`)).statusCode).toBe(
      200,
    );
    const callReads = (await readsOf(project.call.id)).map((e) => (e.summary as { read: string }).read);
    expect(callReads).toEqual(['scores', 'objections']);

    for (const path of ['', '/scores', '/objections']) {
      await expectDeniedToEach(t, NOT_OVERSEERS, {
        method: 'GET',
        url: `/api/supervision/projects/${project.call.id}${path}`,
      });
    }
    await expectDeniedToEach(t, NOT_OVERSEERS, { method: 'GET', url: receipt.url });
    const missing = await supervisor.get('/api/supervision/projects/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
  });
});

describe('inspection records', () => {
  const body = {
    scope: '资金使用情况',
    findings: '宣传册支出票据齐全',
    followUp: '补充活动签到表',
    dueOn: '2026-12-31',
  };

  it('are written by supervisors only, each edited and closed by its own supervisor; the buyer answers', async () => {
    const supervisor = await t.as('supervisor');
    const url = `/api/supervision/projects/${project.call.id}/inspections`;
    const before = await snapshotCounts(t, [inspections]);
    const bad = await supervisor.post(url, { scope: '', findings: 'x', dueOn: '2026-02-30' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['dueOn', 'findings', 'followUp', 'scope']);
    expect(await snapshotCounts(t, [inspections])).toEqual(before);
    await expectDeniedToEach(t, NOT_SUPERVISORS, { method: 'POST', url, body }, [inspections]);

    const created = await supervisor.post(url, body);
    expect(created.statusCode, created.body).toBe(200);
    const item = created.json();
    expect(item).toMatchObject({ status: 'open', dueOn: '2026-12-31', actions: ['edit', 'close'] });
    const [notice] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.link, `/app/inspections?id=${item.id}`));
    expect(notice.title).toContain('监督检查');
    const recorded = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'inspection.recorded'), eq(auditLog.targetId, item.id)));
    expect(recorded).toHaveLength(1);

    // Nobody else edits it: not the buyer, not an admin, not another supervisor.
    await expectDeniedToEach(
      t,
      NOT_SUPERVISORS,
      { method: 'PATCH', url: `/api/inspections/${item.id}`, body: { scope: '改' } },
      [inspections],
    );
    await db()
      .update(inspections)
      .set({ supervisorId: '00000000-0000-4000-8000-000000000001' })
      .where(eq(inspections.id, item.id));
    expect((await supervisor.patch(`/api/inspections/${item.id}`, { scope: '别人的记录' })).statusCode).toBe(
      403,
    );
    expect((await supervisor.post(`/api/inspections/${item.id}/close`, {})).statusCode).toBe(403);
    const me = (await supervisor.get('/api/auth/session')).json().user;
    await db().update(inspections).set({ supervisorId: me.id }).where(eq(inspections.id, item.id));

    const badEdit = await supervisor.patch(`/api/inspections/${item.id}`, {
      dueOn: '2026-13-01',
      version: item.version,
    });
    expect(badEdit.statusCode).toBe(422);
    const edited = await supervisor.patch(`/api/inspections/${item.id}`, {
      findings: '票据齐全，签到表缺失',
      version: item.version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ findings: '票据齐全，签到表缺失', version: item.version + 1 });

    const buyer = await t.as('buyer');
    const mine = (await buyer.get('/api/inspections')).json();
    expect(mine.items.map((i: { id: string }) => i.id)).toContain(item.id);
    expect(
      (await (await t.as('station')).get('/api/inspections')).json().items.map((i: { id: string }) => i.id),
    ).not.toContain(item.id);
    expect((await (await t.as('station')).get(`/api/inspections/${item.id}`)).statusCode).toBe(403);
    const notBuyers = ALL_ROLES_USERS.filter((u) => u !== 'buyer');
    await expectDeniedToEach(
      t,
      notBuyers,
      { method: 'POST', url: `/api/inspections/${item.id}/answer`, body: { answer: '已补充签到表' } },
      [inspections],
    );
    const emptyAnswer = await buyer.post(`/api/inspections/${item.id}/answer`, { answer: '' });
    expect(emptyAnswer.statusCode).toBe(422);
    const answered = await buyer.post(`/api/inspections/${item.id}/answer`, { answer: '已补充签到表' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({
      status: 'answered',
      answer: '已补充签到表',
      actions: ['answer'],
    });
    const file = await upload(
      buyer,
      `/api/inspections/${item.id}/answer-file`,
      pdf,
      '签到表.pdf',
      'application/pdf',
    );
    expect(file.statusCode, file.body).toBe(200);
    expect(file.json().answerFileName).toBe('签到表.pdf');
    const attached = await supervisor.get(`/api/inspections/${item.id}/answer-file`);
    expect(attached.statusCode).toBe(200);
    expect(await readsOf(item.id)).toHaveLength(1);

    const closed = await supervisor.post(`/api/inspections/${item.id}/close`, { note: '整改到位' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closeNote: '整改到位', actions: [] });
    expect(
      (await supervisor.patch(`/api/inspections/${item.id}`, { scope: '已办结后修改' })).statusCode,
    ).toBe(403);
    expect(
      (await buyer.post(`/api/inspections/${item.id}/answer`, { answer: '办结后再答复' })).statusCode,
    ).toBe(403);
    const actions = (
      await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, item.id))
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'inspection.recorded',
        'inspection.updated',
        'inspection.answered',
        'inspection.answer_file',
        'inspection.closed',
      ]),
    );
  });

  it('is the only thing a supervisor writes: other modules’ write routes refuse it', async () => {
    const supervisor = await t.as('supervisor');
    const [payment] = await db().select().from(payments).where(eq(payments.projectId, project.contract.id));
    const day = 86_400_000;
    // A valid body: the refusal must come from who asks, not from what is asked.
    const validCall = {
      title: '监督人员试图发布的项目',
      category: 'elderly',
      serviceAreaIds: (await communitiesOf(db())).slice(0, 1).map((c) => c.region.id),
      targetGroups: ['老人'],
      budgetCapFen: 20_000_000,
      totalBudgetFen: 40_000_000,
      servicePeriodStart: '2027-01-01',
      servicePeriodEnd: '2027-12-31',
      applicationOpensAt: new Date(Date.now() - day).toISOString(),
      applicationClosesAt: new Date(Date.now() + 14 * day).toISOString(),
      descriptionHtml: '<p>x</p>',
    };
    const attempts: { method: 'POST' | 'PATCH' | 'PUT'; url: string; body?: unknown }[] = [
      { method: 'POST', url: '/api/calls', body: validCall },
      { method: 'PATCH', url: `/api/calls/${project.call.id}`, body: { title: '监督改名' } },
      {
        method: 'POST',
        url: `/api/projects/${project.contract.id}/terminate`,
        body: { reason: '监督终止项目' },
      },
      {
        method: 'POST',
        url: `/api/projects/${project.contract.id}/expenses`,
        body: {
          category: 'activities',
          amountFen: 1,
          spentOn: '2026-11-30',
          invoiceNo: '1',
          payee: '某公司',
        },
      },
      ...(payment ? [{ method: 'POST' as const, url: `/api/payments/${payment.id}/approve`, body: {} }] : []),
    ];
    const before = await snapshotCounts(t, [calls, payments, inspections]);
    for (const a of attempts) {
      const res = await supervisor.request(a.method, a.url, a.body);
      expect({ url: a.url, status: res.statusCode }).toEqual({ url: a.url, status: 403 });
    }
    expect(await snapshotCounts(t, [calls, payments, inspections])).toEqual(before);
  });
});

describe('the dossier', () => {
  it('is a ZIP of the documents, a PDF a step, the ledgers and the audit extract, its download audited', async () => {
    const supervisor = await t.as('supervisor');
    const res = await supervisor.get(`/api/supervision/projects/${project.call.id}/dossier.zip`);
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const entries = await unzipEntries(res.rawPayload);
    const names = [...entries.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        '摘要/01-征集.pdf',
        '摘要/02-申报与评审.pdf',
        '摘要/05-资金.pdf',
        '摘要/07-监督检查.pdf',
        '台账/实施台账.xlsx',
        '台账/资金拨付.xlsx',
        '台账/支出明细.xlsx',
        '审计/审计记录.xlsx',
      ]),
    );
    const receipt = names.find((n) => n.startsWith('文件/支出票据/'));
    expect(receipt).toMatch(/04400999-发票\.pdf$/);
    expect(entries.get(receipt!)!.equals(pdf)).toBe(true);
    expect(entries.get('摘要/05-资金.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(entries.get('审计/审计记录.xlsx') as unknown as ArrayBuffer);
    expect(wb.worksheets[0].rowCount).toBeGreaterThan(2);
    const reads = (await readsOf(project.call.id)).map((e) => (e.summary as { read: string }).read);
    expect(reads).toContain('dossier');
    await expectDeniedToEach(t, NOT_OVERSEERS, {
      method: 'GET',
      url: `/api/supervision/projects/${project.call.id}/dossier.zip`,
    });
  });
});
