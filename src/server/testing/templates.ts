/**
 * Seeded database templates: built once per test run by the API projects' global setup
 * (global-setup.ts), copied for every test file (test-app.ts).
 *
 * - PGlite: the template is a migrated (and seeded) in-memory PGlite whose whole data directory is
 *   dumped to a tarball (`dumpDataDir`); a test file loads its own copy (`loadDataDir`), a complete,
 *   independent cluster, migrations table included.
 * - PostgreSQL: the template is a database on the TEST_DATABASE_URL server; a test file gets
 *   `create database … template …`, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type Database, type Db, openDatabase } from '../db/client.js';
import * as schema from '../db/schema.js';

/** No seed (migrated only), the demo district, or the demo district with its project history. */
export type SeedVariant = 'empty' | 'demo' | 'history';

export const SEED_VARIANTS: readonly SeedVariant[] = ['empty', 'demo', 'history'];

/** What a global setup provides: per variant, a PGlite tarball path or a PostgreSQL database name. */
export type Templates = Partial<Record<SeedVariant, string>>;

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite data-directory tarballs (TEST_DB=pglite) or template database names (TEST_DB=postgres). */
    dbTemplates: Templates;
  }
}

export const migrationsFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../drizzle',
);

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (postgres://user@127.0.0.1:port/db)');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A PGlite database loaded from a template tarball, migrated like openDatabase() does (a no-op). */
export async function pgliteFromTemplate(tarball: string): Promise<Database> {
  const client = new PGlite({ loadDataDir: await openAsBlob(tarball) });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder });
  return { db, kind: 'pglite', close: () => client.close() };
}

/** A new PostgreSQL database copied from a template database; closing it drops it. */
export async function postgresFromTemplate(template: string | null): Promise<Database> {
  const name = uniqueName('sw_test');
  await adminQuery(`create database ${name}${template ? ` template ${template}` : ''}`);
  const database = await openDatabase({ url: databaseUrl(name), dataDir: '' });
  return {
    ...database,
    close: async () => {
      await database.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
