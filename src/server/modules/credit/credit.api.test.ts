import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDIT_PERIODS, defaultEndsOn, NATIONAL_IMPORT_HEADERS } from '../../../domain/credit.js';
import { creditCodeCheckChar } from '../../../domain/credit-code.js';
import { addDays, todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertApplication, insertCall, insertUser, orgOf } from '../../testing/factories.js';
import { ALL_ROLES_USERS, buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload, xlsx } from '../../testing/uploads.js';
import { users } from '../accounts/schema.js';
import { auditLog } from '../audit/schema.js';
import { attachments } from '../files/schema.js';
import { notifications } from '../notifications/schema.js';
import { orgs } from '../orgs/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { publicities } from '../publicity/schema.js';
import { creditAppeals, creditEntries } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const TODAY = todayInShanghai();
const pdf = Buffer.from('%PDF-1.4\n% evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const NOT_ADMINS = ALL_ROLES_USERS.filter((u) => u !== 'admin');
const NOT_PROVIDERS = ALL_ROLES_USERS.filter((u) => u !== 'provider');
const tables = [creditEntries, creditAppeals, attachments, notifications];

/** Scores every indicator of the default system at `share` of its weight. */
async function finalEvaluation(projectId: string, share: number) {
  const { own } = await evaluatorOrgs(db());
  const buyer = await t.as('buyer');
  const commissioned = await buyer.post(`/api/projects/${projectId}/evaluations`, {
    stage: 'final',
    evaluatorOrgId: own,
    dueOn: addDays(TODAY, 30),
  });
  expect(commissioned.statusCode, commissioned.body).toBe(201);
  const id = commissioned.json().id;
  const evaluator = await t.as('evaluator');
  const template = (await evaluator.get(`/api/evaluations/${id}`)).json();
  const scores = template.dimensions.flatMap((d: { indicators: { key: string; weight: number }[] }) =>
    d.indicators.map((i) => ({ key: i.key, score: Math.round(i.weight * share * 10) / 10, note: '见报告' })),
  );
  const saved = await evaluator.put(`/api/evaluations/${id}/scores`, {
    scores,
    reportSummary: '项目按计划推进，服务台账完整，评估意见见报告。',
  });
  expect(saved.statusCode, saved.body).toBe(200);
  expect((await upload(evaluator, `/api/evaluations/${id}/report`, pdf, '报告.pdf')).statusCode).toBe(201);
  expect((await evaluator.post(`/api/evaluations/${id}/submit`, {})).statusCode).toBe(200);
  const accepted = await buyer.post(`/api/evaluations/${id}/accept`, {});
  expect(accepted.statusCode, accepted.body).toBe(200);
  return accepted.json();
}

async function startedProject() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

const entriesOf = (projectId: string) =>
  db().select().from(creditEntries).where(eq(creditEntries.projectId, projectId));

let providerSequence = 0;
/** A provider organization of its own with a signed-in user, so that listing it affects no other test. */
async function newProvider() {
  providerSequence++;
  const first17 = `52530111MJ${String(1_000_000 + providerSequence * 7919).slice(-7)}`;
  const [org] = await db()
    .insert(orgs)
    .values({
      name: `官渡区测试社会工作服务中心${providerSequence}`,
      kind: 'provider',
      creditCode: first17 + creditCodeCheckChar(first17),
      registeredOn: '2018-05-01',
      contactName: '张联系',
      contactPhone: '13987654321',
    })
    .returning();
  const username = `credit-provider-${providerSequence}`;
  await insertUser(db(), username, 'provider', org.id);
  return { org, client: await t.as(username) };
}

const decision = (orgId: string, over: Record<string, unknown> = {}) => ({
  orgId,
  list: 'black',
  reasonCode: 'fraud',
  reason: '在申报材料中虚报服务人次，骗取项目资金',
  decidedBy: '昆明市官渡区民政局',
  documentNo: `官民社决〔2026〕${Math.floor(Math.random() * 900 + 100)}号`,
  decidedOn: TODAY,
  startsOn: TODAY,
  ...over,
});

/** An entry of this organization with an open appeal against it. */
async function appealed(orgId: string) {
  const entry = await listed(orgId);
  const [appeal] = await db()
    .insert(creditAppeals)
    .values({ entryId: entry.id, orgId, reasons: '请求撤销该条记录，理由见附件' })
    .returning();
  return { entry, appeal };
}

async function listed(orgId: string, over: Record<string, unknown> = {}) {
  const res = await (await t.as('admin')).post('/api/credit/entries', decision(orgId, over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('proposals', () => {
  it('a final 不合格 proposes a black entry once, for the admins to confirm; it is not in force yet', async () => {
    const { contract, title } = await startedProject();
    await finalEvaluation(contract.id, 0.5);
    const proposed = await entriesOf(contract.id);
    expect(proposed).toMatchObject([
      {
        list: 'black',
        reasonCode: 'failed_evaluation',
        status: 'proposed',
        origin: 'system',
        startsOn: TODAY,
      },
    ]);
    expect(proposed[0].reason).toContain(title);
    expect(proposed[0].endsOn).toBe(defaultEndsOn('black', TODAY, DEFAULT_CREDIT_PERIODS));
    const [admin] = await db().select().from(users).where(eq(users.username, 'admin'));
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, admin.id), eq(notifications.kind, 'credit.proposed')));
    expect(told.some((n) => n.link === `/app/credit/entries/${proposed[0].id}`)).toBe(true);

    // Another write on the project recomputes and proposes nothing new.
    const terminate = await (await t.as('buyer')).post(`/api/projects/${contract.id}/terminate`, {
      reason: '末期评估不合格，终止合同',
    });
    expect(terminate.statusCode, terminate.body).toBe(200);
    expect((await entriesOf(contract.id)).map((e) => e.reasonCode).sort()).toEqual([
      'failed_evaluation',
      'termination',
    ]);

    const list = (
      await (await t.as('admin')).get('/api/credit/entries?standing=proposed&pageSize=100')
    ).json();
    expect(list.items.find((e: { id: string }) => e.id === proposed[0].id)).toMatchObject({
      standing: 'proposed',
      actions: ['confirm', 'decline', 'attach'],
      projectTitle: title,
    });
    const open = (await (await t.client()).get('/api/public/credit-entries?pageSize=100')).json();
    expect(open.items.map((e: { id: string }) => e.id)).not.toContain(proposed[0].id);
    // Providers and buyers do not see proposals.
    expect((await (await t.as('provider')).get(`/api/credit/entries/${proposed[0].id}`)).statusCode).toBe(
      404,
    );
    expect((await (await t.as('buyer')).get(`/api/credit/entries/${proposed[0].id}`)).statusCode).toBe(404);
    expect((await (await t.as('supervisor')).get(`/api/credit/entries/${proposed[0].id}`)).statusCode).toBe(
      200,
    );
  });

  it('a final 优秀 with a clean record proposes a red entry when the results publicity makes it final', async () => {
    const { contract } = await startedProject();
    const accepted = await finalEvaluation(contract.id, 0.95);
    expect(accepted.grade).toBe('excellent');
    expect(await entriesOf(contract.id)).toEqual([]);
    await db()
      .update(publicities)
      .set({ opensOn: addDays(TODAY, -10), closesOn: addDays(TODAY, -1) })
      .where(eq(publicities.id, accepted.publicityId));
    const closed = await (await t.as('buyer')).post(`/api/publicities/${accepted.publicityId}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await entriesOf(contract.id)).toMatchObject([
      { list: 'red', reasonCode: 'excellent_evaluation', status: 'proposed' },
    ]);
  });
});

describe('confirming and declining', () => {
  it('the admin confirms with the 文号 and dates; the organization and its buyers with work under way are told', async () => {
    const { org, client: provider } = await newProvider();
    const call = await insertCall(db());
    await insertApplication(db(), call, { providerOrgId: org.id, status: 'submitted' });
    const { contract } = await signedContract(db());
    const [proposal] = await db()
      .insert(creditEntries)
      .values({
        orgId: org.id,
        list: 'black',
        reasonCode: 'termination',
        reason: '承接项目被终止',
        decidedBy: '昆明市官渡区民政局',
        startsOn: TODAY,
        endsOn: addDays(TODAY, 100),
        status: 'proposed',
        origin: 'system',
        projectId: contract.id,
      })
      .returning();
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, tables);
    const missing = await admin.post(`/api/credit/entries/${proposal.id}/confirm`, { reason: '好' });
    expect(missing.statusCode).toBe(422);
    expect(
      missing
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['documentNo', 'reason']);
    const backwards = await admin.post(`/api/credit/entries/${proposal.id}/confirm`, {
      reason: '经核实情况属实，予以列入',
      documentNo: '官民社决〔2026〕31号',
      startsOn: addDays(TODAY, 10),
      endsOn: addDays(TODAY, 5),
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().details.fields).toEqual([
      { path: 'endsOn', message: '截止日期不能早于开始日期' },
    ]);
    const stale = await admin.post(`/api/credit/entries/${proposal.id}/confirm`, {
      reason: '经核实情况属实，予以列入',
      documentNo: '官民社决〔2026〕31号',
      version: proposal.version + 5,
    });
    expect(stale.statusCode).toBe(409);
    expect(await snapshotCounts(t, tables)).toEqual(before);

    const res = await admin.post(`/api/credit/entries/${proposal.id}/confirm`, {
      reason: '经核实情况属实，予以列入',
      documentNo: '官民社决〔2026〕31号',
      version: proposal.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'listed',
      standing: 'active',
      documentNo: '官民社决〔2026〕31号',
      decidedOn: TODAY,
      startsOn: TODAY,
      endsOn: defaultEndsOn('black', TODAY, DEFAULT_CREDIT_PERIODS),
      decisionNote: '经核实情况属实，予以列入',
      actions: ['remove', 'attach'],
    });
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, proposal.id));
    expect(audit.map((a) => a.action)).toContain('credit_entry.confirm');
    const buyerIds = (
      await db().select({ id: users.id }).from(users).where(eq(users.orgId, call.buyerOrgId))
    ).map((u) => u.id);
    const told = await db().select().from(notifications).where(eq(notifications.kind, 'credit.listed'));
    expect(told.some((n) => buyerIds.includes(n.userId) && n.body?.includes('1份申报在审查中'))).toBe(true);
    const mine = (await provider.get('/api/notifications')).json();
    expect(JSON.stringify(mine)).toContain('本单位被列入黑榜');
    // Confirmed once: a second confirmation is a conflict.
    const again = await admin.post(`/api/credit/entries/${proposal.id}/confirm`, {
      reason: '经核实情况属实，予以列入',
      documentNo: '官民社决〔2026〕31号',
    });
    expect(again.statusCode).toBe(409);
  });

  it('the admin declines with a reason; a declined proposal is not proposed again', async () => {
    const { contract } = await startedProject();
    await (await t.as('buyer')).post(`/api/projects/${contract.id}/terminate`, {
      reason: '服务对象搬迁，项目无法继续',
    });
    const [proposal] = await entriesOf(contract.id);
    const admin = await t.as('admin');
    const noReason = await admin.post(`/api/credit/entries/${proposal.id}/decline`, {});
    expect(noReason.statusCode).toBe(422);
    const res = await admin.post(`/api/credit/entries/${proposal.id}/decline`, {
      reason: '终止系客观原因所致，不属于承接方失信',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'declined', standing: 'declined', actions: [] });
    expect(await entriesOf(contract.id)).toHaveLength(1);
  });
});

describe('entering and importing decisions', () => {
  it('the admin enters a national-list decision; bad input is refused field by field, writing nothing', async () => {
    const { org } = await newProvider();
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, tables);
    const bad = await admin.post('/api/credit/entries', {
      ...decision(org.id),
      list: 'black_abnormal',
      reasonCode: 'fraud',
      decidedOn: '2026-02-30',
      reason: '短',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['decidedOn', 'reason']);
    const wrongReason = await admin.post('/api/credit/entries', {
      ...decision(org.id),
      list: 'black_abnormal',
      reasonCode: 'fraud',
    });
    expect(wrongReason.json().details.fields[0]).toMatchObject({ path: 'reasonCode' });
    const buyerOrg = await orgOf(db(), 'buyer');
    const notProvider = await admin.post('/api/credit/entries', decision(buyerOrg));
    expect(notProvider.statusCode).toBe(422);
    expect(notProvider.json().details.fields[0].message).toBe('只有承接主体（社会组织）可以列入名单');
    expect(await snapshotCounts(t, tables)).toEqual(before);

    const created = await listed(org.id, { list: 'black_abnormal', reasonCode: 'annual_report' });
    expect(created).toMatchObject({
      status: 'listed',
      standing: 'active',
      origin: 'admin',
      endsOn: defaultEndsOn('black_abnormal', TODAY, DEFAULT_CREDIT_PERIODS),
    });
    const evidence = await upload(admin, `/api/credit/entries/${created.id}/attachments`, pdf, '决定书.pdf');
    expect(evidence.statusCode, evidence.body).toBe(201);
    expect(evidence.json().attachments).toHaveLength(1);
    // The evidence is the supervisors' and the organization's to read, not the public's.
    const url = evidence.json().attachments[0].url;
    expect((await (await t.as('supervisor')).get(url)).statusCode).toBe(200);
    expect((await (await t.client()).get(url)).statusCode).toBe(401);
  });

  it('imports national-list decisions from Excel all or nothing, naming every bad row', async () => {
    const a = await newProvider();
    const b = await newProvider();
    const header = [...NATIONAL_IMPORT_HEADERS];
    const good = (code: string, no: string) => [
      code,
      '活动异常名录',
      '未按规定报送年度工作报告',
      '未按规定报送2025年度工作报告',
      '昆明市官渡区民政局',
      no,
      TODAY,
      TODAY,
      '',
    ];
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, tables);
    const badFile = await xlsx([
      header,
      good(a.org.creditCode!, '官民社〔2026〕101号'),
      [
        '52530111MJ0000000X',
        '活动异常名录',
        '未按规定报送年度工作报告',
        '未按规定报送年度报告',
        '民政局',
        '官民社〔2026〕102号',
        TODAY,
        TODAY,
        '',
      ],
      [
        b.org.creditCode!,
        '黑名单',
        '其他',
        '未按规定报送年度报告',
        '昆明市官渡区民政局',
        '官民社〔2026〕103号',
        TODAY,
        TODAY,
        '',
      ],
      [
        b.org.creditCode!,
        '严重违法失信名单',
        '被责令停止活动',
        '被责令停止活动',
        '昆明市官渡区民政局',
        '官民社〔2026〕104号',
        '2026-13-01',
        TODAY,
        addDays(TODAY, -3),
      ],
      good(a.org.creditCode!, '官民社〔2026〕101号'),
    ]);
    const refused = await upload(admin, '/api/credit/import', badFile);
    expect(refused.statusCode).toBe(422);
    const rows = refused.json().details.rows as { row: number; field: string }[];
    expect(rows.map((r) => `${r.row}:${r.field}`).sort()).toEqual(
      ['3:统一社会信用代码', '4:名单类型', '5:决定日期', '6:决定文号'].sort(),
    );
    expect(await snapshotCounts(t, tables)).toEqual(before);

    const okFile = await xlsx([
      header,
      good(a.org.creditCode!, '官民社〔2026〕201号'),
      [
        b.org.creditCode!,
        '严重违法失信名单',
        'court_dishonest',
        '被人民法院列入失信被执行人名单',
        '昆明市官渡区民政局',
        '官民社〔2026〕202号',
        TODAY,
        TODAY,
        '',
      ],
    ]);
    const imported = await upload(admin, '/api/credit/import', okFile);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ imported: 2 });
    const rowsOfB = await db().select().from(creditEntries).where(eq(creditEntries.orgId, b.org.id));
    expect(rowsOfB).toMatchObject([
      { list: 'black_dishonest', reasonCode: 'court_dishonest', origin: 'import' },
    ]);
    const template = await admin.get('/api/credit/import-template.xlsx');
    expect(template.statusCode).toBe(200);
  });
});

describe('enforcement', () => {
  async function submitDraft(providerOrgId: string, client: TestClient) {
    const call = await insertCall(db());
    const draft = await insertApplication(db(), call, { providerOrgId, status: 'draft', submittedAt: null });
    const res = await client.post(`/api/applications/${draft.id}/submit`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it('refuses the applications of an organization on the black list, naming the entry; an abnormal entry warns', async () => {
    const { org, client } = await newProvider();
    const abnormal = await listed(org.id, {
      list: 'black_abnormal',
      reasonCode: 'unreachable',
      documentNo: '官民社〔2026〕301号',
    });
    const warned = await submitDraft(org.id, client);
    expect(warned.status).toBe('eligible');
    expect(warned.eligibility.find((c: { rule: string }) => c.rule === 'abnormal_list')).toMatchObject({
      passed: true,
      message: expect.stringContaining('活动异常名录（昆明市官渡区民政局 官民社〔2026〕301号'),
    });
    expect(abnormal.standing).toBe('active');

    const black = await listed(org.id, { documentNo: '官民社决〔2026〕302号', endsOn: addDays(TODAY, 30) });
    const refused = await submitDraft(org.id, client);
    expect(refused.status).toBe('ineligible');
    expect(refused.eligibility.find((c: { rule: string }) => c.rule === 'black_list')).toMatchObject({
      passed: false,
      message: `申报单位在名单期内，不得申报：黑榜（昆明市官渡区民政局 官民社决〔2026〕302号，${TODAY}至${addDays(TODAY, 30)}）：在申报材料中虚报服务人次，骗取项目资金`,
    });

    // Removed early: the next application passes again.
    const removed = await (await t.as('admin')).post(`/api/credit/entries/${black.id}/remove`, {
      reason: '决定已被复议机关撤销',
    });
    expect(removed.json()).toMatchObject({ status: 'removed', standing: 'removed', removedOn: TODAY });
    expect((await submitDraft(org.id, client)).status).toBe('eligible');
  });

  it('does not refuse for an entry that has not begun or has ended', async () => {
    const { org, client } = await newProvider();
    await listed(org.id, {
      decidedOn: addDays(TODAY, -400),
      startsOn: addDays(TODAY, -400),
      endsOn: addDays(TODAY, -1),
    });
    await listed(org.id, { decidedOn: TODAY, startsOn: addDays(TODAY, 1) });
    expect((await submitDraft(org.id, client)).status).toBe('eligible');
  });
});

describe('appeals', () => {
  it('the organization appeals with evidence; the admin rejects (it stays) or upholds (it is removed); the public sees the decisions', async () => {
    const { org, client: provider } = await newProvider();
    const entry = await listed(org.id, { documentNo: '官民社决〔2026〕401号' });
    expect((await provider.get(`/api/credit/entries/${entry.id}`)).json().actions).toEqual(['appeal']);
    const other = await newProvider();
    const before = await snapshotCounts(t, tables);
    const short = await provider.post(`/api/credit/entries/${entry.id}/appeals`, { reasons: '不服' });
    expect(short.statusCode).toBe(422);
    expect(short.json().details.fields[0].path).toBe('reasons');
    // Another organization's provider learns nothing of it.
    expect(
      (
        await other.client.post(`/api/credit/entries/${entry.id}/appeals`, {
          reasons: '该记录与事实不符，请予撤销',
        })
      ).statusCode,
    ).toBe(404);
    expect(await snapshotCounts(t, tables)).toEqual(before);

    const filed = await provider.post(`/api/credit/entries/${entry.id}/appeals`, {
      reasons: '所述服务人次有签到表为证，不存在虚报，请予撤销',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const appeal = filed.json();
    expect(appeal).toMatchObject({ status: 'open', actions: ['attach'] });
    const twice = await provider.post(`/api/credit/entries/${entry.id}/appeals`, {
      reasons: '再次申诉，请予撤销该条记录',
    });
    expect(twice.statusCode).toBe(409);
    const evidence = await upload(
      provider,
      `/api/credit/appeals/${appeal.id}/attachments`,
      pdf,
      '签到表.pdf',
    );
    expect(evidence.statusCode, evidence.body).toBe(201);
    // Buyers read the entry, not the organization's case.
    const asBuyer = (await (await t.as('buyer')).get(`/api/credit/entries/${entry.id}`)).json();
    expect(asBuyer.appeals).toEqual([]);
    expect((await (await t.as('buyer')).get(evidence.json().attachments[0].url)).statusCode).toBe(403);

    const admin = await t.as('admin');
    const noReason = await admin.post(`/api/credit/appeals/${appeal.id}/decide`, { decision: 'rejected' });
    expect(noReason.statusCode).toBe(422);
    const rejected = await admin.post(`/api/credit/appeals/${appeal.id}/decide`, {
      decision: 'rejected',
      reason: '签到表与服务记录不一致，维持原决定',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionReason: '签到表与服务记录不一致，维持原决定',
    });
    expect((await admin.get(`/api/credit/entries/${entry.id}`)).json()).toMatchObject({ standing: 'active' });
    const decidedTwice = await admin.post(`/api/credit/appeals/${appeal.id}/decide`, {
      decision: 'upheld',
      reason: '改变主意，申诉成立',
    });
    expect(decidedTwice.statusCode).toBe(409);

    // A second appeal, upheld: the entry is removed with the reason.
    const second = (
      await provider.post(`/api/credit/entries/${entry.id}/appeals`, {
        reasons: '补充提交社区出具的服务证明，请复核',
      })
    ).json();
    const upheld = await admin.post(`/api/credit/appeals/${second.id}/decide`, {
      decision: 'upheld',
      reason: '经复核服务记录属实，撤销列入决定',
    });
    expect(upheld.statusCode, upheld.body).toBe(200);
    const after = (await (await t.as('supervisor')).get(`/api/credit/entries/${entry.id}`)).json();
    expect(after).toMatchObject({
      status: 'removed',
      standing: 'removed',
      removedReason: '申诉成立：经复核服务记录属实，撤销列入决定',
    });
    expect(after.appeals.map((a: { status: string }) => a.status)).toEqual(['rejected', 'upheld']);

    const pub = (await (await t.client()).get(`/api/public/orgs/${org.id}`)).json();
    expect(pub.entries).toHaveLength(1);
    expect(pub.entries[0]).toMatchObject({
      standing: 'removed',
      documentNo: '官民社决〔2026〕401号',
      removedReason: '申诉成立：经复核服务记录属实，撤销列入决定',
      appeals: [
        { status: 'rejected', decisionReason: '签到表与服务记录不一致，维持原决定', decidedOn: TODAY },
        { status: 'upheld', decisionReason: '经复核服务记录属实，撤销列入决定', decidedOn: TODAY },
      ],
    });
    // The organization's own reasons stay out of public view.
    expect(JSON.stringify(pub)).not.toContain('签到表为证');
  });

  it('lists appeals for admins and supervisors, a provider its own', async () => {
    const admin = (await (await t.as('admin')).get('/api/credit/appeals')).json();
    expect(admin.total).toBeGreaterThan(0);
    expect((await (await t.as('supervisor')).get('/api/credit/appeals')).statusCode).toBe(200);
    const mine = (await (await t.as('provider')).get('/api/credit/appeals')).json();
    const own = await orgOf(db(), 'provider');
    const ownAppeals = await db().select().from(creditAppeals).where(eq(creditAppeals.orgId, own));
    expect(mine.total).toBe(ownAppeals.length);
  });
});

describe('the public 红黑榜 and organization profile', () => {
  it('shows the entries in force with their decisions, and a provider’s profile without contacts', async () => {
    const { org } = await newProvider();
    const entry = await listed(org.id, { documentNo: '官民社决〔2026〕501号' });
    const res = await (await t.client()).get('/api/public/credit-entries?list=black&pageSize=100');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.find((e: { id: string }) => e.id === entry.id)).toMatchObject({
      orgName: org.name,
      orgCreditCode: org.creditCode,
      list: 'black',
      reasonLabel: '弄虚作假、骗取资金',
      decidedBy: '昆明市官渡区民政局',
      documentNo: '官民社决〔2026〕501号',
      standing: 'active',
    });
    const searched = (
      await (await t.client()).get(`/api/public/credit-entries?q=${encodeURIComponent(org.name)}`)
    ).json();
    expect(searched.items.map((e: { id: string }) => e.id)).toEqual([entry.id]);

    const profile = (await (await t.client()).get(`/api/public/orgs/${org.id}`)).json();
    expect(profile).toMatchObject({
      name: org.name,
      creditCode: org.creditCode,
      registeredOn: '2018-05-01',
      legalForm: '民办非企业单位（社会服务机构）',
      projects: [],
    });
    expect(JSON.stringify(profile)).not.toContain('13987654321');
    expect(JSON.stringify(profile)).not.toContain('张联系');

    // The demo provider's delivered projects, with amounts and grades.
    const demo = (await (await t.client()).get(`/api/public/orgs/${await orgOf(db(), 'provider')}`)).json();
    expect(demo.projects.length).toBeGreaterThan(0);
    expect(demo.projects.some((p: { grade: string | null }) => p.grade === 'fail')).toBe(true);
    expect((await (await t.client()).get(`/api/public/orgs/${await orgOf(db(), 'buyer')}`)).statusCode).toBe(
      404,
    );
  });
});

describe('who may do what', () => {
  it('answers 403 to everyone but admins on every write, and a supervisor changes nothing', async () => {
    const { org } = await newProvider();
    const { entry, appeal } = await appealed(org.id);
    const ids = { id: entry.id, appeal: appeal.id };
    const writes = [
      { method: 'POST' as const, url: '/api/credit/entries', body: decision(org.id) },
      {
        method: 'POST' as const,
        url: `/api/credit/entries/${ids.id}/confirm`,
        body: { reason: '予以列入。', documentNo: 'X号' },
      },
      {
        method: 'POST' as const,
        url: `/api/credit/entries/${ids.id}/decline`,
        body: { reason: '不予列入。' },
      },
      {
        method: 'POST' as const,
        url: `/api/credit/entries/${ids.id}/remove`,
        body: { reason: '提前移出。' },
      },
      { method: 'POST' as const, url: `/api/credit/entries/${ids.id}/attachments` },
      { method: 'POST' as const, url: '/api/credit/import' },
      { method: 'GET' as const, url: '/api/credit/import-template.xlsx' },
      {
        method: 'POST' as const,
        url: `/api/credit/appeals/${ids.appeal}/decide`,
        body: { decision: 'upheld', reason: '申诉成立。' },
      },
    ];
    for (const request of writes) await expectDeniedToEach(t, [...NOT_ADMINS, null], request, tables);
  });

  it('lets only providers appeal, and only some roles read the lists', async () => {
    const { org } = await newProvider();
    const { entry, appeal } = await appealed(org.id);
    await expectDeniedToEach(
      t,
      [...NOT_PROVIDERS, null],
      {
        method: 'POST',
        url: `/api/credit/entries/${entry.id}/appeals`,
        body: { reasons: '请求撤销该条记录，理由见附件' },
      },
      tables,
    );
    await expectDeniedToEach(
      t,
      [...NOT_PROVIDERS, null],
      { method: 'POST', url: `/api/credit/appeals/${appeal.id}/attachments` },
      tables,
    );
    await expectDeniedToEach(t, ['community', 'expert', 'evaluator', 'resident', null], {
      method: 'GET',
      url: '/api/credit/entries',
    });
    await expectDeniedToEach(t, ['buyer', 'station', 'community', 'expert', 'evaluator', 'resident', null], {
      method: 'GET',
      url: '/api/credit/appeals',
    });
    // Buyers read the decided entries; a provider only its own.
    const buyerList = (await (await t.as('buyer')).get('/api/credit/entries?pageSize=100')).json();
    expect(
      buyerList.items.every((e: { status: string }) => e.status === 'listed' || e.status === 'removed'),
    ).toBe(true);
    expect(buyerList.actions).toEqual([]);
    const providerList = (await (await t.as('provider')).get('/api/credit/entries?pageSize=100')).json();
    const own = await orgOf(db(), 'provider');
    expect(providerList.items.every((e: { orgId: string }) => e.orgId === own)).toBe(true);
    expect((await (await t.as('admin')).get('/api/credit/entries')).json().actions).toEqual([
      'create',
      'import',
    ]);
  });
});
