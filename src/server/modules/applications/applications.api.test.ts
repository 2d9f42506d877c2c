import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertCall, orgOf, sampleProposal } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { hashPassword } from '../accounts/passwords.js';
import { users } from '../accounts/schema.js';
import { calls } from '../calls/schema.js';
import { notifications } from '../notifications/schema.js';
import { orgs } from '../orgs/schema.js';
import { applications } from './schema.js';

let t: TestApp;
let provider: TestClient;
let provider2: TestClient;
let community: TestClient;
let buyer: TestClient;
let call: typeof calls.$inferSelect;
let communityRegionId: string;

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  // A second provider organization with its own account.
  const [other] = await db.select().from(orgs).where(eq(orgs.kind, 'provider')).offset(5).limit(1);
  await db.insert(users).values({
    username: 'provider2',
    displayName: '第二家机构',
    orgId: other.id,
    roles: ['provider'],
    passwordHash: await hashPassword('Guandu@2026'),
  });
  const [committee] = await db
    .select()
    .from(orgs)
    .where(eq(orgs.id, await orgOf(db, 'community')));
  communityRegionId = committee.regionId!;
  call = await insertCall(db, { serviceAreaIds: [communityRegionId] });
  [provider, provider2, community, buyer] = await Promise.all([
    t.as('provider'),
    t.as('provider2'),
    t.as('community'),
    t.as('buyer'),
  ]);
});
afterAll(() => t.close());

const draft = (overrides: Record<string, unknown> = {}) => ({
  callId: call.id,
  communityRegionId,
  socialWorkerName: '王芳',
  socialWorkerCertificate: 'S2019530100123',
  partners: [{ name: '银龄志愿服务队', kind: 'volunteer_team', headcount: 20 }],
  proposal: sampleProposal(),
  ...overrides,
});

