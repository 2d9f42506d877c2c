import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDaysBetween } from '../../../domain/working-days.js';
import { type Database, openDatabase } from '../../db/client.js';
import { expectDeniedToEach } from '../../testing/expectations.js';
import { insertApplication, insertCall, orgOf } from '../../testing/factories.js';
import {
  type CapturedMail,
  closedSmtpPort,
  headerOf,
  type SmtpCapture,
  startSmtpCapture,
} from '../../testing/smtp.js';
import { ALL_ROLES_USERS, buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { users } from '../accounts/schema.js';
import { sendDeadlineReminders } from '../applications/reminders.js';
import { orgs } from '../orgs/schema.js';
import { deliverPendingEmails, MAX_EMAIL_ATTEMPTS, type Mailer, smtpMailer } from './mailer.js';
import { notifications } from './schema.js';
import { notify } from './service.js';
import { startNotificationWorker } from './worker.js';

let t: TestApp;
let provider: TestClient;
let buyer: TestClient;
const ids: Record<string, string> = {};

const userId = async (username: string) => {
  const [u] = await t.database.db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return u.id;
};

/** Queues a notification for a user, as the other modules do, and returns its id. */
async function notifyUser(username: string, title: string, extra: { kind?: string; link?: string } = {}) {
  const id = await userId(username);
  await t.database.db.transaction((tx) =>
    notify(tx, [id], { kind: extra.kind ?? 'test', title, body: `${title}的说明`, link: extra.link }),
  );
  const [row] = await t.database.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, id), eq(notifications.title, title)));
  return row.id;
}

const rowOf = async (id: string) => {
  const [row] = await t.database.db.select().from(notifications).where(eq(notifications.id, id));
  return row;
};

beforeAll(async () => {
  t = await buildTestApp();
  [provider, buyer] = await Promise.all([t.as('provider'), t.as('buyer')]);
  ids.p1 = await notifyUser('provider', '联合申报签章请求：第一条', { link: '/app/applications/1' });
  ids.p2 = await notifyUser('provider', '资格审查结果：第二条');
  ids.p3 = await notifyUser('provider', '合同待签：第三条');
  ids.b1 = await notifyUser('buyer', '异议待答复：采购方的一条');
});
afterAll(() => t?.close());

