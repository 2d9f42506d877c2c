/**
 * `npm run cli -- backup --out DIR` and `npm run cli -- restore --from DIR` (README, "Backup and
 * restore"). A backup is a directory:
 *
 *   manifest.json    what it holds (database kind, when, the audit entries it verified)
 *   data/            DATA_DIR as it was: uploaded files (files/), the transparency log's signing key,
 *                    the session secret, holidays.json — and with PGlite the database itself
 *   database.dump    PostgreSQL only: `pg_dump --format=custom`
 *
 * PGlite: its database is DATA_DIR itself and has no lock against a second process, so the copy is
 * made while no process has it open (stop the server first; the command refuses while
 * postmaster.pid says a server has it). The copy is then opened and its audit chain verified
 * before the backup counts as made. (PGlite's dumpDataDir would hold the whole directory, uploads
 * included, in memory.)
 * PostgreSQL: pg_dump of the owner's URL (DATABASE_OWNER_URL, else DATABASE_URL), a consistent
 * snapshot while the server runs; pg_restore into an empty database, then the migrations and the
 * application role's grants as at a start, then the audit chain is verified.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type Config, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { verifyAuditChain } from '../server/modules/audit/service.js';

export const BACKUP_HELP = `Usage:
  npm run cli -- backup --out DIR     back up the database, uploaded files and keys into DIR (new or empty)
  npm run cli -- restore --from DIR   restore a backup into an empty DATA_DIR (PGlite) or empty database
                                      (PostgreSQL: DATABASE_OWNER_URL, else DATABASE_URL)
`;

interface Manifest {
  format: 1;
  kind: 'pglite' | 'postgres';
  createdAt: string;
  /** Audit entries verified in the copy (PGlite), or in the database right after the dump (PostgreSQL). */
  auditEntries: number;
}

export interface BackupIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

class UsageError extends Error {}

/** The configuration without generating a session secret into DATA_DIR (restore wants it empty). */
function configOf(env: NodeJS.ProcessEnv): Config {
  return loadConfig({ ...env, SESSION_SECRET: env.SESSION_SECRET || '-'.repeat(32) });
}

const isEmptyDir = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/** Debian's newest PostgreSQL client (as scripts/test-postgres.sh finds the server), else PATH. */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? path.join(root, versions[0], 'bin', name) : name;
}

function run(tool: string, args: string[]) {
  const result = spawnSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${tool}: ${result.error.message} (install postgresql-client)`);
  if (result.status !== 0)
    throw new Error(`${tool} failed (exit ${result.status}):\n${result.stderr.trim()}`);
}

async function auditEntries(options: { url?: string; ownerUrl?: string; dataDir: string }) {
  const database = await openDatabase(options);
  try {
    const result = await verifyAuditChain(database.db);
    if (!result.ok)
      throw new Error(`the audit chain is broken at entry #${result.brokenId} (${result.reason})`);
    return result.entries;
  } finally {
    await database.close();
  }
}

async function backup(args: string[], io: BackupIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) throw new UsageError('backup needs --out DIR');
  const out = path.resolve(values.out);
  const c = configOf(env);
  const dataDir = path.resolve(c.DATA_DIR);
  if (!isEmptyDir(out)) throw new UsageError(`${out} is not empty: back up into a new directory`);
  if (`${out}${path.sep}`.startsWith(`${dataDir}${path.sep}`))
    throw new UsageError('the backup directory may not be inside DATA_DIR');
  mkdirSync(out, { recursive: true });
  let manifest: Manifest;
  if (c.DATABASE_URL) {
    const url = c.DATABASE_OWNER_URL ?? c.DATABASE_URL;
    run(pgTool('pg_dump'), ['--format=custom', '--file', path.join(out, 'database.dump'), '--dbname', url]);
    if (existsSync(dataDir)) cpSync(dataDir, path.join(out, 'data'), { recursive: true });
    manifest = {
      format: 1,
      kind: 'postgres',
      createdAt: new Date().toISOString(),
      auditEntries: await auditEntries({ url: c.DATABASE_URL, ownerUrl: c.DATABASE_OWNER_URL, dataDir: '' }),
    };
  } else {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) throw new UsageError(`no database in ${dataDir}`);
    if (existsSync(path.join(dataDir, 'postmaster.pid')))
      throw new UsageError(
        `a server has ${dataDir} open (postmaster.pid): stop it, then back up (after a crash: start and stop it once)`,
      );
    cpSync(dataDir, path.join(out, 'data'), { recursive: true });
    manifest = {
      format: 1,
      kind: 'pglite',
      createdAt: new Date().toISOString(),
      auditEntries: await auditEntries({ dataDir: path.join(out, 'data') }),
    };
  }
  writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  io.stdout(
    `backup of the ${manifest.kind} database written to ${out}: audit chain of ${manifest.auditEntries} entries verified`,
  );
  return 0;
}

async function isEmptyDatabase(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
        where s.nspname not in ('pg_catalog', 'information_schema') and s.nspname not like 'pg_toast%'`,
    );
    return rows[0].n === 0;
  } finally {
    await client.end();
  }
}

async function restore(args: string[], io: BackupIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' } } });
  if (!values.from) throw new UsageError('restore needs --from DIR');
  const from = path.resolve(values.from);
  const manifestFile = path.join(from, 'manifest.json');
  if (!existsSync(manifestFile)) throw new UsageError(`${from} is not a backup (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const c = configOf(env);
  const dataDir = path.resolve(c.DATA_DIR);
  if (manifest.kind === 'postgres' && !c.DATABASE_URL)
    throw new UsageError(
      'a PostgreSQL backup: set DATABASE_URL (and DATABASE_OWNER_URL) to an empty database',
    );
  if (manifest.kind === 'pglite' && c.DATABASE_URL)
    throw new UsageError('a PGlite backup: unset DATABASE_URL and set DATA_DIR to a new directory');
  if (!isEmptyDir(dataDir))
    throw new UsageError(`DATA_DIR ${dataDir} is not empty: restore into a new directory`);
  let entries: number;
  if (manifest.kind === 'postgres') {
    const url = c.DATABASE_OWNER_URL ?? c.DATABASE_URL!;
    if (!(await isEmptyDatabase(url)))
      throw new UsageError('the database is not empty: restore into a new database (createdb)');
    run(pgTool('pg_restore'), [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      '--dbname',
      url,
      path.join(from, 'database.dump'),
    ]);
    if (existsSync(path.join(from, 'data'))) cpSync(path.join(from, 'data'), dataDir, { recursive: true });
    entries = await auditEntries({ url: c.DATABASE_URL, ownerUrl: c.DATABASE_OWNER_URL, dataDir: '' });
  } else {
    cpSync(path.join(from, 'data'), dataDir, { recursive: true });
    entries = await auditEntries({ dataDir });
  }
  io.stdout(
    `restored the ${manifest.kind} backup of ${manifest.createdAt}: audit chain of ${entries} entries verified (${manifest.auditEntries} at backup)`,
  );
  return 0;
}

/** Runs `backup` or `restore`; usage problems exit 2, failures 1, each with its message. */
export async function runBackupCommand(
  command: 'backup' | 'restore',
  args: string[],
  io: BackupIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    return await (command === 'backup' ? backup : restore)(args, io, env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${BACKUP_HELP}`);
      return 2;
    }
    io.stderr(`${command} failed: ${(error as Error).message}`);
    return 1;
  }
}
