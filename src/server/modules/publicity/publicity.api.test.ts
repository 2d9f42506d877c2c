import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTransitions } from '../../../domain/lifecycle.js';
import { addDays, addWorkingDays, buildCalendar, todayInShanghai } from '../../../domain/working-days.js';
import { loadCalendar } from '../../calendar.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertApplication, insertCall, orgOf, sampleProposal } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { users } from '../accounts/schema.js';
import { applications } from '../applications/schema.js';
import { auditLog } from '../audit/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { notifications } from '../notifications/schema.js';
import { orgs } from '../orgs/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { objections, publicities } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const today = () => todayInShanghai();
const db = () => t.database.db;

/** A call in 拟立项 with proposed awards, as the reviews module leaves it. */
async function awardedCall(amounts: number[] = [20_000_000, 15_000_000]) {
  const call = await insertCall(db(), { status: 'awarded' });
  const rows = [];
  for (const [i, amountFen] of amounts.entries()) {
    const application = await insertApplication(db(), call, {
      status: 'awarded',
      proposal: sampleProposal(`第${i + 1}名：社区为老服务项目${call.code}`),
    });
    const [award] = await db()
      .insert(awards)
      .values({
        callId: call.id,
        applicationId: application.id,
        amountFen,
        rank: i + 1,
        scoreCenti: 9000 - i * 250,
        status: 'proposed',
      })
      .returning();
    rows.push({ application, award });
  }
  return { call, awards: rows };
}

