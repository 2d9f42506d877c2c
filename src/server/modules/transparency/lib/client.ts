/**
 * A client of a C2SP tlog-tiles log using only its public endpoints, and the checks shared by the
 * witness and verify-log commands: checkpoint signatures, consistency between two checkpoints
 * (proof computed from tiles), and full verification of every tile and entry bundle.
 */
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import { decodeBundle } from './entries.js';
import {
  consistencyProof,
  emptyRoot,
  HASH_SIZE,
  leafHash,
  perfectRoot,
  verifyConsistency,
} from './merkle.js';
import { type NoteVerifier, type OpenedNote, openNote } from './note.js';
import { TILE_WIDTH, TileHashReader, tileHashes, tilePath, tilesOf } from './tiles.js';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export const DEFAULT_LOG_PATH = '/api/transparency/log';

/** A platform URL (http://host:3000) means its log; a URL with a path is taken as the log prefix. */
export function logPrefix(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = DEFAULT_LOG_PATH;
  return u.toString().replace(/\/+$/, '');
}

export class LogClient {
  readonly prefix: string;
  constructor(
    url: string,
    private readonly fetchImpl: Fetch = globalThis.fetch,
  ) {
    this.prefix = logPrefix(url);
  }

  private async get(path: string): Promise<Response> {
    const res = await this.fetchImpl(`${this.prefix}/${path}`);
    if (res.status !== 200) throw new Error(`GET ${this.prefix}/${path}: HTTP ${res.status}`);
    return res;
  }

  async text(path: string): Promise<string> {
    const bytes = Buffer.from(await (await this.get(path)).arrayBuffer());
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }

  async bytes(path: string): Promise<Buffer> {
    return Buffer.from(await (await this.get(path)).arrayBuffer());
  }

  checkpoint = () => this.text('checkpoint');
  key = async () => (await this.text('key')).trim();
  tile = (level: number, index: number, width: number) => this.bytes(tilePath(level, index, width));
  entries = (index: number, width: number) => this.bytes(tilePath('entries', index, width));

  /** Submits the checkpoint text with cosignature lines; CSRF double-submit with a fresh token. */
  async submitCosignature(note: string): Promise<{ status: number; body: string }> {
    const token = crypto.randomUUID();
    const res = await this.fetchImpl(`${this.prefix}/cosignature`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        cookie: `csrf_token=${token}`,
        'x-csrf-token': token,
      },
      body: note,
    });
    return { status: res.status, body: await res.text() };
  }
}

export interface VerifiedCheckpoint {
  note: string;
  opened: OpenedNote;
  checkpoint: Checkpoint;
}

/** Verifies the log's signature (required) and the witnesses' cosignatures (each required). */
export function verifyCheckpoint(
  note: string,
  log: NoteVerifier,
  witnesses: readonly NoteVerifier[] = [],
): VerifiedCheckpoint {
  const opened = openNote(note, [log, ...witnesses]);
  if (!opened.verified.some((s) => s.verifier === log))
    throw new Error(
      `the checkpoint is not signed by the log key ${log.name}+${log.keyId.toString(16).padStart(8, '0')}`,
    );
  for (const w of witnesses)
    if (!opened.verified.some((s) => s.verifier === w))
      throw new Error(
        `the checkpoint has no valid cosignature by witness ${w.name} (it may not have seen this checkpoint yet)`,
      );
  return { note, opened, checkpoint: parseCheckpoint(opened.text) };
}

export type Consistency =
  | { ok: true; proofLength: number }
  | { ok: false; reason: 'rollback' | 'fork' | 'tiles'; message: string };

/**
 * Whether `next` extends `previous`: the consistency proof is computed from the log's tiles for
 * `next`. 'tiles' means the tiles do not even hash to next's root (the log serves bad data);
 * 'fork' and 'rollback' mean the two signed checkpoints are inconsistent.
 */
export async function checkConsistency(
  client: LogClient,
  previous: Checkpoint,
  next: Checkpoint,
): Promise<Consistency> {
  if (previous.origin !== next.origin)
    return { ok: false, reason: 'fork', message: `origin changed from ${previous.origin} to ${next.origin}` };
  if (next.size < previous.size)
    return {
      ok: false,
      reason: 'rollback',
      message: `the log went back from size ${previous.size} to ${next.size}`,
    };
  if (next.size === previous.size) {
    return next.root.equals(previous.root)
      ? { ok: true, proofLength: 0 }
      : {
          ok: false,
          reason: 'fork',
          message: `two different roots for size ${next.size}: ${previous.root.toString('base64')} and ${next.root.toString('base64')}`,
        };
  }
  if (previous.size === 0) return { ok: true, proofLength: 0 };
  const reader = new TileHashReader(next.size, client.tile);
  let proof: Buffer[];
  try {
    const root = await reader.root();
    if (!root.equals(next.root))
      return {
        ok: false,
        reason: 'tiles',
        message: `the tiles hash to ${root.toString('base64')}, not to the checkpoint's root ${next.root.toString('base64')}`,
      };
    proof = await consistencyProof(previous.size, next.size, reader.subtreeHash);
  } catch (error) {
    return { ok: false, reason: 'tiles', message: `cannot read the tiles: ${(error as Error).message}` };
  }
  return verifyConsistency(previous.size, next.size, proof, previous.root, next.root)
    ? { ok: true, proofLength: proof.length }
    : {
        ok: false,
        reason: 'fork',
        message: `no consistency between size ${previous.size} (root ${previous.root.toString('base64')}) and size ${next.size} (root ${next.root.toString('base64')})`,
      };
}

