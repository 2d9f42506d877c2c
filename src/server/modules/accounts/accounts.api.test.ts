import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { type Database, openDatabase } from '../../db/client.js';
import { DEMO_PASSWORD } from '../../seed/demo.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { installFixedClock } from '../../testing/fixed-clock.js';
import { loginFrom } from '../../testing/from-address.js';
import { databaseUrl } from '../../testing/templates.js';
import { buildTestApp, type TestApp, TestClient } from '../../testing/test-app.js';
import { auditLog } from '../audit/schema.js';
import { lockMinutes } from './lockout.js';
import { loginFailures, rateLimitHits, sessions, users } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** Moves the clock (Date, and PGlite's now()) forward; afterEach puts it back. */
const clockUndos: (() => void)[] = [];
const advanceClock = (ms: number) => clockUndos.push(installFixedClock(new Date(Date.now() + ms)));
afterEach(() => {
  while (clockUndos.length) clockUndos.pop()!();
});

/** A new session on `app` (not necessarily the file's test app). */
async function signedIn(app: FastifyInstance, username: string, password = DEMO_PASSWORD) {
  const client = new TestClient(app);
  await client.get('/api/auth/session');
  const res = await client.post('/api/auth/login', { username, password });
  expect(res.statusCode).toBe(200);
  return client;
}

const sessionUser = async (c: TestClient) => (await c.get('/api/auth/session')).json().user?.username ?? null;

const NEW_PASSWORD = 'Kunming#2027x';

/** An administrator opens a provider account with NEW_PASSWORD (to be changed at first sign-in). */
async function createProviderUser(username: string, displayName: string) {
  const admin = await t.as('admin');
  const [org] = (await admin.get('/api/orgs?kind=provider&pageSize=1')).json().items;
  const created = await admin.post('/api/users', {
    username,
    displayName,
    orgId: org.id,
    roles: ['provider'],
    password: NEW_PASSWORD,
  });
  return { admin, org, created };
}

describe('login and sessions', () => {
  it('signs in, reports the session, and signs out', async () => {
    const c = await t.client();
    expect((await c.get('/api/auth/session')).json()).toEqual({ user: null });
    const res = await c.post('/api/auth/login', { username: 'buyer', password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({
      username: 'buyer',
      roles: ['buyer'],
      org: { name: '昆明市官渡区民政局' },
    });
    const sid = res.cookies.find((k) => k.name === 'sid')!;
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await c.get('/api/auth/session')).json().user.username).toBe('buyer');
    expect((await c.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await c.get('/api/auth/session')).json()).toEqual({ user: null });
  });

  it('answers a wrong password and an unknown user alike, without saying which', async () => {
    const c = await t.client();
    const wrong = await c.post('/api/auth/login', { username: 'buyer', password: 'nope-nope-1A' });
    const unknown = await c.post('/api/auth/login', { username: 'nobody', password: 'nope-nope-1A' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({ error: 'invalid_credentials', message: '用户名或密码错误' });
    // The same steps for both: a failure counted for the username and address.
    const counted = await t.database.db
      .select({ username: loginFailures.username, failures: loginFailures.failures })
      .from(loginFailures)
      .where(eq(loginFailures.address, '127.0.0.1'));
    expect(counted).toEqual(
      expect.arrayContaining([
        { username: 'buyer', failures: 1 },
        { username: 'nobody', failures: 1 },
      ]),
    );
  });

  it('ends a session idle longer than the limit, counted from its very last request', async () => {
    const app = await buildApp({ ...t.config, SESSION_IDLE_MINUTES: 1 }, t.database);
    try {
      const busy = await signedIn(app, 'provider');
      const idle = await signedIn(app, 'provider');
      advanceClock(40_000);
      expect(await sessionUser(busy)).toBe('provider');
      advanceClock(19_000);
      expect(await sessionUser(idle)).toBe('provider'); // idle 59 s
      advanceClock(21_000);
      expect(await sessionUser(busy)).toBe('provider');
      advanceClock(40_000);
      expect(await sessionUser(busy)).toBe('provider'); // used every 40 s, two minutes on
      const res = await idle.get('/api/auth/session'); // idle 61 s
      expect(res.json()).toEqual({ user: null });
      expect(res.cookies.find((k) => k.name === 'sid')?.value).toBe('');
      advanceClock(40_000);
      expect(await sessionUser(busy)).toBe('provider');
    } finally {
      await app.close();
    }
  });

  it('rejects a tampered session cookie', async () => {
    const c = await t.client('admin');
    c.cookies.set('sid', `${c.cookies.get('sid')!.slice(0, -3)}abc`);
    expect((await c.get('/api/users')).statusCode).toBe(401);
  });

  it('validates the login body with field messages', async () => {
    const c = await t.client();
    const res = await c.post('/api/auth/login', { username: '', password: 'x' });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields).toContainEqual({ path: 'username', message: '请填写用户名' });
  });
});

describe('sign-in back-off per username and address', () => {
  const tryFrom = (address: string, username: string, password = 'wrong-Pass-1') =>
    loginFrom(t.app, address, { username, password });

  it('makes the guessing address wait, not the account owner signing in from elsewhere', async () => {
    const guesser = '203.0.113.10';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await tryFrom(guesser, 'evaluator')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await tryFrom(guesser, 'evaluator', DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual({ error: 'login_locked', message: '登录失败次数过多，请1分钟后再试' });
    expect((await tryFrom('198.51.100.20', 'evaluator', DEMO_PASSWORD)).statusCode).toBe(200);

    const [evaluator] = await t.database.db.select().from(users).where(eq(users.username, 'evaluator'));
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'account.locked'), eq(auditLog.targetId, evaluator.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      ip: guesser,
      summary: { username: 'evaluator', failures: 5, minutes: 1 },
    });
  });

  it('answers a locked unknown username exactly as a locked real one', async () => {
    const address = '203.0.113.11';
    const answers: Awaited<ReturnType<typeof tryFrom>>[] = [];
    for (const username of ['supervisor', 'no.such.user']) {
      for (let i = 0; i < 6; i++) answers.push(await tryFrom(address, username));
    }
    const shape = (r: (typeof answers)[number]) => ({ status: r.statusCode, body: r.json() });
    expect(answers.slice(0, 6).map(shape)).toEqual(answers.slice(6).map(shape));
    expect(shape(answers[5])).toEqual({
      status: 429,
      body: { error: 'login_locked', message: '登录失败次数过多，请1分钟后再试' },
    });
    expect(answers.some((r) => r.statusCode === 423)).toBe(false);
  });

  it('doubles the wait with each failure after a lock, up to an hour, and forgets after a day', async () => {
    const address = '203.0.113.12';
    const username = 'backoff.probe';
    for (let i = 0; i < 5; i++) await tryFrom(address, username);
    expect((await tryFrom(address, username)).json().message).toContain('1分钟');
    advanceClock(61_000);
    expect((await tryFrom(address, username)).statusCode).toBe(401); // failure 6
    expect((await tryFrom(address, username)).json().message).toContain('2分钟');
    advanceClock(61_000);
    expect((await tryFrom(address, username)).json().message).toContain('1分钟');
    advanceClock(60_000);
    expect((await tryFrom(address, username)).statusCode).toBe(401); // failure 7
    expect((await tryFrom(address, username)).json().message).toContain('4分钟');
    expect([5, 6, 7, 8, 10, 11, 12, 40].map(lockMinutes)).toEqual([1, 2, 4, 8, 32, 60, 60, 60]);
    expect([0, 1, 4].map(lockMinutes)).toEqual([0, 0, 0]);

    advanceClock(25 * 3_600_000);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await tryFrom(address, username)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await tryFrom(address, username)).json().message).toContain('1分钟');
  });

  it('starts over after a successful sign-in from the address', async () => {
    const address = '203.0.113.13';
    for (let i = 0; i < 4; i++) await tryFrom(address, 'resident');
    expect((await tryFrom(address, 'resident', DEMO_PASSWORD)).statusCode).toBe(200);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await tryFrom(address, 'resident')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
  });

  it('deletes failures a day old', async () => {
    await t.database.db.insert(loginFailures).values({
      username: 'long.ago',
      address: '203.0.113.14',
      failures: 3,
      lastFailedAt: new Date(Date.now() - 25 * 3_600_000),
    });
    advanceClock(61_000); // the sweep runs at most once a minute
    await tryFrom('203.0.113.15', 'someone');
    const left = await t.database.db
      .select()
      .from(loginFailures)
      .where(eq(loginFailures.username, 'long.ago'));
    expect(left).toEqual([]);
  });
});

