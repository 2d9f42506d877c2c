/**
 * HTTP benchmark: the platform's endpoints against a bare Fastify serving the same JSON from
 * memory, measured in the same run so that the ratio survives a noisy machine; on PGlite and on
 * PostgreSQL (a throwaway cluster unless one is given), with 100,000 calls on top of the demo
 * district; then on PostgreSQL with two app processes sharing the load, and the server CPU per
 * request of an uncached read (each one the first after a write). Prints markdown tables.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../../src/server/db/client.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/server/seed/demo.js';
import { autosaveBody, insertAutosaveDrafts, insertBenchCalls } from './calls-fixture.js';
import { insertBenchProject } from './projects-fixture.js';

type Kind = 'reference' | 'list' | 'detail' | 'search' | 'write';
type DatabaseKind = 'pglite' | 'postgres';

export interface Scenario {
  name: string;
  kind: Kind;
  method: 'GET' | 'PATCH';
  /** One URL; for writes one per connection (two concurrent saves of one draft would conflict). */
  urls: string[];
  body?: string;
  headers?: Record<string, string>;
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
}
interface Row {
  scenario: Scenario;
  /** Mean request rate and median p50 over the rounds; p99: the highest round's. */
  platform: Measure;
  baseline: Measure;
  ratio: number;
}
interface DatabaseResult {
  kind: DatabaseKind;
  rows: Row[];
  /** PostgreSQL only: two app processes. */
  twoProcesses?: Row[];
  cpu?: Map<string, Cpu>;
}

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 300);
const label: Record<DatabaseKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };

// ---------- processes ----------

function start(command: string[], env: Record<string, string>, ready: RegExp) {
  return new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 300_000);
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

/** Asks a process to stop and waits until it has (SIGKILL after 15 s). */
function stopProcess(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill();
  });
}

const startPlatform = (env: Record<string, string>) =>
  start(
    ['--import', 'tsx', 'src/server/main.ts'],
    { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'never', ...env },
    /is serving on (http:\/\/[\d.:]+)/,
  );

const startBare = (bodiesFile: string) =>
  start(['--import', 'tsx', 'bench/http/bare-server.ts', bodiesFile], {}, /(http:\/\/[\d.:]+)/);

/** CPU time a process has run so far, all its threads, in ms (Linux schedstat, in nanoseconds). */
function cpuMs(pid: number): number {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return ns / 1e6;
}

// ---------- databases ----------

interface Target {
  kind: DatabaseKind;
  dataDir: string;
  /** PostgreSQL: this run's own database. */
  url?: string;
  drop(): Promise<void>;
}

/** A PostgreSQL server: `--pg URL`, else TEST_DATABASE_URL, else a throwaway cluster. */
async function postgresServer(given: string | undefined) {
  if (given) return { url: given, stop: async () => {} };
  const script = path.resolve('scripts/test-postgres.sh');
  const out = execFileSync(script, ['start'], { encoding: 'utf8' });
  const dir = /PG_TEST_DIR=(\S+)/.exec(out)![1];
  const url = /TEST_DATABASE_URL=(\S+)/.exec(out)![1];
  console.log(`(started a throwaway PostgreSQL cluster for the benchmark: ${url})`);
  return { url, stop: async () => void execFileSync(script, ['stop', dir]) };
}

async function adminQuery(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function newTarget(kind: DatabaseKind, serverUrl: string | undefined): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-bench-'));
  if (kind === 'pglite') return { kind, dataDir, drop: async () => rmSync(dataDir, { recursive: true }) };
  const name = `sw_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl!, `create database ${name}`);
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return {
    kind,
    dataDir,
    url: url.toString(),
    drop: async () => {
      await adminQuery(serverUrl!, `drop database if exists ${name} with (force)`);
      rmSync(dataDir, { recursive: true });
    },
  };
}

/** Demo district + bulk calls + autosave drafts + one big project, written before the server starts. */
async function prepare(target: Target): Promise<{ drafts: string[]; projectId: string }> {
  const started = Date.now();
  const database = await openDatabase({ url: target.url, dataDir: target.dataDir });
  try {
    await seedDemo(database.db);
    await insertBenchCalls(database.db, CALLS);
    const drafts = await insertAutosaveDrafts(database.db, CONNECTIONS);
    const projectId = await insertBenchProject(database.db);
    await database.db.execute(sql`analyze`);
    console.log(
      `${label[target.kind]}: demo district + ${CALLS.toLocaleString('en')} calls in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    return { drafts, projectId };
  } finally {
    await database.close();
  }
}

