/**
 * Starts the real server as a child process for browser tests: fresh data directory (so the first
 * start migrates and seeds the demo data), a free port, the built UI. Call `stop()` when done.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PASSWORD = 'Guandu@2026';

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
  stop: () => Promise<void>;
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
  opts: { env?: Record<string, string>; timeoutMs?: number; testClock?: boolean } = {},
) {
  ensureWebBuild();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const preload = opts.testClock ? ['--import', './e2e/test-clock.ts'] : [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...preload, 'src/server/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      // Every role signs in through the form from one address within a minute.
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ...opts.env,
    },
    stdio: opts.testClock ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
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
    rmSync(dataDir, { recursive: true, force: true });
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

  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  while (!(await healthy(baseUrl))) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`The server exited (code ${exited}) before answering /api/health:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `The server did not answer /api/health within ${(opts.timeoutMs ?? 180_000) / 1000} s:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, dataDir, output: () => output, setClockOffset, stop } satisfies RunningServer;
}
