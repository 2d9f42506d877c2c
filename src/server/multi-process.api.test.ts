/**
 * Two real app processes (src/server/main.ts) on one PostgreSQL database behind nginx
 * (round-robin), as a deployment with several processes runs: sessions, rate limits, the public
 * response cache, the elected notification worker and the audit chain must all hold across them.
 *
 * PostgreSQL only (PGlite is one process); CI installs nginx (.ci/run), elsewhere the test skips
 * when nginx is missing. nginx runs as the current user from a generated configuration in a
 * temporary directory (its pid, logs and temp files there too).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { and, eq, isNotNull, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, repoRoot } from '../../e2e/server.js';
import type { Database } from './db/client.js';
import { users } from './modules/accounts/schema.js';
import { verifyAuditChain } from './modules/audit/service.js';
import { notifications } from './modules/notifications/schema.js';
import { notify } from './modules/notifications/service.js';
import { orgs } from './modules/orgs/schema.js';
import { DEMO_PASSWORD } from './seed/demo.js';
import { insertApplication, insertCall, orgOf } from './testing/factories.js';
import { type CapturedMail, type SmtpCapture, startSmtpCapture } from './testing/smtp.js';
import { postgresFromTemplate } from './testing/templates.js';

function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'])
    if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

const onPostgres = process.env.TEST_DB === 'postgres';
const nginx = onPostgres ? findNginx() : null;
const skipReason = !onPostgres
  ? 'several processes need PostgreSQL (PGlite is one process)'
  : !nginx
    ? 'nginx is not installed (apt-get install nginx; .ci/run does)'
    : null;
if (skipReason && process.env.CI === 'true' && onPostgres)
  throw new Error(`multi-process test cannot run in CI: ${skipReason}`);
if (skipReason) console.log(`[multi-process] skipped: ${skipReason}`);

const LOGIN_LIMIT = 8;
const SESSION_SECRET = 'multi-process-secret-multi-process-secret';

interface Answer<T> {
  status: number;
  /** Which app process answered (nginx's X-Upstream header, or the port asked directly). */
  upstream: string;
  body: T;
}
type Draft = { id: string; version: number };

/** A cookie jar that can talk to either process directly or to nginx, with the CSRF header. */
class Session {
  readonly cookies = new Map<string, string>();

  async request<T = Record<string, unknown>>(
    baseUrl: string,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') {
      headers['x-csrf-token'] = decodeURIComponent(this.cookies.get('csrf_token') ?? '');
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + url, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const i = pair.indexOf('=');
      if (pair.slice(i + 1)) this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
      else this.cookies.delete(pair.slice(0, i));
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    const upstream = res.headers.get('x-upstream') ?? new URL(baseUrl).port;
    return { status: res.status, upstream, body: parsed as T };
  }

