/**
 * `npm run bench [-- http|duplicates]`: every benchmark, or the named ones. Each prints its
 * results as ratios against a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { runHttpBench } from './http/run.js';

const suites: Record<string, () => Promise<void>> = {
  http: () =>
    runHttpBench([
      { name: 'GET /api/health', url: '/api/health' },
      { name: 'GET /api/regions (list, 50)', url: '/api/regions?level=community&pageSize=50' },
    ]),
  duplicates: async () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/duplicates/run.ts', ...process.argv.slice(3)], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('duplicates benchmark failed');
  },
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
