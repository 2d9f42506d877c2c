import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApplication, insertCall, insertUser, orgOf, sampleProposal } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { users } from '../accounts/schema.js';
import { experts } from '../experts/schema.js';
import { orgs } from '../orgs/schema.js';
import { panelMembers, reviewSessions } from '../reviews/schema.js';
import { ORIGINAL, REWORDED, UNRELATED_SAME_CATEGORY } from './lib/fixtures.test-data.js';
import { duplicateBands, duplicateHits } from './schema.js';
import { recheckUndecided, reindexAll } from './service.js';

let t: TestApp;
let providerA: TestClient;
let providerB: TestClient;
let buyer: TestClient;
let station: TestClient;
const proposalOf = (text: string) => {
  const [title, ...rest] = text.split('\n');
  return {
    ...sampleProposal(title),
    needAssessment: rest.join('\n') || title,
    objectives: title,
    activities: title,
  };
};

let original: { id: string };
let reworded: { id: string };
let unrelated: { id: string };
let callB: { id: string };

async function submitted(
  client: TestClient,
  call: { id: string },
  username: string,
  text: string,
  extra: Record<string, unknown> = {},
) {
  const app = await insertApplication(t.database.db, call, {
    providerUsername: username,
    status: 'draft',
    proposal: proposalOf(text),
    ...extra,
  });
  const res = await client.post(`/api/applications/${app.id}/submit`);
  expect(res.statusCode, res.body).toBe(200);
  return app;
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  const [other] = await db.select().from(orgs).where(eq(orgs.kind, 'provider')).offset(7).limit(1);
  await insertUser(db, 'provider_b', 'provider', other.id);
  [providerA, providerB, buyer, station] = await Promise.all([
    t.as('provider'),
    t.as('provider_b'),
    t.as('buyer'),
    t.as('station'),
  ]);
  // Call A by the civil-affairs bureau, call B by a street station: two buyers, one district.
  const callA = await insertCall(db);
  callB = await insertCall(db, { buyerOrgId: await orgOf(db, 'station') });
  original = await submitted(providerA, callA, 'provider', ORIGINAL);
  reworded = await submitted(providerB, callB, 'provider_b', REWORDED);
  unrelated = await submitted(providerA, callB, 'provider', UNRELATED_SAME_CATEGORY);
});
afterAll(() => t.close());