describe('a password that must be changed', () => {
  const BEFORE_CHANGE = [
    'GET /api/auth/session',
    'POST /api/auth/login',
    'POST /api/auth/logout',
    'POST /api/auth/password',
  ];
  const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

  it('closes every other API route with 403 password_change_required, writing nothing', async () => {
    const { created } = await createProviderUser('first.login', '新账号');
    expect(created.statusCode).toBe(201);
    const c = await t.client('first.login', NEW_PASSWORD);
    expect((await c.get('/api/auth/session')).json().user.mustChangePassword).toBe(true);

    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const before = await snapshotCounts(t, [users, sessions]);
    const open: string[] = [];
    let tried = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const method of Object.keys(operations).filter((m) => METHODS.includes(m))) {
        const route = `${method.toUpperCase()} ${path}`;
        if (BEFORE_CHANGE.includes(route)) continue;
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await c.request(method.toUpperCase() as 'GET', url, method === 'get' ? undefined : {});
        tried++;
        if (res.statusCode !== 403 || res.json().error !== 'password_change_required')
          open.push(`${route}: ${res.statusCode}`);
      }
    }
    expect(open).toEqual([]);
    expect(tried).toBeGreaterThan(50);
    expect(await snapshotCounts(t, [users, sessions])).toEqual(before);
    expect((await c.get('/api/applications')).json()).toEqual({
      error: 'password_change_required',
      message: '请先修改密码，然后再继续使用平台',
    });

    const changed = await c.post('/api/auth/password', {
      currentPassword: NEW_PASSWORD,
      newPassword: 'Kunming#2028y',
    });
    expect(changed.statusCode).toBe(204);
    expect((await c.get('/api/auth/session')).json().user.mustChangePassword).toBe(false);
    expect((await c.get('/api/applications')).statusCode).toBe(200);
    expect((await c.post('/api/auth/logout')).statusCode).toBe(204);
  });
});

