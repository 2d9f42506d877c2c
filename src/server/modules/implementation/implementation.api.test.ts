import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicatorProgressBp, rollUpBp } from '../../../domain/implementation.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { orgOf } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { orgs } from '../orgs/schema.js';
import { signedContract } from '../projects/test-fixtures.js';
import { alerts } from '../redflags/schema.js';
import { regions } from '../regions/schema.js';
import { activities, indicatorReports } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const NOT_PROVIDERS = ['buyer', 'station', 'community', 'expert', 'supervisor', 'resident', 'admin', null];

async function started() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

/** The demo community committee's own community, and one outside the service area. */
async function communities() {
  const [org] = await db()
    .select()
    .from(orgs)
    .where(eq(orgs.id, await orgOf(db(), 'community')));
  const [own] = await db().select().from(regions).where(eq(regions.id, org.regionId!));
  const [outside] = await db()
    .select()
    .from(regions)
    .where(and(eq(regions.level, 'community'), ne(regions.parentId, own.parentId!)))
    .limit(1);
  const [neighbour] = await db()
    .select()
    .from(regions)
    .where(and(eq(regions.parentId, own.parentId!), ne(regions.id, own.id)))
    .limit(1);
  return { own: own.id, outside: outside.id, neighbour: neighbour.id };
}

const body = (communityRegionId: string, extra: Record<string, unknown> = {}) => ({
  heldOn: '2026-11-28',
  place: '社区活动室',
  communityRegionId,
  type: 'group',
  participants: [
    { group: '高龄独居老人', count: 12 },
    { group: '照料者', count: 3 },
  ],
  volunteers: 4,
  volunteerHours: 10.5,
  description: '开展“健康同行”健康讲座和手指操小组活动。',
  ...extra,
});

describe('progress arithmetic', () => {
  it('caps each indicator at 100% and averages them', () => {
    expect(indicatorProgressBp(150, 300)).toBe(5000);
    expect(indicatorProgressBp(400, 300)).toBe(10_000);
    expect(indicatorProgressBp(0, 0)).toBe(0);
    expect(rollUpBp([5000, 10_000])).toBe(7500);
    expect(rollUpBp([])).toBe(0);
  });
});

