/**
 * Transparency-log benchmark, on in-memory PGlite:
 *  1. appending BENCH_ENTRIES (100,000) audit entries (appendAudit, 100 per transaction) to a
 *     database without the log and, batch by batch alternately, to one with the log integrating and
 *     signing a checkpoint after every 1,000 entries (as the worker would every few seconds):
 *     entries per second, and the ratio;
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

/** Appends entries [from, to) with appendAudit, PER_TRANSACTION to a transaction; returns seconds. */
async function appendEntries(database: Database, from: number, to: number) {
  const started = performance.now();
  for (let written = from; written < to; ) {
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < PER_TRANSACTION && written < to; i++, written++) {
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
  }
  return seconds(started);
}

export async function runTransparencyBench() {
  console.log(
    `\ntransparency log: ${ENTRIES.toLocaleString('en')} audit entries, ${PER_TRANSACTION} per transaction, a checkpoint every ${CHECKPOINT_EVERY.toLocaleString('en')}`,
  );
  // Both databases side by side, batch by batch, so that a busy machine slows both alike.
  const plain = await openDatabase({ dataDir: 'memory://' });
  const database = await openDatabase({ dataDir: 'memory://' });
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sw-bench-tlog-')),
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    LOG_LEVEL: 'silent',
  });
  const signer = await loadLogSigner(database.db, config);
  await integrate(database.db, signer);
  let baseline = 0;
  let appending = 0;
  let integration = 0;
  for (let from = 0; from < ENTRIES; from += CHECKPOINT_EVERY) {
    const to = Math.min(ENTRIES, from + CHECKPOINT_EVERY);
    baseline += await appendEntries(plain, from, to);
    appending += await appendEntries(database, from, to);
    const started = performance.now();
    await integrate(database.db, signer);
    integration += seconds(started);
  }
  await plain.close();
  const withLog = appending + integration;
  console.log(`  without the log: ${(ENTRIES / baseline).toFixed(0)} entries/s (${baseline.toFixed(1)} s)`);
  console.log(
    `  with the log:    ${(ENTRIES / withLog).toFixed(0)} entries/s (${withLog.toFixed(1)} s, of which integrating and signing ${integration.toFixed(1)} s = ${((integration / ENTRIES) * 1000).toFixed(2)} ms per entry)`,
  );
  console.log(
    `  ratio with/without (entries per second): ${(baseline / withLog).toFixed(2)} (1.00 = no cost)`,
  );

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
