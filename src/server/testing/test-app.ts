import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DEMO_PASSWORD, seedDemo } from '../seed/demo.js';

/**
 * A fresh database for one test file: in-memory PGlite, or when TEST_DB=postgres a new database
 * on the server named by TEST_DATABASE_URL, dropped afterwards.
 */
async function freshDatabase(): Promise<Database> {
  if (process.env.TEST_DB !== 'postgres') return openDatabase({ dataDir: 'memory://' });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (postgres://user@127.0.0.1:port/db)');
  const name = `sw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const database = await openDatabase({ url: testUrl.toString(), dataDir: '' });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /** A client with a cookie jar that handles the CSRF token, optionally signed in. */
  client(username?: string, password?: string): Promise<TestClient>;
  close(): Promise<void>;
}

export async function buildTestApp(
  options: { seed?: boolean; history?: boolean; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  if (options.seed !== false) await seedDemo(database.db, undefined, { history: options.history ?? false });
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-test-')),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ...options.env,
  });
  const app = await buildApp(config, database);
  await app.ready();
  return {
    app,
    database,
    config,
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
