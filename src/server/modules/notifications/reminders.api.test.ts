import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSIONS, DEFAULT_GRADE_BANDS, templateIndicators } from '../../../domain/evaluations.js';
import { chinaMidnight } from '../../../domain/time.js';
import { addDays, addWorkingDays, CN_CALENDAR, todayInShanghai } from '../../../domain/working-days.js';
import { type Database, openDatabase } from '../../db/client.js';
import { installFixedClock } from '../../testing/fixed-clock.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { users } from '../accounts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { projects, recoveries, rectifications } from '../projects/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { publicities } from '../publicity/schema.js';
import { sendProjectDeadlineReminders } from './reminders.js';
import { deadlineReminders, notifications } from './schema.js';
import { startNotificationWorker } from './worker.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const DAYS = 3;
const today = todayInShanghai();
/** 10:00 in Shanghai on a day. */
const at = (day: string) => new Date(chinaMidnight(day).getTime() + 10 * 3_600_000);

/** One open deadline of each kind, due `DAYS` working days from today, on one running project. */
async function deadlines() {
  const { contract, call } = await signedContract(db());
  await db().insert(projects).values({ id: contract.id, callId: call.id, status: 'in_implementation' });
  const due = addWorkingDays(today, DAYS, CN_CALENDAR);
  const { own } = await evaluatorOrgs(db());
  const [evaluation] = await db()
    .insert(evaluations)
    .values({
      projectId: contract.id,
      stage: 'midterm',
      evaluatorOrgId: own,
      dueOn: due,
      templateName: '测试模板',
      dimensions: [],
      bands: DEFAULT_GRADE_BANDS,
    })
    .returning();
  const [rectification] = await db()
    .insert(rectifications)
    .values({
      projectId: contract.id,
      origin: 'buyer',
      reason: '服务台账记录不完整',
      workingDays: DAYS,
      openedOn: today,
      dueOn: due,
      evaluatorOrgId: own,
    })
    .returning();
  const [recovery] = await db()
    .insert(recoveries)
    .values({ projectId: contract.id, amountFen: 100_000, reason: '终止后追回', dueOn: due })
    .returning();
  const [publicity] = await db()
    .insert(publicities)
    .values({ callId: call.id, opensOn: today, closesOn: due, workingDays: String(DAYS) })
    .returning();
  return { due, ids: [evaluation.id, rectification.id, recovery.id, publicity.id] };
}