describe('CSRF protection', () => {
  it('refuses a state-changing request without the token, and writes nothing', async () => {
    const c = await t.client('admin');
    const before = await snapshotCounts(t, [users]);
    const res = await c.request(
      'POST',
      '/api/users',
      { username: 'x1', displayName: 'x', roles: ['buyer'], password: NEW_PASSWORD },
      {
        'x-csrf-token': 'forged',
      },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('csrf_failed');
    expect(await snapshotCounts(t, [users])).toEqual(before);
  });
  it('refuses login without the token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: DEMO_PASSWORD },
    });
    expect(res.statusCode).toBe(403);
  });
});

/**
 * The same database opened again: on PostgreSQL a second connection pool, as a second app process
 * has. PGlite is embedded and only one process can open its data, so a second app on it is in the
 * same process and shares its connection: there the test shows the counts live in the database.
 */
async function sameDatabaseAgain(database: Database): Promise<Database> {
  if (database.kind === 'pglite') return { ...database, close: async () => {} };
  const result = (await database.db.execute(sql`select current_database() as name`)) as unknown as {
    rows: { name: string }[];
  };
  return openDatabase({ url: databaseUrl(result.rows[0].name), dataDir: '' });
}

describe('rate limit on login', () => {
  it('answers 429 past the limit per minute and address, counted for all apps on the database', async () => {
    const second = await sameDatabaseAgain(t.database);
    const config = { ...t.config, LOGIN_RATE_LIMIT_PER_MINUTE: 3 };
    const apps = [await buildApp(config, t.database), await buildApp(config, second)];
    try {
      const attempt = (app: FastifyInstance, address = '198.51.100.30') =>
        loginFrom(app, address, { username: 'a.b', password: 'wrong-Pass-1' });
      const statuses = [];
      for (const app of [apps[0], apps[1], apps[0], apps[1]]) statuses.push((await attempt(app)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await attempt(apps[0]);
      expect(limited.json()).toEqual({ error: 'rate_limited', message: '请求过于频繁，请稍后再试' });
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await attempt(apps[1], '198.51.100.31')).statusCode).toBe(401);

      // A new window a minute later; the sweep drops the counters whose window is over.
      advanceClock(61_000);
      expect((await attempt(apps[1])).statusCode).toBe(401);
      const counters = await t.database.db
        .select({ key: rateLimitHits.key, hits: rateLimitHits.hits })
        .from(rateLimitHits)
        .where(like(rateLimitHits.key, '%198.51.100.3_'));
      expect(counters).toEqual([{ key: 'POST /api/auth/login 198.51.100.30', hits: 1 }]);
    } finally {
      for (const app of apps) await app.close();
      await second.close();
    }
  });
});

