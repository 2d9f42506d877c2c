/**
 * `npm run bench [-- http|duplicates|seed|transparency]`: every benchmark, or the named ones. Each prints its
 * results as ratios against a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { openDatabase } from '../src/server/db/client.js';
import { seedDemo } from '../src/server/seed/demo.js';
import { insertBenchCalls } from './http/calls-fixture.js';
import { runHttpBench } from './http/run.js';
import { runSeedBench } from './seed.js';
import { runTransparencyBench } from './transparency.js';

const suites: Record<string, () => Promise<void>> = {
  http: () =>
    runHttpBench(
      async (base) => {
        const sample = (await (
          await fetch(`${base}/api/public/calls?pageSize=1&status=contracted`)
        ).json()) as { items: { id: string }[] };
        const street = (await (await fetch(`${base}/api/regions?level=street&pageSize=1`)).json()) as {
          items: { id: string }[];
        };
        return [
          { name: 'GET /api/health', url: '/api/health' },
          { name: 'GET /api/regions (50 of 131)', url: '/api/regions?level=community&pageSize=50' },
          {
            name: 'public calls: street+category+status',
            url: `/api/public/calls?streetId=${street.items[0].id}&category=elderly&status=contracted&pageSize=20`,
          },
          {
            name: 'public calls: search 养老',
            url: `/api/public/calls?q=${encodeURIComponent('养老')}&pageSize=20`,
          },
          { name: 'public calls: page 1 of all', url: '/api/public/calls?pageSize=20' },
          { name: 'public call detail', url: `/api/public/calls/${sample.items[0].id}` },
        ];
      },
      async (dataDir) => {
        // 10,000 calls on top of the demo district, written before the server starts.
        const database = await openDatabase({ dataDir });
        await seedDemo(database.db);
        await insertBenchCalls(database.db, 10_000);
        await database.close();
      },
    ),
  duplicates: async () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/duplicates/run.ts', ...process.argv.slice(3)],
      { stdio: 'inherit' },
    );
    if (result.status !== 0) throw new Error('duplicates benchmark failed');
  },
  seed: () => runSeedBench(),
  transparency: () => runTransparencyBench(),
};

const wanted = process.argv[2] ? [process.argv[2]] : Object.keys(suites);
for (const name of wanted) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  await suite();
}