describe('joint applications (1+1+1+N)', () => {
  let id: string;

  it('drafts, auto-saves, asks the community to co-sign, and submits as eligible', async () => {
    const created = await provider.post('/api/applications', draft());
    expect(created.statusCode, created.body).toBe(201);
    const app = created.json();
    id = app.id;
    expect(app).toMatchObject({
      status: 'draft',
      requestedFen: 20_000_000,
      communityOrgName: expect.stringContaining('委员会'),
    });
    expect(app.missing).toEqual(['等待社区联合签章']);
    expect(app.actions).toEqual(['edit', 'submit']);

    const saved = await provider.patch(`/api/applications/${id}`, {
      socialWorkerName: '王芳芳',
      version: app.version,
    });
    expect(saved.json().socialWorkerName).toBe('王芳芳');
    const stale = await provider.patch(`/api/applications/${id}`, {
      socialWorkerName: '旧版本',
      version: app.version,
    });
    expect(stale.statusCode).toBe(409);

    const early = await provider.post(`/api/applications/${id}/submit`);
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({
      error: 'application_incomplete',
      details: { missing: ['等待社区联合签章'] },
    });

    expect((await provider.post(`/api/applications/${id}/request-cosign`)).statusCode).toBe(204);
    const requested = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'application.cosign_requested'));
    expect(requested).toHaveLength(1);

    const seen = (await community.get(`/api/applications/${id}`)).json();
    expect(seen.actions).toEqual(['cosign']);
    const signed = await community.post(`/api/applications/${id}/cosign`);
    expect(signed.json().cosignedAt).not.toBeNull();
    expect((await community.post(`/api/applications/${id}/cosign`)).statusCode).toBe(409);

    const submitted = await provider.post(`/api/applications/${id}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('eligible');
    expect(submitted.json().eligibility.every((c: { passed: boolean }) => c.passed)).toBe(true);
  });

  it('allows one application per provider and community, and clears a co-signature when the content changes', async () => {
    const twice = await provider.post('/api/applications', draft({ proposal: sampleProposal('第二份') }));
    expect(twice.statusCode).toBe(409);
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const d = (await provider.post('/api/applications', draft({ callId: other.id }))).json();
    const signed = (await community.post(`/api/applications/${d.id}/cosign`)).json();
    const edited = (
      await provider.patch(`/api/applications/${d.id}`, {
        proposal: sampleProposal('改过的标题'),
        version: signed.version,
      })
    ).json();
    expect(edited.cosignedAt).toBeNull();
    expect(edited.missing).toContain('等待社区联合签章');
  });

  it('records each failed eligibility rule with its reason, and lets the buyer override with a reason', async () => {
    const big = sampleProposal('超预算的项目');
    big.budget.push({ category: 'other', item: '额外', amountFen: 20_000_000 });
    const app = (await provider2.post('/api/applications', draft({ proposal: big }))).json();
    await community.post(`/api/applications/${app.id}/cosign`);
    const res = (await provider2.post(`/api/applications/${app.id}/submit`)).json();
    expect(res.status).toBe('ineligible');
    expect(res.eligibility.find((c: { rule: string }) => c.rule === 'budget_cap')).toEqual({
      rule: 'budget_cap',
      passed: false,
      message: '申请金额超过单个项目预算上限',
    });
    const noReason = await buyer.post(`/api/applications/${app.id}/eligibility`, {
      eligible: true,
      reason: '',
    });
    expect(noReason.statusCode).toBe(422);
    const overridden = await buyer.post(`/api/applications/${app.id}/eligibility`, {
      eligible: true,
      reason: '经核实追加预算已获批准',
    });
    expect(overridden.json()).toMatchObject({
      status: 'eligible',
      eligibilityOverrideReason: '经核实追加预算已获批准',
    });
    const audit = (await (await t.as('supervisor')).get(`/api/audit?q=${app.id}`))
      .json()
      .items.map((e: { action: string }) => e.action);
    // The same sample proposal as the first application: the duplicate check records that too.
    expect(audit.slice(0, 4)).toEqual([
      'application.pass',
      'application.duplicates_found',
      'application.reject',
      'application.submit',
    ]);
  });

  it('keeps applications private: competitors and other buyers learn nothing', async () => {
    expect((await provider2.get(`/api/applications/${id}`)).statusCode).toBe(404);
    expect((await (await t.as('station')).get(`/api/applications/${id}`)).statusCode).toBe(404);
    expect((await (await t.client()).get(`/api/applications/${id}`)).statusCode).toBe(401);
    const buyerList = (await buyer.get(`/api/applications?callId=${call.id}`)).json();
    expect(buyerList.total).toBe(2);
    const mine = (await provider2.get('/api/applications')).json();
    expect(mine.items.every((a: { providerName: string }) => a.providerName !== '')).toBe(true);
    expect(mine.items.map((a: { id: string }) => a.id)).not.toContain(id);
  });

  it('does not show drafts to the buyer', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const d = (await provider.post('/api/applications', draft({ callId: other.id }))).json();
    expect((await buyer.get(`/api/applications/${d.id}`)).statusCode).toBe(404);
    expect((await buyer.get(`/api/applications?callId=${other.id}`)).json().total).toBe(0);
  });

  it('applies one of two concurrent submissions', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const d = (await provider.post('/api/applications', draft({ callId: other.id }))).json();
    await community.post(`/api/applications/${d.id}/cosign`);
    const [a, b] = await Promise.all([
      provider.post(`/api/applications/${d.id}/submit`),
      provider.post(`/api/applications/${d.id}/submit`),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });

  it('freezes applications after the deadline', async () => {
    await t.database.db
      .update(calls)
      .set({ applicationClosesAt: new Date(Date.now() - 1000) })
      .where(eq(calls.id, call.id));
    const res = await provider.post(`/api/applications/${id}/withdraw`);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('申报已截止，申报材料已封存');
    await t.database.db
      .update(calls)
      .set({ applicationClosesAt: new Date(Date.now() + 86_400_000) })
      .where(eq(calls.id, call.id));
    expect((await provider.post(`/api/applications/${id}/withdraw`)).json().status).toBe('withdrawn');
  });

  it('rejects bad input with field messages and writes nothing', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const before = await snapshotCounts(t, [applications]);
    const bad = await provider.post('/api/applications', {
      ...draft({ callId: other.id }),
      partners: [{ name: '', kind: 'gang', headcount: 0 }],
      proposal: { ...sampleProposal(), budget: [{ category: 'personnel', item: '补贴', amountFen: 100.5 }] },
    });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json().details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'partners.0.name',
        'partners.0.kind',
        'partners.0.headcount',
        'proposal.budget.0.amountFen',
      ]),
    );
    const [outside] = await t.database.db
      .select()
      .from(orgs)
      .where(eq(orgs.kind, 'community'))
      .offset(50)
      .limit(1);
    const wrongArea = await provider.post(
      '/api/applications',
      draft({ callId: other.id, communityRegionId: outside.regionId }),
    );
    expect(wrongArea.json().details.fields[0]).toEqual({
      path: 'communityRegionId',
      message: '该社区不在本次征集的服务区域内',
    });
    expect(await snapshotCounts(t, [applications])).toEqual(before);
  });

  it('forbids each step to the roles that may not take it', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    await expectDeniedToEach(
      t,
      [null, 'buyer', 'community', 'expert', 'evaluator', 'supervisor', 'resident', 'admin'],
      {
        method: 'POST',
        url: '/api/applications',
        body: draft({ callId: other.id }),
      },
      [applications],
    );
    const d = (await provider.post('/api/applications', draft({ callId: other.id }))).json();
    // Those who may see it get 403; the rest get 404 (they may not know it exists).
    for (const [username, status] of [
      ['provider', 403],
      ['buyer', 404],
      ['station', 404],
      ['expert', 404],
      ['resident', 404],
    ] as const) {
      const res = await (await t.as(username)).post(`/api/applications/${d.id}/cosign`);
      expect({ username, status: res.statusCode }).toEqual({ username, status });
    }
    for (const username of ['community', 'provider2']) {
      const res = await (await t.as(username)).post(`/api/applications/${d.id}/submit`);
      expect({ username, status: res.statusCode }).toEqual({
        username,
        status: username === 'community' ? 403 : 404,
      });
    }
  });
});

describe('one draft per provider and call', () => {
  const applicationsOn = (callId: string) =>
    t.database.db.select({ id: applications.id }).from(applications).where(eq(applications.callId, callId));

  it('reopens the draft instead of starting another when no community is chosen (the 19 drafts)', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const first = await provider.post('/api/applications', { callId: other.id });
    expect(first.statusCode, first.body).toBe(201);
    const before = await snapshotCounts(t, [applications]);
    for (let i = 0; i < 3; i++) {
      const again = await provider.post('/api/applications', { callId: other.id });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ id: first.json().id, status: 'draft', communityRegionId: null });
    }
    // Nothing written: no new row, no new audit entry.
    expect(await snapshotCounts(t, [applications])).toEqual(before);
    const list = (await provider.get(`/api/applications?callId=${other.id}`)).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([first.json().id]);
  });

  it('returns the draft unchanged when the start names a community or content, and keeps other providers apart', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const mine = (await provider.post('/api/applications', { callId: other.id })).json();
    const reopened = await provider.post('/api/applications', draft({ callId: other.id }));
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ id: mine.id, communityRegionId: null, version: mine.version });
    const theirs = await provider2.post('/api/applications', draft({ callId: other.id }));
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.id);
  });

  it('starts a new draft once the earlier one is submitted', async () => {
    const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
    const first = (await provider.post('/api/applications', draft({ callId: other.id }))).json();
    await community.post(`/api/applications/${first.id}/cosign`);
    expect((await provider.post(`/api/applications/${first.id}/submit`)).statusCode).toBe(200);
    const next = await provider.post('/api/applications', { callId: other.id });
    expect(next.statusCode).toBe(201);
    expect(next.json().id).not.toBe(first.id);
    // Choosing the community it already applied with is a field error, not a server error.
    const clash = await provider.patch(`/api/applications/${next.json().id}`, { communityRegionId });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().details.fields).toEqual([
      { path: 'communityRegionId', message: '本机构已在该社区申报过本项目，请选择其他社区或编辑已有申报' },
    ]);
    expect((await provider.get(`/api/applications/${next.json().id}`)).json().communityRegionId).toBeNull();
  });

  // PGlite is one connection: its transactions run one after the other, so two starts never
  // overlap there and only PostgreSQL can show what the unique index does when they do.
  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'makes one draft of concurrent starts (PostgreSQL: PGlite runs transactions one at a time)',
    async () => {
      const other = await insertCall(t.database.db, { serviceAreaIds: [communityRegionId] });
      const clients = await Promise.all([provider, t.client('provider'), t.client('provider')]);
      const results = await Promise.all(
        [...clients, ...clients].map((c) => c.post('/api/applications', { callId: other.id })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      expect(await applicationsOn(other.id)).toHaveLength(1);
    },
  );
});
