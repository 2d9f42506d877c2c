import { defineConfig } from 'vitest/config';

// API tests run on in-memory PGlite, and again on real PostgreSQL when TEST_DATABASE_URL is set
// (CI always sets it; there the PostgreSQL project must run, so a missing URL fails it).
const postgres = Boolean(process.env.TEST_DATABASE_URL) || process.env.CI === 'true';
if (!postgres)
  console.log('[vitest] TEST_DATABASE_URL is not set: skipping the PostgreSQL run of the API tests.');

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'pglite', include: ['src/**/*.test.ts'], env: { TEST_DB: 'pglite' } },
      },
      ...((postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['src/server/**/*.api.test.ts'],
                env: { TEST_DB: 'postgres' },
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
          fileParallelism: false,
        },
      },
    ],
  },
});
