/**
 * HTTP benchmark: the platform's endpoints against a bare Fastify serving the same JSON from
 * memory, measured in the same run so that the ratio survives a noisy machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

export interface Scenario {
  name: string;
  url: string;
}

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

function start(
  command: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

async function load(url: string) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Starts the platform with demo data and a baseline server, then loads each scenario on both. */
export async function runHttpBench(
  scenarios: Scenario[] | ((baseUrl: string) => Promise<Scenario[]>),
  prepare?: (dataDir: string) => Promise<void>,
) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-bench-'));
  await prepare?.(dataDir);
  const platform = await start(
    ['--import', 'tsx', 'src/server/main.ts'],
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    /is serving on (http:\/\/[\d.:]+)/,
  );
  try {
    const list = typeof scenarios === 'function' ? await scenarios(platform.url) : scenarios;
    const bodies: Record<string, string> = {};
    for (const s of list) bodies[s.url] = await (await fetch(platform.url + s.url)).text();
    const bodiesFile = path.join(dataDir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const bare = await start(
      ['--import', 'tsx', 'bench/http/bare-server.ts', bodiesFile],
      {},
      /(http:\/\/[\d.:]+)/,
    );
    try {
      console.log(`\nHTTP benchmark: ${CONNECTIONS} connections, ${DURATION} s per run, on 127.0.0.1`);
      console.log(
        'scenario                         | platform req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | ratio',
      );
      console.log(
        '---------------------------------|----------------|--------|--------|----------------|--------|--------|------',
      );
      for (const s of list) {
        const base = await load(bare.url + s.url);
        const real = await load(platform.url + s.url);
        const ratio = real.rps / base.rps;
        console.log(
          `${s.name.padEnd(32)} | ${real.rps.toFixed(0).padStart(14)} | ${String(real.p50).padStart(6)} | ${String(real.p99).padStart(6)} | ${base.rps.toFixed(0).padStart(14)} | ${String(base.p50).padStart(6)} | ${String(base.p99).padStart(6)} | ${ratio.toFixed(2)}`,
        );
      }
    } finally {
      bare.child.kill();
    }
  } finally {
    platform.child.kill();
  }
}
