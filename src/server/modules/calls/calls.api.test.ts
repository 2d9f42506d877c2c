import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { communitiesOf } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { notifications } from '../notifications/schema.js';
import { callChanges, calls } from './schema.js';

let t: TestApp;
let buyer: TestClient;
let areaIds: string[];
beforeAll(async () => {
  t = await buildTestApp();
  buyer = await t.as('buyer');
  areaIds = (await communitiesOf(t.database.db)).slice(0, 4).map((c) => c.region.id);
});
afterAll(() => t.close());

const DAY = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString();
const callInput = (overrides: Record<string, unknown> = {}) => ({
  title: '关上街道高龄独居老人关爱服务项目',
  category: 'elderly',
  serviceAreaIds: areaIds,
  targetGroups: ['高龄独居老人', '失能老人'],
  budgetCapFen: 20_000_000,
  totalBudgetFen: 40_000_000,
  servicePeriodStart: '2027-01-01',
  servicePeriodEnd: '2027-12-31',
  applicationOpensAt: iso(-1),
  applicationClosesAt: iso(14),
  descriptionHtml:
    '<p>面向<strong>高龄独居</strong>老人<script>alert(1)</script><img src=x onerror=alert(1)></p>',
  ...overrides,
});

async function createDraft(overrides: Record<string, unknown> = {}) {
  const res = await buyer.post('/api/calls', callInput(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('calls', () => {
  it('creates a draft with the default rubric, sanitized description and a public code', async () => {
    const call = await createDraft();
    expect(call).toMatchObject({
      status: 'draft',
      code: expect.stringMatching(/^GD-2027-\d{4}$/),
      buyerName: '昆明市官渡区民政局',
    });
    expect(call.rubric.map((c: { weight: number }) => c.weight)).toEqual([20, 25, 20, 15, 20]);
    expect(call.descriptionHtml).toBe('<p>面向<strong>高龄独居</strong>老人</p>');
    expect(call.streetNames).toEqual(['关上街道']);
    expect(call.actions).toEqual(['update', 'publish', 'cancel']);
    // Drafts are private.
    expect((await (await t.client()).get(`/api/public/calls/${call.id}`)).statusCode).toBe(404);
    expect((await (await t.as('station')).get(`/api/calls/${call.id}`)).statusCode).toBe(404);
  });

  it('publishes: public, on the timeline, audited; searchable in Chinese', async () => {
    const call = await createDraft({ title: '官渡区困境儿童成长陪伴计划', category: 'children' });
    const published = await buyer.post(`/api/calls/${call.id}/publish`);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', shortWindowFlag: null });
    const visitor = await t.client();
    const detail = (await visitor.get(`/api/public/calls/${call.id}`)).json();
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual(['call.publish']);
    expect(detail).not.toHaveProperty('shortWindowFlag');
    for (const q of ['困境儿童', '儿童 陪伴', '成长']) {
      const found = (await visitor.get(`/api/public/calls?q=${encodeURIComponent(q)}`)).json();
      expect(
        found.items.map((c: { id: string }) => c.id),
        q,
      ).toContain(call.id);
    }
    expect(
      (await visitor.get(`/api/public/calls?q=${encodeURIComponent('残障')}`))
        .json()
        .items.map((c: { id: string }) => c.id),
    ).not.toContain(call.id);
    const street = (await visitor.get('/api/regions?q=关上街道')).json().items[0];
    const byStreet = (
      await visitor.get(`/api/public/calls?streetId=${street.id}&category=children&status=published`)
    ).json();
    expect(byStreet.items.map((c: { id: string }) => c.id)).toContain(call.id);
    const audit = (await (await t.as('supervisor')).get(`/api/audit?q=${call.id}`)).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['call.publish', 'call.created']);
  });

  it('flags a call open fewer than 7 days and notifies the admins', async () => {
    const call = await createDraft({ applicationClosesAt: iso(3) });
    const published = (await buyer.post(`/api/calls/${call.id}/publish`)).json();
    expect(published.shortWindowFlag).toMatch(/少于7天/);
    const adminNotes = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'call.short_window'));
    expect(adminNotes.length).toBeGreaterThan(0);
  });

  it('keeps a public change history of edits after publishing, which need a reason', async () => {
    const call = await createDraft();
    await buyer.post(`/api/calls/${call.id}/publish`);
    const noReason = await buyer.patch(`/api/calls/${call.id}`, { budgetCapFen: 25_000_000 });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().details.fields[0].path).toBe('changeReason');
    const res = await buyer.patch(`/api/calls/${call.id}`, {
      budgetCapFen: 25_000_000,
      changeReason: '追加预算',
    });
    expect(res.statusCode).toBe(200);
    const detail = (await (await t.client()).get(`/api/public/calls/${call.id}`)).json();
    expect(detail.changes).toEqual([
      {
        at: expect.any(String),
        reason: '追加预算',
        changes: { budgetCapFen: { before: 20_000_000, after: 25_000_000 } },
      },
    ]);
  });

  it('cancels only with a reason, publicly', async () => {
    const call = await createDraft();
    const noReason = await buyer.post(`/api/calls/${call.id}/cancel`, { reason: '' });
    expect(noReason.statusCode).toBe(422);
    const res = await buyer.post(`/api/calls/${call.id}/cancel`, { reason: '与区级项目重复，取消' });
    expect(res.json()).toMatchObject({
      status: 'cancelled',
      statusReason: '与区级项目重复，取消',
      actions: [],
    });
    expect((await buyer.post(`/api/calls/${call.id}/publish`)).statusCode).toBe(409);
  });

  it('refuses to close before the deadline, and closes after it', async () => {
    const call = await createDraft();
    await buyer.post(`/api/calls/${call.id}/publish`);
    const early = await buyer.post(`/api/calls/${call.id}/close`);
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('申报截止时间未到，不能截止征集');
    await t.database.db
      .update(calls)
      .set({ applicationClosesAt: new Date(Date.now() - 1000) })
      .where(eq(calls.id, call.id));
    expect((await buyer.post(`/api/calls/${call.id}/close`)).json().status).toBe('closed');
  });

  it('applies one of two concurrent transitions and answers 409 to the other', async () => {
    const call = await createDraft();
    const [a, b] = await Promise.all([
      buyer.post(`/api/calls/${call.id}/publish`),
      buyer.post(`/api/calls/${call.id}/publish`),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = (await (await t.client()).get(`/api/public/calls/${call.id}`)).json().timeline;
    expect(events).toHaveLength(1);
  });

  it('rejects bad input with field messages and writes nothing', async () => {
    const before = await snapshotCounts(t, [calls, callChanges]);
    const res = await buyer.post('/api/calls', {
      ...callInput(),
      title: '短',
      budgetCapFen: 50_000_000,
      servicePeriodEnd: '2026-01-01',
      applicationClosesAt: iso(-2),
      rubric: [{ key: 'need', label: '需求', weight: 50 }],
    });
    expect(res.statusCode).toBe(422);
    const paths = res.json().details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['title', 'rubric', 'budgetCapFen', 'servicePeriodEnd', 'applicationClosesAt']),
    );
    const floatMoney = await buyer.post('/api/calls', callInput({ budgetCapFen: 100.5 }));
    expect(floatMoney.statusCode).toBe(422);
    const district = (await buyer.get('/api/regions?level=district')).json().items[0];
    const wrongArea = await buyer.post('/api/calls', callInput({ serviceAreaIds: [district.id] }));
    expect(wrongArea.json().details.fields[0].path).toBe('serviceAreaIds');
    expect(await snapshotCounts(t, [calls, callChanges])).toEqual(before);
  });

  it('forbids managing a call to everyone but its own buyer', async () => {
    const call = await createDraft();
    const others = [
      null,
      'station',
      'admin',
      'provider',
      'community',
      'expert',
      'evaluator',
      'supervisor',
      'resident',
    ];
    await expectDeniedToEach(t, others, { method: 'POST', url: `/api/calls/${call.id}/publish` }, [calls]);
    await expectDeniedToEach(
      t,
      others,
      { method: 'PATCH', url: `/api/calls/${call.id}`, body: { title: '越权修改标题' } },
      [calls],
    );
    await expectDeniedToEach(
      t,
      others,
      { method: 'POST', url: `/api/calls/${call.id}/cancel`, body: { reason: '越权取消' } },
      [calls],
    );
    await expectDeniedToEach(
      t,
      [null, 'admin', 'provider', 'community', 'expert', 'evaluator', 'supervisor', 'resident'],
      {
        method: 'POST',
        url: '/api/calls',
        body: callInput(),
      },
      [calls],
    );
  });

  it('lists calls for management by scope', async () => {
    const mine = (await buyer.get('/api/calls?pageSize=100')).json();
    expect(mine.actions).toEqual(['create']);
    expect(mine.items.every((c: { buyerName: string }) => c.buyerName === '昆明市官渡区民政局')).toBe(true);
    const station = (await (await t.as('station')).get('/api/calls')).json();
    expect(station.total).toBe(0);
    expect((await (await t.as('supervisor')).get('/api/calls')).json().total).toBe(mine.total);
    expect((await (await t.as('provider')).get('/api/calls')).statusCode).toBe(403);
  });
});
