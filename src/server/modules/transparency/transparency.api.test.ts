import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyLog } from '../../../cli/verify-log.js';
import { runWitness } from '../../../cli/witness.js';
import { decodeLogBase64, openCheckpoint, verifyInclusionProof } from '../../../domain/log-proof.js';
import { insertCall } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { auditLog } from '../audit/schema.js';
import { appendAudit } from '../audit/service.js';
import { timelineEvents } from '../timeline/schema.js';
import { parseCheckpoint } from './lib/checkpoint.js';
import { type Fetch, LogClient, verifyCheckpoint } from './lib/client.js';
import { commitmentOf, decodeBundle } from './lib/entries.js';
import { leafHash, verifyInclusion } from './lib/merkle.js';
import {
  ALG_COSIGNATURE_V1,
  generateKey,
  openNote,
  signatureLine,
  signerFromPrivateKey,
  verifierFromKey,
} from './lib/note.js';
import { TileHashReader, tileHashes, tilesOf } from './lib/tiles.js';
import { transparencyTiles } from './schema.js';
import { integrate, KEY_FILE, type LogSigner, loadLogSigner } from './service.js';
import { startTransparencyLog } from './worker.js';

/** fetch() answered by the app in process, as the CLI commands would see the server. */
const injectFetch =
  (app: FastifyInstance): Fetch =>
  async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: u.pathname + u.search,
      headers: init?.headers as Record<string, string>,
      payload: init?.body as string,
    });
    return new Response(new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: { 'content-type': String(res.headers['content-type'] ?? '') },
    });
  };

const witnessKey = generateKey('witness.example.org/w1', ALG_COSIGNATURE_V1);
const otherWitness = generateKey('witness.example.org/w2', ALG_COSIGNATURE_V1);
const URL_ = 'http://platform.test';
const dir = mkdtempSync(path.join(tmpdir(), 'sw-tlog-'));
const file = (name: string) => path.join(dir, name);

let t: TestApp;
let log: LogSigner;
let fetch: Fetch;
const db = () => t.database.db;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), fetch } };
}
async function cli(run: typeof runVerifyLog, ...args: string[]) {
  const c = capture();
  const status = await run(args, c.io);
  return { status, stdout: c.out.join('\n'), stderr: c.err.join('\n') };
}
const verifyLog = (...args: string[]) => cli(runVerifyLog, ...args);
const witness = (...args: string[]) => cli(runWitness, ...args);

/** One more audit entry, through the API. */
async function auditSomething(n: number) {
  const admin = await t.client('admin');
  const orgs = (await admin.get('/api/orgs?kind=community&pageSize=1')).json().items;
  const res = await admin.patch(`/api/orgs/${orgs[0].id}`, { contactName: `透明日志测试${n}` });
  expect(res.statusCode).toBe(200);
}

