/**
 * C2SP tlog-tiles geometry (tiles of height 8: 256 hashes of 32 bytes), tile paths, and a reader
 * that answers any RFC 6962 subtree hash of a tree of a given size from its tiles.
 * https://c2sp.org/tlog-tiles
 */
import { HASH_SIZE, isPowerOfTwo, nodeHash, perfectRoot, type SubtreeHash, splitPoint } from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** How many hashes there are at tile level L (level 0: leaves) in a tree of `size` leaves. */
export const hashesAtLevel = (level: number, size: number) => Math.floor(size / TILE_WIDTH ** level);

/** The width of tile (level, index) in a tree of `size` leaves: 256 when full, 0 when it does not exist. */
export function tileWidth(level: number, index: number, size: number): number {
  const count = hashesAtLevel(level, size);
  const full = Math.floor(count / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full) return count % TILE_WIDTH;
  return 0;
}

/** Every tile of a tree of `size` leaves, level by level (each level's partial tile last). */
export function* tilesOf(size: number): Generator<{ level: number; index: number; width: number }> {
  for (let level = 0; hashesAtLevel(level, size) > 0; level++) {
    const count = hashesAtLevel(level, size);
    const tiles = Math.ceil(count / TILE_WIDTH);
    for (let index = 0; index < tiles; index++) yield { level, index, width: tileWidth(level, index, size) };
  }
}

/** Tile index N as path elements: 1234067 → x001/x234/067. */
export function encodeTileIndex(n: number): string {
  let s = String(n % 1000).padStart(3, '0');
  let rest = Math.floor(n / 1000);
  while (rest > 0) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
    rest = Math.floor(rest / 1000);
  }
  return s;
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (W only for partial tiles, 1…255). */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

export interface TileRef {
  level: number | 'entries';
  index: number;
  /** 256 for a full tile. */
  width: number;
}

/** Parses the part after `tile/`; null unless it is exactly the canonical spelling. */
export function parseTilePath(path: string): TileRef | null {
  const m = /^(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
  if (!m) return null;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (typeof level === 'number' && level > 63) return null;
  const index = Number(m[2].replaceAll('x', '').replaceAll('/', ''));
  const width = m[3] ? Number(m[3]) : TILE_WIDTH;
  if ((m[3] && width >= TILE_WIDTH) || !Number.isSafeInteger(index)) return null;
  // Rejects non-canonical spellings such as x000/005.
  if (encodeTileIndex(index) !== m[2]) return null;
  return { level, index, width };
}

/** Splits a tile's bytes into its hashes. */
export function tileHashes(data: Uint8Array): Buffer[] {
  const hashes: Buffer[] = [];
  for (let i = 0; i + HASH_SIZE <= data.length; i += HASH_SIZE)
    hashes.push(Buffer.from(data.subarray(i, i + HASH_SIZE)));
  return hashes;
}

/** Fetches tile (level, index) of the given width (the width it has in the tree being read). */
export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array>;

/**
 * Answers MTH(D[start:end]) for a tree of `size` leaves from its hash tiles, fetching each tile
 * at most once. Subtrees are split the RFC 6962 way, so every range proof generation asks for
 * decomposes into complete, aligned subtrees, each inside one tile.
 */
export class TileHashReader {
  private readonly tiles = new Map<string, Promise<Buffer[]>>();

  constructor(
    readonly size: number,
    private readonly fetchTile: TileFetcher,
  ) {}

  private tile(level: number, index: number): Promise<Buffer[]> {
    const key = `${level}/${index}`;
    let tile = this.tiles.get(key);
    if (!tile) {
      const width = tileWidth(level, index, this.size);
      if (width === 0) throw new RangeError(`tile ${key} is not part of a tree of size ${this.size}`);
      tile = this.fetchTile(level, index, width).then((data) => {
        if (data.length !== width * HASH_SIZE)
          throw new Error(`tile ${key} has ${data.length} bytes, expected ${width * HASH_SIZE}`);
        return tileHashes(data);
      });
      this.tiles.set(key, tile);
    }
    return tile;
  }

  /** The hash of the complete subtree of height `height` at position `index` of that height. */
  async completeSubtree(height: number, index: number): Promise<Buffer> {
    const level = Math.floor(height / TILE_HEIGHT);
    const within = height % TILE_HEIGHT;
    const first = index * 2 ** within; // index of the subtree's first hash at tile level `level`
    const tile = await this.tile(level, Math.floor(first / TILE_WIDTH));
    const offset = first % TILE_WIDTH;
    const hashes = tile.slice(offset, offset + 2 ** within);
    if (hashes.length !== 2 ** within) throw new RangeError(`subtree ${height}/${index} is not complete`);
    return perfectRoot(hashes);
  }

  subtreeHash: SubtreeHash = async (start, end) => {
    const n = end - start;
    if (!(n > 0 && end <= this.size))
      throw new RangeError(`no subtree [${start}, ${end}) in size ${this.size}`);
    if (isPowerOfTwo(n) && start % n === 0) return this.completeSubtree(Math.log2(n), start / n);
    const k = splitPoint(n);
    if (start % k !== 0) throw new RangeError(`subtree [${start}, ${end}) is not aligned`);
    const [left, right] = await Promise.all([
      this.subtreeHash(start, start + k),
      this.subtreeHash(start + k, end),
    ]);
    return nodeHash(left, right);
  };

  /** The root hash of the tree of `size` leaves (callers handle the empty tree). */
  root(): Promise<Buffer> {
    return this.subtreeHash(0, this.size);
  }
}

/**
 * Tiles held in memory and grown leaf by leaf: each filled tile's root becomes the next hash of
 * the tile one level up. Holds whichever tiles it was given (the server gives it the rightmost
 * tile of each level, which is all that appending and the new root need) and records which
 * tiles changed.
 */
export class TileAppender {
  readonly tiles = new Map<string, Buffer[]>();
  readonly changed = new Set<string>();

  constructor(public size: number) {}

  static key = (level: number, index: number) => `${level}/${index}`;

  load(level: number, index: number, data: Uint8Array) {
    this.tiles.set(TileAppender.key(level, index), tileHashes(data));
  }

  append(leaf: Buffer) {
    let hash = leaf;
    let position = this.size; // index of the new hash at tile level `level`
    for (let level = 0; ; level++) {
      const index = Math.floor(position / TILE_WIDTH);
      const key = TileAppender.key(level, index);
      let tile = this.tiles.get(key);
      if (!tile) {
        if (position % TILE_WIDTH !== 0) throw new Error(`tile ${key} was not loaded`);
        tile = [];
        this.tiles.set(key, tile);
      }
      if (tile.length !== position % TILE_WIDTH) throw new Error(`tile ${key} has the wrong width`);
      tile.push(hash);
      this.changed.add(key);
      if (tile.length < TILE_WIDTH) break;
      hash = perfectRoot(tile);
      position = index;
    }
    this.size++;
  }

  fetcher: TileFetcher = async (level, index, width) => {
    const tile = this.tiles.get(TileAppender.key(level, index));
    if (!tile || tile.length < width) throw new Error(`tile ${level}/${index} (width ${width}) is not held`);
    return Buffer.concat(tile.slice(0, width));
  };

  bytes(key: string): Buffer {
    return Buffer.concat(this.tiles.get(key) ?? []);
  }
}