async function openFor(callId: string, body: Record<string, unknown> = {}) {
  const res = await (await t.as('buyer')).post(`/api/calls/${callId}/publicity`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Moves a publicity's period into the past, as if its days had run out. */
async function expire(publicityId: string) {
  await db()
    .update(publicities)
    .set({ opensOn: addDays(today(), -14), closesOn: addDays(today(), -1) })
    .where(eq(publicities.id, publicityId));
}

let ipCounter = 0;
/** An anonymous visitor with its CSRF cookie, from its own address (the rate limit is per address). */
async function fileObjection(
  publicityId: string,
  body: Record<string, unknown>,
  ip = `127.0.1.${++ipCounter}`,
) {
  const visitor = await t.client();
  const csrf = visitor.cookies.get('csrf_token')!;
  return t.app.inject({
    method: 'POST',
    url: `/api/public/publicities/${publicityId}/objections`,
    payload: body,
    remoteAddress: ip,
    headers: { 'x-csrf-token': csrf, cookie: `csrf_token=${csrf}` },
  });
}

const objection = (overrides: Record<string, unknown> = {}) => ({
  name: '李秀英',
  contact: '13912345678',
  reason: '该机构在本社区没有服务场地，申报书中的志愿者名单与实际不符。',
  ...overrides,
});

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

describe('opening a publicity', () => {
  it('puts the proposed awards in publicity for 5 working days, publicly', async () => {
    const { call, awards: rows } = await awardedCall();
    const pub = await openFor(call.id);
    expect(pub).toMatchObject({
      callId: call.id,
      opensOn: today(),
      closesOn: addWorkingDays(today(), 5),
      workingDays: 5,
      status: 'open',
      phase: 'open',
      objections: [],
    });
    expect(pub.awards.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual(
      rows.map((r) => [r.award.id, 'in_publicity']),
    );
    const [callRow] = await db().select().from(calls).where(eq(calls.id, call.id));
    expect(callRow.status).toBe('in_publicity');

    // Public page: no sign-in needed.
    const visitor = await t.client();
    const page = (await visitor.get(`/api/public/publicities/${pub.id}`)).json();
    const [buyerOrg] = await db().select().from(orgs).where(eq(orgs.id, call.buyerOrgId));
    expect(page).toMatchObject({
      callCode: call.code,
      callTitle: call.title,
      buyerName: buyerOrg.name,
      actions: ['object'],
    });
    expect(page.awards[0]).toMatchObject({
      projectTitle: `第1名：社区为老服务项目${call.code}`,
      amountFen: 20_000_000,
      scoreCenti: 9000,
      rank: 1,
      status: 'in_publicity',
    });
    expect(page.awards[0].providerName).toBeTruthy();
    const list = (await visitor.get('/api/public/publicities?status=open')).json();
    expect(list.items.some((p: { id: string }) => p.id === pub.id)).toBe(true);
    expect(list.items.every((p: { status: string }) => p.status === 'open')).toBe(true);

    // The timeline lists the awards with public facts only.
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const opened = events.find((e) => e.kind === 'call.openPublicity')!;
    expect(opened.detail).toMatchObject({
      publicityId: pub.id,
      awards: [
        { projectTitle: `第1名：社区为老服务项目${call.code}`, amountFen: 20_000_000, scoreCenti: 9000 },
        { amountFen: 15_000_000, scoreCenti: 8750 },
      ],
    });
    expect(JSON.stringify(opened.detail)).not.toContain('S2019530100123'); // no certificate numbers
    // The providers hear of it.
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db().select().from(notifications).where(eq(notifications.userId, providerUser.id));
    expect(notes.some((n) => n.kind === 'publicity.opened' && n.link === `/app/publicities/${pub.id}`)).toBe(
      true,
    );
  });

  it('lists open publicities first, and filters by call', async () => {
    const { call: closedCall } = await awardedCall([1_000_000]);
    const closed = await openFor(closedCall.id);
    await expire(closed.id);
    expect((await (await t.as('buyer')).post(`/api/publicities/${closed.id}/close`)).statusCode).toBe(200);
    const { call } = await awardedCall([1_000_000]);
    const open = await openFor(call.id);
    const list = (await (await t.client()).get('/api/public/publicities?pageSize=100')).json();
    const statuses = list.items.map((p: { status: string }) => p.status);
    expect(statuses.indexOf('closed')).toBeGreaterThan(statuses.lastIndexOf('open'));
    const byCall = (await (await t.client()).get(`/api/public/publicities?callId=${call.id}`)).json();
    expect(byCall.items.map((p: { id: string }) => p.id)).toEqual([open.id]);
    expect(byCall.items[0]).toMatchObject({ awardCount: 1, objectionCount: 0, openObjectionCount: 0 });
  });

  it('may be scheduled and lengthened, never shortened below the setting', async () => {
    const { call } = await awardedCall([1_000_000]);
    const opensOn = addDays(today(), 3);
    const pub = await openFor(call.id, { workingDays: 10, opensOn });
    expect(pub).toMatchObject({
      opensOn,
      closesOn: addWorkingDays(opensOn, 10),
      workingDays: 10,
      phase: 'upcoming',
    });
    // Not open yet: no objections.
    const early = await fileObjection(pub.id, objection());
    expect(early.statusCode).toBe(409);
  });

  it('is for the call’s own buyer only; nothing is written otherwise', async () => {
    const { call, awards: rows } = await awardedCall([1_000_000]);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: `/api/calls/${call.id}/publicity`, body: {} },
      [publicities, timelineEvents, notifications],
    );
    const [award] = await db().select().from(awards).where(eq(awards.id, rows[0].award.id));
    expect(award.status).toBe('proposed');
  });

  it('rejects bad input with field messages, writing nothing', async () => {
    const { call } = await awardedCall([1_000_000]);
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [publicities, timelineEvents]);
    const bad = await buyer.post(`/api/calls/${call.id}/publicity`, {
      workingDays: 0,
      opensOn: '2026-02-30',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['opensOn', 'workingDays']);
    const short = await buyer.post(`/api/calls/${call.id}/publicity`, { workingDays: 3 });
    expect(short.statusCode).toBe(422);
    expect(short.json().details.fields).toEqual([
      { path: 'workingDays', message: '公示期不能少于5个工作日' },
    ]);
    const past = await buyer.post(`/api/calls/${call.id}/publicity`, { opensOn: addDays(today(), -1) });
    expect(past.json().details.fields[0].path).toBe('opensOn');
    const far = await buyer.post(`/api/calls/${call.id}/publicity`, { opensOn: addDays(today(), 31) });
    expect(far.statusCode).toBe(422);
    const missing = await buyer.post('/api/calls/00000000-0000-4000-8000-000000000000/publicity', {});
    expect(missing.statusCode).toBe(404);
    expect(await snapshotCounts(t, [publicities, timelineEvents])).toEqual(before);
  });

  it('answers 409 at the wrong time', async () => {
    const buyer = await t.as('buyer');
    const inReview = await insertCall(db(), { status: 'in_review' });
    const r1 = await buyer.post(`/api/calls/${inReview.id}/publicity`, {});
    expect(r1.statusCode).toBe(409);
    expect(r1.json().message).toContain('评审中');
    const empty = await insertCall(db(), { status: 'awarded' });
    const r2 = await buyer.post(`/api/calls/${empty.id}/publicity`, {});
    expect(r2.statusCode).toBe(409);
    expect(r2.json().message).toBe('没有待公示的拟立项项目');
    const { call } = await awardedCall([1_000_000]);
    await openFor(call.id);
    expect((await buyer.post(`/api/calls/${call.id}/publicity`, {})).statusCode).toBe(409);
    expect(await db().select().from(publicities).where(eq(publicities.callId, inReview.id))).toEqual([]);
  });

  it('opens once when two requests race', async () => {
    const { call } = await awardedCall([1_000_000]);
    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const results = await Promise.all([
      a.post(`/api/calls/${call.id}/publicity`, {}),
      b.post(`/api/calls/${call.id}/publicity`, {}),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(await db().select().from(publicities).where(eq(publicities.callId, call.id))).toHaveLength(1);
  });
});

describe('objection evidence', () => {
  it('lets the objector attach files with the receipt token; only the buyer and supervisors can open them', async () => {
    const { call } = await awardedCall();
    const pub = await openFor(call.id);
    const filed = (await fileObjection(pub.id, objection())).json();
    const pdf = Buffer.from('%PDF-1.4\n% evidence photo list\ntrailer<<>>\n%%EOF');
    const visitor = await t.client();
    const forged = await upload(
      visitor,
      `/api/public/objections/${filed.id}/attachments?token=forged-token`,
      pdf,
      '证据.pdf',
    );
    expect(forged.statusCode).toBe(403);
    const ok = await upload(
      visitor,
      `/api/public/objections/${filed.id}/attachments?token=${filed.attachmentToken}`,
      pdf,
      '证据.pdf',
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const fileUrl = `/api/files/${ok.json().id}`;
    const internal = (await (await t.as('buyer')).get(`/api/publicities/${pub.id}`)).json();
    expect(internal.objections[0].attachments).toEqual([
      expect.objectContaining({ name: '证据.pdf', url: fileUrl }),
    ]);
    expect((await visitor.get(`/api/public/publicities/${pub.id}`)).body).not.toContain('证据.pdf');
    expect((await (await t.as('buyer')).get(fileUrl)).statusCode).toBe(200);
    expect((await (await t.as('supervisor')).get(fileUrl)).statusCode).toBe(200);
    for (const username of ['station', 'provider', 'resident']) {
      expect((await (await t.as(username)).get(fileUrl)).statusCode).toBe(403);
    }
    expect((await visitor.get(fileUrl)).statusCode).toBe(401);
    const exe = await upload(
      visitor,
      `/api/public/objections/${filed.id}/attachments?token=${filed.attachmentToken}`,
      Buffer.from('MZ\x90\x00binary-program-here'),
      'a.exe',
    );
    expect(exe.statusCode).toBe(422);
  });
});

describe('objections', () => {
  it('are filed by anyone, shown publicly without who filed them, and reach the buyer', async () => {
    const { call, awards: rows } = await awardedCall();
    const pub = await openFor(call.id);
    const res = await fileObjection(
      pub.id,
      objection({
        awardId: rows[0].award.id,
        reason: '本人李秀英（电话13912345678）反映：该机构在本社区没有服务场地。',
      }),
      '127.0.9.9',
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      status: 'open',
      createdAt: expect.any(String),
      attachmentToken: expect.any(String),
    });
    const objectionId = res.json().id;

    const page = await (await t.client()).get(`/api/public/publicities/${pub.id}`);
    const publicText = page.body;
    for (const secret of ['李秀英', '13912345678', '127.0.9.9']) expect(publicText).not.toContain(secret);
    expect(page.json().objections).toEqual([
      {
        id: objectionId,
        awardId: rows[0].award.id,
        projectTitle: rows[0].application.proposal.title,
        reason: '本人***（电话***）反映：该机构在本社区没有服务场地。',
        status: 'open',
        answer: null,
        createdAt: expect.any(String),
        answeredAt: null,
      },
    ]);
    // Nor in the list, the timeline or the audit trail (which supervisors read and export).
    expect((await (await t.client()).get('/api/public/publicities?pageSize=100')).body).not.toContain(
      '李秀英',
    );
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(JSON.stringify(events)).not.toMatch(/李秀英|13912345678|127\.0\.9\.9/);
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, objectionId));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'objection.filed', actorId: null, ip: null });
    expect(audit[0].summary).toEqual({ objectionId, publicityId: pub.id, awardId: rows[0].award.id });
    expect(JSON.stringify(audit)).not.toMatch(/李秀英|13912345678|127\.0\.9\.9/);
    // The address is kept on the objection row only (abuse handling), never served.
    const [row] = await db().select().from(objections).where(eq(objections.id, objectionId));
    expect(row.ip).toBe('127.0.9.9');

    // The buyer is told, and sees name and contact; the supervisors too; nobody else.
    const buyerOrg = await orgOf(db(), 'buyer');
    const buyerUsers = await db().select().from(users).where(eq(users.orgId, buyerOrg));
    const notes = await db().select().from(notifications).where(eq(notifications.kind, 'objection.filed'));
    expect(
      notes.some((n) => buyerUsers.some((u) => u.id === n.userId) && n.link === `/app/publicities/${pub.id}`),
    ).toBe(true);
    const internal = (await (await t.as('buyer')).get(`/api/publicities/${pub.id}`)).json();
    expect(internal.objections[0]).toMatchObject({
      objectorName: '李秀英',
      objectorContact: '13912345678',
      actions: ['answer'],
    });
    expect(internal.actions).toEqual(['object', 'answer']);
    expect((await (await t.as('supervisor')).get(`/api/publicities/${pub.id}`)).statusCode).toBe(200);
    await expectDeniedToEach(
      t,
      ['station', 'provider', 'community', 'expert', 'evaluator', 'resident', null],
      {
        method: 'GET',
        url: `/api/publicities/${pub.id}`,
      },
    );
  });

  it('rejects bad input with field messages, writing nothing', async () => {
    const { call } = await awardedCall([1_000_000]);
    const other = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    const before = await snapshotCounts(t, [objections, notifications, timelineEvents]);
    const bad = await fileObjection(pub.id, { name: '名'.repeat(51), contact: '12345', reason: '太短了' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['contact', 'name', 'reason']);
    const missing = await fileObjection(pub.id, {});
    expect(
      missing
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['contact', 'name', 'reason']);
    const foreign = await fileObjection(pub.id, objection({ awardId: other.awards[0].award.id }));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().details.fields).toEqual([{ path: 'awardId', message: '所选项目不在本次公示中' }]);
    expect((await fileObjection('00000000-0000-4000-8000-000000000000', objection())).statusCode).toBe(404);
    expect(await snapshotCounts(t, [objections, notifications, timelineEvents])).toEqual(before);
  });

  it('need the CSRF token like every other write', async () => {
    const { call } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/public/publicities/${pub.id}/objections`,
      payload: objection(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('csrf_failed');
  });

  it('are refused once the period is over or the publicity closed', async () => {
    const { call } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    await expire(pub.id);
    const late = await fileObjection(pub.id, objection());
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('公示期已于');
    expect((await (await t.as('buyer')).post(`/api/publicities/${pub.id}/close`)).statusCode).toBe(200);
    const closed = await fileObjection(pub.id, objection());
    expect(closed.statusCode).toBe(409);
    expect(closed.json().message).toBe('公示已结束，不能再提出异议');
    expect(await db().select().from(objections).where(eq(objections.publicityId, pub.id))).toEqual([]);
  });

  it('are rate-limited per address', async () => {
    const { call } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await fileObjection(pub.id, objection(), '127.0.2.1')).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    // Another address is not affected.
    expect((await fileObjection(pub.id, objection(), '127.0.2.2')).statusCode).toBe(201);
  });
});

describe('answering objections', () => {
  async function withObjection(awardScoped = true) {
    const setup = await awardedCall();
    const pub = await openFor(setup.call.id);
    const res = await fileObjection(
      pub.id,
      objection(awardScoped ? { awardId: setup.awards[0].award.id } : {}),
    );
    expect(res.statusCode).toBe(201);
    return { ...setup, pub, objectionId: res.json().id as string };
  }

  it('rejects: the answer becomes public, the award stays', async () => {
    const { call, pub, objectionId, awards: rows } = await withObjection();
    const res = await (await t.as('buyer')).post(`/api/objections/${objectionId}/answer`, {
      decision: 'rejected',
      answer: '经核实，该机构已在社区设立服务点，异议不成立。',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().objections[0]).toMatchObject({
      status: 'rejected',
      answer: '经核实，该机构已在社区设立服务点，异议不成立。',
    });
    const page = (await (await t.client()).get(`/api/public/publicities/${pub.id}`)).json();
    expect(page.objections[0]).toMatchObject({
      status: 'rejected',
      answer: '经核实，该机构已在社区设立服务点，异议不成立。',
    });
    expect(page.objections[0].answeredAt).toBeTruthy();
    expect(page.awards[0]).toMatchObject({ id: rows[0].award.id, status: 'in_publicity' });
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(events.find((e) => e.kind === 'publicity.objection_answered')).toMatchObject({
      title: '异议答复：异议不成立',
      detail: { objectionId, decision: 'rejected', answer: '经核实，该机构已在社区设立服务点，异议不成立。' },
    });
  });

  it('keeps the objector out of the published answer', async () => {
    const { call, pub, objectionId, awards: rows } = await withObjection();
    const answer = '已电话联系李秀英（13912345678）核实，异议成立，撤销该项目拟立项。';
    const res = await (await t.as('buyer')).post(`/api/objections/${objectionId}/answer`, {
      decision: 'upheld',
      answer,
    });
    expect(res.statusCode).toBe(200);
    // The buyer's own view keeps the answer as written.
    expect(res.json().objections[0].answer).toBe(answer);
    const page = (await (await t.client()).get(`/api/public/publicities/${pub.id}`)).json();
    expect(page.objections[0].answer).toBe('已电话联系***（***）核实，异议成立，撤销该项目拟立项。');
    expect(page.awards[0].revokedReason).toBe('已电话联系***（***）核实，异议成立，撤销该项目拟立项。');
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const audit = await db().select().from(auditLog);
    for (const text of [JSON.stringify(events), JSON.stringify(audit), JSON.stringify(page)]) {
      expect(text).not.toContain('李秀英');
      expect(text).not.toContain('13912345678');
    }
    const [award] = await db().select().from(awards).where(eq(awards.id, rows[0].award.id));
    expect(award.revokedReason).not.toContain('李秀英');
  });

  it('upholds: the award and its application are revoked, with the reason', async () => {
    const { pub, objectionId, awards: rows } = await withObjection();
    const res = await (await t.as('buyer')).post(`/api/objections/${objectionId}/answer`, {
      decision: 'upheld',
      answer: '经核实，申报材料中志愿者名单不实，撤销该项目拟立项。',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [award] = await db().select().from(awards).where(eq(awards.id, rows[0].award.id));
    expect(award).toMatchObject({
      status: 'revoked',
      revokedReason: '经核实，申报材料中志愿者名单不实，撤销该项目拟立项。',
    });
    const [application] = await db()
      .select()
      .from(applications)
      .where(eq(applications.id, rows[0].application.id));
    expect(application.status).toBe('revoked');
    const page = (await (await t.client()).get(`/api/public/publicities/${pub.id}`)).json();
    expect(page.awards.map((a: { status: string }) => a.status)).toEqual(['revoked', 'in_publicity']);
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, providerUser.id), eq(notifications.kind, 'award.revoked')));
    expect(notes.length).toBeGreaterThan(0);
  });

  it('needs the project to revoke when an upheld objection named none', async () => {
    const { objectionId, awards: rows } = await withObjection(false);
    const buyer = await t.as('buyer');
    const res = await buyer.post(`/api/objections/${objectionId}/answer`, {
      decision: 'upheld',
      answer: '异议成立，撤销。',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0].path).toBe('awardId');
    const ok = await buyer.post(`/api/objections/${objectionId}/answer`, {
      decision: 'upheld',
      answer: '异议成立，撤销第二名项目。',
      awardId: rows[1].award.id,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().awards.map((a: { status: string }) => a.status)).toEqual(['in_publicity', 'revoked']);
  });

  it('is for the call’s own buyer only, and validated; nothing is written otherwise', async () => {
    const { objectionId } = await withObjection();
    const url = `/api/objections/${objectionId}/answer`;
    const body = { decision: 'rejected', answer: '异议不成立，理由如下。' };
    await expectDeniedToEach(t, NOT_BUYERS, { method: 'POST', url, body }, [
      objections,
      timelineEvents,
      notifications,
    ]);
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [timelineEvents]);
    const bad = await buyer.post(url, { decision: 'maybe', answer: '好' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['answer', 'decision']);
    expect(await snapshotCounts(t, [timelineEvents])).toEqual(before);
    const [row] = await db().select().from(objections).where(eq(objections.id, objectionId));
    expect(row.status).toBe('open');
    expect(
      (await buyer.post('/api/objections/00000000-0000-4000-8000-000000000000/answer', body)).statusCode,
    ).toBe(404);
  });

  it('is given once: a second answer, even a simultaneous one, gets 409', async () => {
    const { objectionId } = await withObjection();
    const url = `/api/objections/${objectionId}/answer`;
    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const results = await Promise.all([
      a.post(url, { decision: 'upheld', answer: '异议成立，撤销拟立项。' }),
      b.post(url, { decision: 'rejected', answer: '异议不成立，维持拟立项。' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const again = await a.post(url, { decision: 'rejected', answer: '再次答复，不应成功。' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('该异议已答复，不能重复答复');
    const answered = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'objection.answered'), eq(auditLog.targetId, objectionId)));
    expect(answered).toHaveLength(1);
  });
});

describe('closing a publicity', () => {
  it('waits for the end of the period and for every answer, then approves', async () => {
    const { call, awards: rows } = await awardedCall();
    const pub = await openFor(call.id);
    const buyer = await t.as('buyer');
    const early = await buyer.post(`/api/publicities/${pub.id}/close`);
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe(`公示期至${pub.closesOn}，期满后方可结束公示`);
    const filed = await fileObjection(pub.id, objection({ awardId: rows[1].award.id }));
    await expire(pub.id);
    const blocked = await buyer.post(`/api/publicities/${pub.id}/close`);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().message).toBe('尚有1条异议未答复，不能结束公示');
    expect((await db().select().from(publicities).where(eq(publicities.id, pub.id)))[0].status).toBe('open');

    await buyer.post(`/api/objections/${filed.json().id}/answer`, {
      decision: 'upheld',
      answer: '异议成立，撤销第二名项目。',
    });
    const page = (await buyer.get(`/api/publicities/${pub.id}`)).json();
    expect(page.actions).toEqual(['close']);
    const closed = await buyer.post(`/api/publicities/${pub.id}/close`);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', phase: 'closed', actions: [] });
    expect(closed.json().awards.map((a: { status: string }) => a.status)).toEqual(['approved', 'revoked']);
    const [callRow] = await db().select().from(calls).where(eq(calls.id, call.id));
    expect(callRow.status).toBe('approved');
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const closing = events.find((e) => e.kind === 'call.closePublicity')!;
    expect(closing.title).toBe('公示结束，1个项目立项（合计¥200,000.00）');
    expect(closing.detail).toMatchObject({
      approved: [{ awardId: rows[0].award.id }],
      revoked: [{ awardId: rows[1].award.id }],
    });
    const [providerUser] = await db().select().from(users).where(eq(users.username, 'provider'));
    const notes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, providerUser.id), eq(notifications.kind, 'award.approved')));
    expect(notes.length).toBeGreaterThan(0);
    // Closed once.
    const twice = await buyer.post(`/api/publicities/${pub.id}/close`);
    expect(twice.statusCode).toBe(409);
  });

  it('leaves the call where the buyer may award again when every award was revoked', async () => {
    const { call, awards: rows } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    const filed = await fileObjection(pub.id, objection({ awardId: rows[0].award.id }));
    const buyer = await t.as('buyer');
    await buyer.post(`/api/objections/${filed.json().id}/answer`, {
      decision: 'upheld',
      answer: '异议成立，撤销该项目拟立项。',
    });
    await expire(pub.id);
    expect((await buyer.post(`/api/publicities/${pub.id}/close`)).statusCode).toBe(200);
    const [callRow] = await db().select().from(calls).where(eq(calls.id, call.id));
    expect(callRow.status).toBe('approved');
    expect(callTransitions.award.from).toContain(callRow.status);
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(events.find((e) => e.kind === 'call.closePublicity')!.title).toBe(
      '公示结束：拟立项项目均已撤销，待重新确定',
    );

    // The reviews module awards the next ranked application (simulated here), under a new publicity.
    const next = await insertApplication(db(), call, { status: 'awarded', providerUsername: 'provider' });
    await db()
      .insert(awards)
      .values({ callId: call.id, applicationId: next.id, amountFen: 900_000, rank: 2, scoreCenti: 8500 });
    await db().update(calls).set({ status: 'awarded' }).where(eq(calls.id, call.id));
    const second = await openFor(call.id);
    expect(second.awards.map((a: { applicationId: string }) => a.applicationId)).toEqual([next.id]);
  });

  it('is for the call’s own buyer only', async () => {
    const { call } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    await expire(pub.id);
    await expectDeniedToEach(t, NOT_BUYERS, { method: 'POST', url: `/api/publicities/${pub.id}/close` }, [
      publicities,
      timelineEvents,
      notifications,
    ]);
    expect((await db().select().from(publicities).where(eq(publicities.id, pub.id)))[0].status).toBe('open');
  });

  it('closes once when two requests race', async () => {
    const { call } = await awardedCall([1_000_000]);
    const pub = await openFor(call.id);
    await expire(pub.id);
    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const results = await Promise.all([
      a.post(`/api/publicities/${pub.id}/close`),
      b.post(`/api/publicities/${pub.id}/close`),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const closings = await db()
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.callId, call.id), eq(timelineEvents.kind, 'call.closePublicity')));
    expect(closings).toHaveLength(1);
  });
});

describe('the working-day calendar of a deployment', () => {
  it('reads DATA_DIR/holidays.json at start and counts periods with it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-holidays-'));
    const from = addDays(today(), 1);
    const to = addDays(today(), 7);
    const file = {
      replace: true,
      arrangements: [{ year: Number(from.slice(0, 4)), name: '测试假期', off: { from, to }, workdays: [] }],
    };
    writeFileSync(path.join(dir, 'holidays.json'), JSON.stringify(file));
    const custom = await buildTestApp({ env: { DATA_DIR: dir } });
    try {
      const calendar = (await (await custom.client()).get('/api/public/calendar')).json();
      expect(calendar.arrangements).toEqual([{ ...file.arrangements[0] }]);
      const call = await insertCall(custom.database.db, { status: 'awarded' });
      const application = await insertApplication(custom.database.db, call, { status: 'awarded' });
      await custom.database.db.insert(awards).values({
        callId: call.id,
        applicationId: application.id,
        amountFen: 1_000_000,
        rank: 1,
        scoreCenti: 8000,
      });
      const res = await (await custom.client('buyer')).post(`/api/calls/${call.id}/publicity`, {});
      expect(res.statusCode).toBe(201);
      const expected = addWorkingDays(today(), 5, buildCalendar(file.arrangements));
      expect(res.json().closesOn).toBe(expected);
      expect(res.json().closesOn > to).toBe(true);
    } finally {
      await custom.close();
    }
  });

  it('refuses to start with a malformed file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-holidays-'));
    writeFileSync(
      path.join(dir, 'holidays.json'),
      JSON.stringify({
        arrangements: [{ year: 2027, name: 'x', off: { from: '2027-13-01', to: '2027-13-02' } }],
      }),
    );
    expect(() => loadCalendar(dir)).toThrow(/holidays\.json: arrangements\.0\.off\.from/);
    writeFileSync(path.join(dir, 'holidays.json'), '{ not json');
    expect(() => loadCalendar(dir)).toThrow(/not valid JSON/);
  });

  it('serves the built-in calendar: 2025 and 2026', async () => {
    const calendar = (await (await t.client()).get('/api/public/calendar')).json();
    expect(calendar.years).toEqual([2025, 2026]);
    expect(
      calendar.arrangements.find(
        (a: { year: number; name: string }) => a.year === 2026 && a.name === '国庆节',
      ),
    ).toEqual({
      year: 2026,
      name: '国庆节',
      off: { from: '2026-10-01', to: '2026-10-07' },
      workdays: ['2026-09-20', '2026-10-10'],
    });
  });
});