describe('the notification centre', () => {
  it('lists only the user’s own notifications, newest first, with the unread count', async () => {
    const res = await provider.get('/api/notifications');
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json();
    expect(list).toMatchObject({ total: 3, page: 1, pageSize: 20, unreadCount: 3, actions: ['readAll'] });
    expect(list.items.map((n: { id: string }) => n.id)).toEqual([ids.p3, ids.p2, ids.p1]);
    expect(list.items[2]).toEqual({
      id: ids.p1,
      kind: 'test',
      title: '联合申报签章请求：第一条',
      body: '联合申报签章请求：第一条的说明',
      link: '/app/applications/1',
      createdAt: expect.any(String),
      readAt: null,
      actions: ['read'],
    });
    expect(list.items.map((n: { title: string }) => n.title)).not.toContain('异议待答复：采购方的一条');

    const paged = (await provider.get('/api/notifications?page=2&pageSize=2')).json();
    expect(paged).toMatchObject({ total: 3, page: 2, pageSize: 2, unreadCount: 3 });
    expect(paged.items.map((n: { id: string }) => n.id)).toEqual([ids.p1]);
  });

  it('lets every signed-in role open its notification centre', async () => {
    for (const username of ALL_ROLES_USERS) {
      const res = await (await t.as(username)).get('/api/notifications');
      expect({ username, status: res.statusCode }).toEqual({ username, status: 200 });
    }
  });

  it('marks one notification read, idempotently, and filters unread ones', async () => {
    const res = await provider.post(`/api/notifications/${ids.p2}/read`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: ids.p2, readAt: expect.any(String), actions: [] });
    const firstReadAt = (await rowOf(ids.p2)).readAt;
    expect(firstReadAt).not.toBeNull();

    const again = await provider.post(`/api/notifications/${ids.p2}/read`);
    expect(again.statusCode).toBe(200);
    expect((await rowOf(ids.p2)).readAt).toEqual(firstReadAt);

    const unread = (await provider.get('/api/notifications?unread=true')).json();
    expect(unread).toMatchObject({ total: 2, unreadCount: 2 });
    expect(unread.items.map((n: { id: string }) => n.id)).toEqual([ids.p3, ids.p1]);
    const all = (await provider.get('/api/notifications?unread=false')).json();
    expect(all).toMatchObject({ total: 3, unreadCount: 2 });
  });

  it('answers 404 for someone else’s notification and changes nothing', async () => {
    const res = await provider.post(`/api/notifications/${ids.b1}/read`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', message: '通知不存在' });
    expect((await rowOf(ids.b1)).readAt).toBeNull();
    const missing = await provider.post('/api/notifications/00000000-0000-4000-8000-000000000000/read');
    expect(missing.statusCode).toBe(404);
  });

  it('rejects a malformed id or query with field messages', async () => {
    const res = await provider.post('/api/notifications/not-a-uuid/read');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'validation_error',
      details: { fields: [{ path: 'id', message: '编号格式不正确' }] },
    });
    for (const query of ['unread=maybe', 'pageSize=0', 'pageSize=101', 'page=0']) {
      const bad = await provider.get(`/api/notifications?${query}`);
      expect({ query, status: bad.statusCode }).toEqual({ query, status: 422 });
      expect(bad.json().details.fields.length).toBeGreaterThan(0);
    }
  });

  it('marks all the user’s own notifications read, and nobody else’s', async () => {
    const res = await provider.post('/api/notifications/read-all');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ marked: 2, unreadCount: 0 });
    const list = (await provider.get('/api/notifications')).json();
    expect(list).toMatchObject({ total: 3, unreadCount: 0, actions: [] });
    expect(list.items.every((n: { readAt: string | null }) => n.readAt)).toBe(true);
    expect((await rowOf(ids.b1)).readAt).toBeNull();
    expect((await buyer.get('/api/notifications')).json()).toMatchObject({ unreadCount: 1 });
    expect((await provider.post('/api/notifications/read-all')).json()).toEqual({
      marked: 0,
      unreadCount: 0,
    });
  });

  it('counts each notification once when two read-all requests race', async () => {
    await notifyUser('buyer', '并发一');
    await notifyUser('buyer', '并发二');
    const other = await t.client('buyer');
    const results = await Promise.all([
      buyer.post('/api/notifications/read-all'),
      other.post('/api/notifications/read-all'),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(results.reduce((sum, r) => sum + r.json().marked, 0)).toBe(3);
    expect((await buyer.get('/api/notifications')).json()).toMatchObject({ unreadCount: 0 });
    await t.database.db.update(notifications).set({ readAt: null }).where(eq(notifications.id, ids.b1));
  });

  it('turns the anonymous visitor away with 401 and writes nothing', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/api/notifications' },
      { method: 'POST' as const, url: '/api/notifications/read-all' },
      { method: 'POST' as const, url: `/api/notifications/${ids.b1}/read` },
    ]) {
      await expectDeniedToEach(t, [null], request, [notifications]);
    }
    expect((await rowOf(ids.b1)).readAt).toBeNull();
  });
});