describe('activities', () => {
  it('are recorded by the provider inside the service area, then confirmed or disputed by the community', async () => {
    const { contract } = await started();
    const { own, outside, neighbour } = await communities();
    const url = `/api/projects/${contract.id}/activities`;
    const provider = await t.as('provider');
    const before = await snapshotCounts(t, [activities]);
    const away = await provider.post(url, body(outside));
    expect(away.statusCode).toBe(422);
    expect(away.json().message).toBe('所选社区不在项目服务范围内');
    const bad = await provider.post(url, {
      ...body(own),
      type: 'party',
      participants: [],
      volunteerHours: 1.25,
    });
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['participants', 'type', 'volunteerHours']);
    const future = await provider.post(url, body(own, { heldOn: '2026-12-02' }));
    expect(future.json().details.fields).toEqual([{ path: 'heldOn', message: '活动日期不能晚于今天' }]);
    expect(await snapshotCounts(t, [activities])).toEqual(before);
    await expectDeniedToEach(t, NOT_PROVIDERS, { method: 'POST', url, body: body(own) }, [activities]);

    const first = await provider.post(url, body(own));
    expect(first.statusCode, first.body).toBe(201);
    const second = await provider.post(url, body(own, { heldOn: '2026-11-29', place: '小区广场' }));
    const other = await provider.post(url, body(neighbour, { heldOn: '2026-11-30' }));
    expect(other.statusCode).toBe(201);
    const [a, b] = second.json().items;
    expect(a).toMatchObject({
      participantCount: 15,
      volunteerHours: 10.5,
      typeLabel: '小组活动',
      status: 'reported',
    });

    const community = await t.as('community');
    const queue = (await community.get('/api/activities/pending'))
      .json()
      .items.map((x: { id: string }) => x.id);
    expect(queue).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(queue).not.toContain(other.json().id);
    expect((await (await t.as('provider')).get('/api/activities/pending')).statusCode).toBe(403);

    const check = (id: string) => `/api/activities/${id}/check`;
    await expectDeniedToEach(t, ['provider', 'buyer', 'supervisor', 'admin', 'evaluator'], {
      method: 'POST',
      url: check(a.id),
      body: { decision: 'confirmed' },
    });
    // The committee of another community may not confirm this one.
    expect((await community.post(check(other.json().id), { decision: 'confirmed' })).statusCode).toBe(403);
    const noReason = await community.post(check(b.id), { decision: 'disputed' });
    expect(noReason.json().details.fields).toEqual([
      { path: 'reason', message: '提出异议时请填写不少于5个字的理由' },
    ]);
    const results = await Promise.all([
      community.post(check(a.id), { decision: 'confirmed' }),
      (await t.client('community')).post(check(a.id), { decision: 'confirmed' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const disputed = await community.post(check(b.id), {
      decision: 'disputed',
      reason: '当天活动室未开放，未见活动',
    });
    expect(disputed.json()).toMatchObject({
      status: 'disputed',
      disputeReason: '当天活动室未开放，未见活动',
    });

    // Public: only the confirmed activity, with no one's name.
    const pub = (await (await t.client()).get(`/api/public/projects/${contract.id}/implementation`)).json();
    expect(pub.activities.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect(pub.activities[0]).not.toHaveProperty('disputeReason');

    const ledger = await (await t.as('buyer')).get(`/api/projects/${contract.id}/ledger.xlsx`);
    expect(ledger.statusCode).toBe(200);
    expect(ledger.headers['content-type']).toContain('spreadsheetml');
    expect((await (await t.as('community')).get(`/api/projects/${contract.id}/ledger.xlsx`)).statusCode).toBe(
      403,
    );
  });
});

describe('activity options', () => {
  it('offer the service area’s communities and the call’s target groups to whoever sees the project', async () => {
    const { contract } = await started();
    const { own, outside, neighbour } = await communities();
    const url = `/api/projects/${contract.id}/activity-options`;
    const res = await (await t.as('provider')).get(url);
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().communities.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining([own, neighbour]));
    expect(ids).not.toContain(outside);
    expect(res.json().targetGroups).toEqual(['高龄独居老人']);
    expect((await (await t.as('buyer')).get(url)).statusCode).toBe(200);
    for (const username of ['station', 'community', 'expert', 'resident'])
      expect({ username, status: (await (await t.as(username)).get(url)).statusCode }).toEqual({
        username,
        status: 403,
      });
    expect((await (await t.as('evaluator')).get(url)).statusCode).toBe(404);
    expect((await (await t.client()).get(url)).statusCode).toBe(401);
  });
});

describe('indicator progress', () => {
  it('is reported by the provider with evidence, rolls up, shows publicly and feeds the spending red flag', async () => {
    const { contract } = await started();
    const url = `/api/projects/${contract.id}/progress`;
    const provider = await t.as('provider');
    const before = await snapshotCounts(t, [indicatorReports]);
    const missing = await provider.post(url, { indicatorIndex: 7, achieved: 1, evidence: '探访记录表' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().message).toBe('合同中没有这项绩效指标');
    expect((await provider.post(url, { indicatorIndex: 0, achieved: -1, evidence: '' })).statusCode).toBe(
      422,
    );
    expect(await snapshotCounts(t, [indicatorReports])).toEqual(before);
    await expectDeniedToEach(
      t,
      NOT_PROVIDERS,
      { method: 'POST', url, body: { indicatorIndex: 0, achieved: 30, evidence: '探访记录表30份' } },
      [indicatorReports],
    );
    // The sample proposal: 入户探访 300 人次, 服务对象满意度 90%.
    const res = await provider.post(url, { indicatorIndex: 0, achieved: 30, evidence: '探访记录表30份' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().indicators.map((i: { progressBp: number }) => i.progressBp)).toEqual([1000, 0]);
    expect(res.json().progressBp).toBe(500);
    const pub = (await (await t.client()).get(`/api/public/projects/${contract.id}/implementation`)).json();
    expect(pub).toMatchObject({ progressBp: 500, contractFen: 10_000_001, paidFen: 0 });

    // 4,000,001 of 10,000,001 spent (40%) against 5% progress: more than 30 points ahead.
    const spend = await provider.post(`/api/projects/${contract.id}/expenses`, {
      category: 'personnel',
      amountFen: 4_000_001,
      spentOn: '2026-11-30',
      invoiceNo: 'FP-1',
      payee: '社工工资',
    });
    expect(spend.statusCode, spend.body).toBe(201);
    const raised = await db().select().from(alerts).where(eq(alerts.projectId, contract.id));
    expect(raised.find((a) => a.indicatorId === 'spending_ahead_of_progress')).toMatchObject({
      status: 'raised',
      evidence: { spentBp: 4000, progressBp: 500, marginBp: 3000 },
    });
    // Progress catches up: the alert is resolved.
    await provider.post(url, { indicatorIndex: 0, achieved: 300, evidence: '探访记录表300份' });
    const after = await db().select().from(alerts).where(eq(alerts.projectId, contract.id));
    expect(after.find((a) => a.indicatorId === 'spending_ahead_of_progress')?.status).toBe('resolved');
  });
});