// ---------- scenarios ----------

async function json<T>(base: string, url: string): Promise<T> {
  const res = await fetch(base + url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const cookieOf = (res: Response, name: string) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`))!;

/** A signed-in session's request headers (session cookie, CSRF cookie and header). */
async function signIn(base: string, username: string) {
  const csrfCookie = cookieOf(await fetch(`${base}/api/auth/session`), 'csrf_token');
  const csrf = csrfCookie.slice('csrf_token='.length);
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: csrfCookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login as ${username}: ${res.status} ${await res.text()}`);
  return { cookie: `${csrfCookie}; ${cookieOf(res, 'sid')}`, 'x-csrf-token': csrf };
}

async function scenarios(base: string, drafts: string[], projectId: string): Promise<Scenario[]> {
  // Reads carry the CSRF cookie a browser holds after its first request: the platform then does
  // not mint a new one for every request.
  const visitor = { cookie: cookieOf(await fetch(`${base}/api/auth/session`), 'csrf_token') };
  const get = (name: string, kind: Kind, url: string): Scenario => ({
    name,
    kind,
    method: 'GET',
    urls: [url],
    headers: visitor,
  });
  const sample = await json<{ items: { id: string }[] }>(
    base,
    '/api/public/calls?pageSize=1&status=contracted',
  );
  const street = await json<{ items: { id: string }[] }>(base, '/api/regions?level=street&pageSize=1');
  const publicity = await json<{ items: { id: string }[] }>(base, '/api/public/publicities?pageSize=1');
  const session = await signIn(base, 'provider');
  const buyer = await signIn(base, 'buyer');
  const asBuyer = (name: string, kind: Kind, url: string): Scenario => ({
    ...get(name, kind, url),
    headers: buyer,
  });
  return [
    get('GET /api/health', 'reference', '/api/health'),
    get('regions: 50 of 131', 'list', '/api/regions?level=community&pageSize=50'),
    get('regions: tree', 'list', '/api/regions/tree'),
    get('public calls: page 1 of all', 'list', '/api/public/calls?pageSize=20'),
    get(
      'public calls: street+category+status',
      'list',
      `/api/public/calls?streetId=${street.items[0].id}&category=elderly&status=contracted&pageSize=20`,
    ),
    get(
      'public calls: search 养老',
      'search',
      `/api/public/calls?q=${encodeURIComponent('养老')}&pageSize=20`,
    ),
    get('public call detail', 'detail', `/api/public/calls/${sample.items[0].id}`),
    get('annual plans', 'list', '/api/public/plans'),
    get('publicities', 'list', '/api/public/publicities?pageSize=20'),
    get('publicity detail', 'detail', `/api/public/publicities/${publicity.items[0].id}`),
    asBuyer('buyer monitoring: projects (signed in)', 'list', '/api/projects?pageSize=20'),
    asBuyer('buyer monitoring: open alerts (signed in)', 'list', '/api/alerts?open=1&pageSize=20'),
    asBuyer('project page: overview (signed in)', 'detail', `/api/projects/${projectId}`),
    asBuyer('project page: 1,000 activities (signed in)', 'detail', `/api/projects/${projectId}/activities`),
    asBuyer('project page: funds, 2,000 expenses (signed in)', 'detail', `/api/projects/${projectId}/funds`),
    {
      name: 'draft autosave (PATCH, signed in)',
      kind: 'write',
      method: 'PATCH',
      urls: drafts.map((id) => `/api/applications/${id}`),
      body: JSON.stringify(autosaveBody(1)),
      headers: { ...session, 'content-type': 'application/json' },
    },
  ];
}