  async signIn(baseUrl: string, username: string) {
    await this.request(baseUrl, 'GET', '/api/auth/session');
    const res = await this.request(baseUrl, 'POST', '/api/auth/login', { username, password: DEMO_PASSWORD });
    if (res.status !== 200)
      throw new Error(`login as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return this;
  }
}

interface AppProcess {
  port: number;
  baseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** One app process as e2e/server.ts starts it, on the test's clock, against PostgreSQL. */
async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let all = '';
  // The end of what it printed, for failure messages.
  const output = () => all.slice(-6000);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './e2e/test-clock.ts', 'src/server/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        // The app processes' clocks run with the test's (fixed-clock.ts).
        TEST_CLOCK_SHIFT_MS: String(Math.round(Date.now() - (performance.timeOrigin + performance.now()))),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => (all += chunk));
  child.stderr?.on('data', (chunk) => (all += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; ; i++) {
    if (gone) throw new Error(`app process exited before answering /api/health:\n${output()}`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 480) {
      await stop();
      throw new Error(`app process did not answer /api/health within 2 minutes:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, baseUrl, output: () => all, stop };
}

/** nginx in front of the two processes, round-robin, from a generated configuration. */
async function startNginx(binary: string, ports: number[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-nginx-'));
  const port = await freePort();
  const user = userInfo();
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${user.uid === 0 ? 'user root root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # A request that failed on one process is not sent to the other (no write twice).
      proxy_next_upstream off;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
  );
  const child = spawn(
    binary,
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      const log = existsSync(path.join(dir, 'error.log'))
        ? readFileSync(path.join(dir, 'error.log'), 'utf8')
        : '';
      throw new Error(`nginx exited: ${output}\n${log}`);
    }
    if (
      await fetch(`${baseUrl}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 80) throw new Error(`nginx did not answer: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(skipReason !== null)('two app processes on one PostgreSQL behind nginx', () => {
  let database: Database;
  let smtp: SmtpCapture;
  let mails: CapturedMail[];
  let dataDir: string;
  let a: AppProcess;
  let b: AppProcess;
  let proxy: Awaited<ReturnType<typeof startNginx>>;
  const stops: (() => Promise<unknown>)[] = [];
  let call: { id: string; title: string };
  let reminderCall: { id: string; title: string };
  let draftId: string;

  beforeAll(async () => {
    database = await postgresFromTemplate(inject('dbTemplates').demo!);
    stops.push(() => database.close());
    const db = database.db;
    const url = (db as unknown as { $client: { options: { connectionString: string } } }).$client.options
      .connectionString;

    smtp = await startSmtpCapture();
    mails = smtp.mails;
    stops.push(() => smtp.close());

    // Only the two accounts the reminders go to have addresses: nothing else of the demo is mailed.
    await db.update(users).set({ email: null });
    await db.update(users).set({ email: 'provider@example.cn' }).where(eq(users.username, 'provider'));
    await db.update(users).set({ email: 'community@example.cn' }).where(eq(users.username, 'community'));

    call = await insertCall(db, { title: '多进程测试：公开缓存' });
    // Closes in two working days (Tuesday → Thursday): a draft on it earns deadline reminders.
    reminderCall = await insertCall(db, {
      title: '多进程测试：截止提醒',
      applicationClosesAt: new Date('2026-12-03T17:00:00+08:00'),
    });
    const [committee] = await db
      .select()
      .from(orgs)
      .where(eq(orgs.id, await orgOf(db, 'community')));
    const draft = await insertApplication(db, reminderCall, {
      status: 'draft',
      cosignedAt: null,
      submittedAt: null,
      communityOrgId: committee.id,
      communityRegionId: committee.regionId,
    });
    draftId = draft.id;

    dataDir = mkdtempSync(path.join(tmpdir(), 'sw-multi-'));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      SEED_DEMO: 'never',
      SESSION_SECRET,
      LOG_LEVEL: 'info',
      LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
      NOTIFY_INTERVAL_SECONDS: '1',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: 'noreply@guandu.example.cn',
    };
    // One after the other: the first start writes the transparency log's key into the shared DATA_DIR.
    a = await startApp(env);
    stops.push(() => a.stop());
    b = await startApp(env);
    stops.push(() => b.stop());
    proxy = await startNginx(nginx!, [a.port, b.port]);
    stops.push(() => proxy.stop());
  }, 300_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(error));
  }, 120_000);

  it('keeps a session made through one process working through the other and through nginx', async () => {
    const buyer = await new Session().signIn(a.baseUrl, 'buyer');
    const onB = await buyer.request(b.baseUrl, 'GET', '/api/auth/session');
    expect(onB.body.user).toMatchObject({ username: 'buyer' });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await buyer.request(proxy.baseUrl, 'GET', '/api/auth/session');
      expect(res.body.user).toMatchObject({ username: 'buyer' });
      seen.add(res.upstream);
    }
    expect(seen).toEqual(new Set([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]));
  }, 60_000);

  it('takes writes through both processes: each autosave sees the one before, whichever process made it', async () => {
    const provider = await new Session().signIn(b.baseUrl, 'provider');
    const started = await provider.request<Draft>(proxy.baseUrl, 'POST', '/api/applications', {
      callId: call.id,
    });
    expect(started.status).toBe(201);
    let version = started.body.version;
    const served = new Set<string>();
    for (let i = 1; i <= 6; i++) {
      const saved = await provider.request<Draft>(
        proxy.baseUrl,
        'PATCH',
        `/api/applications/${started.body.id}`,
        {
          socialWorkerName: `王芳${i}`,
          version,
        },
      );
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.version).toBe(version + 1);
      version = saved.body.version;
      served.add(saved.upstream);
    }
    expect(served.size).toBe(2);
    // A second start, through either process, reopens the one draft.
    for (const base of [a.baseUrl, b.baseUrl]) {
      const again = await provider.request<Draft>(base, 'POST', '/api/applications', { callId: call.id });
      expect([again.status, again.body.id]).toEqual([200, started.body.id]);
    }
  }, 60_000);

  it('invalidates the public response cache of one process on a write through the other', async () => {
    const detail = `/api/public/calls/${call.id}`;
    for (const base of [a.baseUrl, b.baseUrl]) {
      const res = await new Session().request(base, 'GET', detail);
      expect(res.body.status).toBe('published');
    }
    const buyer = await new Session().signIn(b.baseUrl, 'buyer');
    const cancelled = await buyer.request(b.baseUrl, 'POST', `/api/calls/${call.id}/cancel`, {
      reason: '多进程测试：取消',
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    for (const base of [a.baseUrl, b.baseUrl]) {
      const res = await new Session().request(base, 'GET', detail);
      expect({ base, status: res.body.status }).toEqual({ base, status: 'cancelled' });
    }
  }, 60_000);

  it('shares the login rate limit between the processes', async () => {
    // Twice the limit, alternating between the processes, each for another username (no lockout):
    // a shared limit answers at most LOGIN_LIMIT of them, counting the sign-ins above; a limit
    // per process would answer nearly all.
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LOGIN_LIMIT; i++) {
      const visitor = new Session();
      await visitor.request(proxy.baseUrl, 'GET', '/api/auth/session'); // the CSRF cookie
      const res = await visitor.request(proxy.baseUrl, 'POST', '/api/auth/login', {
        username: `nobody-${i}`,
        password: 'wrong-password-1',
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(LOGIN_LIMIT);
  }, 60_000);

  it('sends each deadline reminder once: one worker is elected, and the other takes over without resending', async () => {
    const reminders = () =>
      database.db
        .select({ id: notifications.id, userId: notifications.userId, emailedAt: notifications.emailedAt })
        .from(notifications)
        .where(like(notifications.dedupeKey, `deadline:%:${draftId}:%`));
    // To the provider's and the community's users; the two with an address get an e-mail.
    await expect
      .poll(async () => (await reminders()).filter((r) => r.emailedAt).length, { timeout: 60_000 })
      .toBe(2);
    const reminded = (await reminders()).length;
    const electedIn = [a, b].filter((p) => p.output().includes('notification worker elected'));
    expect(electedIn).toHaveLength(1);
    const [leader] = electedIn;
    const other = leader === a ? b : a;

    await leader.stop();
    // Something new to send: once it is out, the new worker has run its reminders and its delivery.
    const [providerUser] = await database.db.select().from(users).where(eq(users.username, 'provider'));
    await database.db.transaction((tx) =>
      notify(tx, [providerUser.id], { kind: 'test', title: '接手后的第一封通知' }),
    );
    await expect
      .poll(() => mails.filter((m) => m.subject === '接手后的第一封通知').length, { timeout: 60_000 })
      .toBe(1);
    expect(other.output()).toContain('notification worker elected');

    // The new worker ran the reminders again: nothing new, and nothing sent twice.
    expect(await reminders()).toHaveLength(reminded);
    const subjects = mails.map((m) => m.subject);
    expect(subjects.filter((s) => s === `申报截止提醒：${reminderCall.title}`)).toHaveLength(1);
    expect(subjects.filter((s) => s === `联合签章截止提醒：${reminderCall.title}`)).toHaveLength(1);
    const emailed = await database.db
      .select({ attempts: notifications.emailAttempts })
      .from(notifications)
      .where(
        and(like(notifications.dedupeKey, `deadline:%:${draftId}:%`), isNotNull(notifications.emailedAt)),
      );
    expect(emailed.map((r) => r.attempts)).toEqual([0, 0]);
  }, 180_000);

  it('leaves an audit chain that verifies', async () => {
    const result = await verifyAuditChain(database.db);
    expect(result).toMatchObject({ ok: true });
  }, 60_000);
});
