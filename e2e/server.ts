/**
 * Starts the real server as a child process for browser tests: a copy of the data directory that
 * the e2e global setup had the server migrate and seed once for the run (e2e/global-setup.ts), a
 * free port, the built UI, and the test clock (e2e/test-clock.ts) started at the run's fixed
 * instant. Outside a vitest run with that setup, a fresh data directory is used instead (the first
 * start migrates and seeds). Call `stop()` when done.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { TEST_NOW } from '../src/server/testing/fixed-clock';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PASSWORD = 'Guandu@2026';

/** What the e2e global setup provides (see e2e/global-setup.ts). */
export interface E2eTemplate {
  /** The seeded data directory to copy. */
  dir: string;
  /** Written once `dir` is complete; `failed` holds the server output instead if seeding failed. */
  ready: string;
  failed: string;
  /** Milliseconds added to real time so that this run's clock started at TEST_NOW. */
  clockShiftMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eTemplate: E2eTemplate;
  }
}

function e2eTemplate(): E2eTemplate | undefined {
  try {
    return inject('e2eTemplate');
  } catch {
    return undefined; // not in a vitest worker
  }
}

/**
 * Milliseconds the browser-test clocks run ahead of (or behind) real time: the servers'
 * (test-clock.ts) and the browsers' (browser.ts) clocks started at TEST_NOW when the run started.
 */
export function clockShiftMs(): number {
  return e2eTemplate()?.clockShiftMs ?? TEST_NOW.getTime() - Date.now();
}

const TEMPLATE_TIMEOUT_MS = 170_000;

/** Waits for the global setup to finish seeding the template data directory. */
async function templateReady(template: E2eTemplate, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(template.ready)) {
    if (existsSync(template.failed))
      throw new Error(
        `Seeding the browser tests' data directory failed:\n${readFileSync(template.failed, 'utf8')}`,
      );
    if (Date.now() > deadline)
      throw new Error(`The browser tests' data directory was not seeded within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A copy of the run's seeded data directory (the full demo as a first start seeds it), or
 * undefined when no global setup provides one. Outside the browser tests, the demo seed's own
 * tests read it too (the e2e global setup provides it to the api-pglite project).
 */
export async function copyOfSeededDataDir(timeoutMs = TEMPLATE_TIMEOUT_MS): Promise<string | undefined> {
  const template = e2eTemplate();
  if (!template) return undefined;
  await templateReady(template, timeoutMs);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-e2e-'));
  cpSync(template.dir, dir, { recursive: true });
  return dir;
}

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server printed so far (for failure messages). */
  output: () => string;
  /**
   * Moves the server's clock `offsetMs` ahead of real time (absolute, not cumulative). Only when
   * started with `testClock: true`; see e2e/test-clock.ts.
   */
  setClockOffset: (offsetMs: number) => Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); resolves to its exit code. */
  stop: () => Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds the browser app once if it is missing (or older than its sources, when the project's
 * build script is there to judge that). The server only serves dist/web if it exists at start.
 */
export function ensureWebBuild(): void {
  const script = path.join(repoRoot, 'scripts/build-web.mjs');
  const index = path.join(repoRoot, 'dist/web/index.html');
  const args = existsSync(script)
    ? [script, '--if-stale']
    : existsSync(index)
      ? null
      : [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'];
  if (!args) return;
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit', timeout: 180_000 });
  if (result.status !== 0 || !existsSync(index)) {
    throw new Error(`Building the web UI failed (exit ${result.status}); run \`npx vite build\` to see why.`);
  }
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function startServer(
  opts: {
    env?: Record<string, string>;
    timeoutMs?: number;
    /** Lets the test move the server's clock with `setClockOffset` (IPC channel). */
    testClock?: boolean;
    /** Use this data directory as it is (the global setup seeds the template this way). */
    dataDir?: string;
    /** Milliseconds the server's clock runs ahead of real time; the run's shift by default. */
    clockShiftMs?: number;
  } = {},
) {
  ensureWebBuild();
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const dataDir =
    opts.dataDir ??
    (await copyOfSeededDataDir(TEMPLATE_TIMEOUT_MS)) ??
    mkdtempSync(path.join(tmpdir(), 'sw-e2e-'));
  const ownDataDir = !opts.dataDir;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './e2e/test-clock.ts', 'src/server/main.ts'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        TEST_CLOCK_SHIFT_MS: String(opts.clockShiftMs ?? clockShiftMs()),
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        // Every role signs in through the form from one address within a minute.
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        ...opts.env,
      },
      stdio: opts.testClock ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    }),
  );

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    return exited ?? null;
  };

  const setClockOffset = async (offsetMs: number) => {
    if (!opts.testClock || !child.send)
      throw new Error('startServer({ testClock: true }) is needed to move the clock');
    const acknowledged = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('The server did not acknowledge the clock change')),
        5_000,
      );
      const onMessage = (message: unknown) => {
        const m = message as { type?: string; offsetMs?: number };
        if (m?.type !== 'test-clock-set' || m.offsetMs !== offsetMs) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
    });
    child.send({ type: 'test-clock', offsetMs });
    await acknowledged;
  };

  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(baseUrl))) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`The server exited (code ${exited}) before answering /api/health:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer /api/health within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, dataDir, output: () => output, setClockOffset, stop } satisfies RunningServer;
}
