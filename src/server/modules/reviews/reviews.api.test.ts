import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawPanel } from '../../../domain/draw.js';
import { DEFAULT_RUBRIC } from '../../../domain/lifecycle.js';
import { DEMO_PASSWORD } from '../../seed/demo.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertApplication, insertCall } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { hashPassword } from '../accounts/passwords.js';
import { users } from '../accounts/schema.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { experts } from '../experts/schema.js';
import { notifications } from '../notifications/schema.js';
import { orgs } from '../orgs/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { panelMembers, reviewSessions, scoreSheets } from './schema.js';

let t: TestApp;
let buyer: TestClient;
/** Every demo expert gets an account (the demo links only the first), keyed by expert id. */
const usernameOf = new Map<string, string>();
const clients = new Map<string, TestClient>();
let providerOrgIds: string[];

const OTHERS = [null, 'provider', 'community', 'evaluator', 'resident', 'station'] as const;
const NOT_EXPERTS = [
  null,
  'admin',
  'buyer',
  'station',
  'provider',
  'community',
  'evaluator',
  'supervisor',
  'resident',
] as const;
const reviewTables = [reviewSessions, panelMembers, scoreSheets, awards, notifications];

async function clientOf(expertId: string) {
  const username = usernameOf.get(expertId)!;
  if (!clients.has(username)) clients.set(username, await t.as(username));
  return clients.get(username)!;
}

async function addExpert(values: Partial<typeof experts.$inferInsert> & { name: string; field: string }) {
  const [user] = await t.database.db
    .insert(users)
    .values({
      username: `pool-${usernameOf.size}`,
      displayName: values.name,
      roles: ['expert'],
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    .returning();
  const [row] = await t.database.db
    .insert(experts)
    .values({ ...values, userId: user.id })
    .returning();
  usernameOf.set(row.id, user.username);
  return row;
}

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  buyer = await t.as('buyer');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const pool = await db.select().from(experts);
  for (const [i, e] of pool.entries()) {
    if (e.userId) {
      const [u] = await db.select().from(users).where(eq(users.id, e.userId));
      usernameOf.set(e.id, u.username);
      continue;
    }
    const [u] = await db
      .insert(users)
      .values({ username: `pool-expert-${i}`, displayName: e.name, roles: ['expert'], passwordHash })
      .returning();
    await db.update(experts).set({ userId: u.id }).where(eq(experts.id, e.id));
    usernameOf.set(e.id, u.username);
  }
  providerOrgIds = (await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.kind, 'provider'))).map(
    (o) => o.id,
  );
});
afterAll(() => t.close());

const DAY = 86_400_000;
const heldAt = new Date(Date.now() + 3 * DAY).toISOString();
const sessionBody = (overrides: Record<string, unknown> = {}) => ({
  heldAt,
  place: '官渡区民政局三楼会议室',
  panelSize: 5,
  ...overrides,
});

async function closedCall(overrides: Partial<typeof calls.$inferInsert> = {}) {
  return insertCall(t.database.db, {
    status: 'closed',
    applicationOpensAt: new Date(Date.now() - 20 * DAY),
    applicationClosesAt: new Date(Date.now() - DAY),
    ...overrides,
  });
}