beforeAll(async () => {
  t = await buildTestApp({ env: { TRANSPARENCY_WITNESSES: witnessKey.vkey } });
  fetch = injectFetch(t.app);
  // Entries of both kinds, across the first tile boundary (256 leaves).
  await db().transaction(async (tx) => {
    for (let i = 0; i < 300; i++)
      await appendAudit(
        tx,
        { user: null, ip: '10.0.0.1' },
        {
          action: i % 3 ? 'test.internal' : 'test.public',
          targetType: 'test',
          targetId: String(i),
          summary: { i, note: '透明' },
          visibility: i % 3 ? 'internal' : 'public',
        },
      );
  });
  log = await loadLogSigner(db(), t.config);
  await integrate(db(), log);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the log, served as C2SP tlog-tiles', () => {
  it('serves a signed checkpoint of every audit entry, and its verifier key, without login', async () => {
    const anon = await t.client();
    const keyRes = await anon.get('/api/transparency/log/key');
    expect(keyRes.statusCode).toBe(200);
    const vkey = keyRes.body.trim();
    expect(vkey).toBe(log.signer.vkey);
    expect(vkey).toMatch(/^localhost\/api\/transparency\/log\+[0-9a-f]{8}\+A/);
    const res = await anon.get('/api/transparency/log/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const openapi = (await anon.get('/api/openapi.json')).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/transparency/log/checkpoint',
        '/api/transparency/log/cosignature',
        '/api/transparency/entries/{id}',
      ]),
    );
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const { checkpoint } = verifyCheckpoint(res.body, verifierFromKey(vkey));
    const [{ total }] = await db().select({ total: count() }).from(auditLog);
    expect(total).toBeGreaterThan(300);
    expect(checkpoint.size).toBe(total);
    expect(res.body).toMatch(
      /^localhost\/api\/transparency\/log\n\d+\n[A-Za-z0-9+/]{43}=\n\n— localhost\/api\/transparency\/log [A-Za-z0-9+/]+=*\n$/,
    );
  });

  it('serves tiles whose root is the checkpoint’s, and entry bundles matching the level-0 tiles', async () => {
    const client = new LogClient(URL_, fetch);
    const { checkpoint } = verifyCheckpoint(await client.checkpoint(), log.verifier);
    const reader = new TileHashReader(checkpoint.size, client.tile);
    expect(await reader.root()).toEqual(checkpoint.root);
    for (const tile of tilesOf(checkpoint.size)) {
      if (tile.level !== 0) continue;
      const leaves = tileHashes(await client.tile(0, tile.index, tile.width));
      const entries = decodeBundle(await client.entries(tile.index, tile.width));
      expect(entries.map(leafHash)).toEqual(leaves);
    }
    const anon = await t.client();
    const res = await anon.get('/api/transparency/log/tile/0/000');
    expect(res.rawPayload.length).toBe(8192);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['cache-control']).toContain('immutable');
    // Not part of the signed tree, or not canonical: 404.
    for (const url of [
      'tile/0/001',
      `tile/0/001.p/${(checkpoint.size % 256) + 1}`,
      'tile/0/002.p/1',
      'tile/0/x000/000',
      'tile/1/000',
      'tile/1/000.p/2',
      'tile/2/000.p/1',
      'tile/entries/001',
    ])
      expect((await anon.get(`/api/transparency/log/${url}`)).statusCode, url).toBe(404);
  });

  it('publishes public fields of public entries, and only time, action and a commitment of internal ones', async () => {
    const client = new LogClient(URL_, fetch);
    const { checkpoint } = verifyCheckpoint(await client.checkpoint(), log.verifier);
    const entries = decodeBundle(await client.entries(0, Math.min(255, checkpoint.size))).map((e) =>
      JSON.parse(e.toString()),
    );
    const internal = entries.find((e) => e.visibility === 'internal');
    const pub = entries.find((e) => e.visibility === 'public');
    expect(Object.keys(internal).sort()).toEqual(['action', 'at', 'commitment', 'id', 'visibility']);
    expect(internal.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(pub).toMatchObject({ targetType: expect.any(String), summary: expect.anything() });
    expect(pub).not.toHaveProperty('ip');
    expect(pub).not.toHaveProperty('actorId');
    expect(pub).not.toHaveProperty('actorName');
  });

  it('lets supervisors, and nobody else, open an internal entry and prove its inclusion', async () => {
    const [row] = await db().select().from(auditLog).where(sql`visibility = 'internal'`).limit(1);
    const url = `/api/transparency/entries/${row.id}`;
    expect((await (await t.client()).get(url)).statusCode).toBe(401);
    for (const who of ['resident', 'buyer', 'provider'])
      expect((await (await t.client(who)).get(url)).statusCode).toBe(403);
    const res = await (await t.client('supervisor')).get(url);
    expect(res.statusCode).toBe(200);
    const proof = res.json();
    const entry = JSON.parse(proof.entry);
    expect(entry.commitment).toBe(commitmentOf(Buffer.from(proof.salt, 'hex'), proof.content));
    expect(JSON.parse(proof.content)).toMatchObject({ id: row.id, ip: row.ip, actorName: row.actorName });
    const checkpoint = parseCheckpoint(openNote(proof.checkpoint, [log.verifier]).text);
    expect(
      verifyInclusion(
        proof.leafIndex,
        checkpoint.size,
        leafHash(Buffer.from(proof.entry)),
        proof.inclusionProof.map((p: string) => Buffer.from(p, 'base64')),
        checkpoint.root,
      ),
    ).toBe(true);
    expect((await (await t.client('admin')).get('/api/transparency/entries/999999999')).statusCode).toBe(404);
  });
});

