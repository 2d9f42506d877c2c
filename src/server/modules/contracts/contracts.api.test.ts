import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertApplication, insertCall, orgOf, sampleProposal } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { users } from '../accounts/schema.js';
import { auditLog } from '../audit/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { notifications } from '../notifications/schema.js';
import { orgs } from '../orgs/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { contractAmendments, contracts } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;

/** A call whose publicity closed: approved awards, as the publicity module leaves them. */
async function approvedCall(
  amounts: number[] = [1_000_001],
  status: 'approved' | 'revoked' | 'proposed' = 'approved',
) {
  const call = await insertCall(db(), { status: 'approved' });
  const rows = [];
  for (const [i, amountFen] of amounts.entries()) {
    const application = await insertApplication(db(), call, {
      status: 'awarded',
      proposal: sampleProposal(`签约测试项目${i + 1}`),
    });
    const [award] = await db()
      .insert(awards)
      .values({
        callId: call.id,
        applicationId: application.id,
        amountFen,
        rank: i + 1,
        scoreCenti: 9000,
        status,
      })
      .returning();
    rows.push({ application, award });
  }
  return { call, awards: rows };
}

async function draft(awardId: string, body: Record<string, unknown> = {}) {
  const res = await (await t.as('buyer')).post(`/api/awards/${awardId}/contract`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function confirm(client: TestClient, contract: { id: string; termsDigest: string }) {
  return client.post(`/api/contracts/${contract.id}/confirm`, { termsDigest: contract.termsDigest });
}

async function signed(awardId: string) {
  const c = await draft(awardId);
  expect((await confirm(await t.as('buyer'), c)).statusCode).toBe(200);
  const res = await confirm(await t.as('provider'), c);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const NOT_BUYERS = [
  'station',
  'provider',
  'community',
  'expert',
  'evaluator',
  'supervisor',
  'resident',
  'admin',
  null,
];

describe('drafting a contract', () => {
  it('defaults to the award amount, the call period, the proposal indicators and 40/30/30 milestones', async () => {
    const { call, awards: rows } = await approvedCall([1_000_001]);
    const c = await draft(rows[0].award.id);
    // The tests' clock (testing/fixed-clock.ts) stands on 2026-12-01 in Shanghai: codes carry that year.
    expect(todayInShanghai()).toBe('2026-12-01');
    expect(c.code).toMatch(/^HT-2026-\d{4}$/);
    expect(c).toMatchObject({
      awardId: rows[0].award.id,
      callId: call.id,
      projectTitle: '签约测试项目1',
      amountFen: 1_000_001,
      awardAmountFen: 1_000_001,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      indicators: sampleProposal().indicators,
      indicatorsChanged: false,
      indicatorChangeReason: null,
      status: 'draft',
      buyerConfirmedAt: null,
      providerConfirmedAt: null,
      actions: ['update', 'confirm'],
    });
    // 40% / 30% / 30% of 1,000,001 fen: the last milestone takes the odd fen, the sum is exact.
    expect(c.milestones).toEqual([
      { key: 'signing', label: '合同签订后', shareBp: 4000, amountFen: 400_000 },
      { key: 'midterm', label: '中期评估合格后', shareBp: 3000, amountFen: 300_000 },
      { key: 'final', label: '末期评估合格后', shareBp: 3000, amountFen: 300_001 },
    ]);
    expect(c.milestones.reduce((s: number, m: { amountFen: number }) => s + m.amountFen, 0)).toBe(1_000_001);
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, providerUser.id), eq(notifications.kind, 'contract.drafted')));
    expect(notes.some((n) => n.link === `/app/contracts/${c.id}`)).toBe(true);
    // Numbers follow on.
    const other = await approvedCall([500_000]);
    const next = await draft(other.awards[0].award.id);
    expect(Number(next.code.slice(-4))).toBe(Number(c.code.slice(-4)) + 1);
  });

  it('takes lower amounts, a shorter period, changed indicators with a reason and custom milestones', async () => {
    const { awards: rows } = await approvedCall([20_000_000]);
    const indicators = [{ kind: 'output', name: '入户探访', target: 200, unit: '人次' }];
    const c = await draft(rows[0].award.id, {
      amountFen: 19_999_999,
      periodStart: '2027-03-01',
      periodEnd: '2027-11-30',
      indicators,
      indicatorChangeReason: '金额调减，探访人次相应调整',
      milestones: [
        { label: '合同签订后', shareBp: 5000 },
        { label: '末期评估合格后', shareBp: 5000 },
      ],
    });
    expect(c).toMatchObject({
      amountFen: 19_999_999,
      periodStart: '2027-03-01',
      periodEnd: '2027-11-30',
      indicators,
      indicatorsChanged: true,
    });
    expect(c.milestones).toEqual([
      { key: 'm1', label: '合同签订后', shareBp: 5000, amountFen: 9_999_999 },
      { key: 'm2', label: '末期评估合格后', shareBp: 5000, amountFen: 10_000_000 },
    ]);
  });

  it('rejects bad terms with field messages, writing nothing', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const url = `/api/awards/${rows[0].award.id}/contract`;
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [contracts, notifications]);
    const sum = await buyer.post(url, {
      milestones: [
        { label: '签订后', shareBp: 4000 },
        { label: '结项后', shareBp: 5000 },
      ],
    });
    expect(sum.statusCode).toBe(422);
    expect(sum.json().details.fields).toEqual([
      { path: 'milestones', message: '付款节点比例合计必须为100%' },
    ]);
    const shape = await buyer.post(url, { amountFen: 1.5, periodStart: '2027-02-30', indicators: [] });
    expect(shape.statusCode).toBe(422);
    expect(
      shape
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['amountFen', 'indicators', 'periodStart']);
    const terms = await buyer.post(url, {
      amountFen: 1_000_001,
      periodStart: '2026-12-01',
      periodEnd: '2028-01-31',
      indicators: [{ kind: 'output', name: '入户探访', target: 100, unit: '人次' }],
    });
    expect(terms.statusCode).toBe(422);
    expect(terms.json().details.fields).toEqual([
      { path: 'amountFen', message: '合同金额不能高于立项金额¥10,000.00' },
      { path: 'periodStart', message: '服务期不能早于项目服务期开始日期2027-01-01' },
      { path: 'periodEnd', message: '服务期不能晚于项目服务期结束日期2027-12-31' },
      { path: 'indicatorChangeReason', message: '绩效指标与申报书不一致，请填写调整原因' },
    ]);
    const order = await buyer.post(url, { periodStart: '2027-06-01', periodEnd: '2027-05-01' });
    expect(order.json().details.fields).toEqual([
      { path: 'periodEnd', message: '服务期结束日期不能早于开始日期' },
    ]);
    expect(await snapshotCounts(t, [contracts, notifications])).toEqual(before);
  });

  it('is for the call’s own buyer only; nothing is written otherwise', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: `/api/awards/${rows[0].award.id}/contract`, body: {} },
      [contracts, notifications],
    );
    expect(
      (await (await t.as('buyer')).post('/api/awards/00000000-0000-4000-8000-000000000000/contract', {}))
        .statusCode,
    ).toBe(404);
  });

  it('needs an approved award without a contract: 409 otherwise, also for two simultaneous requests', async () => {
    const buyer = await t.as('buyer');
    const revoked = await approvedCall([1_000_000], 'revoked');
    const r1 = await buyer.post(`/api/awards/${revoked.awards[0].award.id}/contract`, {});
    expect(r1.statusCode).toBe(409);
    expect(r1.json().message).toBe('该项目已撤销，不能签订合同');
    const proposed = await approvedCall([1_000_000], 'proposed');
    expect((await buyer.post(`/api/awards/${proposed.awards[0].award.id}/contract`, {})).statusCode).toBe(
      409,
    );

    const { awards: rows } = await approvedCall([1_000_000]);
    const url = `/api/awards/${rows[0].award.id}/contract`;
    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const results = await Promise.all([a.post(url, {}), b.post(url, {})]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const again = await a.post(url, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/^该项目已有合同（HT-/);
    expect(await db().select().from(contracts).where(eq(contracts.awardId, rows[0].award.id))).toHaveLength(
      1,
    );
  });
});