describe('deadline reminders', () => {
  const at = (iso: string) => new Date(iso);

  /** A community committee with a demo account, and one of its drafts on a call. */
  async function draftOn(call: { id: string }, overrides: Parameters<typeof insertApplication>[2] = {}) {
    const [committee] = await t.database.db
      .select()
      .from(orgs)
      .where(eq(orgs.id, await orgOf(t.database.db, 'community')));
    return insertApplication(t.database.db, call, {
      status: 'draft',
      cosignedAt: null,
      submittedAt: null,
      communityRegionId: committee.regionId,
      communityOrgId: committee.id,
      ...overrides,
    });
  }

  const remindersFor = (applicationId: string) =>
    t.database.db
      .select({ userId: notifications.userId, kind: notifications.kind, title: notifications.title })
      .from(notifications)
      .where(like(notifications.dedupeKey, `deadline:%:${applicationId}:%`));

  it('reminds the provider and the community of a draft on a call closing in 2 working days, once', async () => {
    const now = at('2026-03-09T10:00:00+08:00'); // Monday
    const call = await insertCall(t.database.db, {
      title: '两个工作日后截止的项目',
      applicationClosesAt: at('2026-03-11T17:00:00+08:00'),
    });
    expect(workingDaysBetween('2026-03-09', '2026-03-11')).toBe(2);
    const draft = await draftOn(call);
    const submitted = await insertApplication(t.database.db, call, { providerUsername: 'provider' });

    const first = await sendDeadlineReminders(t.database.db, now);
    expect(first).toEqual({ providers: 1, communities: 1 });
    const sent = await remindersFor(draft.id);
    expect(sent.map((n) => [n.userId, n.kind, n.title]).sort()).toEqual(
      [
        [await userId('provider'), 'deadline.application', '申报截止提醒：两个工作日后截止的项目'],
        [await userId('community'), 'deadline.cosign', '联合签章截止提醒：两个工作日后截止的项目'],
      ].sort(),
    );
    expect(await remindersFor(submitted.id)).toEqual([]);

    // Once, not twice: later runs (even after the first was read) add nothing.
    await provider.post('/api/notifications/read-all');
    expect(await sendDeadlineReminders(t.database.db, at('2026-03-10T09:00:00+08:00'))).toEqual({
      providers: 0,
      communities: 0,
    });
    expect(await remindersFor(draft.id)).toHaveLength(2);

    const inbox = (await provider.get('/api/notifications?unread=true')).json();
    expect(inbox.items.map((n: { title: string }) => n.title)).not.toContain(
      '申报截止提醒：两个工作日后截止的项目',
    );
  });

  it('does not remind the community of a draft it has already co-signed', async () => {
    const call = await insertCall(t.database.db, { applicationClosesAt: at('2026-03-11T12:00:00+08:00') });
    const signed = await draftOn(call, { cosignedAt: at('2026-03-05T10:00:00+08:00') });
    await sendDeadlineReminders(t.database.db, at('2026-03-09T10:00:00+08:00'));
    expect((await remindersFor(signed.id)).map((n) => n.kind)).toEqual(['deadline.application']);
  });

  it('sends nothing for a call closing in 10 days, an already closed window or a cancelled call', async () => {
    const now = at('2026-03-09T10:00:00+08:00');
    const later = await draftOn(
      await insertCall(t.database.db, { applicationClosesAt: at('2026-03-19T17:00:00+08:00') }),
    );
    const past = await draftOn(
      await insertCall(t.database.db, { applicationClosesAt: at('2026-03-09T09:00:00+08:00') }),
    );
    const cancelled = await draftOn(
      await insertCall(t.database.db, {
        status: 'cancelled',
        applicationClosesAt: at('2026-03-10T17:00:00+08:00'),
      }),
    );
    await sendDeadlineReminders(t.database.db, now);
    for (const a of [later, past, cancelled]) expect(await remindersFor(a.id)).toEqual([]);
  });

  it('counts working days, not calendar days, across weekends and holidays', async () => {
    // Wednesday 2026-09-30: 10-01..10-07 are off, 10-08 and 10-09 are the 1st and 2nd working days.
    const now = at('2026-09-30T10:00:00+08:00');
    const afterHoliday = await draftOn(
      await insertCall(t.database.db, { applicationClosesAt: at('2026-10-09T17:00:00+08:00') }),
    );
    // 10-08, 10-09, 10-10 (adjusted working Saturday), 10-12: 4 working days away.
    const fourDays = await draftOn(
      await insertCall(t.database.db, { applicationClosesAt: at('2026-10-12T17:00:00+08:00') }),
    );
    await sendDeadlineReminders(t.database.db, now);
    expect(await remindersFor(afterHoliday.id)).toHaveLength(2);
    expect(await remindersFor(fourDays.id)).toEqual([]);
  });
});

