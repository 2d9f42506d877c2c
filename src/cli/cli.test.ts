import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/client.js';
import { seedDemo } from '../server/seed/demo.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });

// The demo district without its project history: what these commands read is the same, and the
// history's six years of calls (a minute of seeding under load) are the seed's own tests' subject.
beforeAll(async () => {
  const database = await openDatabase({ dataDir });
  await seedDemo(database.db, undefined, { history: false });
  await database.close();
}, 60_000);

describe('npm run cli', () => {
  it('verify-audit passes on an intact chain and names the row altered behind the trigger', async () => {
    const intact = cli('verify-audit');
    expect(intact.stdout).toContain('audit chain intact');
    expect(intact.status).toBe(0);

    const database = await openDatabase({ dataDir });
    // The superuser way around the append-only trigger.
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
    await database.db.execute(sql`update audit_log set action = 'forged' where id = 1`);
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    await database.close();

    const broken = cli('verify-audit');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('audit chain BROKEN at entry #1');
  }, 60_000);

  it('rebuilds the duplicate-check index with a progress bar on stderr', () => {
    const res = cli('duplicates', 'reindex');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/duplicate index rebuilt: \d+ applications/);
    expect(res.stderr).toContain('reindex [');
  }, 60_000);

  it('refuses to seed a database that has data, and explains unknown commands', () => {
    const seeded = cli('seed-demo');
    expect(seeded.status).toBe(1);
    expect(seeded.stderr).toContain('--force');
    const unknown = cli('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Usage: npm run cli');
  }, 60_000);
});
