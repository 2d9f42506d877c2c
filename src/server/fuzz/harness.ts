/**
 * What the fuzz and regression tests share: the identities requests are sent as, ids of the seeded
 * rows, a count of committed row writes, and the checks every answer must pass.
 */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { ALL_ROLES_USERS, type TestApp, type TestClient } from '../testing/test-app.js';
import { xlsx } from '../testing/uploads.js';
import type { Operation } from './requests.js';
import { NASTY_NUMBERS, NASTY_STRINGS, type Pools } from './schema-arbitraries.js';

export const ANONYMOUS = 'anonymous';
export const IDENTITIES = [ANONYMOUS, ...ALL_ROLES_USERS] as const;
export type Identity = (typeof IDENTITIES)[number];

/**
 * Tables whose rows are a request's own bookkeeping, written by design on refused requests too:
 * sessions (last seen), sign-in failures, rate-limit counters, the public-cache data version.
 */
const BOOKKEEPING_TABLES = ['sessions', 'login_failures', 'rate_limit_hits', 'data_version'];

/** One client per identity, signed in before anything is fuzzed (signing in writes). */
export async function clientsOf(t: TestApp): Promise<Record<Identity, TestClient>> {
  const entries = await Promise.all(
    IDENTITIES.map(async (id) => [id, id === ANONYMOUS ? await t.client() : await t.as(id)] as const),
  );
  return Object.fromEntries(entries) as Record<Identity, TestClient>;
}

type Rows<T> = { rows: T[] } | T[];
/** The rows of a raw query, as node-postgres and PGlite both return them. */
export async function rowsOf<T>(query: Promise<unknown>): Promise<T[]> {
  const result = (await query) as Rows<T>;
  return Array.isArray(result) ? result : result.rows;
}
const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * Up to five ids of every table with a uuid `id` (three of each in `ids`), except the demo accounts and their
 * organizations: a generated request may disable or reset anything else, not the identities the
 * test sends requests as.
 */
export async function idPools(t: TestApp): Promise<Pools> {
  const db = t.database.db;
  const tables = await rowsOf<{ table_name: string }>(
    db.execute(sql`select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'id' and data_type = 'uuid' order by table_name`),
  );
  const names = [...ALL_ROLES_USERS];
  const protectedIds = (
    await rowsOf<{ id: string }>(
      db.execute(sql`select id::text as id from users where username in (${list(names)})
        union select org_id::text from users where username in (${list(names)}) and org_id is not null`),
    )
  ).map((r) => r.id);
  const ids: string[] = [];
  const byTable: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const rows = await rowsOf<{ id: string }>(
      db.execute(sql`select id::text as id from ${sql.identifier(table_name)} order by id limit 5`),
    );
    byTable[table_name] = rows.map((r) => r.id).filter((id) => !protectedIds.includes(id));
    ids.push(...byTable[table_name].slice(0, 3));
  }
  return { ids, byTable };
}

/**
 * For each import route, workbooks with its template's columns (downloaded as whoever may) and
 * rows of nasty cells: text the input guard never sees, impossible dates, huge numbers.
 */
export async function importWorkbooks(
  clients: Record<Identity, TestClient>,
  operations: Operation[],
): Promise<Record<string, Buffer[]>> {
  const workbooks: Record<string, Buffer[]> = {};
  for (const op of operations.filter((o) => o.upload?.accepts === 'xlsx')) {
    const template = op.path.replace(/\/import$/, '/template.xlsx');
    let headers: string[] = [];
    for (const who of ['admin', 'buyer'] as const) {
      const res = await clients[who].get(template);
      if (res.statusCode !== 200) continue;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      book.worksheets[0].getRow(1).eachCell((cell) => headers.push(String(cell.value)));
      break;
    }
    if (headers.length === 0) continue;
    const row = (value: (i: number) => string | number) => headers.map((_, i) => value(i));
    const texts = NASTY_STRINGS.filter((v) => v.length < 1000);
    workbooks[op.path] = await Promise.all([
      xlsx([headers, row(() => '测试')]),
      xlsx([headers, row(() => 'a\u0000b')]),
      xlsx([headers, row(() => '\ud800')]),
      xlsx([headers, row((i) => ['2027-02-30', '0000-00-00', '9999-99-99'][i % 3])]),
      xlsx([headers, row((i) => NASTY_NUMBERS[i % NASTY_NUMBERS.length])]),
      xlsx([headers, ...texts.map((_, r) => row((i) => texts[(r + i) % texts.length]))]),
      xlsx([headers, ...Array.from({ length: 300 }, (_, r) => row((i) => `第${r}行${i}`))]),
    ]);
    headers = [];
  }
  return workbooks;
}

/**
 * Counts every row inserted, updated or deleted in a committed transaction, in any table but the
 * bookkeeping ones: a row-level trigger on each adds one to a counter, so a request that wrote
 * and then rolled back (as a refused request should) leaves it unchanged. Row counts would miss
 * updates; the statistics views lag and PGlite does not keep them reliably.
 */
export async function installWriteCounter(t: TestApp): Promise<() => Promise<number>> {
  const db = t.database.db;
  await db.execute(sql`create table fuzz_write_count (n bigint not null)`);
  await db.execute(sql`insert into fuzz_write_count values (0)`);
  await db.execute(
    sql.raw(`create function fuzz_count_write() returns trigger language plpgsql security definer as $$
    begin update fuzz_write_count set n = n + 1; return null; end $$`),
  );
  const tables = await rowsOf<{ tablename: string }>(
    db.execute(sql`select tablename from pg_tables where schemaname = 'public'
      and tablename <> 'fuzz_write_count' and tablename not in (${list(BOOKKEEPING_TABLES)})`),
  );
  for (const { tablename } of tables) {
    await db.execute(
      sql`create trigger fuzz_count_write after insert or update or delete on ${sql.identifier(tablename)}
        for each row execute function fuzz_count_write()`,
    );
  }
  return async () => {
    const [row] = await rowsOf<{ n: string | number }>(db.execute(sql`select n from fuzz_write_count`));
    return Number(row.n);
  };
}

/** The request headers of a client: its cookies and, unless left out, its CSRF token. */
export function identityHeaders(client: TestClient, csrf = true): Record<string, string> {
  const token = client.cookies.get('csrf_token');
  return {
    ...(client.cookies.size ? { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
    ...(csrf && token ? { 'x-csrf-token': token } : {}),
  };
}

const STACK_FRAME = /\bat [\w$.<>[\] ]+ \(?(file:|node:|\/)[^)\s]*:\d+:\d+\)?/;
const SQL_TEXT = /\b(select\s[\s\S]+\sfrom|insert\s+into|update\s+"?\w+"?\s+set|delete\s+from)\b|\bparams:/i;
const INTERNALS = /drizzle|postgres|pglite|node_modules|DatabaseError|SQLSTATE/i;

/** What is wrong with an answer (null when nothing). `wrote` says whether rows were written. */
export function answerProblem(res: LightMyRequestResponse, wrote: boolean): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}`;
  const body = res.body;
  if (STACK_FRAME.test(body)) return 'stack trace in the answer';
  if (res.statusCode >= 400) {
    if (SQL_TEXT.test(body)) return 'SQL text in the answer';
    if (INTERNALS.test(body)) return 'database or library internals in the answer';
    if (wrote) return `status ${res.statusCode} but rows were written`;
  }
  return null;
}