describe('editing a draft', () => {
  it('recomputes the milestone amounts and clears confirmations', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    const buyer = await t.as('buyer');
    const confirmed = (await confirm(await t.as('provider'), c)).json();
    expect(confirmed.providerConfirmedAt).toBeTruthy();
    const res = await buyer.patch(`/api/contracts/${c.id}`, { amountFen: 999_999 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      amountFen: 999_999,
      providerConfirmedAt: null,
      buyerConfirmedAt: null,
    });
    expect(res.json().milestones.map((m: { amountFen: number }) => m.amountFen)).toEqual([
      399_999, 299_999, 300_001,
    ]);
    expect(res.json().termsDigest).not.toBe(c.termsDigest);
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, providerUser.id), eq(notifications.kind, 'contract.changed')));
    expect(notes.length).toBeGreaterThan(0);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'contract.updated'), eq(auditLog.targetId, c.id)));
    expect(audit[0].summary).toMatchObject({
      confirmationsCleared: true,
      changes: { amountFen: { before: 1_000_000, after: 999_999 } },
    });
    // A "change" to the same terms writes nothing and keeps confirmations.
    const buyerConfirmed = (await confirm(buyer, res.json())).json();
    const same = await buyer.patch(`/api/contracts/${c.id}`, {
      amountFen: 999_999,
      indicators: sampleProposal().indicators,
    });
    expect(same.json()).toMatchObject({
      version: buyerConfirmed.version,
      buyerConfirmedAt: buyerConfirmed.buyerConfirmedAt,
    });
  });

  it('rejects bad milestones and terms, writing nothing', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [contracts]);
    const sum = await buyer.patch(`/api/contracts/${c.id}`, {
      milestones: [{ label: '签订后', shareBp: 10_001 }],
    });
    expect(sum.statusCode).toBe(422);
    const low = await buyer.patch(`/api/contracts/${c.id}`, {
      milestones: [{ label: '签订后', shareBp: 6000 }],
    });
    expect(low.json().details.fields).toEqual([
      { path: 'milestones', message: '付款节点比例合计必须为100%' },
    ]);
    const more = await buyer.patch(`/api/contracts/${c.id}`, { amountFen: 1_000_001 });
    expect(more.json().details.fields[0].path).toBe('amountFen');
    const stale = await buyer.patch(`/api/contracts/${c.id}`, { amountFen: 900_000, version: c.version - 1 });
    expect(stale.statusCode).toBe(409);
    expect(await snapshotCounts(t, [contracts])).toEqual(before);
    const [row] = await db().select().from(contracts).where(eq(contracts.id, c.id));
    expect(row.version).toBe(c.version);
  });

  it('is for the buyer, and only while draft', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'PATCH', url: `/api/contracts/${c.id}`, body: { amountFen: 1 } },
      [contracts],
    );
    const [row] = await db().select().from(contracts).where(eq(contracts.id, c.id));
    expect(row.amountFen).toBe(1_000_000);
    const done = await signed((await approvedCall([1_000_000])).awards[0].award.id);
    const late = await (await t.as('buyer')).patch(`/api/contracts/${done.id}`, { amountFen: 1 });
    expect(late.statusCode).toBe(409);
  });
});

