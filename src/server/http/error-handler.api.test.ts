import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { TestClient, testDatabase } from '../testing/test-app.js';

/**
 * What an unexpected failure leaves in the log and in the answer: an error id, the request id,
 * for database errors the SQLSTATE and constraint — never the request body, the SQL or its
 * parameters (which carry phone numbers, objectors' contacts, addresses), cookies or tokens.
 */
const PLANTED_PHONE = '13912345678';
const PLANTED_SECRET = 'planted-password-Guandu@2026';

let app: FastifyInstance;
let database: Database;
const lines: string[] = [];

beforeAll(async () => {
  database = await testDatabase('demo');
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-test-')),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'info',
  });
  app = await buildApp(config, database, { logStream: { write: (line) => void lines.push(line) } });
  // A route that fails the way a programming error does, after reading the body.
  app.post('/api/test/explode', async (request) => {
    const body = request.body as { phone: string; nested?: { deeper: { value: string } } };
    return { length: body.phone.length + body.nested!.deeper.value.length };
  });
  await app.ready();
  // Registering a resident with this phone now fails in the database, inside the insert.
  await database.db.execute(
    sql.raw(
      `alter table users add constraint planted_phone_check check (phone is distinct from '${PLANTED_PHONE}')`,
    ),
  );
});
afterAll(async () => {
  await app.close();
  await database.close();
});

async function client() {
  const c = new TestClient(app);
  await c.get('/api/auth/session');
  return c;
}

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const errorLines = () => logged().filter((l) => l.msg === 'unexpected error');

function expectNoLeak(res: { body: string }, secrets: string[]) {
  const log = lines.join('\n');
  for (const secret of secrets) {
    expect(log).not.toContain(secret);
    expect(res.body).not.toContain(secret);
  }
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|insert into|drizzle|postgres|params:/i);
  expect(log).not.toMatch(/insert into|params:|"query"|Failed query/i);
}

describe('an unexpected error', () => {
  it('answers 500 with the request id and logs the error id, never the body', async () => {
    const c = await client();
    lines.length = 0;
    const res = await c.post('/api/test/explode', { phone: PLANTED_PHONE, password: PLANTED_SECRET });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: 'internal_error',
      message: expect.stringContaining(res.json().requestId),
      requestId: expect.any(String),
    });
    const [line] = errorLines();
    expect(line).toMatchObject({
      level: 50,
      reqId: res.json().requestId,
      requestId: res.json().requestId,
      route: '/api/test/explode',
      errorId: expect.stringMatching(/^[0-9a-f]{12}$/),
      error: { type: 'TypeError' },
    });
    expectNoLeak(res, [PLANTED_PHONE, PLANTED_SECRET, c.cookies.get('csrf_token')!]);
  });

  it('gets the same error id each time it happens, and another request id', async () => {
    const c = await client();
    lines.length = 0;
    const first = await c.post('/api/test/explode', { phone: '1' });
    const second = await c.post('/api/test/explode', { phone: '2' });
    const [a, b] = errorLines();
    expect(a.errorId).toBe(b.errorId);
    expect(first.json().requestId).not.toBe(second.json().requestId);
  });
});

describe('a database error', () => {
  it('logs the SQLSTATE and the constraint, not the SQL, its parameters or the body', async () => {
    const c = await client();
    lines.length = 0;
    const res = await c.post('/api/auth/register', {
      username: 'planted_resident',
      displayName: '埋点居民',
      phone: PLANTED_PHONE,
      password: PLANTED_SECRET,
    });
    expect(res.statusCode).toBe(500);
    const [line] = errorLines();
    expect(line).toMatchObject({
      requestId: res.json().requestId,
      route: '/api/auth/register',
      errorId: expect.stringMatching(/^[0-9a-f]{12}$/),
      error: { type: 'DatabaseError', sqlState: '23514', constraint: 'planted_phone_check', table: 'users' },
    });
    expect(line.error).not.toHaveProperty('message');
    expect(line.error).not.toHaveProperty('stack');
    expectNoLeak(res, [PLANTED_PHONE, PLANTED_SECRET, 'planted_resident', '埋点居民']);
  });
});

describe('the request log', () => {
  it('has the path but not the query string, the cookies or the CSRF token', async () => {
    const c = await client();
    lines.length = 0;
    await c.get(`/api/public/calls?q=${PLANTED_PHONE}`);
    const requests = logged().filter((l) => l.req);
    expect(requests[0].req).toMatchObject({ method: 'GET', url: '/api/public/calls' });
    expect(lines.join('\n')).not.toContain(PLANTED_PHONE);
    for (const value of c.cookies.values()) expect(lines.join('\n')).not.toContain(value);
  });
});