/** The reminders of these deadlines: key → the users who got it. */
async function reminded(ids: string[]) {
  const rows = await db()
    .select({
      key: notifications.dedupeKey,
      userId: notifications.userId,
      username: users.username,
      kind: notifications.kind,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(like(notifications.dedupeKey, 'deadline:%'));
  return rows.filter((r) => ids.some((id) => r.key?.includes(id)));
}

const run = (now: Date) => sendProjectDeadlineReminders(db(), now, { calendar: CN_CALENDAR, days: DAYS });

describe('deadline reminders of the project pipeline', () => {
  let fixture: Awaited<ReturnType<typeof deadlines>>;

  it(`remind who has to act ${DAYS} working days before, once per deadline and stage`, async () => {
    fixture = await deadlines();
    // A week before: nothing yet.
    await run(at(addDays(today, -7)));
    expect(await reminded(fixture.ids)).toEqual([]);

    await run(at(today));
    const first = await reminded(fixture.ids);
    const byKind = (kind: string) => first.filter((r) => r.kind === kind).map((r) => r.username);
    expect(byKind('deadline.evaluation')).toContain('evaluator');
    expect(byKind('deadline.rectification')).toContain('provider');
    expect(byKind('deadline.recovery')).toContain('provider');
    expect(byKind('deadline.publicity')).toContain('buyer');
    for (const r of first) expect(r.key).toMatch(/:due_soon$/);
    const [sample] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.dedupeKey, `deadline:rectification:${fixture.ids[1]}:${fixture.due}:due_soon`));
    expect(sample.title).toContain('整改期限提醒');
    expect(sample.body).toContain(`至${fixture.due}，还有${DAYS}个工作日`);

    // Later the same day and on the next days until it is due: nothing more.
    await run(at(today));
    await run(at(addWorkingDays(today, 1, CN_CALENDAR)));
    await run(at(fixture.due));
    expect(await reminded(fixture.ids)).toHaveLength(first.length);
  });

  it('remind once more on the day the deadline is overdue, and again never', async () => {
    const overdue = addDays(fixture.due, 1);
    const undo = installFixedClock(at(overdue));
    try {
      await run(new Date());
      await run(new Date());
    } finally {
      undo();
    }
    const all = await reminded(fixture.ids);
    const late = all.filter((r) => r.key?.endsWith(':overdue'));
    expect(new Set(late.map((r) => r.kind))).toEqual(
      new Set(['deadline.evaluation', 'deadline.rectification', 'deadline.recovery', 'deadline.publicity']),
    );
    // One notification per user, deadline and stage.
    const pairs = all.map((r) => `${r.key}|${r.userId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const [publicityLate] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.dedupeKey, `deadline:publicity:${fixture.ids[3]}:${fixture.due}:overdue`));
    expect(publicityLate.title).toContain('公示期已满');
  });

  it('stop when the deadline is met', async () => {
    const other = await deadlines();
    await db()
      .update(rectifications)
      .set({ status: 'submitted', submittedAt: new Date() })
      .where(eq(rectifications.id, other.ids[1]));
    await run(at(today));
    const got = await reminded(other.ids);
    expect(got.some((r) => r.kind === 'deadline.rectification')).toBe(false);
    expect(got.some((r) => r.kind === 'deadline.recovery')).toBe(true);
  });

  it('go out once even when two workers run them at the same moment', async () => {
    const fresh = await deadlines();
    const workers = (database: Database['db']) =>
      startNotificationWorker({
        db: database,
        config: { ...t.config, NOTIFY_INTERVAL_SECONDS: 1 },
        log: { info() {}, warn() {}, error() {} },
        mailer: null,
        now: () => at(today),
        jobs: [
          {
            name: 'project deadline reminders',
            everyMs: 0,
            run: (d, now) =>
              sendProjectDeadlineReminders(d, now, { calendar: CN_CALENDAR, days: DAYS }).then(() => null),
          },
        ],
      });
    const postgres = process.env.TEST_DB === 'postgres';
    const url = postgres
      ? (db() as unknown as { $client: { options: { connectionString: string } } }).$client.options
          .connectionString
      : '';
    const second = postgres ? await openDatabase({ url, dataDir: '' }) : null;
    const stops = [workers(db()), workers(second?.db ?? db())];
    // And two direct runs racing each other besides.
    await Promise.all([run(at(today)), run(at(today))]);
    try {
      await expect
        .poll(async () => (await reminded(fresh.ids)).length, { timeout: 10_000 })
        .toBeGreaterThan(3);
    } finally {
      await Promise.all(stops.map((stop) => stop()));
      await second?.close();
    }
    const got = await reminded(fresh.ids);
    const pairs = got.map((r) => `${r.key}|${r.userId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const keys = await db()
      .select()
      .from(deadlineReminders)
      .where(like(deadlineReminders.key, `%${fresh.ids[0]}%`));
    expect(keys.map((k) => k.key)).toEqual([`deadline:evaluation:${fresh.ids[0]}:${fresh.due}:due_soon`]);
  });
});

describe('each waiting step of the pipeline', () => {
  /** A user's notifications about a project. */
  const waiting = async (username: string, projectId: string) =>
    (
      await db()
        .select({ link: notifications.link })
        .from(notifications)
        .innerJoin(users, eq(users.id, notifications.userId))
        .where(eq(users.username, username))
    ).filter((n) => n.link?.includes(projectId));

  it('tells the party it waits on: the buyer of a payment request and of a submitted report, the evaluator of a submitted rectification', async () => {
    const { contract } = await signedContract(db());
    const provider = await t.as('provider');
    const buyer = await t.as('buyer');
    const evaluator = await t.as('evaluator');
    expect((await provider.post(`/api/projects/${contract.id}/start`, {})).statusCode).toBe(200);
    const countFor = async (username: string) => (await waiting(username, contract.id)).length;

    const buyerBefore = await countFor('buyer');
    const paid = await provider.post(`/api/projects/${contract.id}/payments`, { milestoneKey: 'signing' });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(await countFor('buyer')).toBe(buyerBefore + 1);

    const { own } = await evaluatorOrgs(db());
    const commissioned = await buyer.post(`/api/projects/${contract.id}/evaluations`, {
      stage: 'midterm',
      evaluatorOrgId: own,
      dueOn: addDays(today, 30),
    });
    expect(commissioned.statusCode, commissioned.body).toBe(201);
    const evaluationId = commissioned.json().id;
    const scores = templateIndicators(DEFAULT_DIMENSIONS).map((i) => ({
      key: i.key,
      score: i.weight,
      note: '见报告',
    }));
    const saved = await evaluator.put(`/api/evaluations/${evaluationId}/scores`, {
      scores,
      reportSummary: '项目整体按计划推进，服务台账完整，产出指标基本完成，服务对象满意度较高。',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const pdf = Buffer.from('%PDF-1.4\n% report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const report = await upload(
      evaluator,
      `/api/evaluations/${evaluationId}/report`,
      pdf,
      '报告.pdf',
      'application/pdf',
    );
    expect(report.statusCode, report.body).toBe(201);
    const buyerBeforeReport = await countFor('buyer');
    expect((await evaluator.post(`/api/evaluations/${evaluationId}/submit`, {})).statusCode).toBe(200);
    expect(await countFor('buyer')).toBe(buyerBeforeReport + 1);

    const opened = await buyer.post(`/api/projects/${contract.id}/rectifications`, {
      reason: '服务台账记录不完整，需补齐',
      evaluatorOrgId: own,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const [rect] = await db().select().from(rectifications).where(eq(rectifications.projectId, contract.id));
    const evaluatorBefore = await countFor('evaluator');
    const submitted = await provider.post(`/api/rectifications/${rect.id}/submit`, {
      plan: '补齐服务台账，逐月核对签到表',
      evidence: '已补齐1-3月台账并经社区确认',
      version: rect.version,
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(await countFor('evaluator')).toBe(evaluatorBefore + 1);
  });
});