describe('signing', () => {
  it('signs when both sides confirm, goes public, and contracts the call once every award is signed', async () => {
    const { call, awards: rows } = await approvedCall([1_000_000, 2_000_000]);
    const buyer = await t.as('buyer');
    const provider = await t.as('provider');
    const c = await draft(rows[0].award.id);
    const first = await confirm(buyer, c);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'draft', actions: ['update'] });
    expect(first.json().buyerConfirmedAt).toBeTruthy();
    expect((await provider.get(`/api/contracts/${c.id}`)).json().actions).toEqual(['confirm']);
    const second = await confirm(provider, first.json());
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ status: 'signed', actions: [] });
    expect(second.json().signedAt).toBeTruthy();
    expect((await buyer.get(`/api/contracts/${c.id}`)).json().actions).toEqual(['amend']);

    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const signing = events.find((e) => e.kind === 'contract.signed')!;
    expect(signing.title).toBe('合同签订：签约测试项目1');
    expect(signing.detail).toMatchObject({
      contractCode: c.code,
      amountFen: 1_000_000,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      providerName: c.providerName,
      buyerName: c.buyerName,
      milestones: [
        { label: '合同签订后', shareBp: 4000, amountFen: 400_000 },
        { label: '中期评估合格后', shareBp: 3000, amountFen: 300_000 },
        { label: '末期评估合格后', shareBp: 3000, amountFen: 300_000 },
      ],
    });
    // One of two awards signed: the call waits.
    expect((await db().select().from(calls).where(eq(calls.id, call.id)))[0].status).toBe('approved');
    await signed(rows[1].award.id);
    expect((await db().select().from(calls).where(eq(calls.id, call.id)))[0].status).toBe('contracted');
    const after = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(after.find((e) => e.kind === 'call.contract')?.title).toBe('合同全部签订（2份）');
  });

  it('answers 409 to a second signature, to stale terms and to a side confirming twice', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const buyer = await t.as('buyer');
    const c = await draft(rows[0].award.id);
    const stale = await buyer.post(`/api/contracts/${c.id}/confirm`, { termsDigest: '0000000000000000' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toBe('合同内容已更新，请重新查看后确认');
    expect((await confirm(buyer, c)).statusCode).toBe(200);
    const twice = await confirm(buyer, c);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toBe('您方已确认，等待对方确认');
    // The buyer edits after confirming: the provider's view is stale, both must confirm again.
    const edited = (await buyer.patch(`/api/contracts/${c.id}`, { periodEnd: '2027-11-30' })).json();
    expect(edited.buyerConfirmedAt).toBeNull();
    expect((await confirm(await t.as('provider'), c)).statusCode).toBe(409);
    expect((await confirm(buyer, edited)).statusCode).toBe(200);
    expect((await confirm(await t.as('provider'), edited)).json().status).toBe('signed');
    const again = await confirm(buyer, edited);
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('合同已签订');
    const bad = await buyer.post(`/api/contracts/${c.id}/confirm`, {});
    expect(bad.statusCode).toBe(422);
  });

  it('signs once when the last confirmation is sent twice at the same time', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    await confirm(await t.as('buyer'), c);
    const [a, b] = await Promise.all([t.client('provider'), t.client('provider')]);
    const results = await Promise.all([confirm(a, c), confirm(b, c)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const signings = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'contract.signed'), eq(auditLog.targetId, c.id)));
    expect(signings).toHaveLength(1);
  });

  it('is for the two parties only', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    await expectDeniedToEach(
      t,
      ['station', 'community', 'expert', 'evaluator', 'supervisor', 'resident', 'admin', null],
      { method: 'POST', url: `/api/contracts/${c.id}/confirm`, body: { termsDigest: c.termsDigest } },
      [contracts, timelineEvents],
    );
    const [row] = await db().select().from(contracts).where(eq(contracts.id, c.id));
    expect([row.buyerConfirmedAt, row.providerConfirmedAt]).toEqual([null, null]);
  });
});