/** What the platform answers, for the baseline to serve: "METHOD url" → body. */
async function bodiesOf(base: string, list: Scenario[]) {
  const bodies: Record<string, string> = {};
  for (const s of list) {
    for (const url of s.urls) {
      const res = await fetch(base + url, { method: s.method, headers: s.headers, body: s.body });
      if (!res.ok) throw new Error(`${s.method} ${url}: ${res.status} ${await res.text()}`);
      bodies[`${s.method} ${url}`] = await res.text();
    }
  }
  return bodies;
}

// ---------- load ----------

/**
 * Loads a scenario on one or more servers at once: CONNECTIONS connections in all, spread over the
 * servers (and for writes one per URL); request rates are summed, latencies merged.
 */
async function load(bases: string[], s: Scenario): Promise<Measure> {
  const jobs: { url: string; connections: number }[] = [];
  if (s.urls.length > 1) {
    for (const [i, u] of s.urls.slice(0, CONNECTIONS).entries())
      jobs.push({ url: bases[i % bases.length] + u, connections: 1 });
  } else {
    for (const [i, b] of bases.entries())
      jobs.push({
        url: b + s.urls[0],
        connections: Math.floor(CONNECTIONS / bases.length) + (i < CONNECTIONS % bases.length ? 1 : 0),
      });
  }
  const results = await Promise.all(
    jobs.map((job) =>
      autocannon({
        url: job.url,
        connections: job.connections,
        duration: DURATION / ROUNDS,
        method: s.method,
        headers: s.headers,
        body: s.body,
        skipAggregateResult: true,
      } as autocannon.Options),
    ),
  );
  // aggregateResult (autocannon ≥ 7.4) merges the latency histograms; @types/autocannon lacks it.
  const { aggregateResult } = autocannon as unknown as {
    aggregateResult(results: unknown[], options: { url: string; connections: number }): autocannon.Result;
  };
  const merged = aggregateResult(results, { url: jobs[0].url, connections: CONNECTIONS });
  if (merged.non2xx > 0 || merged.errors > 0)
    throw new Error(`${s.name}: ${merged.non2xx} non-2xx, ${merged.errors} errors`);
  const completed = results.reduce(
    (n, r) => n + (r as unknown as { totalCompletedRequests: number }).totalCompletedRequests,
    0,
  );
  const duration = Math.max(...results.map((r) => r.duration));
  return { rps: completed / duration, p50: merged.latency.p50, p99: merged.latency.p99 };
}

/**
 * Baseline and platform take turns, ROUNDS times, each DURATION / ROUNDS seconds, so that a burst
 * of load from elsewhere on the machine falls on both; the ratio is the median of the rounds'.
 */