describe('public steps, proven in the log the way a browser checks them', () => {
  const proofsOf = async (ids: readonly number[]) => {
    const res = await (await t.client()).get(`/api/transparency/log/proofs?audit=${ids.join(',')}`);
    expect(res.statusCode).toBe(200);
    return res.json() as {
      checkpoint: string | null;
      treeSize: number;
      entries: { auditId: number; leafIndex: number; entry: string; inclusionProof: string[] }[];
      pending: number[];
    };
  };

  it('links each timeline step to its audit entry, whose inclusion the WebCrypto verifier accepts', async () => {
    const call = await insertCall(db(), { status: 'draft', publishedAt: null });
    const buyer = await t.as('buyer');
    expect((await buyer.post(`/api/calls/${call.id}/publish`)).statusCode).toBe(200);
    const [step] = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    const [entry] = await db().select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(step.auditId).toBe(entry.id);
    expect(entry).toMatchObject({ action: 'call.publish', targetId: call.id, visibility: 'public' });
    const detail = (await (await t.client()).get(`/api/public/calls/${call.id}`)).json();
    expect(detail.timeline.map((e: { auditId: number }) => e.auditId)).toEqual([entry.id]);

    // Not yet in a signed checkpoint: pending, until the log integrates it.
    expect(await proofsOf([entry.id])).toMatchObject({ entries: [], pending: [entry.id] });
    await integrate(db(), log);
    const proofs = await proofsOf([entry.id]);
    expect(proofs.pending).toEqual([]);
    const checkpoint = await openCheckpoint(proofs.checkpoint!, log.signer.vkey);
    expect(checkpoint.size).toBe(proofs.treeSize);
    const [proof] = proofs.entries;
    const bytes = decodeLogBase64(proof.entry)!;
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toMatchObject({ action: 'call.publish' });
    expect(await verifyInclusionProof(checkpoint, proof.leafIndex, bytes, proof.inclusionProof)).toBe(true);

    // One altered byte, another leaf's place, or a proof for a bigger tree: refused.
    const altered = Uint8Array.from(bytes);
    altered[10] ^= 1;
    expect(await verifyInclusionProof(checkpoint, proof.leafIndex, altered, proof.inclusionProof)).toBe(
      false,
    );
    expect(await verifyInclusionProof(checkpoint, proof.leafIndex - 1, bytes, proof.inclusionProof)).toBe(
      false,
    );
    expect(
      await verifyInclusionProof(
        { ...checkpoint, size: checkpoint.size + 1 },
        proof.leafIndex,
        bytes,
        proof.inclusionProof,
      ),
    ).toBe(false);
  });

  it('proves public entries only, and answers 422 to a malformed list of ids', async () => {
    const rows = await db()
      .select({ id: auditLog.id, visibility: auditLog.visibility })
      .from(auditLog)
      .where(eq(auditLog.targetType, 'test'))
      .limit(6);
    const publicIds = rows.filter((r) => r.visibility === 'public').map((r) => r.id);
    const internalIds = rows.filter((r) => r.visibility === 'internal').map((r) => r.id);
    expect(publicIds.length && internalIds.length).toBeGreaterThan(0);
    const proofs = await proofsOf([...publicIds, ...internalIds, 99_999_999]);
    expect(proofs.entries.map((e) => e.auditId).sort()).toEqual([...publicIds].sort());
    expect(proofs.pending).toEqual([]);

    // An internal entry that a public step stands for (the review's completion names its panel)
    // is proven too: its log entry holds only time, action and a commitment.
    const call = await insertCall(db());
    await db()
      .insert(timelineEvents)
      .values({ callId: call.id, kind: 'test', title: '测试', auditId: internalIds[0] });
    const linked = await proofsOf([internalIds[0]]);
    expect(linked.entries.map((e) => e.auditId)).toEqual([internalIds[0]]);
    const entry = JSON.parse(Buffer.from(decodeLogBase64(linked.entries[0].entry)!).toString('utf8'));
    expect(Object.keys(entry).sort()).toEqual(['action', 'at', 'commitment', 'id', 'visibility']);
    const anon = await t.client();
    for (const bad of ['', 'abc', '1,,2', '-1', Array.from({ length: 101 }, (_, i) => i + 1).join(',')]) {
      const res = await anon.get(`/api/transparency/log/proofs?audit=${bad}`);
      expect(res.statusCode, bad).toBe(422);
      expect(res.json().message).toBeTruthy();
    }
  });

  it('rejects a checkpoint signed by another key, or altered after signing', async () => {
    const proofs = await proofsOf(
      (
        await db()
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(eq(auditLog.visibility, 'public'))
          .limit(1)
      ).map((r) => r.id),
    );
    const other = generateKey('localhost/api/transparency/log');
    await expect(openCheckpoint(proofs.checkpoint!, other.vkey)).rejects.toThrow('检查点没有本日志的签名');
    const forged = proofs.checkpoint!.replace(/\n(\d+)\n/, (_m, n) => `\n${Number(n) + 1}\n`);
    await expect(openCheckpoint(forged, log.signer.vkey)).rejects.toThrow('检查点签名无效');
  });
});

