/**
 * The transparency log of the audit trail: integrates new audit_log rows as leaves, keeps the hash
 * tiles, signs checkpoints, serves tiles and entry bundles, accepts witness cosignatures and gives
 * supervisors what opens an entry's commitment.
 *
 * Integrity rules:
 *  - integration, tiles and the signed checkpoint commit in one transaction (an advisory lock
 *    serializes integrators across processes), so the stored tree is always the signed one;
 *  - before signing, the stored tree is checked against the last signed checkpoint (same root at
 *    that size, signed by this key): a log that would not extend it refuses to sign;
 *  - entry bundles are generated from the current audit_log rows, so a row rewritten behind the
 *    append-only trigger no longer hashes to its leaf in the signed tiles.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, desc, eq, gt, gte, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/client.js';
import { auditLog } from '../audit/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { formatCheckpoint, parseCheckpoint } from './lib/checkpoint.js';
import { type AuditRowContent, committedContent, encodeBundle, logEntry } from './lib/entries.js';
import { emptyRoot, inclusionProof, leafHash, perfectRoot } from './lib/merkle.js';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  cosignatureTimestamp,
  generateKey,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseNote,
  signerFromPrivateKey,
  signNote,
  verifierFromKey,
} from './lib/note.js';
import {
  TILE_WIDTH,
  TileAppender,
  type TileFetcher,
  TileHashReader,
  tileHashes,
  tilesOf,
  tileWidth,
} from './lib/tiles.js';
import {
  transparencyCheckpoints,
  transparencyCosignatures,
  transparencyLeaves,
  transparencyLogState,
  transparencyTiles,
} from './schema.js';

const INTEGRATE_LOCK_KEY = 7_262_002;
const BATCH = 1000;
export const DEFAULT_ORIGIN = 'localhost/api/transparency/log';
export const KEY_FILE = 'transparency-log.key';

/** The log refuses to run: its key or its stored tree does not match what it signed before. */
export class TransparencyLogError extends Error {}

export interface LogSigner {
  signer: NoteSigner;
  verifier: NoteVerifier;
  origin: string;
}

/**
 * The log's signing key: TRANSPARENCY_SIGNING_KEY, else DATA_DIR/transparency-log.key, generated
 * on the very first start only (never when the database already has a log: a lost key file must
 * be restored, not silently replaced). Refuses a key other than the one the stored log used.
 */
