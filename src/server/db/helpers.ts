import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { notFound, staleVersion } from '../http/errors.js';
import type { Executor } from './client.js';

export interface Page {
  page: number;
  pageSize: number;
}

/** Runs a page query and its count together. */
export async function paginate<T>(
  page: Page,
  rows: (limit: number, offset: number) => Promise<T[]>,
  total: () => Promise<number>,
) {
  const [items, n] = await Promise.all([rows(page.pageSize, (page.page - 1) * page.pageSize), total()]);
  return { items, total: n, page: page.page, pageSize: page.pageSize };
}

export async function countWhere(db: Executor, table: PgTable, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row.n;
}

type VersionedTable = PgTable & { id: PgColumn; version: PgColumn; updatedAt: PgColumn };

/**
 * Optimistic concurrency: updates only if the row still has the version that was read,
 * bumping it; otherwise the row changed underneath and the caller gets 409.
 */
export async function updateVersioned<T extends VersionedTable>(
  tx: Executor,
  table: T,
  id: string,
  readVersion: number,
  values: Record<string, unknown>,
) {
  const updated = (await tx
    .update(table)
    .set({ ...values, version: sql`${table.version} + 1`, updatedAt: new Date() } as never)
    .where(and(eq(table.id, id), eq(table.version, readVersion)))
    .returning()) as unknown as T['$inferSelect'][];
  if (updated.length === 0) throw staleVersion();
  return updated[0];
}

export async function findById<T extends PgTable & { id: PgColumn }>(
  db: Executor,
  table: T,
  id: string,
  label: string,
): Promise<T['$inferSelect']> {
  const [row] = await db
    .select()
    .from(table as PgTable)
    .where(eq(table.id, id));
  if (!row) throw notFound(label);
  return row as T['$inferSelect'];
}

/** `ilike` pattern matching a search term anywhere, with LIKE wildcards escaped. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
