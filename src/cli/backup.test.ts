import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/client.js';
import { verifyAuditChain } from '../server/modules/audit/service.js';
import { seedDemo } from '../server/seed/demo.js';
import { adminQuery, databaseUrl, uniqueName } from '../server/testing/templates.js';
import { runBackupCommand } from './backup.js';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));
const cli = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', DATABASE_OWNER_URL: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });

/** What a deployment keeps in DATA_DIR besides the database: an upload and the log's key. */
function plantFiles(dataDir: string) {
  mkdirSync(path.join(dataDir, 'files', 'ab'), { recursive: true });
  writeFileSync(path.join(dataDir, 'files', 'ab', 'abc123'), '%PDF-1.4 申报书附件');
  writeFileSync(path.join(dataDir, 'transparency-log.key'), 'PRIVATE+KEY+test+00000000+AAAA\n');
}

function expectFilesIn(dataDir: string) {
  expect(readFileSync(path.join(dataDir, 'files', 'ab', 'abc123'), 'utf8')).toBe('%PDF-1.4 申报书附件');
  expect(readFileSync(path.join(dataDir, 'transparency-log.key'), 'utf8')).toBe(
    'PRIVATE+KEY+test+00000000+AAAA\n',
  );
}

/** Runs `backup`/`restore` in this process (faster than a CLI process), with its output. */
async function inProcess(command: 'backup' | 'restore', env: Record<string, string>, ...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const status = await runBackupCommand(
    command,
    args,
    { stdout: (l) => (out.stdout += `${l}\n`), stderr: (l) => (out.stderr += `${l}\n`) },
    { DATABASE_URL: '', DATABASE_OWNER_URL: '', LOG_LEVEL: 'silent', ...env },
  );
  return { status, ...out };
}

async function auditEntriesIn(options: { url?: string; dataDir: string }) {
  const database = await openDatabase(options);
  try {
    const result = await verifyAuditChain(database.db);
    expect(result.ok).toBe(true);
    return result.entries;
  } finally {
    await database.close();
  }
}

describe('backup and restore of PGlite', () => {
  const source = temp('sw-backup-src-');
  let entries: number;

  beforeAll(async () => {
    const database = await openDatabase({ dataDir: source });
    await seedDemo(database.db, undefined, { history: false });
    await database.close();
    plantFiles(source);
    entries = await auditEntriesIn({ dataDir: source });
  }, 120_000);

  it('copies the seeded demo, restores it into a new directory, and the audit chain verifies there', async () => {
    const out = path.join(temp('sw-backup-'), 'backup');
    const made = cli({ DATA_DIR: source }, 'backup', '--out', out);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain(`audit chain of ${entries} entries verified`);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      kind: 'pglite',
      auditEntries: entries,
    });

    const target = path.join(temp('sw-restore-'), 'data');
    const restored = await inProcess('restore', { DATA_DIR: target }, '--from', out);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`audit chain of ${entries} entries verified`);
    expectFilesIn(target);
    expect(await auditEntriesIn({ dataDir: target })).toBe(entries);
  }, 120_000);

  it('refuses to overwrite: a non-empty backup directory or DATA_DIR, a directory that is no backup', async () => {
    const full = temp('sw-backup-full-');
    writeFileSync(path.join(full, 'something'), 'x');
    const intoFull = await inProcess('backup', { DATA_DIR: source }, '--out', full);
    expect(intoFull.status).toBe(2);
    expect(intoFull.stderr).toContain('is not empty');
    const notBackup = await inProcess('restore', { DATA_DIR: temp('sw-restore-') }, '--from', full);
    expect(notBackup.status).toBe(2);
    expect(notBackup.stderr).toContain('is not a backup');
    const onto = await inProcess('restore', { DATA_DIR: source }, '--from', source);
    expect(onto.status).toBe(2);
    const missing = await inProcess('backup', { DATA_DIR: source });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('backup needs --out DIR');
  });

  it('refuses to copy a data directory a server has open', async () => {
    const open = temp('sw-backup-open-');
    writeFileSync(path.join(open, 'PG_VERSION'), '17\n');
    writeFileSync(path.join(open, 'postmaster.pid'), '42\n');
    const res = await inProcess('backup', { DATA_DIR: open }, '--out', path.join(temp('sw-backup-'), 'b'));
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('stop it, then back up');
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('backup and restore of PostgreSQL (pg_dump)', () => {
  const names = { source: uniqueName('sw_backup_src'), target: uniqueName('sw_backup_dst') };
  const dataDir = temp('sw-backup-pgdata-');

  beforeAll(async () => {
    await adminQuery(`create database ${names.source}`);
    await adminQuery(`create database ${names.target}`);
    const database = await openDatabase({ url: databaseUrl(names.source), dataDir: '' });
    await seedDemo(database.db, undefined, { history: false });
    await database.close();
    plantFiles(dataDir);
  }, 180_000);
  afterAll(async () => {
    for (const name of Object.values(names)) await adminQuery(`drop database if exists ${name} with (force)`);
  });

  it('dumps the seeded demo, restores it into an empty database, and the audit chain verifies there', async () => {
    const entries = await auditEntriesIn({ url: databaseUrl(names.source), dataDir: '' });
    const out = path.join(temp('sw-backup-'), 'backup');
    const made = cli({ DATABASE_URL: databaseUrl(names.source), DATA_DIR: dataDir }, 'backup', '--out', out);
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(path.join(out, 'database.dump'))).toBe(true);

    const target = {
      DATABASE_URL: databaseUrl(names.target),
      DATA_DIR: path.join(temp('sw-restore-'), 'data'),
    };
    const restored = await inProcess('restore', target, '--from', out);
    expect(restored.status, restored.stderr).toBe(0);
    expectFilesIn(target.DATA_DIR);
    expect(await auditEntriesIn({ url: target.DATABASE_URL, dataDir: '' })).toBe(entries);

    // Once more into the same database: it is not empty any more.
    const again = await inProcess('restore', { ...target, DATA_DIR: temp('sw-restore-') }, '--from', out);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('the database is not empty');
  }, 180_000);
});
