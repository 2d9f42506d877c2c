/**
 * Global setup of the API projects: migrates and seeds each database variant the API tests use
 * once per run, on the fixed clock (fixed-clock.ts), and provides the templates that every test
 * file copies (templates.ts). The project's `env.TEST_DB` says which database: PGlite (tarballs of
 * the data directory in a temporary directory) or PostgreSQL (template databases on the server
 * named by TEST_DATABASE_URL). Teardown removes them.
 *
 * The demo history (`seedDemo` with `history: true`) is not built: no API test asks for it, and a
 * test that does gets its own fresh seed (test-app.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../db/client.js';
import { seedDemo } from '../seed/demo.js';
import { installFixedClock, SEED_NOW } from './fixed-clock.js';
import { adminQuery, databaseUrl, type Templates, uniqueName } from './templates.js';

export default async function setup(project: TestProject) {
  const kind = project.config.env?.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
  const started = performance.now();
  const restoreClock = installFixedClock(SEED_NOW);
  let teardown: (() => Promise<void>) | undefined;
  const templates: Templates = {};
  try {
    if (kind === 'pglite') {
      const dir = mkdtempSync(path.join(tmpdir(), 'sw-test-templates-'));
      teardown = async () => rmSync(dir, { recursive: true, force: true });
      const database = await openDatabase({ dataDir: 'memory://' });
      const client = (database.db as unknown as { $client: PGlite }).$client;
      const dump = async (variant: 'empty' | 'demo') => {
        const file = path.join(dir, `${variant}.tar`);
        writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
        templates[variant] = file;
      };
      try {
        await dump('empty');
        await seedDemo(database.db, undefined, { history: false });
        await dump('demo');
      } finally {
        await database.close();
      }
    } else {
      const names = { empty: uniqueName('sw_tpl_empty'), demo: uniqueName('sw_tpl_demo') };
      teardown = async () => {
        for (const name of Object.values(names))
          await adminQuery(`drop database if exists ${name} with (force)`);
      };
      await adminQuery(`create database ${names.empty}`);
      const empty = await openDatabase({ url: databaseUrl(names.empty), dataDir: '' });
      await empty.close();
      templates.empty = names.empty;
      // A template may have no open connections while it is copied: each is closed before use.
      await adminQuery(`create database ${names.demo} template ${names.empty}`);
      const demo = await openDatabase({ url: databaseUrl(names.demo), dataDir: '' });
      try {
        await seedDemo(demo.db, undefined, { history: false });
      } finally {
        await demo.close();
      }
      templates.demo = names.demo;
    }
  } catch (error) {
    await teardown?.().catch(() => {});
    throw error;
  } finally {
    restoreClock();
  }
  project.provide('dbTemplates', templates);
  console.log(
    `[vitest] ${project.name}: seeded templates (${Object.keys(templates).join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return teardown;
}
