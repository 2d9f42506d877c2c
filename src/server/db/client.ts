import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
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
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  return { db, kind: 'pglite', close: () => client.close() };
}
