import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp, TestClient } from '../../testing/test-app.js';
import { auditLog } from '../audit/schema.js';
import { sessions, users } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'Kunming#2027x';

describe('login and sessions', () => {
  it('signs in, reports the session, and signs out', async () => {
    const c = await t.client();
    expect((await c.get('/api/auth/session')).json()).toEqual({ user: null });
    const res = await c.post('/api/auth/login', { username: 'buyer', password: 'Guandu@2026' });
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
  });

  it('locks an account for 15 minutes after 5 failures, even for the right password', async () => {
    const c = await t.client();
    for (let i = 0; i < 4; i++) {
      expect(
        (await c.post('/api/auth/login', { username: 'evaluator', password: 'wrong-Pass-1' })).statusCode,
      ).toBe(401);
    }
    const fifth = await c.post('/api/auth/login', { username: 'evaluator', password: 'wrong-Pass-1' });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error).toBe('account_locked');
    const right = await c.post('/api/auth/login', { username: 'evaluator', password: 'Guandu@2026' });
    expect(right.statusCode).toBe(423);
    expect(right.json().message).toMatch(/分钟后再试/);
    const [row] = await t.database.db.select().from(users).where(eq(users.username, 'evaluator'));
    const minutes = (row.lockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'account.locked'));
    expect(audit).toHaveLength(1);
    // After the lock expires the right password works again.
    await t.database.db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(users.id, row.id));
    expect(
      (await c.post('/api/auth/login', { username: 'evaluator', password: 'Guandu@2026' })).statusCode,
    ).toBe(200);
  });

  it('ends a session idle for more than 30 minutes', async () => {
    const c = await t.client('community');
    // Only this user's sessions: the file's other signed-in clients (t.as) stay fresh.
    const [community] = await t.database.db.select().from(users).where(eq(users.username, 'community'));
    await t.database.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(sessions.userId, community.id));
    const res = await c.get('/api/auth/session');
    expect(res.json()).toEqual({ user: null });
    expect(res.cookies.find((k) => k.name === 'sid')?.value).toBe('');
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
      payload: { username: 'admin', password: 'Guandu@2026' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('rate limit on login', () => {
  it('answers 429 past the limit per minute', async () => {
    // A second app on the same database, configured with a low limit.
    const app = await buildApp({ ...t.config, LOGIN_RATE_LIMIT_PER_MINUTE: 3 }, t.database);
    try {
      const c = new TestClient(app);
      await c.get('/api/auth/session');
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await c.post('/api/auth/login', { username: 'a', password: 'b' })).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await app.close();
    }
  });
});

describe('passwords', () => {
  it('changes the own password with the current one, applying the policy', async () => {
    const c = await t.client('station');
    const weak = await c.post('/api/auth/password', { currentPassword: 'Guandu@2026', newPassword: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().details.fields[0]).toMatchObject({ path: 'newPassword' });
    const wrong = await c.post('/api/auth/password', {
      currentPassword: 'Wrong@2026xx',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().details.fields[0]).toEqual({ path: 'currentPassword', message: '当前密码不正确' });
    expect(
      (await c.post('/api/auth/password', { currentPassword: 'Guandu@2026', newPassword: NEW_PASSWORD }))
        .statusCode,
    ).toBe(204);
    const again = await t.client();
    expect(
      (await again.post('/api/auth/login', { username: 'station', password: NEW_PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('needs a signed-in user to change a password', async () => {
    const c = await t.client();
    expect(
      (await c.post('/api/auth/password', { currentPassword: 'a', newPassword: NEW_PASSWORD })).statusCode,
    ).toBe(401);
  });

  it('lets an admin reset a password, ending the sessions and forcing a change', async () => {
    const victim = await t.client('expert');
    const admin = await t.as('admin');
    const [expert] = await t.database.db.select().from(users).where(eq(users.username, 'expert'));
    const res = await admin.post(`/api/users/${expert.id}/reset-password`, { newPassword: NEW_PASSWORD });
    expect(res.statusCode).toBe(204);
    expect((await victim.get('/api/auth/session')).json().user).toBeNull();
    const login = await (await t.client()).post('/api/auth/login', {
      username: 'expert',
      password: NEW_PASSWORD,
    });
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
    const admin = await t.as('admin');
    const orgs = (await admin.get('/api/orgs?kind=provider&pageSize=1')).json();
    const created = await admin.post('/api/users', {
      username: 'sw.li',
      displayName: '李社工',
      orgId: orgs.items[0].id,
      roles: ['provider'],
      password: NEW_PASSWORD,
    });
    expect(created.statusCode).toBe(201);
    const u = created.json();
    expect(u).toMatchObject({ username: 'sw.li', orgName: orgs.items[0].name, active: true });
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