describe('passwords', () => {
  it('changes the own password with the current one, ending every other session of the user', async () => {
    const other = await t.client('station');
    const c = await t.client('station');
    const weak = await c.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().details.fields[0]).toMatchObject({ path: 'newPassword' });
    const wrong = await c.post('/api/auth/password', {
      currentPassword: 'Wrong@2026xx',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().details.fields[0]).toEqual({ path: 'currentPassword', message: '当前密码不正确' });
    expect(
      (await c.post('/api/auth/password', { currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(204);
    expect(await sessionUser(c)).toBe('station');
    expect(await sessionUser(other)).toBeNull();
    const again = await t.client();
    expect(
      (await again.post('/api/auth/login', { username: 'station', password: NEW_PASSWORD })).statusCode,
    ).toBe(200);
    const [audit] = await t.database.db
      .select({ summary: auditLog.summary })
      .from(auditLog)
      .where(eq(auditLog.action, 'user.password_changed'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit.summary).toEqual({ otherSessionsEnded: 1 });
  });

  it('needs a signed-in user to change a password', async () => {
    const c = await t.client();
    expect(
      (await c.post('/api/auth/password', { currentPassword: 'a', newPassword: NEW_PASSWORD })).statusCode,
    ).toBe(401);
  });

  it('lets an admin reset a password, ending the sessions, lifting locks and forcing a change', async () => {
    const victim = await t.client('expert');
    for (let i = 0; i < 5; i++)
      await loginFrom(t.app, '203.0.113.40', { username: 'expert', password: 'wrong-Pass-1' });
    const admin = await t.as('admin');
    const [expert] = await t.database.db.select().from(users).where(eq(users.username, 'expert'));
    const res = await admin.post(`/api/users/${expert.id}/reset-password`, { newPassword: NEW_PASSWORD });
    expect(res.statusCode).toBe(204);
    expect((await victim.get('/api/auth/session')).json().user).toBeNull();
    const login = await loginFrom(t.app, '203.0.113.40', { username: 'expert', password: NEW_PASSWORD });
    expect(login.json().user.mustChangePassword).toBe(true);
  });

  it('forbids a reset to everyone but admins', async () => {
    const [target] = await t.database.db.select().from(users).where(eq(users.username, 'resident'));
    await expectDeniedToEach(
      t,
      [null, 'buyer', 'provider', 'community', 'evaluator', 'supervisor', 'resident'],
      { method: 'POST', url: `/api/users/${target.id}/reset-password`, body: { newPassword: NEW_PASSWORD } },
      [users],
    );
  });
});

describe('user administration', () => {
  it('creates, lists, updates and deactivates users, with audit entries', async () => {
    const { admin, org, created } = await createProviderUser('sw.li', '李社工');
    expect(created.statusCode).toBe(201);
    const u = created.json();
    expect(u).toMatchObject({ username: 'sw.li', orgName: org.name, active: true });
    expect(u.actions).toEqual(['update', 'resetPassword', 'deactivate']);

    const list = (await admin.get('/api/users?q=sw.li')).json();
    expect(list.total).toBe(1);
    expect(list.actions).toEqual(['create']);

    const updated = await admin.patch(`/api/users/${u.id}`, { displayName: '李明（项目社工）' });
    expect(updated.json().displayName).toBe('李明（项目社工）');

    const login = await t.client('sw.li', NEW_PASSWORD);
    const deactivated = await admin.post(`/api/users/${u.id}/deactivate`);
    expect(deactivated.json()).toMatchObject({
      active: false,
      actions: ['update', 'resetPassword', 'activate'],
    });
    expect((await login.get('/api/auth/session')).json().user).toBeNull();
    const denied = await (await t.client()).post('/api/auth/login', {
      username: 'sw.li',
      password: NEW_PASSWORD,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toBe('account_disabled');
    expect((await admin.post(`/api/users/${u.id}/deactivate`)).statusCode).toBe(409);

    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.targetId, u.id))).map(
      (a) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'user.deactivated']));
  });

  it('rejects bad input with field messages and writes nothing', async () => {
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, [users]);
    const res = await admin.post('/api/users', {
      username: 'a',
      displayName: '',
      roles: [],
      password: 'short',
    });
    expect(res.statusCode).toBe(422);
    const paths = res.json().details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['username', 'displayName', 'roles', 'password']));
    const dup = await admin.post('/api/users', {
      username: 'buyer',
      displayName: 'x',
      roles: ['buyer'],
      password: NEW_PASSWORD,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain('已被使用');
    expect(await snapshotCounts(t, [users])).toEqual(before);
  });

  it('does not let an admin deactivate their own account', async () => {
    const admin = await t.as('admin');
    const me = (await admin.get('/api/auth/session')).json().user;
    const res = await admin.post(`/api/users/${me.id}/deactivate`);
    expect(res.statusCode).toBe(422);
  });

  it('forbids user administration to every other role', async () => {
    const body = { username: 'intruder', displayName: 'x', roles: ['admin'], password: NEW_PASSWORD };
    await expectDeniedToEach(
      t,
      [null, 'buyer', 'provider', 'community', 'evaluator', 'supervisor', 'resident'],
      { method: 'POST', url: '/api/users', body },
      [users],
    );
    await expectDeniedToEach(t, [null, 'buyer', 'provider', 'community', 'evaluator', 'resident'], {
      method: 'GET',
      url: '/api/users',
    });
  });

  it('lets supervisors read the user list but not change it', async () => {
    const sup = await t.as('supervisor');
    const list = (await sup.get('/api/users')).json();
    expect(list.total).toBeGreaterThan(5);
    expect(list.actions).toEqual([]);
    expect(list.items[0].actions).toEqual([]);
  });
});

describe('resident registration', () => {
  it('registers a resident whose phone never appears in responses', async () => {
    const c = await t.client();
    const res = await c.post('/api/auth/register', {
      username: 'jumin01',
      displayName: '张阿姨',
      phone: '13888889999',
      password: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(201);
    const login = await c.post('/api/auth/login', { username: 'jumin01', password: NEW_PASSWORD });
    expect(login.json().user.roles).toEqual(['resident']);
    expect(login.body).not.toContain('13888889999');
    const admin = await t.as('admin');
    expect((await admin.get('/api/users?q=jumin01')).body).not.toContain('13888889999');
  });
});