describe('witnesses and verifiers (the CLI commands against the app)', () => {
  it('verify-log checks signature and, with --full, every entry; then consistency with its state', async () => {
    const first = await verifyLog(
      '--url',
      URL_,
      '--key',
      log.signer.vkey,
      '--state',
      file('verify.json'),
      '--full',
    );
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/full verification: \d+ entries/);
    await auditSomething(1);
    await integrate(db(), log);
    const second = await verifyLog('--url', URL_, '--key', log.signer.vkey, '--state', file('verify.json'));
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/consistent with the saved checkpoint of size \d+/);
    const wrongKey = await verifyLog(
      '--url',
      URL_,
      '--key',
      generateKey('localhost/api/transparency/log').vkey,
    );
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain('no signature by a known key');
  });

  it('a witness cosigns consistent checkpoints; the platform serves its cosignature; verify-log can require it', async () => {
    const args = [
      '--url',
      URL_,
      '--state',
      file('witness.json'),
      '--key',
      file('witness.key'),
      '--name',
      'witness.example.org/w9',
    ];
    // Its own new key is not configured on the platform: cosigned but refused.
    const unknown = await witness(...args);
    expect(unknown.stdout).toContain('created witness key');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/refused the cosignature: HTTP 403/);

    const ws = ['--url', URL_, '--state', file('w1.json'), '--key', file('w1.key')];
    await import('node:fs').then((fs) => fs.writeFileSync(file('w1.key'), `${witnessKey.skey}\n`));
    const first = await witness(...ws);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('trusting the log key served on first use');
    const served = await (await t.client()).get('/api/transparency/log/checkpoint');
    expect(served.body).toContain('\n— witness.example.org/w1 ');
    const required = await verifyLog('--url', URL_, '--key', log.signer.vkey, '--witness', witnessKey.vkey);
    expect(required.status).toBe(0);
    const missing = await verifyLog('--url', URL_, '--key', log.signer.vkey, '--witness', otherWitness.vkey);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no valid cosignature by witness witness.example.org/w2');

    await auditSomething(2);
    await integrate(db(), log);
    const again = await witness(...ws);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/consistent with size \d+ \(proof of \d+ hashes/);
  });

  it('refuses cosignatures of checkpoints the log never signed, and forged ones', async () => {
    const anon = await t.client();
    const { opened, checkpoint } = verifyCheckpoint(
      (await anon.get('/api/transparency/log/checkpoint')).body,
      log.verifier,
    );
    const signer = signerFromPrivateKey(witnessKey.skey);
    const other = opened.text.replace(`\n${checkpoint.size}\n`, `\n${checkpoint.size + 1}\n`);
    const notSigned = await anon.request(
      'POST',
      '/api/transparency/log/cosignature',
      `${other}\n${signatureLine(signer, other)}`,
      {
        'content-type': 'text/plain',
      },
    );
    expect(notSigned.statusCode).toBe(409);
    const line = signatureLine(signer, opened.text);
    const raw = Buffer.from(line.trim().split(' ')[2], 'base64');
    raw[raw.length - 1] ^= 1;
    const forged = `— ${signer.name} ${raw.toString('base64')}\n`;
    const bad = await anon.request('POST', '/api/transparency/log/cosignature', `${opened.text}\n${forged}`, {
      'content-type': 'text/plain',
    });
    expect(bad.statusCode).toBe(403);
  });

  it('a witness shown a checkpoint that does not extend the one it cosigned keeps both as evidence', async () => {
    // A state file claiming the log signed a different tree of the same size (as a forked log would).
    const state = JSON.parse(readFileSync(file('w1.json'), 'utf8'));
    const { checkpoint } = verifyCheckpoint(state.checkpoint, log.verifier);
    const forkedText = `${checkpoint.origin}\n${checkpoint.size}\n${Buffer.alloc(32, 7).toString('base64')}\n`;
    const forked = `${forkedText}\n${signatureLine(log.signer, forkedText)}`;
    const forkDir = mkdtempSync(path.join(dir, 'fork-'));
    const forkState = path.join(forkDir, 'state.json');
    await import('node:fs').then((fs) =>
      fs.writeFileSync(forkState, JSON.stringify({ ...state, checkpoint: forked })),
    );
    const res = await witness('--url', URL_, '--state', forkState, '--key', file('w1.key'));
    expect(res.status).toBe(3);
    expect(res.stderr).toContain('INCONSISTENT LOG');
    const evidence = readdirSync(forkDir).filter((f) => f.includes('evidence'));
    expect(evidence).toHaveLength(2);
    expect(evidence.map((f) => readFileSync(path.join(forkDir, f), 'utf8')).sort()).toContain(forked);
  });

  it('verify-log --full names the audit entry rewritten behind the append-only trigger', async () => {
    const [row] = await db()
      .select({ id: auditLog.id })
      .from(auditLog)
      .orderBy(auditLog.id)
      .offset(3)
      .limit(1);
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await tx.execute(sql`update audit_log set summary = '{"forged":true}'::jsonb where id = ${row.id}`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    });
    const quick = await verifyLog('--url', URL_, '--key', log.signer.vkey);
    expect(quick.status).toBe(0); // the signed tree itself is intact
    const full = await verifyLog('--url', URL_, '--key', log.signer.vkey, '--full');
    expect(full.status).toBe(1);
    expect(full.stderr).toContain(`entry 3 (audit entry #${row.id}): its content in tile/entries/000`);
  });
});

