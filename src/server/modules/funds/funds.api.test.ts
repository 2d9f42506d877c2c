import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetByCategory } from '../../../domain/funds.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { auditLog } from '../audit/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { projects, rectifications } from '../projects/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { timelineEvents } from '../timeline/schema.js';
import { budgetAdjustments, expenses, payments } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const pdf = Buffer.from('%PDF-1.4\n% invoice\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
// An evaluator not assigned to a project gets 404 (tested in projects.api.test.ts), not 403.
const NOT_BUYERS = ['provider', 'station', 'community', 'expert', 'supervisor', 'resident', 'admin', null];
const NOT_PROVIDERS = ['buyer', 'station', 'community', 'expert', 'supervisor', 'resident', 'admin', null];

/** A started project of 10,000,001 fen: the sample proposal's budget is 12,000,000 personnel + 8,000,000 activities. */
async function started() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

const funds = async (id: string, as = 'buyer') =>
  (await (await t.as(as)).get(`/api/projects/${id}/funds`)).json();

async function requested(projectId: string, milestoneKey: string) {
  const res = await (await t.as('provider')).post(`/api/projects/${projectId}/payments`, { milestoneKey });
  expect(res.statusCode, res.body).toBe(201);
  return res
    .json()
    .payments.find(
      (p: { milestoneKey: string; status: string }) =>
        p.milestoneKey === milestoneKey && p.status === 'requested',
    );
}

/** Sets an accepted evaluation directly: its own tests are in evaluations.api.test.ts. */
async function evaluated(projectId: string, stage: 'midterm' | 'final', grade: 'good' | 'fail') {
  const { own } = await evaluatorOrgs(db());
  const [row] = await db()
    .insert(evaluations)
    .values({
      projectId,
      stage,
      evaluatorOrgId: own,
      dueOn: '2026-12-31',
      templateName: 'x',
      dimensions: [],
      bands: { excellent: 90, good: 80, pass: 60 },
      totalDeci: grade === 'good' ? 850 : 500,
      grade,
      status: 'accepted',
      acceptedAt: new Date(),
    })
    .returning();
  return row;
}

describe('the budget', () => {
  it('splits the contract value over the proposal’s categories exactly, in fen', () => {
    const budget = budgetByCategory(10_000_001, [
      { category: 'personnel', amountFen: 12_000_000 },
      { category: 'activities', amountFen: 8_000_000 },
    ]);
    expect(Object.fromEntries(budget)).toEqual({ personnel: 6_000_001, activities: 4_000_000 });
    const odd = budgetByCategory(100, [
      { category: 'personnel', amountFen: 1 },
      { category: 'activities', amountFen: 1 },
      { category: 'management', amountFen: 1 },
    ]);
    expect([...odd.values()].reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe('payments', () => {
  it('follow the milestones: signing is payable at once; mid-term needs a passed mid-term evaluation', async () => {
    const { contract, call } = await started();
    const first = await requested(contract.id, 'signing');
    expect(first).toMatchObject({
      label: '合同签订后',
      amountFen: 4_000_000,
      condition: 'signing',
      blockedBy: null,
    });
    const again = await (await t.as('provider')).post(`/api/projects/${contract.id}/payments`, {
      milestoneKey: 'signing',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('付款节点“合同签订后”已申请拨付');
    const unknown = await (await t.as('provider')).post(`/api/projects/${contract.id}/payments`, {
      milestoneKey: 'bonus',
    });
    expect(unknown.statusCode).toBe(422);
    await expectDeniedToEach(
      t,
      NOT_PROVIDERS,
      { method: 'POST', url: `/api/projects/${contract.id}/payments`, body: { milestoneKey: 'midterm' } },
      [payments],
    );

    const buyer = await t.as('buyer');
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: `/api/payments/${first.id}/approve`, body: {} },
      [payments],
    );
    const notYet = await buyer.post(`/api/payments/${first.id}/paid`, {
      paidOn: '2026-12-01',
      amountFen: 4_000_000,
      voucherNo: 'BF-1',
    });
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().message).toBe('当前状态为“待审核”，不能资金已拨付');
    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const approvals = await Promise.all([
      a.post(`/api/payments/${first.id}/approve`, {}),
      b.post(`/api/payments/${first.id}/approve`, {}),
    ]);
    expect(approvals.map((r) => r.statusCode).sort()).toEqual([200, 409]);

    const wrong = await buyer.post(`/api/payments/${first.id}/paid`, {
      paidOn: '2026-12-01',
      amountFen: 3_999_999,
      voucherNo: 'BF-1',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().message).toBe('拨付金额应为该节点金额¥40,000.00');
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      {
        method: 'POST',
        url: `/api/payments/${first.id}/paid`,
        body: { paidOn: '2026-12-01', amountFen: 4_000_000, voucherNo: 'BF-1' },
      },
      [payments],
    );
    const paid = await buyer.post(`/api/payments/${first.id}/paid`, {
      paidOn: '2026-12-01',
      amountFen: 4_000_000,
      voucherNo: 'BF-2026-001',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ paidFen: 4_000_000, contractFen: 10_000_001 });
    expect(paid.json().payments[0]).toMatchObject({
      status: 'paid',
      paidOn: '2026-12-01',
      voucherNo: 'BF-2026-001',
    });
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(events.some((e) => e.title.startsWith('拨付资金¥40,000.00（合同签订后）'))).toBe(true);

    const second = await requested(contract.id, 'midterm');
    expect(second.blockedBy).toBe('付款条件“中期评估合格”尚未满足');
    const refused = await buyer.post(`/api/payments/${second.id}/approve`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe('付款条件“中期评估合格”尚未满足，不能批准拨付');
    await evaluated(contract.id, 'midterm', 'good');
    const ok = await buyer.post(`/api/payments/${second.id}/approve`, {});
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('stop after a failed mid-term until its rectification passes; an override is recorded and flagged', async () => {
    const { contract } = await started();
    const mid = await evaluated(contract.id, 'midterm', 'fail');
    const pay = await requested(contract.id, 'signing');
    expect(pay.blockedBy).toBe('中期评估不合格，整改复核合格前暂停拨付');
    const buyer = await t.as('buyer');
    const refused = await buyer.post(`/api/payments/${pay.id}/approve`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe('中期评估不合格，整改复核合格前暂停拨付，不能批准拨付');
    const short = await buyer.post(`/api/payments/${pay.id}/approve`, { overrideReason: '急需' });
    expect(short.statusCode).toBe(422);
    const overridden = await buyer.post(`/api/payments/${pay.id}/approve`, {
      overrideReason: '为保障服务对象冬季物资发放，经局务会研究同意先行拨付',
    });
    expect(overridden.statusCode, overridden.body).toBe(200);
    expect(overridden.json().payments[0]).toMatchObject({
      status: 'approved',
      overrideReason: '为保障服务对象冬季物资发放，经局务会研究同意先行拨付',
    });
    const [entry] = (await db().select().from(auditLog).where(eq(auditLog.targetId, pay.id))).filter(
      (a) => a.action === 'payment.approve',
    );
    expect(entry.summary).toMatchObject({ flagged: true, flag: 'payment_before_milestone' });

    const { own } = await evaluatorOrgs(db());
    await db().insert(rectifications).values({
      projectId: contract.id,
      origin: 'evaluation',
      evaluationId: mid.id,
      reason: '整改',
      workingDays: 15,
      openedOn: '2026-11-01',
      dueOn: '2026-11-20',
      evaluatorOrgId: own,
      status: 'passed',
    });
    const next = await requested(contract.id, 'midterm');
    expect(next.blockedBy).toBeNull();
  });

  it('are refused outright on a terminated project', async () => {
    const { contract } = await started();
    const pay = await requested(contract.id, 'signing');
    await (await t.as('buyer')).post(`/api/projects/${contract.id}/terminate`, {
      reason: '承接机构严重违约',
    });
    const res = await (await t.as('buyer')).post(`/api/payments/${pay.id}/approve`, {
      overrideReason: '理由理由理由理由理由理由',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('项目已终止，不能拨付');
    const request = await (await t.as('provider')).post(`/api/projects/${contract.id}/payments`, {
      milestoneKey: 'midterm',
    });
    expect(request.statusCode).toBe(409);
  });
});

describe('expenses and the budget', () => {
  it('are recorded against categories with receipts; budget vs actual is exact', async () => {
    const { contract } = await started();
    const provider = await t.as('provider');
    const url = `/api/projects/${contract.id}/expenses`;
    const body = {
      category: 'activities',
      amountFen: 1_234_567,
      spentOn: '2026-11-30',
      invoiceNo: '04400123',
      payee: '昆明某印务有限公司',
      description: '活动宣传册印制',
    };
    const before = await snapshotCounts(t, [expenses]);
    const bad = await provider.post(url, {
      ...body,
      category: 'food',
      amountFen: 0,
      spentOn: '2026-13-01',
      invoiceNo: '',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['amountFen', 'category', 'invoiceNo', 'spentOn']);
    const future = await provider.post(url, { ...body, spentOn: '2026-12-02' });
    expect(future.json().details.fields).toEqual([{ path: 'spentOn', message: '支出日期不能晚于今天' }]);
    expect(await snapshotCounts(t, [expenses])).toEqual(before);
    await expectDeniedToEach(t, NOT_PROVIDERS, { method: 'POST', url, body }, [expenses]);

    const res = await provider.post(url, body);
    expect(res.statusCode, res.body).toBe(201);
    await provider.post(url, { ...body, amountFen: 1, invoiceNo: '04400124' });
    const receipt = await upload(
      provider,
      `/api/expenses/${res.json().id}/receipt`,
      pdf,
      '发票.pdf',
      'application/pdf',
    );
    expect(receipt.statusCode, receipt.body).toBe(201);
    const view = await funds(contract.id);
    expect(view.spentFen).toBe(1_234_568);
    expect(view.budget).toEqual([
      { category: 'personnel', label: '人员经费', budgetFen: 6_000_001, actualFen: 0, usedBp: 0 },
      { category: 'activities', label: '活动经费', budgetFen: 4_000_000, actualFen: 1_234_568, usedBp: 3086 },
    ]);
    const withReceipt = view.expenses.find((e: { id: string }) => e.id === res.json().id);
    expect(withReceipt.receipt).toMatchObject({ name: '发票.pdf' });
    expect((await (await t.as('buyer')).get(withReceipt.receipt.url)).statusCode).toBe(200);
    expect((await (await t.as('community')).get(withReceipt.receipt.url)).statusCode).toBe(403);
    expect((await (await t.as('community')).get(`/api/projects/${contract.id}/funds`)).statusCode).toBe(403);
    expect((await (await t.as('evaluator')).get(`/api/projects/${contract.id}/funds`)).statusCode).toBe(404);
  });

  it('moves budget between categories only with the buyer’s approval, keeping before and after', async () => {
    const { contract } = await started();
    const provider = await t.as('provider');
    const url = `/api/projects/${contract.id}/budget-adjustments`;
    const same = await provider.post(url, {
      fromCategory: 'personnel',
      toCategory: 'personnel',
      amountFen: 1,
      reason: '调整人员经费',
    });
    expect(same.json().details.fields).toEqual([
      { path: 'toCategory', message: '调出和调入的预算类别不能相同' },
    ]);
    const tooMuch = await provider.post(url, {
      fromCategory: 'activities',
      toCategory: 'management',
      amountFen: 4_000_001,
      reason: '增加管理费用',
    });
    expect(tooMuch.json().message).toBe('调出金额不能超过“活动经费”预算¥40,000.00');
    const body = {
      fromCategory: 'personnel',
      toCategory: 'activities',
      amountFen: 500_000,
      reason: '社工离职，人员经费结余转活动经费',
    };
    await expectDeniedToEach(t, NOT_PROVIDERS, { method: 'POST', url, body }, [budgetAdjustments]);
    const res = await provider.post(url, body);
    expect(res.statusCode, res.body).toBe(201);
    const [adj] = res.json().adjustments;
    const decide = `/api/budget-adjustments/${adj.id}/decide`;
    await expectDeniedToEach(t, NOT_BUYERS, { method: 'POST', url: decide, body: { decision: 'approved' } }, [
      budgetAdjustments,
    ]);
    const buyer = await t.as('buyer');
    const noNote = await buyer.post(decide, { decision: 'rejected' });
    expect(noNote.statusCode).toBe(422);
    const ok = await buyer.post(decide, { decision: 'approved' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().adjustments[0]).toMatchObject({
      status: 'approved',
      before: { personnel: 6_000_001, activities: 4_000_000 },
      after: { personnel: 5_500_001, activities: 4_500_000 },
    });
    expect(ok.json().budget.map((b: { budgetFen: number }) => b.budgetFen)).toEqual([5_500_001, 4_500_000]);
    const twice = await buyer.post(decide, { decision: 'approved' });
    expect(twice.statusCode).toBe(409);
  });
});

describe('closing', () => {
  it('needs every milestone paid once the final grade is final; the sums are exact in fen', async () => {
    const { contract } = await started();
    await evaluated(contract.id, 'midterm', 'good');
    const final = await evaluated(contract.id, 'final', 'good');
    // As the results publicity leaves them (evaluations.api.test.ts walks it).
    await db().update(evaluations).set({ status: 'final' }).where(eq(evaluations.id, final.id));
    await db().update(projects).set({ status: 'results_publicity' }).where(eq(projects.id, contract.id));
    const buyer = await t.as('buyer');
    for (const key of ['signing', 'midterm']) {
      const pay = await requested(contract.id, key);
      expect((await buyer.post(`/api/payments/${pay.id}/approve`, {})).statusCode).toBe(200);
      await buyer.post(`/api/payments/${pay.id}/paid`, {
        paidOn: '2026-12-01',
        amountFen: pay.amountFen,
        voucherNo: `BF-${key}`,
      });
    }
    const early = await buyer.post(`/api/projects/${contract.id}/close`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('不能结项：尚有1个付款节点未拨付（末期评估合格后）');
    const last = await requested(contract.id, 'final');
    expect(last.amountFen).toBe(3_000_001);
    await buyer.post(`/api/payments/${last.id}/approve`, {});
    await buyer.post(`/api/payments/${last.id}/paid`, {
      paidOn: '2026-12-01',
      amountFen: 3_000_001,
      voucherNo: 'BF-final',
    });
    expect((await funds(contract.id)).paidFen).toBe(10_000_001);
    const closed = await buyer.post(`/api/projects/${contract.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');
  });
});
