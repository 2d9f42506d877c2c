import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { applicationRoleProblems, grantApplicationRole } from './roles.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: service functions accept both. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

// Any constant: processes starting together migrate one after the other.
const MIGRATION_LOCK_KEY = 7_262_000;

/**
 * Applies the migrations on one connection of `migrationUrl` (the owner role, or the only role)
 * under an advisory lock, then, when the application connects as another role, grants it its
 * privileges (db/roles.ts). Returns what makes that role too powerful.
 */
async function migratePostgres(migrationUrl: string, appRole: string | null): Promise<string[]> {
  const client = new pg.Client({ connectionString: migrationUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg(client, { schema }) as never, { migrationsFolder });
    if (!appRole) return [];
    const problems = await applicationRoleProblems(client, appRole);
    if (!problems.length) await grantApplicationRole(client, appRole);
    return problems;
  } finally {
    // Closing the session releases the lock.
    await client.end();
  }
}

/**
 * Opens PostgreSQL when a URL is given, otherwise embedded PGlite in `dataDir`
 * (`memory://` for tests), and applies the committed migrations: on PostgreSQL as the owner role
 * of `ownerUrl` when given (then the application's role of `url` gets only its privileges).
 */
export async function openDatabase(options: {
  url?: string;
  ownerUrl?: string;
  dataDir: string;
}): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 10 });
    let closing = false;
    // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
    pool.on('error', (error) => {
      if (!closing) console.error('PostgreSQL pool error:', error.message);
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    try {
      const appRole = options.ownerUrl
        ? (await pool.query<{ role: string }>('select current_user as role')).rows[0].role
        : null;
      const problems = await migratePostgres(options.ownerUrl ?? options.url, appRole);
      for (const problem of problems)
        console.warn(`DATABASE_OWNER_URL: ${problem}; the audit trail is not protected from it`);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      db,
      kind: 'postgres',
      close: () => {
        closing = true;
        return pool.end();
      },
    };
  }
  const client = new PGlite(options.dataDir);
  await client.waitReady;
  Object.assign(client.parsers, DRIZZLE_PGLITE_PARSERS);
  const db = drizzlePglite(withoutPerQueryParsers(client), { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  const analyzer = autoAnalyze(client);
  await analyzer.run();
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await analyzer.stop();
      await client.close();
    },
  };
}

/**
 * drizzle passes these parsers (dates, timestamps and intervals left as text: drizzle maps them
 * itself) with every PGlite query, and PGlite copies its whole parser table to merge them, each
 * time: `select 1` took 321 µs with them, 135 µs without. Installed once on the client instead,
 * with the per-query copy dropped by `withoutPerQueryParsers`, the results are the same.
 */
const DRIZZLE_PGLITE_PARSERS = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map(
    (oid) => [oid, (value: string) => value],
  ),
);

type QueryOptions = Parameters<PGlite['query']>[2];

function withoutPerQueryParsers<C extends PGlite | Transaction>(client: C): C {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === 'query')
        return (text: string, params?: unknown[], queryOptions?: QueryOptions) =>
          target.query(
            text,
            params,
            queryOptions?.parsers ? { ...queryOptions, parsers: undefined } : queryOptions,
          );
      if (key === 'transaction')
        return <T>(run: (tx: Transaction) => Promise<T>) =>
          (target as PGlite).transaction((tx) => run(withoutPerQueryParsers(tx)));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const ANALYZE_EVERY_MS = 60_000;

/**
 * PGlite has no autovacuum daemon, so without this nothing ever runs ANALYZE and the planner has
 * no statistics (plans flip between runs). Like autovacuum's, the tables that changed enough since
 * their last analysis are analyzed: at open (after the migrations, and whatever seeding or bulk
 * import came before), then every minute while the database is open (after a seeding or an import).
 */
function autoAnalyze(client: PGlite) {
  let running: Promise<void> = Promise.resolve();
  const analyzeChanged = async () => {
    // Never analyzed, grown or shrunk by a tenth since (statistics counters may not survive a
    // restart; the table's size does), or a tenth of its rows changed.
    const { rows } = await client.query<{ name: string }>(
      `select quote_ident(c.relname) as name
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
         left join pg_stat_user_tables s on s.relid = c.oid
        where c.relkind = 'r'
          and (c.reltuples < 0
            or abs(pg_relation_size(c.oid) / current_setting('block_size')::int - c.relpages) > 4 + 0.1 * c.relpages
            or coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * greatest(c.reltuples, 0))`,
    );
    if (rows.length) await client.exec(`analyze ${rows.map((r) => r.name).join(', ')}`);
  };
  const run = () => {
    running = running.then(analyzeChanged).catch((error: Error) => {
      console.error('PGlite analyze failed:', error.message);
    });
    return running;
  };
  const timer = setInterval(run, ANALYZE_EVERY_MS);
  timer.unref();
  return {
    run,
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}
