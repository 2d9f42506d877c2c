/**
 * Global setup of the browser tests: has the real server migrate and seed the full demo district
 * (with its project history and duplicate index, exactly as a first start does) once per run, in
 * a template data directory that every browser-test server starts from a copy of (e2e/server.ts).
 *
 * The seeding runs in the background while other projects' tests run; startServer() waits for
 * the `ready` marker. The run's clock: servers and browsers start at TEST_NOW when the run starts
 * (clockShiftMs); the template is seeded an hour earlier (SEED_NOW), so that every seeded row
 * predates what the tests do, as it did when each test's server seeded its own data.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEED_NOW, TEST_NOW } from '../src/server/testing/fixed-clock';
import { type E2eTemplate, ensureWebBuild, type RunningServer, startServer } from './server';

export default function setup(project: TestProject) {
  const root = mkdtempSync(path.join(tmpdir(), 'sw-e2e-template-'));
  const realStart = Date.now();
  const template: E2eTemplate = {
    dir: path.join(root, 'data'),
    ready: path.join(root, 'ready'),
    failed: path.join(root, 'failed'),
    clockShiftMs: TEST_NOW.getTime() - realStart,
  };
  mkdirSync(template.dir);
  ensureWebBuild();
  let server: RunningServer | undefined;
  const started = performance.now();
  const seeding = (async () => {
    try {
      // In the background, while other tests take the CPU: more time than a test's own start gets.
      server = await startServer({
        dataDir: template.dir,
        clockShiftMs: SEED_NOW.getTime() - realStart,
        timeoutMs: 600_000,
      });
      const output = server.output;
      const code = await server.stop();
      if (code !== 0) throw new Error(`the seeding server exited with code ${code}:\n${output()}`);
      writeFileSync(template.ready, '');
      console.log(
        `[vitest] e2e: seeded the demo data directory in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (error) {
      writeFileSync(template.failed, error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  })();
  project.provide('e2eTemplate', template);
  // The demo seed's own tests (src/server/seed/pipeline.test.ts) read the same data directory
  // instead of seeding the six years of history a second time.
  for (const other of project.vitest.projects)
    if (other.name === 'api-pglite') other.provide('e2eTemplate', template);
  return async () => {
    await server?.stop();
    await seeding;
    rmSync(root, { recursive: true, force: true });
  };
}
