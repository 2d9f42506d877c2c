import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DEMO_PASSWORD, seedDemo } from '../seed/demo.js';
import { pgliteFromTemplate, postgresFromTemplate, type SeedVariant } from './templates.js';

/**
 * The test file's own database: in-memory PGlite, or when TEST_DB=postgres a new database on the
 * server named by TEST_DATABASE_URL, dropped afterwards. It is a copy of the template the global
 * setup seeded once for the run (global-setup.ts, templates.ts); a variant without a template is
 * migrated and seeded here.
 */
export async function testDatabase(variant: SeedVariant): Promise<Database> {
  const postgres = process.env.TEST_DB === 'postgres';
  const template = inject('dbTemplates')?.[variant];
  if (template) return postgres ? postgresFromTemplate(template) : pgliteFromTemplate(template);
  const database = postgres ? await postgresFromTemplate(null) : await openDatabase({ dataDir: 'memory://' });
  if (variant !== 'empty') await seedDemo(database.db, undefined, { history: variant === 'history' });
  return database;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /**
   * A new client with its own cookie jar that handles the CSRF token, optionally signed in: for
   * tests about sessions themselves (sign-in, sign-out, lockout, password changes, CSRF) or that
   * need a second session of the same user.
   */
  client(username?: string, password?: string): Promise<TestClient>;
  /**
   * The file's one client signed in as `username` with the demo password, signed in on first use
   * and shared by every later call in the file (a sign-in is an argon2 hash, ~100 ms). Do not sign
   * it out or change its user's password; use `client()` for that.
   */
  as(username: string): Promise<TestClient>;
  close(): Promise<void>;
}

export async function buildTestApp(
  options: { seed?: boolean; history?: boolean; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await testDatabase(
    options.seed === false ? 'empty' : options.history ? 'history' : 'demo',
  );
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-test-')),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ...options.env,
  });
  const app = await buildApp(config, database);
  await app.ready();
  const signedIn = new Map<string, Promise<TestClient>>();
  const t: TestApp = {
    app,
    database,
    config,
    as(username: string) {
      let client = signedIn.get(username);
      if (!client) {
        client = t.client(username);
        // A failed sign-in is not remembered: the next call tries again and reports its own error.
        client.catch(() => signedIn.delete(username));
        signedIn.set(username, client);
      }
      return client;
    },
    async client(username?: string, password = DEMO_PASSWORD) {
      const client = new TestClient(app);
      await client.get('/api/auth/session');
      if (username) {
        const res = await client.post('/api/auth/login', { username, password });
        if (res.statusCode !== 200)
          throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
      }
      return client;
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
  return t;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  async request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const csrf = this.cookies.get('csrf_token');
    const res = await this.app.inject({
      method,
      url,
      payload: body as InjectOptions['payload'],
      headers: {
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...headers,
      },
    });
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (expired || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  put = (url: string, body?: unknown) => this.request('PUT', url, body ?? {});
}

export const ALL_ROLES_USERS = [
  'admin',
  'buyer',
  'station',
  'provider',
  'community',
  'expert',
  'evaluator',
  'supervisor',
  'resident',
] as const;
