import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';
import { auditLog } from '../modules/audit/schema.js';
import type { TestApp } from './test-app.js';

export const countRows = async (t: TestApp, table: PgTable) => {
  const [row] = await t.database.db.select({ n: count() }).from(table);
  return row.n;
};

/** Row counts of the given tables and of the audit trail, to show that nothing was written. */
export async function snapshotCounts(t: TestApp, tables: PgTable[]) {
  return Promise.all([...tables, auditLog].map((table) => countRows(t, table)));
}

/**
 * Each user in `usernames` gets 403 for the request (401 for the anonymous visitor) and the
 * tables, including the audit trail, are unchanged.
 */
export async function expectDeniedToEach(
  t: TestApp,
  usernames: readonly (string | null)[],
  request: { method: 'POST' | 'PATCH' | 'PUT' | 'GET'; url: string; body?: unknown },
  tables: PgTable[] = [],
) {
  // Sign everybody in first (each user's one client of the file): logging in writes to the audit trail too.
  const clients = await Promise.all(usernames.map((u) => (u ? t.as(u) : t.client())));
  const before = await snapshotCounts(t, tables);
  for (const [i, username] of usernames.entries()) {
    const client = clients[i];
    const res = await client.request(
      request.method,
      request.url,
      request.body ?? (request.method === 'GET' ? undefined : {}),
    );
    expect({ username, status: res.statusCode }).toEqual({ username, status: username ? 403 : 401 });
    expect(res.json().error).toBe(username ? 'forbidden' : 'unauthenticated');
  }
  expect(await snapshotCounts(t, tables)).toEqual(before);
}