async function compare(platform: string[], bare: string[], list: Scenario[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of list) {
    const rounds: { baseline: Measure; platform: Measure }[] = [];
    for (let i = 0; i < ROUNDS; i++)
      rounds.push({ baseline: await load(bare, scenario), platform: await load(platform, scenario) });
    const mean = (pick: (r: (typeof rounds)[number]) => Measure): Measure => ({
      rps: rounds.reduce((n, r) => n + pick(r).rps, 0) / ROUNDS,
      p50: median(rounds.map((r) => pick(r).p50)),
      p99: Math.max(...rounds.map((r) => pick(r).p99)),
    });
    const row = {
      scenario,
      platform: mean((r) => r.platform),
      baseline: mean((r) => r.baseline),
      ratio: median(rounds.map((r) => r.platform.rps / r.baseline.rps)),
    };
    rows.push(row);
    console.log(`  ${scenario.name}: ${row.ratio.toFixed(2)}`);
  }
  return rows;
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU a server spends on `n` requests sent one after the other (before each: `prepare`). */
async function sequentialCpu(
  pid: number,
  url: string,
  headers: Record<string, string> | undefined,
  n: number,
  prepare?: () => Promise<void>,
) {
  for (let i = 0; i < 20; i++) await (await fetch(url, { headers })).text();
  let cpu = 0;
  let misses = 0;
  for (let i = 0; i < n; i++) {
    await prepare?.();
    const before = cpuMs(pid);
    const res = await fetch(url, { headers });
    await res.text();
    cpu += cpuMs(pid) - before;
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    if (res.headers.get('x-public-cache') === 'miss') misses++;
  }
  return { cpu, misses };
}

interface Cpu {
  /** ms per read that is the first after a write (PostgreSQL only: the version is bumped directly). */
  uncached: number;
  cached: number;
  /** The bare baseline's, measured the same way: the machine's cost of a request at all. */
  bare: number;
}

/**
 * The server's CPU per read, reads one after the other: each the first after a write (the data
 * version bumped directly in the database, whose own CPU is not counted; the server hears of it
 * by NOTIFY, given 20 ms; a read that still came from the cache, as its x-public-cache header
 * says, is counted at the cached cost), cached, and the bare server's for the same body.
 */
async function cpuPerRequest(
  platform: { pid: number; url: string },
  bare: { pid: number; url: string },
  databaseUrl: string | undefined,
  list: Scenario[],
) {
  const client = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : null;
  await client?.connect();
  const bump = async () => {
    await client!.query('update data_version set version = version + 1');
    await sleep(20);
  };
  const result = new Map<string, Cpu>();
  try {
    for (const s of list.filter((x) => x.method === 'GET' && x.kind !== 'reference')) {
      const cached =
        (await sequentialCpu(platform.pid, platform.url + s.urls[0], s.headers, CPU_REQUESTS)).cpu /
        CPU_REQUESTS;
      const baseline =
        (await sequentialCpu(bare.pid, bare.url + s.urls[0], s.headers, CPU_REQUESTS)).cpu / CPU_REQUESTS;
      let uncached = Number.NaN;
      if (client) {
        const first = await sequentialCpu(
          platform.pid,
          platform.url + s.urls[0],
          s.headers,
          CPU_REQUESTS,
          bump,
        );
        const hits = CPU_REQUESTS - first.misses;
        if (first.misses) uncached = (first.cpu - hits * cached) / first.misses;
      }
      result.set(s.name, { uncached, cached, bare: baseline });
    }
  } finally {
    await client?.end();
  }
  return result;
}

// ---------- one database ----------

async function benchDatabase(kind: DatabaseKind, serverUrl: string | undefined): Promise<DatabaseResult> {
  const target = await newTarget(kind, serverUrl);
  const stop: ChildProcess[] = [];
  try {
    const { drafts, projectId } = await prepare(target);
    const env = { DATA_DIR: target.dataDir, DATABASE_URL: target.url ?? '' };
    const platform = await startPlatform(env);
    stop.push(platform.child);
    const list = await scenarios(platform.url, drafts, projectId);
    const bodiesFile = path.join(target.dataDir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(await bodiesOf(platform.url, list)));
    const bare = await startBare(bodiesFile);
    stop.push(bare.child);
    console.log(`${label[kind]}, one process:`);
    const result: DatabaseResult = { kind, rows: await compare([platform.url], [bare.url], list) };
    result.cpu = await cpuPerRequest(
      { pid: platform.child.pid!, url: platform.url },
      { pid: bare.child.pid!, url: bare.url },
      target.url,
      list,
    );
    if (kind === 'postgres') {
      const second = await startPlatform(env);
      stop.push(second.child);
      const secondBare = await startBare(bodiesFile);
      stop.push(secondBare.child);
      console.log(`${label[kind]}, two processes:`);
      result.twoProcesses = await compare([platform.url, second.url], [bare.url, secondBare.url], list);
    }
    return result;
  } finally {
    await Promise.all(stop.map(stopProcess));
    await target.drop();
  }
}

// ---------- report ----------

const TARGETS: Record<Kind, { pglite: number; postgres: number } | null> = {
  reference: null,
  list: { pglite: 0.25, postgres: 0.5 },
  detail: { pglite: 0.25, postgres: 0.5 },
  search: { pglite: 0.1, postgres: 0.1 },
  write: null,
};
const CPU_TARGET: Partial<Record<Kind, number>> = { list: 1, detail: 1, search: 3 };

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const fixed = (n: number, digits = 0) => n.toFixed(digits);

function ratioCell(r: Row | undefined, kind: DatabaseKind) {
  if (!r) return '—';
  const target = TARGETS[r.scenario.kind]?.[kind];
  const cached = r.scenario.method === 'GET' && r.scenario.kind !== 'reference';
  const ok = (target === undefined || r.ratio >= target) && (!cached || r.platform.p99 <= 25);
  return `${fixed(r.ratio, 2)}${target === undefined && !cached ? '' : ` ${mark(ok)}`}`;
}

function table(title: string, rows: Row[], kind: DatabaseKind) {
  console.log(`\n#### ${title}\n`);
  console.log('| scenario | platform req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.scenario.name} | ${fixed(r.platform.rps)} | ${r.platform.p50} | ${r.platform.p99} | ${fixed(r.baseline.rps)} | ${r.baseline.p50} | ${r.baseline.p99} | ${ratioCell(r, kind)} |`,
    );
  }
}