describe('duplicate check at submission', () => {
  it('catches a reworded copy submitted to another buyer, and not an unrelated proposal of the same category', async () => {
    const hits = await t.database.db
      .select()
      .from(duplicateHits)
      .where(eq(duplicateHits.applicationId, reworded.id));
    const text = hits.filter((h) => h.kind === 'text');
    expect(text.map((h) => h.otherApplicationId)).toEqual([original.id]);
    expect(text[0].score).toBeGreaterThanOrEqual(0.5);
    const unrelatedText = await t.database.db
      .select()
      .from(duplicateHits)
      .where(eq(duplicateHits.applicationId, unrelated.id));
    expect(unrelatedText.filter((h) => h.kind === 'text')).toEqual([]);
  });

  it('shows the buyer the hits with a side-by-side view of the shared passages', async () => {
    const report = (await station.get(`/api/applications/${reworded.id}/duplicates`)).json();
    expect(report.flagged).toBe(true);
    const [hit] = report.hits.filter((h: { kind: string }) => h.kind === 'text');
    expect(hit).toMatchObject({
      kind: 'text',
      other: { applicationId: original.id, callTitle: expect.any(String) },
    });
    expect(hit.sideBySide.selfText).toContain('太和街道');
    expect(hit.sideBySide.otherText).toContain('关上街道');
    expect(hit.sideBySide.passages.a.length).toBeGreaterThan(2);
    // The earlier application's buyer sees the same pair from its side.
    const fromA = (await buyer.get(`/api/applications/${original.id}/duplicates`)).json();
    const textFromA = fromA.hits.filter((h: { kind: string }) => h.kind === 'text');
    expect(textFromA.map((h: { other: { applicationId: string } }) => h.other.applicationId)).toEqual([
      reworded.id,
    ]);
  });

  it('shows the panel experts of the call the hits too', async () => {
    const db = t.database.db;
    const [account] = await db.select().from(users).where(eq(users.username, 'expert'));
    const [expert] = await db.select().from(experts).where(eq(experts.userId, account.id));
    const [session] = await db
      .insert(reviewSessions)
      .values({ callId: callB.id, heldAt: new Date(), place: '区民政局会议室', panelSize: 5 })
      .returning();
    await db
      .insert(panelMembers)
      .values({ sessionId: session.id, expertId: expert.id, drawPosition: 0, status: 'accepted' });
    const report = (await (await t.as('expert')).get(`/api/applications/${reworded.id}/duplicates`)).json();
    expect(report.hits.map((h: { kind: string }) => h.kind)).toContain('text');
  });

  it('tells the applicant only that it was flagged, and lets it explain', async () => {
    const own = (await providerB.get(`/api/applications/${reworded.id}/duplicates`)).json();
    expect(own).toEqual({ flagged: true, count: expect.any(Number), explanation: null, hits: null });
    expect(JSON.stringify(own)).not.toContain('关上街道');
    const explained = await providerB.post(`/api/applications/${reworded.id}/explanation`, {
      explanation: '本项目与关上街道项目为同一机构模板，服务对象不同。',
    });
    expect(explained.statusCode).toBe(200);
    expect((await station.get(`/api/applications/${reworded.id}/duplicates`)).json().explanation).toContain(
      '服务对象不同',
    );
  });

  it('shows competitors, other buyers, other experts and the public nothing', async () => {
    expect((await providerA.get(`/api/applications/${reworded.id}/duplicates`)).statusCode).toBe(404);
    expect((await buyer.get(`/api/applications/${reworded.id}/duplicates`)).statusCode).toBe(404);
    expect(
      (await (await t.as('community')).get(`/api/applications/${reworded.id}/duplicates`)).statusCode,
    ).toBe(404);
    expect(
      (await (await t.as('evaluator')).get(`/api/applications/${reworded.id}/duplicates`)).statusCode,
    ).toBe(404);
    expect((await (await t.client()).get(`/api/applications/${reworded.id}/duplicates`)).statusCode).toBe(
      401,
    );
  });

  it('finds the same provider in the same community and category with overlapping periods (structure)', async () => {
    const db = t.database.db;
    const callC = await insertCall(db, {
      buyerOrgId: await orgOf(db, 'station'),
      servicePeriodStart: '2027-06-01',
      servicePeriodEnd: '2028-05-31',
    });
    const first = await db.select().from(duplicateHits).where(eq(duplicateHits.applicationId, original.id));
    expect(first).toEqual([]);
    const again = await submitted(
      providerA,
      callC,
      'provider',
      '完全不同的文字：社区青少年篮球联赛与体育志愿者培训计划，每周两次训练。',
    );
    const hits = await db.select().from(duplicateHits).where(eq(duplicateHits.applicationId, again.id));
    const structure = hits.filter((h) => h.kind === 'structure');
    expect(structure.map((h) => h.otherApplicationId)).toContain(original.id);
    expect((structure[0].detail as { reasons: string[] }).reasons).toContain('same_org');
  });

  it('finds an identical attachment in two applications (file)', async () => {
    const db = t.database.db;
    const pdf = Buffer.from('%PDF-1.4\n% identical budget sheet\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');
    const callD = await insertCall(db);
    const a = await insertApplication(db, callD, {
      providerUsername: 'provider',
      status: 'draft',
      proposal: proposalOf('文件甲：助残康复服务，为残障人士提供康复训练与辅具适配。'),
    });
    const b = await insertApplication(db, callD, {
      providerUsername: 'provider_b',
      status: 'draft',
      proposal: proposalOf('文件乙：儿童阅读推广，建设社区绘本馆并开展亲子共读。'),
    });
    expect(
      (await upload(providerA, `/api/applications/${a.id}/attachments`, pdf, '预算表.pdf')).statusCode,
    ).toBe(201);
    expect(
      (await upload(providerB, `/api/applications/${b.id}/attachments`, pdf, '我们的预算.pdf')).statusCode,
    ).toBe(201);
    await providerA.post(`/api/applications/${a.id}/submit`);
    await providerB.post(`/api/applications/${b.id}/submit`);
    const hits = await db.select().from(duplicateHits).where(eq(duplicateHits.applicationId, b.id));
    const files = hits.filter((h) => h.kind === 'file');
    expect(files.map((h) => [h.otherApplicationId, h.detail])).toEqual([
      [a.id, { files: [{ sha256: expect.any(String), name: '预算表.pdf' }] }],
    ]);
  });

  it('removes a withdrawn application from the index, and reindex rebuilds it', async () => {
    const db = t.database.db;
    const before = (await db.select().from(duplicateBands)).length;
    expect(before).toBeGreaterThan(0);
    await db.delete(duplicateBands);
    const indexed = await reindexAll(db);
    expect(indexed).toBeGreaterThanOrEqual(6);
    expect((await db.select().from(duplicateBands)).length).toBe(before);
    // Hits of applications still being decided are rebuilt from the index.
    const hitsBefore = (await db.select().from(duplicateHits)).length;
    await db.delete(duplicateHits);
    await recheckUndecided(db, { threshold: 0.5, lookbackYears: 5 });
    expect((await db.select().from(duplicateHits)).length).toBe(hitsBefore);
  });
});