export type FullResult =
  | { ok: true; entries: number; tiles: number }
  | { ok: false; message: string; leafIndex?: number; auditId?: number };

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

/**
 * Fetches every tile and entry bundle of the checkpoint's tree: each upper tile hash must be the
 * root of the full tile below it, the tiles must hash to the checkpoint's root, and every entry
 * must hash to its leaf. Names the first entry that does not.
 */
export async function verifyFull(
  client: LogClient,
  checkpoint: Checkpoint,
  progress?: (done: number, total: number) => void,
): Promise<FullResult> {
  const size = checkpoint.size;
  if (size === 0)
    return checkpoint.root.equals(emptyRoot())
      ? { ok: true, entries: 0, tiles: 0 }
      : { ok: false, message: 'the empty tree has the wrong root' };
  const tiles = [...tilesOf(size)];
  const held = new Map<string, Buffer[]>();
  const failures: string[] = [];
  await inParallel(tiles, 8, async (t) => {
    const data = await client.tile(t.level, t.index, t.width);
    if (data.length !== t.width * HASH_SIZE)
      failures.push(`${tilePath(t.level, t.index, t.width)} has ${data.length} bytes`);
    held.set(`${t.level}/${t.index}`, tileHashes(data));
  });
  if (failures.length) return { ok: false, message: failures.sort()[0] };
  for (const t of tiles) {
    if (t.level === 0) continue;
    const hashes = held.get(`${t.level}/${t.index}`)!;
    for (let j = 0; j < t.width; j++) {
      const below = held.get(`${t.level - 1}/${t.index * TILE_WIDTH + j}`)!;
      if (!perfectRoot(below).equals(hashes[j]))
        return {
          ok: false,
          message: `hash ${j} of ${tilePath(t.level, t.index, t.width)} is not the root of ${tilePath(t.level - 1, t.index * TILE_WIDTH + j)}`,
        };
    }
  }
  const reader = new TileHashReader(size, async (level, index, width) =>
    Buffer.concat(held.get(`${level}/${index}`)!.slice(0, width)),
  );
  const root = await reader.root();
  if (!root.equals(checkpoint.root))
    return {
      ok: false,
      message: `the tiles hash to ${root.toString('base64')}, not to the checkpoint's root`,
    };

  const bundles = tiles.filter((t) => t.level === 0);
  const bad: { leafIndex: number; message: string; auditId?: number }[] = [];
  let done = 0;
  await inParallel(bundles, 8, async (t) => {
    const leaves = held.get(`0/${t.index}`)!;
    const path = tilePath('entries', t.index, t.width);
    let entries: Buffer[];
    try {
      entries = decodeBundle(await client.entries(t.index, t.width));
    } catch (error) {
      bad.push({ leafIndex: t.index * TILE_WIDTH, message: `${path}: ${(error as Error).message}` });
      return;
    }
    for (let i = 0; i < t.width; i++) {
      const leafIndex = t.index * TILE_WIDTH + i;
      const entry = entries[i];
      if (!entry) {
        bad.push({ leafIndex, message: `${path} has ${entries.length} entries, expected ${t.width}` });
        return;
      }
      if (!leafHash(entry).equals(leaves[i])) {
        let auditId: number | undefined;
        try {
          auditId = JSON.parse(entry.toString('utf8')).id;
        } catch {}
        bad.push({
          leafIndex,
          auditId,
          message: `its content in ${path} does not hash to its leaf in the signed tree`,
        });
        return;
      }
    }
    if (entries.length > t.width)
      bad.push({
        leafIndex: t.index * TILE_WIDTH + t.width,
        message: `${path} has ${entries.length} entries, expected ${t.width}`,
      });
    done += t.width;
    progress?.(done, size);
  });
  if (bad.length) {
    const first = bad.sort((a, b) => a.leafIndex - b.leafIndex)[0];
    const who = first.auditId !== undefined ? ` (audit entry #${first.auditId})` : '';
    return {
      ok: false,
      leafIndex: first.leafIndex,
      auditId: first.auditId,
      message: `entry ${first.leafIndex}${who}: ${first.message}`,
    };
  }
  return { ok: true, entries: size, tiles: tiles.length };
}
