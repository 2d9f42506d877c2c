/**
 * Seed benchmark: the time to seed the demo with its history (seedDemo, as at every first start)
 * on in-memory PGlite, against a baseline measured in the same run on the same database: a bulk
 * insert (insertAll, as the seed's write step does) of exactly the rows the pipeline wrote. The
 * ratio is the seed's cost in "writing its own rows" units, so it survives a noisy machine.
 *
 *   npm run bench -- seed          (BENCH_RUNS=3: the median of that many runs)
 */
import { getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { insertAll } from '../src/server/db/bulk.js';
import { type Db, openDatabase } from '../src/server/db/client.js';
import {
  applications,
  awards,
  calls,
  contracts,
  creditEntries,
  notifications,
  objections,
  panelMembers,
  planLines,
  publicities,
  reviewSessions,
  scoreSheets,
  timelineEvents,
} from '../src/server/db/schema.js';
import { seedDemo } from '../src/server/seed/demo.js';
import { median } from './duplicates/stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// A fixed day, so that every run seeds the same rows.
const NOW = new Date('2026-12-01T10:00:00+08:00');
/** The pipeline's tables, in the order its write step inserts them. */
const PIPELINE_TABLES: PgTable[] = [
  planLines,
  calls,
  applications,
  reviewSessions,
  panelMembers,
  scoreSheets,
  awards,
  publicities,
  objections,
  contracts,
  timelineEvents,
  creditEntries,
  notifications,
];

const seconds = (from: number) => (performance.now() - from) / 1000;

async function timed(run: (db: Db) => Promise<void>) {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const started = performance.now();
    await run(database.db);
    return { elapsed: seconds(started), db: database.db, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Reads back the rows the pipeline wrote, empties its tables and times inserting them again. */
async function bulkInsertAgain(db: Db) {
  const rows = new Map<PgTable, Record<string, unknown>[]>();
  for (const table of PIPELINE_TABLES) rows.set(table, await db.select().from(table));
  const names = PIPELINE_TABLES.map((t) => `"${getTableName(t)}"`).join(', ');
  await db.execute(sql.raw(`truncate ${names} cascade`));
  const started = performance.now();
  await db.transaction(async (tx) => {
    for (const table of PIPELINE_TABLES) await insertAll(tx, table, rows.get(table)!);
  });
  return {
    elapsed: seconds(started),
    rows: [...rows.values()].reduce((s, r) => s + r.length, 0),
  };
}

export async function runSeedBench() {
  const district: number[] = [];
  const full: number[] = [];
  const bulk: number[] = [];
  let rowCount = 0;
  for (let run = 0; run < RUNS; run++) {
    const base = await timed((db) => seedDemo(db, 2022, { history: false }));
    district.push(base.elapsed);
    await base.close();
    const seeded = await timed((db) => seedDemo(db, 2022, { now: NOW }));
    full.push(seeded.elapsed);
    try {
      const again = await bulkInsertAgain(seeded.db);
      bulk.push(again.elapsed);
      rowCount = again.rows;
    } finally {
      await seeded.close();
    }
    process.stderr.write(
      `run ${run + 1}/${RUNS}: district ${district[run].toFixed(2)} s, demo with history ${full[run].toFixed(2)} s, bulk insert ${bulk[run].toFixed(2)} s\n`,
    );
  }
  const baseline = median(bulk);
  const row = (name: string, s: number) =>
    console.log(
      `${name.padEnd(50)} | ${s.toFixed(2).padStart(7)} | ${(s / baseline).toFixed(2).padStart(5)}`,
    );
  console.log(`\nSeed benchmark: in-memory PGlite, median of ${RUNS} run(s), "now" = ${NOW.toISOString()}`);
  console.log('step                                               | seconds | ratio');
  console.log('---------------------------------------------------|---------|------');
  row(`baseline: bulk insert of the ${rowCount} pipeline rows`, baseline);
  row('demo district only (history: false)', median(district));
  row('demo with history (seedDemo)', median(full));
}
