import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Four projects, each runnable alone (`npm run test:unit`, `test:api`, `test:e2e`):
// - unit: pure functions (src/domain, the duplicate-detection library, web formatting, the CLI);
// - api-pglite: API tests through app.inject on in-memory PGlite (and the demo seed's own tests);
// - api-postgres: the same API tests on real PostgreSQL when TEST_DATABASE_URL is set (CI always
//   sets it; there the project must run, so a missing URL fails it instead of skipping);
// - e2e: Chromium driving the real server (e2e/).
// The API projects' global setup seeds each database variant once per run and every test file
// gets its own copy; every browser test's server (each on its own port, so browser test files run
// side by side) starts from a copy of one data directory that the real server seeded on its first
// start, and the demo seed's own tests read a copy of it too.
// Unit and API tests run on a fixed clock (src/server/testing/fixed-clock.ts).
const postgres = Boolean(process.env.TEST_DATABASE_URL) || process.env.CI === 'true';
const onlyProjects = process.argv.some((a) => a.startsWith('--project'));
if (!postgres && !onlyProjects)
  console.log('[vitest] TEST_DATABASE_URL is not set: skipping the PostgreSQL run of the API tests.');

const API_TESTS = ['src/server/**/*.api.test.ts'];
const DATABASE_TESTS = [...API_TESTS, 'src/server/seed/**/*.test.ts'];
const clock = ['src/server/testing/setup-clock.ts'];
const apiSetup = ['src/server/testing/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker more than CPUs: a browser test's worker mostly waits (on Chromium, on the server
    // it started: alone, the pipeline test keeps about half a core busy), so with one worker per
    // core the cores sat idle 40 % of a whole run (1,202 s of CPU in 1,015 s on 2 cores).
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: DATABASE_TESTS, setupFiles: clock },
      },
      {
        extends: true,
        test: {
          name: 'api-pglite',
          include: DATABASE_TESTS,
          env: { TEST_DB: 'pglite' },
          setupFiles: clock,
          globalSetup: apiSetup,
        },
      },
      ...((postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'api-postgres',
                include: API_TESTS,
                env: { TEST_DB: 'postgres' },
                setupFiles: clock,
                globalSetup: apiSetup,
              },
            },
          ]
        : []) as { extends: true; test: object }[]),
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['e2e/global-setup.ts'],
        },
      },
    ],
  },
});