async function reviewOf(callId: string, client = buyer) {
  const res = await client.get(`/api/calls/${callId}/review`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const fullSheet = (drop: number, comment = '需求清晰，方法得当。') => ({
  scores: DEFAULT_RUBRIC.map((c) => ({ key: c.key, score: Math.max(0, c.weight - drop) })),
  comment,
});

async function acceptAll(callId: string) {
  const review = await reviewOf(callId);
  for (const m of review.panel.filter((p: { status: string }) => p.status === 'invited')) {
    const res = await (await clientOf(m.expertId)).post(`/api/reviews/${review.session.id}/respond`, {
      accept: true,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return reviewOf(callId);
}

/** Every accepted expert scores every application: application k loses `k × 2` points a criterion. */
async function scoreAll(
  review: { session: { id: string }; panel: { expertId: string; status: string }[] },
  appIds: string[],
) {
  for (const m of review.panel.filter((p) => p.status === 'accepted')) {
    const expert = await clientOf(m.expertId);
    const { items } = (await expert.get(`/api/reviews/${review.session.id}/applications`)).json();
    for (const [k, appId] of appIds.entries()) {
      if (items.find((i: { id: string }) => i.id === appId).sheet?.submittedAt) continue;
      const saved = await expert.request(
        'PUT',
        `/api/reviews/${review.session.id}/sheets/${appId}`,
        fullSheet(k * 2),
      );
      expect(saved.statusCode, saved.body).toBe(200);
      const submitted = await expert.post(`/api/reviews/${review.session.id}/sheets/${appId}/submit`);
      expect(submitted.statusCode, submitted.body).toBe(200);
    }
  }
}

describe('review session and panel draw', () => {
  let call: Awaited<ReturnType<typeof closedCall>>;
  let apps: Awaited<ReturnType<typeof insertApplication>>[];
  let review: Awaited<ReturnType<typeof reviewOf>>;

  it('draws a verifiable panel, leaving out experts employed now or before by an applicant or a partner', async () => {
    const db = t.database.db;
    const pool = await db.select().from(experts);
    const employed = pool.find((e) => e.employerOrgId && providerOrgIds.includes(e.employerOrgId))!;
    const former = pool.find(
      (e) => e.formerEmployerOrgIds.length && e.formerEmployerOrgIds[0] !== employed.employerOrgId,
    )!;
    const partnerName = pool.find((e) => e.employerName)!.employerName!;
    const third = providerOrgIds.find(
      (id) =>
        id !== employed.employerOrgId &&
        id !== former.formerEmployerOrgIds[0] &&
        !pool.some((e) => e.employerOrgId === id || e.formerEmployerOrgIds.includes(id)),
    )!;
    call = await closedCall({ budgetCapFen: 25_000_000, totalBudgetFen: 50_000_000 });
    apps = [
      await insertApplication(db, call, { providerOrgId: employed.employerOrgId! }),
      await insertApplication(db, call, {
        providerOrgId: former.formerEmployerOrgIds[0],
        partners: [{ name: ` ${partnerName} `, kind: 'community_org', headcount: 5 }],
      }),
      await insertApplication(db, call, { providerOrgId: third, requestedFen: 28_000_000 }),
    ];
    // Not in review: a draft and an ineligible application bring no conflicts and no sheets.
    await insertApplication(db, call, { providerOrgId: providerOrgIds[50], status: 'ineligible' });

    const res = await buyer.post(`/api/calls/${call.id}/review`, sessionBody());
    expect(res.statusCode, res.body).toBe(201);
    review = res.json();
    expect(review.session).toMatchObject({
      status: 'drawing',
      panelSize: 5,
      place: '官渡区民政局三楼会议室',
    });
    expect(review.call.status).toBe('in_review');
    expect(review.panel).toHaveLength(5);
    expect(review.applications).toHaveLength(3);

    // Only 4 elderly experts exist: the pool widened to every field.
    expect(review.draw.field).toBeNull();
    const activeIds = (await db.select({ id: experts.id }).from(experts).where(eq(experts.active, true)))
      .map((e) => e.id)
      .sort();
    expect(review.draw.candidates.map((c: { id: string }) => c.id)).toEqual(activeIds);
    const excluded = new Map<string, string>(
      review.draw.exclusions.map((e: { expertId: string; reason: string }) => [e.expertId, e.reason]),
    );
    expect(excluded.get(employed.id)).toMatch(/^受聘于申报单位/);
    expect(excluded.get(former.id)).toMatch(/^曾受聘于申报单位/);
    const partnerStaff = pool.filter((e) => e.employerName === partnerName);
    expect(partnerStaff.length).toBeGreaterThan(0);
    for (const e of partnerStaff) expect(excluded.get(e.id)).toBe(`受聘于申报合作方“${partnerName}”`);
    for (const m of review.panel) expect(excluded.has(m.expertId)).toBe(false);

    // Anyone with the record re-runs the draw and gets the same panel.
    expect(review.draw.verified).toBe(true);
    const rerun = drawPanel({
      seed: review.draw.seed,
      candidates: review.draw.candidates.map((c: { id: string }) => c.id),
      exclusions: review.draw.exclusions,
      size: 5,
    });
    expect(review.panel.map((m: { expertId: string }) => m.expertId)).toEqual(rerun.panel);
    expect(review.panel.map((m: { drawPosition: number }) => m.drawPosition)).toEqual([0, 1, 2, 3, 4]);
  });

  it('invites the drawn experts and puts only the count and seed on the public timeline', async () => {
    const db = t.database.db;
    for (const m of review.panel) {
      const username = usernameOf.get(m.expertId)!;
      const [u] = await db.select().from(users).where(eq(users.username, username));
      const notes = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, u.id), eq(notifications.kind, 'review.invited')));
      expect(notes).toHaveLength(1);
      expect(notes[0].link).toBe(`/app/reviews/${review.session.id}`);
    }
    const events = await db.select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const start = events.find((e) => e.kind === 'call.startReview')!;
    expect(start.detail).toEqual({ panelSize: 5, drawSeed: review.draw.seed });
    const publicText = JSON.stringify(events);
    for (const m of review.panel) expect(publicText).not.toContain(m.name);
  });

  it('lets supervisors and admins see it, and shows a panel member only their own sessions', async () => {
    expect((await reviewOf(call.id, await t.as('supervisor'))).draw.verified).toBe(true);
    expect((await reviewOf(call.id, await t.as('admin'))).panel).toHaveLength(5);
    const member = await clientOf(review.panel[0].expertId);
    const mine = (await member.get('/api/reviews/mine')).json();
    const entry = mine.items.find((i: { session: { id: string } }) => i.session.id === review.session.id);
    expect(entry).toMatchObject({ member: { status: 'invited' }, actions: ['respond'], sheets: [] });
    expect(entry.applicants).toHaveLength(3);
    const outsiderId = [...usernameOf.keys()].find(
      (id) => !review.panel.some((m: { expertId: string }) => m.expertId === id),
    )!;
    const outsider = (await (await clientOf(outsiderId)).get('/api/reviews/mine')).json();
    expect(outsider.items.some((i: { session: { id: string } }) => i.session.id === review.session.id)).toBe(
      false,
    );
  });

  it('forbids the review to other roles and other buyers, writing nothing', async () => {
    const other = await closedCall();
    await insertApplication(t.database.db, other, { providerOrgId: providerOrgIds[40] });
    const start = { method: 'POST' as const, url: `/api/calls/${other.id}/review`, body: sessionBody() };
    await expectDeniedToEach(t, [...OTHERS, 'admin', 'supervisor', 'expert'], start, reviewTables);
    const [still] = await t.database.db.select().from(calls).where(eq(calls.id, other.id));
    expect(still.status).toBe('closed');
    await expectDeniedToEach(t, [...OTHERS, 'expert'], {
      method: 'GET',
      url: `/api/calls/${call.id}/review`,
    });
    await expectDeniedToEach(t, [...OTHERS, 'expert'], {
      method: 'GET',
      url: `/api/calls/${call.id}/review/results`,
    });
    await expectDeniedToEach(t, NOT_EXPERTS, { method: 'GET', url: '/api/reviews/mine' });
  });

  it('rejects a bad panel size or date with field messages, writing nothing', async () => {
    const other = await closedCall();
    await insertApplication(t.database.db, other, { providerOrgId: providerOrgIds[41] });
    const before = await snapshotCounts(t, reviewTables);
    for (const [body, path] of [
      [sessionBody({ panelSize: 6 }), 'panelSize'],
      [sessionBody({ panelSize: 3 }), 'panelSize'],
      [sessionBody({ panelSize: 5.5 }), 'panelSize'],
      [sessionBody({ heldAt: '下周三' }), 'heldAt'],
      [sessionBody({ place: '' }), 'place'],
      [sessionBody({ field: 'astrology' }), 'field'],
    ] as const) {
      const res = await buyer.post(`/api/calls/${other.id}/review`, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const even = await buyer.post(`/api/calls/${other.id}/review`, sessionBody({ panelSize: 6 }));
    expect(even.json().details.fields).toEqual([{ path: 'panelSize', message: '评审专家人数应为奇数' }]);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);
    const [still] = await t.database.db.select().from(calls).where(eq(calls.id, other.id));
    expect(still.status).toBe('closed');
  });

  it('refuses to start at the wrong time: a published call, a review already started', async () => {
    const published = await insertCall(t.database.db, { status: 'published' });
    await insertApplication(t.database.db, published, { providerOrgId: providerOrgIds[42] });
    const before = await snapshotCounts(t, reviewTables);
    const res = await buyer.post(`/api/calls/${published.id}/review`, sessionBody());
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('当前状态为“征集中”，不能开始评审');
    expect((await buyer.post(`/api/calls/${call.id}/review`, sessionBody())).statusCode).toBe(409);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);
  });

  it('starts once when two starts race', async () => {
    const other = await closedCall();
    await insertApplication(t.database.db, other, { providerOrgId: providerOrgIds[43] });
    const second = await t.client('buyer');
    const results = await Promise.all(
      [buyer, second].map((c) => c.post(`/api/calls/${other.id}/review`, sessionBody())),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(
      await t.database.db.select().from(reviewSessions).where(eq(reviewSessions.callId, other.id)),
    ).toHaveLength(1);
  });

  it('replaces an expert who declines with a conflict by the next in draw order', async () => {
    const decliner = review.panel[1];
    const expert = await clientOf(decliner.expertId);
    const before = await snapshotCounts(t, reviewTables);
    const noReason = await expert.post(`/api/reviews/${review.session.id}/respond`, {
      accept: false,
      conflictReason: '  ',
    });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().details.fields).toEqual([
      { path: 'conflictReason', message: '声明回避时请填写回避原因' },
    ]);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);

    const res = await expert.post(`/api/reviews/${review.session.id}/respond`, {
      accept: false,
      conflictReason: '与申报单位负责人系近亲属',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      member: { status: 'declined', conflictReason: '与申报单位负责人系近亲属' },
      actions: [],
    });
    const after = await reviewOf(call.id);
    expect(after.panel).toHaveLength(6);
    expect(after.panel[1]).toMatchObject({
      expertId: decliner.expertId,
      status: 'declined',
      conflictReason: '与申报单位负责人系近亲属',
    });
    const rerun = drawPanel({
      seed: after.draw.seed,
      candidates: after.draw.candidates.map((c: { id: string }) => c.id),
      exclusions: after.draw.exclusions,
      size: 5,
    });
    expect(after.panel[5]).toMatchObject({ expertId: rerun.order[5], drawPosition: 5, status: 'invited' });
    expect(after.draw.verified).toBe(true);
    expect(after.shortfall).toBeNull();
    const [replacementUser] = await t.database.db
      .select()
      .from(users)
      .where(eq(users.username, usernameOf.get(rerun.order[5])!));
    // The replacement is invited to this session once (the demo may have told them of others).
    const invitations = await t.database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, replacementUser.id),
          eq(notifications.link, `/app/reviews/${review.session.id}`),
        ),
      );
    expect(invitations.map((n) => n.kind)).toEqual(['review.invited']);
    // Answered once only.
    const again = await expert.post(`/api/reviews/${review.session.id}/respond`, { accept: true });
    expect(again.statusCode).toBe(409);

    // An expert deactivated since the draw keeps their place, recorded as skipped.
    const db = t.database.db;
    await db.update(experts).set({ active: false }).where(eq(experts.id, rerun.order[6]));
    try {
      const second = await (await clientOf(after.panel[2].expertId)).post(
        `/api/reviews/${review.session.id}/respond`,
        {
          accept: false,
          conflictReason: '本人曾担任申报单位理事',
        },
      );
      expect(second.statusCode, second.body).toBe(200);
    } finally {
      await db.update(experts).set({ active: true }).where(eq(experts.id, rerun.order[6]));
    }
    review = await reviewOf(call.id);
    expect(review.panel.slice(5)).toMatchObject([
      { expertId: rerun.order[5], drawPosition: 5, status: 'invited' },
      {
        expertId: rerun.order[6],
        drawPosition: 6,
        status: 'declined',
        conflictReason: '抽取后已停用或未开通账号，按抽取顺序跳过',
      },
      { expertId: rerun.order[7], drawPosition: 7, status: 'invited' },
    ]);
    expect(review.draw.verified).toBe(true);
  });

  it('forbids answering and scoring to other roles and to experts not on the panel', async () => {
    const outsiderId = [...usernameOf.keys()].find(
      (id) => !review.panel.some((m: { expertId: string }) => m.expertId === id),
    )!;
    const outsider = usernameOf.get(outsiderId)!;
    const invited = usernameOf.get(
      review.panel.find((m: { status: string }) => m.status === 'invited').expertId,
    )!;
    const declined = usernameOf.get(review.panel[1].expertId)!;
    const sid = review.session.id;
    await expectDeniedToEach(
      t,
      [...NOT_EXPERTS, outsider],
      { method: 'POST', url: `/api/reviews/${sid}/respond`, body: { accept: true } },
      reviewTables,
    );
    await expectDeniedToEach(t, [...NOT_EXPERTS, outsider, invited, declined], {
      method: 'GET',
      url: `/api/reviews/${sid}/applications`,
    });
    const put = {
      method: 'PUT' as const,
      url: `/api/reviews/${sid}/sheets/${apps[0].id}`,
      body: fullSheet(0),
    };
    await expectDeniedToEach(t, [...NOT_EXPERTS, outsider, invited, declined], put, reviewTables);
    await expectDeniedToEach(
      t,
      [...NOT_EXPERTS, outsider, invited, declined],
      { method: 'POST', url: `/api/reviews/${sid}/sheets/${apps[0].id}/submit` },
      reviewTables,
    );
    // A session that does not exist is 404 to an expert.
    const missing = await (await t.as(outsider)).post(`/api/reviews/${crypto.randomUUID()}/respond`, {
      accept: true,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('opens scoring once every seat is accepted; experts see the proposals without the certificate number', async () => {
    const first = await clientOf(review.panel[0].expertId);
    await first.post(`/api/reviews/${review.session.id}/respond`, { accept: true });
    // Accepted early: may read, may not score until the panel is complete.
    expect((await first.get(`/api/reviews/${review.session.id}/applications`)).statusCode).toBe(200);
    const early = await first.request(
      'PUT',
      `/api/reviews/${review.session.id}/sheets/${apps[0].id}`,
      fullSheet(0),
    );
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('评审小组尚未组齐，暂不能评分');

    review = await acceptAll(call.id);
    expect(review.session.status).toBe('scoring');
    expect(review.panel.filter((m: { status: string }) => m.status === 'accepted')).toHaveLength(5);
    const res = await first.get(`/api/reviews/${review.session.id}/applications`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rubric).toEqual([...DEFAULT_RUBRIC]);
    expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(apps.map((a) => a.id).sort());
    expect(body.items[0]).toMatchObject({ socialWorkerName: '王芳', sheet: null });
    expect(res.body).not.toContain('S2019530100123');
    expect(res.body).not.toContain('socialWorkerCertificate');
  });

  it('rejects a sheet above a weight, with a missing criterion or too many decimals, writing nothing', async () => {
    const expert = await clientOf(review.panel[0].expertId);
    const url = `/api/reviews/${review.session.id}/sheets/${apps[0].id}`;
    const before = await snapshotCounts(t, reviewTables);
    const over = await expert.request('PUT', url, {
      scores: DEFAULT_RUBRIC.map((c) => ({ key: c.key, score: c.key === 'team' ? 16 : c.weight })),
      comment: '',
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().details.fields).toEqual([
      { path: 'scores.3.score', message: '“团队与合作”的得分应在0到15分之间' },
    ]);
    const missing = await expert.request('PUT', url, { scores: [{ key: 'need', score: 18 }], comment: '' });
    expect(missing.json().details.fields).toEqual([
      { path: 'scores', message: '请为每个评分项打分，缺少：目标与设计、专业方法、团队与合作、预算合理性' },
    ]);
    const decimals = await expert.request('PUT', url, {
      scores: [{ key: 'need', score: 18.25 }],
      comment: '',
    });
    expect(decimals.statusCode).toBe(422);
    expect(decimals.json().details.fields[0]).toEqual({
      path: 'scores.0.score',
      message: '得分最多保留一位小数',
    });
    const notInReview = await expert.request(
      'PUT',
      `/api/reviews/${review.session.id}/sheets/${crypto.randomUUID()}`,
      fullSheet(0),
    );
    expect(notInReview.statusCode).toBe(404);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);
  });

  it('saves drafts, needs a comment to submit, and locks a submitted sheet', async () => {
    const expert = await clientOf(review.panel[0].expertId);
    const url = `/api/reviews/${review.session.id}/sheets/${apps[0].id}`;
    const draft = await expert.request('PUT', url, { ...fullSheet(0), comment: '' });
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.json()).toMatchObject({ totalCenti: 10000, submittedAt: null, actions: ['save', 'submit'] });
    const half = await expert.request('PUT', url, {
      scores: DEFAULT_RUBRIC.map((c) => ({ key: c.key, score: c.weight - 0.5 })),
      comment: '',
    });
    expect(half.json()).toMatchObject({ totalCenti: 9750, version: 2 });
    const noComment = await expert.post(`${url}/submit`);
    expect(noComment.statusCode).toBe(422);
    expect(noComment.json().details.fields).toEqual([{ path: 'comment', message: '提交前请填写评语' }]);
    const unsaved = await expert.post(`/api/reviews/${review.session.id}/sheets/${apps[1].id}/submit`);
    expect(unsaved.statusCode).toBe(422);

    await expert.request('PUT', url, fullSheet(0));
    // Two submissions at once: one locks the sheet, the other is told it is already submitted.
    const second = await t.client(usernameOf.get(review.panel[0].expertId)!);
    const racing = await Promise.all([expert, second].map((c) => c.post(`${url}/submit`)));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const [locked] = await t.database.db
      .select()
      .from(scoreSheets)
      .where(eq(scoreSheets.applicationId, apps[0].id));
    expect(locked.submittedAt).not.toBeNull();
    const edit = await expert.request('PUT', url, fullSheet(1));
    expect(edit.statusCode).toBe(409);
    expect(edit.json().message).toBe('该评分表已提交锁定，不能修改');
    expect((await expert.post(`${url}/submit`)).statusCode).toBe(409);
  });

  it('does not award or show results before scoring is complete', async () => {
    const before = await snapshotCounts(t, reviewTables);
    const res = await buyer.post(`/api/calls/${call.id}/awards`, {
      awards: [{ applicationId: apps[0].id, amountFen: 20_000_000 }],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('评审专家尚未全部提交评分，不能确定拟立项');
    expect((await buyer.get(`/api/calls/${call.id}/review/results`)).statusCode).toBe(409);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);
  });

  it('completes when every sheet is in: applications scored, timeline without scores', async () => {
    await scoreAll(
      review,
      apps.map((a) => a.id),
    );
    review = await reviewOf(call.id);
    expect(review.session.status).toBe('completed');
    expect(review.progress).toEqual({ submitted: 15, total: 15 });
    expect(review.actions).toEqual(['results', 'award']);
    const states = await t.database.db
      .select({ status: applications.status })
      .from(applications)
      .where(eq(applications.callId, call.id));
    expect(states.map((s) => s.status).sort()).toEqual(['ineligible', 'scored', 'scored', 'scored']);
    const events = await t.database.db
      .select()
      .from(timelineEvents)
      .where(eq(timelineEvents.callId, call.id));
    expect(events.map((e) => e.kind)).toContain('review.completed');
    expect(JSON.stringify(events)).not.toContain('totalCenti');
    const mine = (await (await clientOf(review.panel[0].expertId)).get('/api/reviews/mine')).json();
    const entry = mine.items.find((i: { session: { id: string } }) => i.session.id === review.session.id);
    expect(entry.sheets.every((s: { submitted: boolean }) => s.submitted)).toBe(true);
  });

  it('shows the three aggregations and rankings side by side', async () => {
    const res = await (await t.as('supervisor')).get(`/api/calls/${call.id}/review/results`);
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json();
    expect(results.method).toBe('trimmed_mean');
    expect(results.actions).toEqual(['results']);
    expect(results.experts).toHaveLength(5);
    const ids = apps.map((a) => a.id);
    expect(results.rankings).toEqual({ trimmed_mean: ids, mean: ids, zscore: ids });
    const [first, , third] = results.applications;
    expect(first).toMatchObject({ applicationId: ids[0], ranks: { trimmed_mean: 1, mean: 1, zscore: 1 } });
    // The first expert scored the first application 100, the others 100 too: one dropped each side.
    expect(first.totals).toHaveLength(5);
    expect(first.trimmedMean).toEqual({ sumCenti: 30000, count: 3, centi: 10000, trimmed: true });
    expect(third.mean.centi).toBe(8000);
    expect(third.ranks.zscore).toBe(3);
    expect(results.budget).toEqual({ budgetCapFen: 25_000_000, totalBudgetFen: 50_000_000, awardedFen: 0 });
  });

  it('rejects awards over the budget, over the request, or off the ranking without a reason, writing nothing', async () => {
    const [a, b, c] = apps.map((x) => x.id);
    const before = await snapshotCounts(t, reviewTables);
    const post = (body: unknown) => buyer.post(`/api/calls/${call.id}/awards`, body);
    const fields = async (body: unknown) => {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(422);
      return res.json().details.fields;
    };
    expect(
      await fields({
        awards: [
          { applicationId: a, amountFen: 20_000_000 },
          { applicationId: b, amountFen: 20_000_000 },
          { applicationId: c, amountFen: 20_000_000 },
        ],
      }),
    ).toEqual([{ path: 'awards', message: '立项总金额¥600,000.00超过本项目总预算¥500,000.00' }]);
    expect(await fields({ awards: [{ applicationId: a, amountFen: 20_000_001 }] })).toEqual([
      { path: 'awards.0.amountFen', message: expect.stringContaining('不能超过其申报金额¥200,000.00') },
    ]);
    expect(await fields({ awards: [{ applicationId: c, amountFen: 26_000_000 }] })).toEqual([
      { path: 'awards.0.amountFen', message: expect.stringContaining('不能超过单个项目资金上限¥250,000.00') },
    ]);
    const ineligible = (
      await t.database.db
        .select()
        .from(applications)
        .where(and(eq(applications.callId, call.id), eq(applications.status, 'ineligible')))
    )[0];
    expect(await fields({ awards: [{ applicationId: ineligible.id, amountFen: 1 }] })).toEqual([
      { path: 'awards.0.applicationId', message: '该申报不是本项目已评分的申报' },
    ]);
    expect(await fields({ awards: [{ applicationId: b, amountFen: 20_000_000 }] })).toEqual([
      {
        path: 'departureReason',
        message: '所选申报与“去掉一个最高分和一个最低分后取平均”的排名顺序不一致，请说明理由',
      },
    ]);
    expect(await fields({ awards: [{ applicationId: a, amountFen: -5 }] })).toEqual([
      { path: 'awards.0.amountFen', message: '立项金额应大于0' },
    ]);
    expect(await snapshotCounts(t, reviewTables)).toEqual(before);
    const [still] = await t.database.db.select().from(calls).where(eq(calls.id, call.id));
    expect(still.status).toBe('in_review');
  });

  it('forbids awarding to everyone but the call’s buyer', async () => {
    const body = { awards: [{ applicationId: apps[0].id, amountFen: 20_000_000 }] };
    await expectDeniedToEach(
      t,
      [...OTHERS, 'admin', 'supervisor', 'expert'],
      { method: 'POST', url: `/api/calls/${call.id}/awards`, body },
      reviewTables,
    );
  });

  it('awards within the budget once when two awards race, with the departure reason recorded', async () => {
    const [a, b, c] = apps.map((x) => x.id);
    const body = {
      awards: [
        { applicationId: a, amountFen: 20_000_000 },
        { applicationId: c, amountFen: 25_000_000 },
      ],
      departureReason: '第二名申报的服务社区与已有项目重叠，按评审组建议调整',
    };
    const second = await t.client('buyer');
    const racing = await Promise.all(
      [buyer, second].map((client) => client.post(`/api/calls/${call.id}/awards`, body)),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const won = racing.find((r) => r.statusCode === 200)!.json();
    expect(won).toMatchObject({ callStatus: 'awarded', departure: true });
    expect(won.awards.map((x: { applicationId: string; rank: number }) => [x.applicationId, x.rank])).toEqual(
      [
        [a, 1],
        [c, 3],
      ],
    );
    expect(
      won.awards.every(
        (x: { departureReason: string; status: string }) =>
          x.status === 'proposed' && x.departureReason === body.departureReason,
      ),
    ).toBe(true);
    expect(await t.database.db.select().from(awards).where(eq(awards.callId, call.id))).toHaveLength(2);
    const status = async (id: string) =>
      (await t.database.db.select().from(applications).where(eq(applications.id, id)))[0].status;
    expect([await status(a), await status(b), await status(c)]).toEqual([
      'awarded',
      'not_awarded',
      'awarded',
    ]);

    // Public: the awarded organizations, amounts and scores; not the reason nor the experts' sheets.
    const events = await t.database.db
      .select()
      .from(timelineEvents)
      .where(eq(timelineEvents.callId, call.id));
    const awarded = events.filter((e) => e.kind === 'application.award');
    expect(awarded).toHaveLength(2);
    expect(awarded[0].detail).toMatchObject({
      amountFen: 20_000_000,
      scoreCenti: 10000,
      rank: 1,
      providerOrgName: expect.any(String),
    });
    expect(awarded[0].title).toMatch(/^拟立项：/);
    expect(JSON.stringify(events)).not.toContain(body.departureReason);

    const again = await buyer.post(`/api/calls/${call.id}/awards`, body);
    expect(again.statusCode).toBe(409);
  });

  it('awards the next ranked application after an upheld objection, once the call is approved', async () => {
    const db = t.database.db;
    const [a, b] = apps.map((x) => x.id);
    const setCall = (status: string) => db.update(calls).set({ status }).where(eq(calls.id, call.id));
    const body = { awards: [{ applicationId: b, amountFen: 20_000_000 }] };
    // What the publicity module does on an upheld objection, then at the end of the period.
    await db
      .update(awards)
      .set({ status: 'revoked', revokedReason: '异议成立' })
      .where(eq(awards.applicationId, a));
    await db
      .update(awards)
      .set({ status: 'approved' })
      .where(and(eq(awards.callId, call.id), ne(awards.applicationId, a)));
    await db.update(applications).set({ status: 'revoked' }).where(eq(applications.id, a));
    await setCall('in_publicity');
    const during = await buyer.post(`/api/calls/${call.id}/awards`, body);
    expect(during.statusCode).toBe(409);
    expect(during.json().message).toBe('立项公示期间不能补充立项，请在公示结束（已立项）后再补充');

    await setCall('approved');
    const results = (await buyer.get(`/api/calls/${call.id}/review/results`)).json();
    expect(results.actions).toEqual(['results', 'award']);
    expect(results.budget.awardedFen).toBe(25_000_000);
    const revokedAgain = await buyer.post(`/api/calls/${call.id}/awards`, {
      awards: [
        { applicationId: b, amountFen: 20_000_000 },
        { applicationId: a, amountFen: 1 },
      ],
    });
    expect(revokedAgain.statusCode).toBe(422);
    expect(revokedAgain.json().details.fields).toEqual([
      { path: 'awards.1.applicationId', message: '只能从本项目未入选的申报中补充立项' },
    ]);

    const res = await buyer.post(`/api/calls/${call.id}/awards`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ callStatus: 'awarded', departure: false });
    const [bApp] = await db.select().from(applications).where(eq(applications.id, b));
    expect(bApp.status).toBe('awarded');
    const [bAward] = await db.select().from(awards).where(eq(awards.applicationId, b));
    expect(bAward).toMatchObject({ status: 'proposed', rank: 2, amountFen: 20_000_000 });

    // Without a revoked award there is nothing to fill.
    await setCall('approved');
    await db.update(awards).set({ status: 'approved' }).where(eq(awards.callId, call.id));
    const nothing = await buyer.post(`/api/calls/${call.id}/awards`, body);
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().message).toBe('本项目没有被撤销的立项，不能补充立项');
  });
});

describe('the pool', () => {
  it('draws from the call’s field when enough of its experts are free', async () => {
    for (const name of ['青少年专家甲', '青少年专家乙', '青少年专家丙'])
      await addExpert({ name, field: 'youth', employerName: '云南大学' });
    const call = await closedCall({ category: 'youth' });
    await insertApplication(t.database.db, call, { providerOrgId: providerOrgIds[44] });
    const res = await buyer.post(`/api/calls/${call.id}/review`, sessionBody());
    expect(res.statusCode, res.body).toBe(201);
    const { draw, panel } = res.json();
    expect(draw.field).toBe('youth');
    expect(draw.candidates.every((c: { field: string }) => c.field === 'youth')).toBe(true);
    expect(panel.every((m: { field: string }) => m.field === 'youth')).toBe(true);
  });

  it('leaves out experts without an account, and says when the pool is too small', async () => {
    const db = t.database.db;
    const noAccount = await db.insert(experts).values({ name: '无账号专家', field: 'elderly' }).returning();
    const hidden = await db
      .update(experts)
      .set({ active: false })
      .where(and(eq(experts.active, true), isNull(experts.employerOrgId), ne(experts.id, noAccount[0].id)))
      .returning({ id: experts.id });
    const restore = () =>
      db
        .update(experts)
        .set({ active: true })
        .where(
          inArray(
            experts.id,
            hidden.map((h) => h.id),
          ),
        );
    try {
      // Only the experts employed by providers stay (5 in the demo), and the one without an account.
      const active = await db.select().from(experts).where(eq(experts.active, true));
      const employed = active.filter((e) => e.employerOrgId);
      const free = providerOrgIds.find(
        (id) => !active.some((e) => e.employerOrgId === id || e.formerEmployerOrgIds.includes(id)),
      )!;
      const call = await closedCall();
      await insertApplication(t.database.db, call, { providerOrgId: free });
      const before = await snapshotCounts(t, reviewTables);
      const res = await buyer.post(`/api/calls/${call.id}/review`, sessionBody({ panelSize: 7 }));
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toBe(
        `专家库中符合条件的专家只有${employed.length}人，不足7人，无法组成评审小组。请减少评审专家人数或由管理员补充专家库。`,
      );
      expect(await snapshotCounts(t, reviewTables)).toEqual(before);
      const [still] = await db.select().from(calls).where(eq(calls.id, call.id));
      expect(still.status).toBe('closed');

      // Exactly five: the panel forms, with no reserve left.
      expect(employed).toHaveLength(5);
      const ok = await buyer.post(`/api/calls/${call.id}/review`, sessionBody());
      expect(ok.statusCode, ok.body).toBe(201);
      const review = ok.json();
      expect(review.draw.exclusions).toEqual([
        { expertId: noAccount[0].id, name: '无账号专家', reason: '未开通平台账号，无法在线确认和评分' },
      ]);

      // A conflict declared now cannot be refilled: recorded, and the buyer is told.
      const decliner = await clientOf(review.panel[0].expertId);
      const declined = await decliner.post(`/api/reviews/${review.session.id}/respond`, {
        accept: false,
        conflictReason: '曾为申报单位提供督导',
      });
      expect(declined.statusCode, declined.body).toBe(200);
      const after = await reviewOf(call.id);
      expect(after.panel).toHaveLength(5);
      expect(after.shortfall).toBe(
        '评审小组还缺1名专家，候选专家已全部抽完，无法自动补抽。可由管理员补充专家库后另行处理，或按规定流标。',
      );
      const [buyerUser] = await db.select().from(users).where(eq(users.username, 'buyer'));
      const told = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, buyerUser.id), eq(notifications.kind, 'review.shortfall')));
      expect(told).toHaveLength(1);
    } finally {
      await restore();
      await db.update(experts).set({ active: false }).where(eq(experts.id, noAccount[0].id));
    }
  });
});