describe('reading contracts', () => {
  it('shows a contract to its parties, administrators and supervisors', async () => {
    const { call, awards: rows } = await approvedCall([1_000_000]);
    const c = await draft(rows[0].award.id);
    for (const username of ['buyer', 'provider', 'admin', 'supervisor']) {
      const res = await (await t.as(username)).get(`/api/contracts/${c.id}`);
      expect({ username, status: res.statusCode }).toEqual({ username, status: 200 });
    }
    expect((await (await t.as('supervisor')).get(`/api/contracts/${c.id}`)).json().actions).toEqual([]);
    await expectDeniedToEach(t, ['station', 'community', 'expert', 'evaluator', 'resident', null], {
      method: 'GET',
      url: `/api/contracts/${c.id}`,
    });
    expect((await (await t.as('buyer')).get(`/api/awards/${rows[0].award.id}/contract`)).json().id).toBe(
      c.id,
    );
    expect(
      (await (await t.as('buyer')).get('/api/contracts/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);

    const list = async (username: string, query = `callId=${call.id}`) =>
      (await (await t.as(username)).get(`/api/contracts?${query}`)).json();
    expect((await list('buyer')).items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect((await list('provider')).items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect((await list('supervisor')).items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect((await list('admin')).total).toBe(1);
    expect((await list('station')).total).toBe(0);
    expect((await list('supervisor', `callId=${call.id}&mine=1`)).total).toBe(0);
    expect(
      (await list('buyer', 'status=draft&mine=1')).items.every(
        (i: { status: string }) => i.status === 'draft',
      ),
    ).toBe(true);
    await expectDeniedToEach(t, ['community', 'expert', 'evaluator', 'resident', null], {
      method: 'GET',
      url: '/api/contracts',
    });
  });
});

describe('another provider', () => {
  it('neither sees nor confirms a contract of an organization that is not its own', async () => {
    const providerOrg = await orgOf(db(), 'provider');
    const [other] = await db()
      .select()
      .from(orgs)
      .where(and(eq(orgs.kind, 'provider'), ne(orgs.id, providerOrg)))
      .limit(1);
    const call = await insertCall(db(), { status: 'approved' });
    const application = await insertApplication(db(), call, { status: 'awarded', providerOrgId: other.id });
    const [award] = await db()
      .insert(awards)
      .values({
        callId: call.id,
        applicationId: application.id,
        amountFen: 1_000_000,
        rank: 1,
        scoreCenti: 8000,
        status: 'approved',
      })
      .returning();
    const c = await draft(award.id);
    expect(c.providerName).toBe(other.name);
    const provider = await t.as('provider');
    expect((await provider.get(`/api/contracts/${c.id}`)).statusCode).toBe(403);
    expect((await confirm(provider, c)).statusCode).toBe(403);
    expect((await provider.get(`/api/contracts?callId=${call.id}`)).json().total).toBe(0);
  });
});

describe('amendments', () => {
  it('record reason, before and after, and flag a raised value for supervisors', async () => {
    const { call, awards: rows } = await approvedCall([1_000_000]);
    const c = await signed(rows[0].award.id);
    const buyer = await t.as('buyer');
    const res = await buyer.post(`/api/contracts/${c.id}/amendments`, {
      reason: '服务对象增加，追加服务经费',
      changes: { amountFen: 1_200_000, periodEnd: '2028-03-31' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const amended = res.json();
    expect(amended).toMatchObject({ status: 'signed', amountFen: 1_200_000, periodEnd: '2028-03-31' });
    expect(amended.milestones.map((m: { amountFen: number }) => m.amountFen)).toEqual([
      480_000, 360_000, 360_000,
    ]);
    expect(amended.amendments).toEqual([
      {
        id: expect.any(String),
        number: 1,
        reason: '服务对象增加，追加服务经费',
        before: { amountFen: 1_000_000, periodEnd: '2027-12-31', milestones: c.milestones },
        after: { amountFen: 1_200_000, periodEnd: '2028-03-31', milestones: amended.milestones },
        raisesValue: '合同金额由¥10,000.00增加至¥12,000.00（增加¥2,000.00）',
        createdAt: expect.any(String),
      },
    ]);
    const audit = (
      await (await t.as('supervisor')).get(`/api/audit?action=contract.amended&q=${c.id}`)
    ).json();
    expect(audit.items[0].summary).toMatchObject({ flagged: true, flag: 'raises_value', number: 1 });
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(events.find((e) => e.kind === 'contract.amended')?.detail).toMatchObject({
      number: 1,
      reason: '服务对象增加，追加服务经费',
    });

    // A second amendment lowering the value is numbered 2 and not flagged.
    const lower = await buyer.post(`/api/contracts/${c.id}/amendments`, {
      reason: '部分活动取消，核减经费',
      changes: {
        amountFen: 1_100_000,
        milestones: [{ key: 'signing', label: '合同签订后', shareBp: 10_000 }],
      },
    });
    expect(lower.statusCode).toBe(201);
    expect(lower.json().amendments[1]).toMatchObject({ number: 2, raisesValue: null });
    expect(lower.json().milestones).toEqual([
      { key: 'signing', label: '合同签订后', shareBp: 10_000, amountFen: 1_100_000 },
    ]);
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, providerUser.id), eq(notifications.kind, 'contract.amended')));
    expect(notes.length).toBeGreaterThanOrEqual(2);
  });

  it('need a signed contract, a reason and a real change; nothing is written otherwise', async () => {
    const { awards: rows } = await approvedCall([1_000_000]);
    const buyer = await t.as('buyer');
    const d = await draft(rows[0].award.id);
    const onDraft = await buyer.post(`/api/contracts/${d.id}/amendments`, {
      reason: '调整服务期限',
      changes: { periodEnd: '2027-10-31' },
    });
    expect(onDraft.statusCode).toBe(409);
    const c = await signed((await approvedCall([1_000_000])).awards[0].award.id);
    const before = await snapshotCounts(t, [contractAmendments, timelineEvents]);
    const bad = await buyer.post(`/api/contracts/${c.id}/amendments`, { reason: '短', changes: {} });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['changes', 'reason']);
    const sum = await buyer.post(`/api/contracts/${c.id}/amendments`, {
      reason: '调整付款比例',
      changes: { milestones: [{ label: '签订后', shareBp: 5000 }] },
    });
    expect(sum.json().details.fields).toEqual([
      { path: 'changes.milestones', message: '付款节点比例合计必须为100%' },
    ]);
    const same = await buyer.post(`/api/contracts/${c.id}/amendments`, {
      reason: '没有变化的变更',
      changes: { amountFen: 1_000_000 },
    });
    expect(same.statusCode).toBe(422);
    expect(same.json().details.fields).toEqual([{ path: 'changes', message: '变更内容与现合同相同' }]);
    const early = await buyer.post(`/api/contracts/${c.id}/amendments`, {
      reason: '服务期提前结束',
      changes: { periodEnd: '2026-12-31' },
    });
    expect(early.json().details.fields[0].path).toBe('changes.periodEnd');
    expect(await snapshotCounts(t, [contractAmendments, timelineEvents])).toEqual(before);
  });

  it('are made by the buyer only', async () => {
    const c = await signed((await approvedCall([1_000_000])).awards[0].award.id);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      {
        method: 'POST',
        url: `/api/contracts/${c.id}/amendments`,
        body: { reason: '越权变更合同', changes: { amountFen: 5_000_000 } },
      },
      [contractAmendments, contracts, timelineEvents],
    );
    const [row] = await db().select().from(contracts).where(eq(contracts.id, c.id));
    expect(row.amountFen).toBe(1_000_000);
  });
});