describe('e-mail delivery', () => {
  let smtp: SmtpCapture;
  let captured: CapturedMail[];
  let mailer: Mailer;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    captured = smtp.mails;
    const port = smtp.port;
    mailer = smtpMailer({
      ...t.config,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: port,
      SMTP_FROM: 'noreply@guandu.example.cn',
    })!;
    await t.database.db
      .update(users)
      .set({ email: 'provider@example.cn' })
      .where(eq(users.username, 'provider'));
    // Everything queued by the earlier tests is out of the way.
    await t.database.db.update(notifications).set({ emailedAt: new Date() });
  });
  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
  });

  it('is off without SMTP_HOST', () => {
    expect(smtpMailer(t.config)).toBeNull();
  });

  it('e-mails a notification to the user’s address with its title as subject, and marks it emailed', async () => {
    const mine = await notifyUser('provider', '联合申报签章请求：乐龄同行项目', {
      link: '/app/applications/9',
    });
    const read = await notifyUser('provider', '已读的通知');
    await provider.post(`/api/notifications/${read}/read`);
    const noAddress = await notifyUser('buyer', '采购方没有邮箱');

    const result = await deliverPendingEmails(t.database.db, mailer);
    expect(result).toEqual({ sent: 1, failed: 0 });
    expect(captured).toHaveLength(1);
    const [mail] = captured;
    expect(mail.to).toEqual(['provider@example.cn']);
    expect(mail.from).toBe('noreply@guandu.example.cn');
    expect(headerOf(mail.raw, 'Subject')).toBe('联合申报签章请求：乐龄同行项目');
    expect(headerOf(mail.raw, 'From')).toContain('社会工作服务项目管理平台');
    expect((await rowOf(mine)).emailedAt).not.toBeNull();
    // Read in the app already, or no address: not e-mailed, left as they are.
    expect((await rowOf(read)).emailedAt).toBeNull();
    expect((await rowOf(noAddress)).emailedAt).toBeNull();

    expect(await deliverPendingEmails(t.database.db, mailer)).toEqual({ sent: 0, failed: 0 });
    expect(captured).toHaveLength(1);
  });

  const later = (ms: number) => new Date(Date.now() + ms);
  const subjects = () => captured.map((m) => m.subject);

  it('tries a refused message again after a pause that doubles, and gives up after the last attempt', async () => {
    const id = await notifyUser('provider', '资格审查结果通知');
    smtp.reject = true;
    try {
      const first = later(0);
      expect(await deliverPendingEmails(t.database.db, mailer, { now: first })).toEqual({
        sent: 0,
        failed: 1,
      });
      expect(await rowOf(id)).toMatchObject({
        emailedAt: null,
        emailSendingAt: null,
        emailAttempts: 1,
        emailRetryAt: new Date(first.getTime() + 60_000),
      });
      // Within the pause it is not tried again.
      expect(await deliverPendingEmails(t.database.db, mailer, { now: later(30_000) })).toEqual({
        sent: 0,
        failed: 0,
      });
      const second = later(61_000);
      expect(await deliverPendingEmails(t.database.db, mailer, { now: second })).toEqual({
        sent: 0,
        failed: 1,
      });
      expect(await rowOf(id)).toMatchObject({
        emailAttempts: 2,
        emailRetryAt: new Date(second.getTime() + 120_000),
      });
    } finally {
      smtp.reject = false;
    }
    const retried = await deliverPendingEmails(t.database.db, mailer, { now: later(200_000) });
    expect(retried).toEqual({ sent: 1, failed: 0 });
    expect((await rowOf(id)).emailedAt).not.toBeNull();
    expect(subjects().filter((s) => s === '资格审查结果通知')).toHaveLength(1);

    const hopeless = await notifyUser('provider', '一直被拒收的通知');
    smtp.reject = true;
    try {
      for (let i = 0; i < MAX_EMAIL_ATTEMPTS; i++)
        await deliverPendingEmails(t.database.db, mailer, { now: later((i + 1) * 3_600_000) });
    } finally {
      smtp.reject = false;
    }
    expect(await rowOf(hopeless)).toMatchObject({ emailedAt: null, emailAttempts: MAX_EMAIL_ATTEMPTS });
    expect(await deliverPendingEmails(t.database.db, mailer, { now: later(24 * 3_600_000) })).toEqual({
      sent: 0,
      failed: 0,
    });
  });

  it('survives an unreachable server: stops the run at the first failure and tries again later', async () => {
    const ids = [
      await notifyUser('provider', '服务器不可达时的通知'),
      await notifyUser('provider', '第二条'),
    ];
    const port = await closedSmtpPort();
    const down = smtpMailer({ ...t.config, SMTP_HOST: '127.0.0.1', SMTP_PORT: port })!;
    const warnings: object[] = [];
    const log = { info() {}, warn: (o: object) => warnings.push(o), error() {} };
    try {
      expect(await deliverPendingEmails(t.database.db, down, { log })).toEqual({ sent: 0, failed: 1 });
    } finally {
      down.close();
    }
    expect(warnings).toHaveLength(1);
    expect((await rowOf(ids[0])).emailAttempts).toBe(1);
    // The second was not claimed: it is neither marked as sending nor counted as a failure.
    expect(await rowOf(ids[1])).toMatchObject({ emailSendingAt: null, emailAttempts: 0 });
    expect(await deliverPendingEmails(t.database.db, mailer, { now: later(61_000) })).toEqual({
      sent: 2,
      failed: 0,
    });
  });

  it('never sends a message twice: not once sent, not when a run died while sending it', async () => {
    const sent = await notifyUser('provider', '已发送过的通知');
    expect((await deliverPendingEmails(t.database.db, mailer)).sent).toBe(1);
    // A run claimed this one and its process died before it could say how the send went.
    const claimed = await notifyUser('provider', '发送中断的通知');
    await t.database.db
      .update(notifications)
      .set({ emailSendingAt: new Date() })
      .where(eq(notifications.id, claimed));
    expect(await deliverPendingEmails(t.database.db, mailer, { now: later(86_400_000) })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(subjects().filter((s) => s === '已发送过的通知')).toHaveLength(1);
    expect(subjects()).not.toContain('发送中断的通知');
    expect((await rowOf(sent)).emailedAt).not.toBeNull();
  });

  it('sends each message once when two runs go at the same time', async () => {
    const titles = Array.from({ length: 8 }, (_, i) => `并发发送的通知${i + 1}`);
    for (const title of titles) await notifyUser('provider', title);
    const runs = await Promise.all([
      deliverPendingEmails(t.database.db, mailer),
      deliverPendingEmails(t.database.db, mailer),
    ]);
    expect(runs[0].sent + runs[1].sent).toBe(titles.length);
    for (const title of titles) expect(subjects().filter((s) => s === title)).toEqual([title]);
  });

  it('is run by the notification worker, which stops cleanly', async () => {
    const id = await notifyUser('provider', '由后台任务发送的通知');
    const stop = startNotificationWorker({
      db: t.database.db,
      config: { ...t.config, NOTIFY_INTERVAL_SECONDS: 1 },
      log: { info() {}, warn() {}, error() {} },
      mailer,
    });
    try {
      await expect.poll(async () => (await rowOf(id)).emailedAt, { timeout: 10_000 }).not.toBeNull();
    } finally {
      await stop();
    }
    expect(subjects()).toContain('由后台任务发送的通知');
  });

  // Two processes are two connection pools on one database; PGlite is a single process.
  describe.skipIf(process.env.TEST_DB !== 'postgres')('with two processes on one PostgreSQL database', () => {
    it('elects one worker, which sends each message once; the other takes over when it stops', async () => {
      const url = (t.database.db as unknown as { $client: { options: { connectionString: string } } }).$client
        .options.connectionString;
      const second = await openDatabase({ url, dataDir: '' });
      const logs: { worker: number; msg: string }[] = [];
      const logOf = (worker: number) => ({
        info: (_: object, msg?: string) => logs.push({ worker, msg: msg ?? '' }),
        warn() {},
        error() {},
      });
      const reminded: number[] = [];
      const start = (worker: number, db: Database['db']) =>
        startNotificationWorker({
          db,
          config: { ...t.config, NOTIFY_INTERVAL_SECONDS: 1 },
          log: logOf(worker),
          mailer,
          jobs: [
            {
              name: 'count',
              everyMs: 0,
              run: async () => {
                reminded.push(worker);
                return null;
              },
            },
          ],
        });
      const titles = Array.from({ length: 6 }, (_, i) => `两个进程的通知${i + 1}`);
      const ids = await Promise.all(titles.map((title) => notifyUser('provider', title)));
      const stops = [start(1, t.database.db), start(2, second.db)];
      const stopped = [false, false];
      try {
        await expect
          .poll(async () => (await Promise.all(ids.map(rowOf))).every((r) => r.emailedAt), {
            timeout: 15_000,
          })
          .toBe(true);
        const elected = logs.filter((l) => l.msg.startsWith('notification worker elected'));
        expect(elected).toHaveLength(1);
        const leader = elected[0].worker;
        expect(new Set(reminded)).toEqual(new Set([leader]));
        // The leader stops; the other is elected and sends what comes next, and nothing twice.
        await stops[leader - 1]();
        stopped[leader - 1] = true;
        const next = await notifyUser('provider', '接手后发送的通知');
        await expect.poll(async () => (await rowOf(next)).emailedAt, { timeout: 15_000 }).not.toBeNull();
        expect(
          logs.filter((l) => l.msg.startsWith('notification worker elected')).map((l) => l.worker),
        ).toEqual([leader, 3 - leader]);
        for (const title of [...titles, '接手后发送的通知'])
          expect(subjects().filter((s) => s === title)).toEqual([title]);
      } finally {
        await Promise.all(stops.map((stop, i) => (stopped[i] ? undefined : stop())));
        await second.close();
      }
    });
  });
});
