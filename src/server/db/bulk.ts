import { type Column, getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client.js';

/**
 * Bulk inserts in chunks of 500 rows, each chunk ONE statement with ONE parameter: the rows as
 * JSON, expanded by jsonb_populate_recordset. Several times faster than binding every value (on
 * PGlite and PostgreSQL alike). Columns left out of every row take their defaults; a column
 * given in some rows only is an error unless it may be null.
 */
export async function insertAll(db: Executor, table: PgTable, rows: Record<string, unknown>[], chunk = 500) {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, Column>;
  const keys = Object.keys(columns).filter((k) => rows.some((r) => r[k] !== undefined));
  // A column given in some rows only: the others get its default value, or null.
  const fallback = new Map<string, unknown>();
  for (const k of keys) {
    const column = columns[k];
    if (!rows.some((r) => r[k] === undefined)) continue;
    const value = column.default !== undefined && !is(column.default, SQL) ? column.default : null;
    if (value === null && column.notNull)
      throw new Error(`${getTableName(table)}.${column.name} is missing in some rows`);
    fallback.set(k, value);
  }
  const names = keys.map((k) => columns[k].name);
  const list = sql.join(
    names.map((n) => sql.identifier(n)),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += chunk) {
    const json = JSON.stringify(
      rows
        .slice(i, i + chunk)
        .map((r) =>
          Object.fromEntries(keys.map((k, j) => [names[j], r[k] === undefined ? fallback.get(k) : r[k]])),
        ),
    );
    await db.execute(
      sql`insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, ${json}::jsonb)`,
    );
  }
}
