import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { evaluations } from '../evaluations/schema.js';
import { notifications } from '../notifications/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { INDICATORS } from './indicators/index.js';
import { alerts } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;

/** A started project of 10,000,001 fen; budget 6,000,001 personnel + 4,000,000 activities. */
async function started() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

async function expense(projectId: string, category: string, amountFen: number, invoiceNo = `FP${amountFen}`) {
  const res = await (await t.as('provider')).post(`/api/projects/${projectId}/expenses`, {
    category,
    amountFen,
    spentOn: '2026-11-30',
    invoiceNo,
    payee: '某供应商',
  });
  expect(res.statusCode, res.body).toBe(201);
}

const projectAlerts = async (projectId: string) =>
  (await (await t.as('buyer')).get(`/api/projects/${projectId}/alerts?pageSize=100`)).json().items as {
    id: string;
    indicatorId: string;
    status: string;
    evidence: Record<string, unknown>;
    message: string;
    actions: string[];
  }[];

describe('the indicators', () => {
  it('are registered once each, with a Chinese name and their thresholds', () => {
    expect(INDICATORS.map((i) => i.id)).toEqual([
      'payment_before_milestone',
      'category_overrun',
      'management_cap',
      'spending_ahead_of_progress',
      'failed_evaluation_payments_scheduled',
    ]);
    expect(new Set(INDICATORS.map((i) => i.id)).size).toBe(INDICATORS.length);
    expect(INDICATORS.find((i) => i.id === 'category_overrun')?.settings).toEqual({ toleranceBp: 1000 });
    expect(INDICATORS.find((i) => i.id === 'management_cap')?.settings).toEqual({ capBp: 1000 });
  });
});

describe('alerts', () => {
  it('a category over its budget by more than 10% raises one alert with its evidence; the buyer is told', async () => {
    const { contract } = await started();
    // 4,400,000 is exactly 110% of the activities budget: not yet an overrun.
    await expense(contract.id, 'activities', 4_400_000);
    expect(await projectAlerts(contract.id)).toEqual([]);
    await expense(contract.id, 'activities', 1);
    const [a] = await projectAlerts(contract.id);
    expect(a).toMatchObject({
      indicatorId: 'category_overrun',
      status: 'raised',
      evidence: { category: 'activities', budgetFen: 4_000_000, actualFen: 4_400_001, toleranceBp: 1000 },
      actions: ['acknowledge'],
    });
    expect(a.message).toBe('“活动经费”支出¥44,000.01，超出预算¥40,000.00的10%（容差10%）');
    await expense(contract.id, 'activities', 2, 'FP-again');
    const after = await projectAlerts(contract.id);
    expect(after).toHaveLength(1);
    expect(after[0].evidence.actualFen).toBe(4_400_003);
    const notes = await db().select().from(notifications).where(eq(notifications.kind, 'alert.raised'));
    expect(notes.filter((n) => n.link === `/app/projects/${contract.id}`).length).toBeGreaterThan(0);
  });

  it('management costs above 10% of the contract raise an alert; a budget adjustment resolves an overrun', async () => {
    const { contract } = await started();
    await expense(contract.id, 'management', 1_000_001);
    const kinds = (await projectAlerts(contract.id)).map((a) => a.indicatorId).sort();
    // No management budget: it is both over its (zero) budget and above the cap.
    expect(kinds).toEqual(['category_overrun', 'management_cap']);
    const adj = await (await t.as('provider')).post(`/api/projects/${contract.id}/budget-adjustments`, {
      fromCategory: 'personnel',
      toCategory: 'management',
      amountFen: 1_000_001,
      reason: '管理费用预算不足，从人员经费调整',
    });
    const id = adj.json().adjustments[0].id;
    await (await t.as('buyer')).post(`/api/budget-adjustments/${id}/decide`, { decision: 'approved' });
    const list = await projectAlerts(contract.id);
    expect(list.find((a) => a.indicatorId === 'category_overrun')?.status).toBe('resolved');
    expect(list.find((a) => a.indicatorId === 'management_cap')?.status).toBe('raised');
  });

  it('an overridden payment and a failed evaluation with payments scheduled raise alerts', async () => {
    const { contract } = await started();
    const { own } = await evaluatorOrgs(db());
    await db()
      .insert(evaluations)
      .values({
        projectId: contract.id,
        stage: 'midterm',
        evaluatorOrgId: own,
        dueOn: '2026-12-31',
        templateName: 'x',
        dimensions: [],
        bands: { excellent: 90, good: 80, pass: 60 },
        totalDeci: 500,
        grade: 'fail',
        status: 'accepted',
        acceptedAt: new Date(),
      });
    const res = await (await t.as('provider')).post(`/api/projects/${contract.id}/payments`, {
      milestoneKey: 'signing',
    });
    const pay = res.json().payments[0];
    expect((await projectAlerts(contract.id)).map((a) => a.indicatorId)).toEqual([
      'failed_evaluation_payments_scheduled',
    ]);
    const ok = await (await t.as('buyer')).post(`/api/payments/${pay.id}/approve`, {
      overrideReason: '为保障冬季物资发放，经研究同意先行拨付',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const list = await projectAlerts(contract.id);
    const override = list.find((a) => a.indicatorId === 'payment_before_milestone');
    expect(override?.evidence).toMatchObject({
      paymentId: pay.id,
      amountFen: 4_000_000,
      condition: '中期评估不合格，整改复核合格前暂停拨付',
      overrideReason: '为保障冬季物资发放，经研究同意先行拨付',
    });
  });

  it('are acknowledged with a note by the buyer, kept with their history; others may not', async () => {
    const { contract } = await started();
    await expense(contract.id, 'management', 2_000_000);
    const [a] = (await projectAlerts(contract.id)).filter((x) => x.indicatorId === 'management_cap');
    const url = `/api/alerts/${a.id}/acknowledge`;
    const buyer = await t.as('buyer');
    const short = await buyer.post(url, { note: '知道' });
    expect(short.statusCode).toBe(422);
    await expectDeniedToEach(
      t,
      ['provider', 'station', 'community', 'expert', 'evaluator', 'resident', 'admin', null],
      { method: 'POST', url, body: { note: '已约谈承接机构负责人' } },
      [alerts],
    );
    const res = await buyer.post(url, { note: '已约谈承接机构负责人，要求说明' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgeNote: '已约谈承接机构负责人，要求说明',
      actions: [],
    });
    expect((await buyer.post(url, { note: '再次确认知悉' })).statusCode).toBe(409);
    const monitoring = (await buyer.get('/api/alerts?open=1&pageSize=100')).json();
    expect(monitoring.items.map((x: { id: string }) => x.id)).toContain(a.id);
    expect((await (await t.as('supervisor')).get('/api/alerts?pageSize=100')).json().total).toBeGreaterThan(
      0,
    );
    expect((await (await t.as('station')).get('/api/alerts')).json().items).toEqual([]);
    expect((await (await t.as('provider')).get('/api/alerts')).statusCode).toBe(403);
    expect((await (await t.as('provider')).get(`/api/projects/${contract.id}/alerts`)).statusCode).toBe(403);
    const rows = await db()
      .select()
      .from(alerts)
      .where(and(eq(alerts.projectId, contract.id), eq(alerts.id, a.id)));
    expect(rows[0].acknowledgedBy).toBeTruthy();
  });
});
