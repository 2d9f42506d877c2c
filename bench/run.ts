/**
 * `npm run bench [-- http|duplicates|seed|transparency]`: every benchmark, or the named ones. Each prints its
 * results as ratios against a baseline measured in the same run. `http` runs on PGlite and on
 * PostgreSQL (`-- http --pg postgres://…` or TEST_DATABASE_URL, else a throwaway cluster;
 * `--only pglite|postgres`).
 */
import { spawnSync } from 'node:child_process';
import { runHttpBench } from './http/run.js';
import { runSeedBench } from './seed.js';
import { runTransparencyBench } from './transparency.js';

const suites: Record<string, () => Promise<void>> = {
  http: () => runHttpBench(process.argv.slice(3)),
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