export async function loadLogSigner(db: Db, config: Config): Promise<LogSigner> {
  const [state] = await db.select().from(transparencyLogState).limit(1);
  const file = path.join(config.DATA_DIR, KEY_FILE);
  let skey = config.TRANSPARENCY_SIGNING_KEY;
  if (!skey && existsSync(file)) skey = readFileSync(file, 'utf8').trim();
  if (!skey) {
    if (state)
      throw new TransparencyLogError(
        `the transparency log was signed with ${state.verifierKey}, but its private key is missing: restore ${file} or set TRANSPARENCY_SIGNING_KEY`,
      );
    mkdirSync(config.DATA_DIR, { recursive: true });
    skey = generateKey(config.TRANSPARENCY_ORIGIN ?? DEFAULT_ORIGIN).skey;
    // 'wx': never overwrite a key another process wrote in the meantime.
    try {
      writeFileSync(file, `${skey}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      skey = readFileSync(file, 'utf8').trim();
    }
  }
  const signer = signerFromPrivateKey(skey);
  if (signer.type !== ALG_ED25519)
    throw new TransparencyLogError('the log signing key must be an Ed25519 (type 0x01) key');
  if (config.TRANSPARENCY_ORIGIN && config.TRANSPARENCY_ORIGIN !== signer.name)
    throw new TransparencyLogError(
      `TRANSPARENCY_ORIGIN is ${config.TRANSPARENCY_ORIGIN} but the log's signing key is named ${signer.name}; the origin of a log cannot change`,
    );
  if (state && state.verifierKey !== signer.vkey)
    throw new TransparencyLogError(
      `refusing to start: the stored transparency log was signed by ${state.verifierKey}, not by the configured key ${signer.vkey}`,
    );
  return { signer, verifier: verifierFromKey(signer.vkey), origin: signer.name };
}

/** Reads hash tiles from the database (the stored tree, of any size up to the stored one). */
const storedTiles =
  (db: Executor): TileFetcher =>
  async (level, index, width) => {
    const [row] = await db
      .select({ hashes: transparencyTiles.hashes })
      .from(transparencyTiles)
      .where(and(eq(transparencyTiles.level, level), eq(transparencyTiles.index, index)));
    if (!row || row.hashes.length < width * 32)
      throw new TransparencyLogError(`stored tile ${level}/${index} is missing or short`);
    return row.hashes.subarray(0, width * 32);
  };

async function rootAt(db: Executor, size: number): Promise<Buffer> {
  return size === 0 ? emptyRoot() : new TileHashReader(size, storedTiles(db)).root();
}

async function latestCheckpoint(db: Executor) {
  const [row] = await db
    .select()
    .from(transparencyCheckpoints)
    .orderBy(desc(transparencyCheckpoints.treeSize))
    .limit(1);
  return row ?? null;
}

export interface IntegrateResult {
  treeSize: number;
  added: number;
  signed: boolean;
}

/**
 * Appends every audit row not yet in the log, then signs a checkpoint of the new size (also the
 * first, empty checkpoint). Throws TransparencyLogError, signing nothing, when the stored tree does
 * not extend the last signed checkpoint.
 */
export async function integrate(db: Db, log: LogSigner): Promise<IntegrateResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${INTEGRATE_LOCK_KEY})`);
    let [state] = await tx.select().from(transparencyLogState).limit(1);
    if (!state) {
      [state] = await tx
        .insert(transparencyLogState)
        .values({ origin: log.origin, verifierKey: log.signer.vkey, treeSize: 0, lastAuditId: 0 })
        .returning();
    }
    if (state.verifierKey !== log.signer.vkey)
      throw new TransparencyLogError(
        `the stored log was signed by ${state.verifierKey}, not by ${log.signer.vkey}`,
      );
    const last = await latestCheckpoint(tx);
    if (last) await checkExtends(tx, log, last.note, state.treeSize);

    // The rightmost tile of each level is all that appending needs.
    const appender = new TileAppender(state.treeSize);
    for (let level = 0; ; level++) {
      const count = Math.floor(state.treeSize / TILE_WIDTH ** level);
      if (count === 0) break;
      if (count % TILE_WIDTH === 0) continue;
      const index = Math.floor(count / TILE_WIDTH);
      const [row] = await tx
        .select({ hashes: transparencyTiles.hashes })
        .from(transparencyTiles)
        .where(and(eq(transparencyTiles.level, level), eq(transparencyTiles.index, index)));
      if (!row) throw new TransparencyLogError(`stored tile ${level}/${index} is missing`);
      appender.load(level, index, row.hashes.subarray(0, (count % TILE_WIDTH) * 32));
    }

    let lastAuditId = state.lastAuditId;
    let added = 0;
    for (;;) {
      const rows = await tx
        .select()
        .from(auditLog)
        .where(gt(auditLog.id, lastAuditId))
        .orderBy(asc(auditLog.id))
        .limit(BATCH);
      if (rows.length === 0) break;
      const leaves = rows.map((row) => {
        const salt = randomBytes(32);
        appender.append(leafHash(logEntry(row, salt)));
        return { leafIndex: state.treeSize + added++, auditId: row.id, salt };
      });
      await tx.insert(transparencyLeaves).values(leaves);
      lastAuditId = rows[rows.length - 1].id;
    }
    const treeSize = state.treeSize + added;
    if (added === 0 && last) return { treeSize, added, signed: false };

    for (const key of appender.changed) {
      const [level, index] = key.split('/').map(Number);
      const hashes = appender.bytes(key);
      await tx
        .insert(transparencyTiles)
        .values({ level, index, hashes })
        .onConflictDoUpdate({ target: [transparencyTiles.level, transparencyTiles.index], set: { hashes } });
    }
    const root = treeSize === 0 ? emptyRoot() : await new TileHashReader(treeSize, appender.fetcher).root();
    const note = signNote(formatCheckpoint(log.origin, treeSize, root), [log.signer]);
    await tx.insert(transparencyCheckpoints).values({ treeSize, note });
    await tx
      .update(transparencyLogState)
      .set({ treeSize, lastAuditId, updatedAt: new Date() })
      .where(eq(transparencyLogState.id, state.id));
    return { treeSize, added, signed: true };
  });
}

/** The stored tree (of `storedSize` leaves) must contain the last signed checkpoint's tree. */
async function checkExtends(db: Executor, log: LogSigner, note: string, storedSize: number) {
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    checkpoint = parseCheckpoint(openNote(note, [log.verifier]).text);
  } catch (error) {
    throw new TransparencyLogError(
      `the last stored checkpoint does not verify with the log key: ${String(error)}`,
    );
  }
  if (checkpoint.origin !== log.origin || checkpoint.size > storedSize)
    throw new TransparencyLogError(
      `the stored tree (size ${storedSize}) does not extend the last signed checkpoint (${checkpoint.origin}, size ${checkpoint.size})`,
    );
  let root: Buffer;
  try {
    root = await rootAt(db, checkpoint.size);
  } catch (error) {
    throw new TransparencyLogError(
      `the stored tree cannot be read at size ${checkpoint.size}: ${String(error)}`,
    );
  }
  if (!root.equals(checkpoint.root))
    throw new TransparencyLogError(
      `the stored tree does not extend the last signed checkpoint: its root at size ${checkpoint.size} is ${root.toString('base64')}, the checkpoint says ${checkpoint.root.toString('base64')}`,
    );
}

/**
 * For the start of the server: integrate()'s check that the stored tree extends the last signed
 * checkpoint, and beyond it that every stored tile is consistent with the tiles above it (each
 * hash of an upper tile is the root of the full tile below), so no stored hash was altered.
 */
export async function checkStoredLog(db: Db, log: LogSigner): Promise<void> {
  const state = await logState(db);
  const last = await latestCheckpoint(db);
  if (!state || !last) return;
  await checkExtends(db, log, last.note, state.treeSize);
  const rows = await db.select().from(transparencyTiles);
  const tiles = new Map(rows.map((r) => [`${r.level}/${r.index}`, r.hashes]));
  for (const t of tilesOf(state.treeSize)) {
    const data = tiles.get(`${t.level}/${t.index}`);
    if (!data || data.length < t.width * 32)
      throw new TransparencyLogError(`stored tile ${t.level}/${t.index} is missing or short`);
    if (t.level === 0) continue;
    const hashes = tileHashes(data);
    for (let j = 0; j < t.width; j++) {
      const below = tileHashes(tiles.get(`${t.level - 1}/${t.index * TILE_WIDTH + j}`) ?? Buffer.alloc(0));
      if (below.length !== TILE_WIDTH || !perfectRoot(below).equals(hashes[j]))
        throw new TransparencyLogError(
          `stored tile ${t.level - 1}/${t.index * TILE_WIDTH + j} does not hash to hash ${j} of stored tile ${t.level}/${t.index}: the stored tree was altered`,
        );
    }
  }
}

// ---------- serving ----------

export async function logState(db: Executor) {
  const [state] = await db.select().from(transparencyLogState).limit(1);
  return state ?? null;
}

/** The latest signed checkpoint with the witness cosignatures it has received. */
export async function servedCheckpoint(db: Executor): Promise<string | null> {
  const last = await latestCheckpoint(db);
  if (!last) return null;
  const cosignatures = await db
    .select({ line: transparencyCosignatures.line })
    .from(transparencyCosignatures)
    .where(eq(transparencyCosignatures.treeSize, last.treeSize))
    .orderBy(asc(transparencyCosignatures.keyName), asc(transparencyCosignatures.keyId));
  return last.note + cosignatures.map((c) => c.line).join('');
}

/** Tile bytes, or null when the tile (or that partial width) is not part of the signed tree. */
export async function readTile(
  db: Executor,
  level: number,
  index: number,
  width: number,
): Promise<Buffer | null> {
  const state = await logState(db);
  if (!state || !fits(level, index, width, state.treeSize)) return null;
  const [row] = await db
    .select({ hashes: transparencyTiles.hashes })
    .from(transparencyTiles)
    .where(and(eq(transparencyTiles.level, level), eq(transparencyTiles.index, index)));
  if (!row || row.hashes.length < width * 32) return null;
  return row.hashes.subarray(0, width * 32);
}

/** A full tile must be full in the signed tree; a partial one at most as wide as it is there. */
function fits(level: number, index: number, width: number, treeSize: number) {
  const available = tileWidth(level, index, treeSize);
  return width === TILE_WIDTH ? available === TILE_WIDTH : available >= width && width > 0;
}

type AuditRow = typeof auditLog.$inferSelect;

/** Leaves with their audit rows as stored now (a missing row gives null), in leaf order. */
async function leavesWithRows(db: Executor, which: SQL) {
  const leaves = await db
    .select()
    .from(transparencyLeaves)
    .where(which)
    .orderBy(asc(transparencyLeaves.leafIndex));
  const rows = leaves.length
    ? await db
        .select()
        .from(auditLog)
        .where(
          inArray(
            auditLog.id,
            leaves.map((l) => l.auditId),
          ),
        )
    : [];
  const byId = new Map<number, AuditRow>(rows.map((r) => [r.id, r]));
  return leaves.map((leaf) => ({ leaf, row: byId.get(leaf.auditId) ?? null }));
}

/** Leaves [start, end). */
const leafRange = (start: number, end: number) =>
  and(gte(transparencyLeaves.leafIndex, start), lt(transparencyLeaves.leafIndex, end)) as SQL;

/**
 * Entry bundle `index` of the given width, generated from the audit rows as they are now. A row
 * that has disappeared is served as an empty entry (which matches no leaf).
 */
export async function readEntryBundle(db: Executor, index: number, width: number): Promise<Buffer | null> {
  const state = await logState(db);
  if (!state || !fits(0, index, width, state.treeSize)) return null;
  const start = index * TILE_WIDTH;
  const leaves = await leavesWithRows(db, leafRange(start, start + width));
  if (leaves.length !== width) return null;
  return encodeBundle(leaves.map(({ leaf, row }) => (row ? logEntry(row, leaf.salt) : Buffer.alloc(0))));
}

// ---------- witnesses ----------

export class CosignatureError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const witnessVerifiers = (config: Config): NoteVerifier[] =>
  config.TRANSPARENCY_WITNESSES.map((vkey) => {
    const v = verifierFromKey(vkey);
    if (v.type !== ALG_COSIGNATURE_V1)
      throw new TransparencyLogError(`witness key ${vkey} is not a cosignature/v1 key (type 0x04)`);
    return v;
  });

/**
 * Accepts a checkpoint this log signed, carrying cosignature lines of configured witnesses.
 * Unknown signatures are ignored; a known one that fails is refused (403), as is a note without
 * any (403), or a checkpoint the log did not sign (409).
 */
export async function addCosignatures(db: Db, config: Config, message: string, now = Date.now()) {
  let note: ReturnType<typeof parseNote>;
  try {
    note = parseNote(message);
  } catch (error) {
    throw new CosignatureError(400, String((error as Error).message));
  }
  const witnesses = witnessVerifiers(config);
  let opened: ReturnType<typeof openNote>;
  try {
    opened = openNote(message, witnesses);
  } catch (error) {
    throw new CosignatureError(
      403,
      `no valid cosignature by a configured witness: ${(error as Error).message}`,
    );
  }
  let size: number;
  try {
    size = parseCheckpoint(note.text).size;
  } catch (error) {
    throw new CosignatureError(400, (error as Error).message);
  }
  const [signed] = await db
    .select()
    .from(transparencyCheckpoints)
    .where(eq(transparencyCheckpoints.treeSize, size));
  if (!signed || parseNote(signed.note).text !== note.text)
    throw new CosignatureError(409, `this log signed no such checkpoint of size ${size}`);
  const accepted: string[] = [];
  for (const sig of opened.verified) {
    const timestamp = Number(cosignatureTimestamp(sig.signature));
    if (timestamp * 1000 > now + 10 * 60_000)
      throw new CosignatureError(403, `cosignature by ${sig.name} is dated in the future`);
    await db
      .insert(transparencyCosignatures)
      .values({ treeSize: size, keyName: sig.name, keyId: sig.keyId, line: sig.line, timestamp })
      .onConflictDoUpdate({
        target: [
          transparencyCosignatures.treeSize,
          transparencyCosignatures.keyName,
          transparencyCosignatures.keyId,
        ],
        set: { line: sig.line, timestamp, receivedAt: new Date() },
        where: sql`${transparencyCosignatures.timestamp} < excluded.timestamp`,
      });
    accepted.push(sig.name);
  }
  return { treeSize: size, accepted };
}

// ---------- supervisors ----------

/** Inclusion proofs of the given audit entries in the latest checkpoint, with their entries. */
async function proofsInLatestCheckpoint(db: Db, auditIds: readonly number[]) {
  const last = await latestCheckpoint(db);
  if (!last || auditIds.length === 0) return null;
  const treeSize = parseCheckpoint(parseNote(last.note).text).size;
  const leaves = await leavesWithRows(
    db,
    and(
      inArray(transparencyLeaves.auditId, [...auditIds]),
      lt(transparencyLeaves.leafIndex, treeSize),
    ) as SQL,
  );
  const reader = new TileHashReader(treeSize, storedTiles(db));
  const proofs = [];
  for (const { leaf, row } of leaves) {
    if (!row) continue;
    const proof = await inclusionProof(leaf.leafIndex, treeSize, reader.subtreeHash);
    proofs.push({ leaf, row, proof: proof.map((p) => p.toString('base64')) });
  }
  return { treeSize, checkpoint: (await servedCheckpoint(db)) ?? last.note, proofs };
}

/** What opens one entry's commitment, with its inclusion proof in the latest checkpoint. */
export async function entryProof(db: Db, auditId: number) {
  const found = await proofsInLatestCheckpoint(db, [auditId]);
  const [one] = found?.proofs ?? [];
  if (!found || !one) return null;
  return {
    auditId,
    leafIndex: one.leaf.leafIndex,
    treeSize: found.treeSize,
    checkpoint: found.checkpoint,
    entry: logEntry(one.row as AuditRowContent, one.leaf.salt).toString('utf8'),
    salt: one.leaf.salt.toString('hex'),
    content: committedContent(one.row),
    inclusionProof: one.proof,
  };
}

/**
 * For anyone: the log entries of public audit entries and of public timeline steps, with their
 * inclusion proofs in the latest checkpoint, so a page can check for itself that its public steps
 * are in the signed log. A step's entry may be internal (e.g. the review's completion, whose
 * content names the panel): its log entry, like every internal one, shows only time, action and
 * a commitment. Entries not yet in a signed checkpoint are listed as pending; other internal
 * entries are left out (their log entries are public, but naming them by audit id is not).
 */
export async function publicProofs(db: Db, auditIds: readonly number[]) {
  const ids = [...auditIds];
  const publicIds = ids.length
    ? (
        await db
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(
            and(
              inArray(auditLog.id, ids),
              or(
                eq(auditLog.visibility, 'public'),
                inArray(
                  auditLog.id,
                  db
                    .select({ id: timelineEvents.auditId })
                    .from(timelineEvents)
                    .where(inArray(timelineEvents.auditId, ids)),
                ),
              ),
            ),
          )
      ).map((r) => r.id)
    : [];
  const found = await proofsInLatestCheckpoint(db, publicIds);
  const proven = new Set(found?.proofs.map((p) => p.row.id));
  return {
    checkpoint: found?.checkpoint ?? null,
    treeSize: found?.treeSize ?? 0,
    entries: (found?.proofs ?? []).map((p) => ({
      auditId: p.row.id,
      leafIndex: p.leaf.leafIndex,
      entry: logEntry(p.row as AuditRowContent, p.leaf.salt).toString('base64'),
      inclusionProof: p.proof,
    })),
    pending: publicIds.filter((id) => !proven.has(id)),
  };
}
