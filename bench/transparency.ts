/**
 * Transparency-log benchmark, on in-memory PGlite:
 *  1. appending BENCH_ENTRIES (100,000) audit entries (appendAudit, 100 per transaction) without the
 *     log, then on a fresh database with the log integrating and signing a checkpoint after every
 *     1,000 entries (as the worker would every few seconds): entries per second, and the ratio;
 *  2. full verification of the resulting log over HTTP (verify-log --full's code: every tile and
 *     entry bundle fetched from a listening server and checked against the signed root).
 *
 *   npm run bench -- transparency        (BENCH_ENTRIES=20000 for a quicker run)
 *   npx tsx bench/transparency.ts        (the same, standalone)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { type Database, openDatabase } from '../src/server/db/client.js';
import { appendAudit } from '../src/server/modules/audit/service.js';
import { LogClient, verifyCheckpoint, verifyFull } from '../src/server/modules/transparency/lib/client.js';
import { integrate, loadLogSigner } from '../src/server/modules/transparency/service.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const PER_TRANSACTION = 100;
const CHECKPOINT_EVERY = 1000;

const seconds = (from: number) => (performance.now() - from) / 1000;

async function appendEntries(database: Database, afterEach?: (written: number) => Promise<void>) {
  const started = performance.now();
  for (let written = 0; written < ENTRIES; ) {
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < PER_TRANSACTION && written < ENTRIES; i++, written++) {
        await appendAudit(
          tx,
          { user: null, ip: '10.0.0.1' },
          {
            action: written % 4 ? 'bench.internal' : 'bench.public',
            targetType: 'bench',
            targetId: String(written),
            summary: { n: written, text: '社会工作服务项目 benchmark entry' },
            visibility: written % 4 ? 'internal' : 'public',
          },
        );
      }
    });
    if (afterEach && written % CHECKPOINT_EVERY === 0) await afterEach(written);
  }
  if (afterEach && ENTRIES % CHECKPOINT_EVERY !== 0) await afterEach(ENTRIES);
  return seconds(started);
}

export async function runTransparencyBench() {
  console.log(
    `\ntransparency log: ${ENTRIES.toLocaleString('en')} audit entries, ${PER_TRANSACTION} per transaction`,
  );
  const plain = await openDatabase({ dataDir: 'memory://' });
  const baseline = await appendEntries(plain);
  await plain.close();
  console.log(`  without the log: ${(ENTRIES / baseline).toFixed(0)} entries/s (${baseline.toFixed(1)} s)`);

  const database = await openDatabase({ dataDir: 'memory://' });
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-bench-tlog-')),
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    LOG_LEVEL: 'silent',
  });
  const signer = await loadLogSigner(database.db, config);
  await integrate(database.db, signer);
  let integration = 0;
  const withLog = await appendEntries(database, async () => {
    const started = performance.now();
    await integrate(database.db, signer);
    integration += seconds(started);
  });
  console.log(
    `  with the log:    ${(ENTRIES / withLog).toFixed(0)} entries/s (${withLog.toFixed(1)} s, of which integrating and signing ${integration.toFixed(1)} s)`,
  );
  console.log(`  ratio with/without: ${(baseline / withLog).toFixed(2)} (1.00 = no cost)`);

  const app = await buildApp(config, database);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const client = new LogClient(address);
    const { checkpoint } = verifyCheckpoint(await client.checkpoint(), signer.verifier);
    const started = performance.now();
    const result = await verifyFull(client, checkpoint);
    const elapsed = seconds(started);
    if (!result.ok) throw new Error(`full verification failed: ${result.message}`);
    console.log(
      `  full verification over HTTP: ${result.entries.toLocaleString('en')} entries, ${result.tiles} tiles in ${elapsed.toFixed(1)} s (${(result.entries / elapsed).toFixed(0)} entries/s; ${(elapsed / withLog).toFixed(2)} × the time to write them)`,
    );
  } finally {
    await app.close();
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runTransparencyBench();