describe('the log never changes key or history silently', () => {
  it('refuses another signing key, and a missing key file once the log exists', async () => {
    const other = generateKey('localhost/api/transparency/log').skey;
    await expect(loadLogSigner(db(), { ...t.config, TRANSPARENCY_SIGNING_KEY: other })).rejects.toThrow(
      /refusing to start: the stored transparency log was signed by/,
    );
    await expect(
      loadLogSigner(db(), { ...t.config, TRANSPARENCY_ORIGIN: 'elsewhere.example/log' }),
    ).rejects.toThrow(/origin of a log cannot change/);
    const emptyDir = mkdtempSync(path.join(dir, 'data-'));
    await expect(loadLogSigner(db(), { ...t.config, DATA_DIR: emptyDir })).rejects.toThrow(
      /private key is missing/,
    );
    expect(existsSync(path.join(emptyDir, KEY_FILE))).toBe(false);
    expect(existsSync(path.join(t.config.DATA_DIR, KEY_FILE))).toBe(true);
  });

  it('refuses to start when a stored tile was altered, and signs nothing when the tree no longer extends its checkpoint', async () => {
    const quiet = { info: () => {}, error: () => {} };
    const started = await startTransparencyLog({ db: db(), config: t.config, log: quiet });
    expect(started.verifierKey).toBe(log.signer.vkey);
    await started.stop();
    const tamper = (index: number) =>
      db().execute(
        sql`update ${transparencyTiles} set hashes = decode(repeat('ab', 32), 'hex') || substring(hashes from 33) where level = 0 and index = ${index}`,
      );
    // A full tile: only the start-up check reads it again.
    await tamper(0);
    await expect(startTransparencyLog({ db: db(), config: t.config, log: quiet })).rejects.toThrow(
      /stored tile 0\/0 does not hash to hash 0 of stored tile 1\/0/,
    );
    // The rightmost tile: the next checkpoint would not extend the last one.
    const before = (await (await t.client()).get('/api/transparency/log/checkpoint')).body;
    await tamper(1);
    await auditSomething(3);
    await expect(integrate(db(), log)).rejects.toThrow(/does not extend the last signed checkpoint/);
    expect((await (await t.client()).get('/api/transparency/log/checkpoint')).body).toBe(before);
  });
});