function report(results: DatabaseResult[]) {
  console.log(
    `\n### HTTP benchmark: ${CALLS.toLocaleString('en')} calls on the demo district, ${CONNECTIONS} connections, ${DURATION} s per run, 127.0.0.1`,
  );
  console.log(
    "\nRatio: platform req/s ÷ a bare Fastify serving the same bodies from memory, measured just before it. ✓/✗: the issue's targets (lists and details ≥ 0.25 on PGlite, ≥ 0.5 on PostgreSQL; search ≥ 0.1; p99 ≤ 25 ms for cached reads).",
  );
  for (const r of results) {
    table(`${label[r.kind]}, one process`, r.rows, r.kind);
    if (r.twoProcesses)
      table(
        `${label[r.kind]}, two processes on one database (load spread over both; baseline: two bare servers)`,
        r.twoProcesses,
        r.kind,
      );
  }
  const byKind = new Map(results.map((r) => [r.kind, r]));
  const pgResult = byKind.get('postgres');
  const cpuCells = (cpu: Cpu | undefined, kind: Kind) => {
    if (!cpu) return '— | — | —';
    const target = CPU_TARGET[kind];
    const uncached = Number.isNaN(cpu.uncached)
      ? '—'
      : `${fixed(cpu.uncached, 2)}${target ? ` ${mark(cpu.uncached <= target)}` : ''}`;
    return `${uncached} | ${fixed(cpu.cached, 2)} | ${fixed(cpu.bare, 2)}`;
  };
  console.log('\n#### Summary\n');
  console.log(
    '| scenario | PGlite ratio | PostgreSQL ratio | PostgreSQL, 2 processes | PostgreSQL CPU ms per read: first after a write | cached | bare server | PGlite CPU ms: cached | bare |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const name of (results[0]?.rows ?? []).map((r) => r.scenario.name)) {
    const find = (rows: Row[] | undefined) => rows?.find((r) => r.scenario.name === name);
    const { kind } = find(results[0].rows)!.scenario;
    const lite = byKind.get('pglite')?.cpu?.get(name);
    console.log(
      `| ${name} | ${ratioCell(find(byKind.get('pglite')?.rows), 'pglite')} | ${ratioCell(find(pgResult?.rows), 'postgres')} | ${ratioCell(find(pgResult?.twoProcesses), 'postgres')} | ${cpuCells(pgResult?.cpu?.get(name), kind)} | ${lite ? `${fixed(lite.cached, 2)} | ${fixed(lite.bare, 2)}` : '— | —'} |`,
    );
  }
  console.log(
    "\nCPU: the server process's, all threads (/proc schedstat), per request, requests one after the other. Targets for the first read after a write on PostgreSQL: ≤ 1 ms for lists and details, ≤ 3 ms for the search; the bare server's column is what a request costs on this machine at all.",
  );
}

/** `npm run bench -- http [--pg postgres://…] [--only pglite|postgres]` */
export async function runHttpBench(args: string[] = []) {
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = option('--only') as DatabaseKind | undefined;
  const kinds: DatabaseKind[] = only ? [only] : ['pglite', 'postgres'];
  const results: DatabaseResult[] = [];
  const server = kinds.includes('postgres')
    ? await postgresServer(option('--pg') ?? process.env.TEST_DATABASE_URL)
    : null;
  try {
    for (const kind of kinds) results.push(await benchDatabase(kind, server?.url));
  } finally {
    await server?.stop();
  }
  report(results);
}
