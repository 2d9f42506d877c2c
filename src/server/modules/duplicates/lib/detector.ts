import { BandIndex } from './band-index';
import { bandHashes, bandKeys, DEFAULT_LSH, type LshParams, MinHasher } from './minhash';
import { DEFAULT_SHINGLES, type ShingleOptions, shingleSet } from './shingles';
import { intersectionSize, type Overlap, overlapOfSizes } from './similarity';
import type { DuplicatePair } from './types';

/** Bump when normalization, shingling or hashing changes: persisted fingerprints must be rebuilt. */
export const FINGERPRINT_VERSION = 1;

export const DEFAULT_THRESHOLD = 0.5;
/**
 * Containment is only trusted when the smaller text has at least this many shingles (about two
 * sentences); otherwise a one-line text would be "contained" in every long proposal that quotes it.
 */
export const DEFAULT_MIN_CONTAINMENT_SHINGLES = 20;

/**
 * 'max': text score = max(Jaccard, containment), so padded and split copies score high too.
 * 'jaccard': text score = Jaccard only.
 */
export type ScoreMode = 'max' | 'jaccard';

export interface DetectorOptions {
  threshold?: number;
  scoreMode?: ScoreMode;
  minContainmentShingles?: number;
  shingles?: ShingleOptions;
  lsh?: Partial<LshParams>;
}

export interface ResolvedDetectorOptions {
  threshold: number;
  scoreMode: ScoreMode;
  minContainmentShingles: number;
  shingles: ShingleOptions;
  lsh: LshParams;
}

/** What the index needs to know about one text. */
export interface Fingerprint {
  /** Sorted unique shingle hashes. */
  shingles: Uint32Array;
  /** MinHash signature, bands × rows values. */
  signature: Uint32Array;
  /** One hash per LSH band. */
  bandHashes: Uint32Array;
}

/** What the index stores and looks up; the signature is only needed to derive the band hashes. */
export type IndexedFingerprint = Pick<Fingerprint, 'shingles' | 'bandHashes'>;

/** Plain-JSON form of a fingerprint, e.g. for an int4[] column and a (band_key, application_id) table. */
export interface StoredFingerprint {
  version: number;
  shingles: number[];
  signature: number[];
  bandKeys: string[];
}

export interface TextDocument {
  id: string;
  text: string;
}

export interface TextHit extends Overlap {
  id: string;
  score: number;
  kind: 'text';
}

export interface QueryOptions {
  threshold?: number;
  /** Do not report this id (the queried document itself when it is already indexed). */
  excludeId?: string;
  limit?: number;
}

export function resolveDetectorOptions(options: DetectorOptions = {}): ResolvedDetectorOptions {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError('threshold must be in (0, 1]');
  return {
    threshold,
    scoreMode: options.scoreMode ?? 'max',
    minContainmentShingles: options.minContainmentShingles ?? DEFAULT_MIN_CONTAINMENT_SHINGLES,
    shingles: options.shingles ?? DEFAULT_SHINGLES,
    lsh: { ...DEFAULT_LSH, ...options.lsh },
  };
}

/** The text score the threshold applies to. */
export function textScore(o: Overlap, smallerSize: number, options: ResolvedDetectorOptions): number {
  if (options.scoreMode === 'jaccard' || smallerSize < options.minContainmentShingles) return o.jaccard;
  return Math.max(o.jaccard, o.containment);
}

export function serializeFingerprint(fp: Fingerprint): StoredFingerprint {
  return {
    version: FINGERPRINT_VERSION,
    shingles: Array.from(fp.shingles),
    signature: Array.from(fp.signature),
    bandKeys: bandKeys(fp.bandHashes),
  };
}

export function deserializeFingerprint(stored: StoredFingerprint): Fingerprint {
  if (stored.version !== FINGERPRINT_VERSION)
    throw new Error(`fingerprint version ${stored.version} is stale`);
  return {
    shingles: Uint32Array.from(stored.shingles),
    signature: Uint32Array.from(stored.signature),
    bandHashes: Uint32Array.from(stored.bandKeys, (key) => Number.parseInt(key.slice(2), 36)),
  };
}

const EMPTY = new Uint32Array(0);

/**
 * In-memory MinHash-LSH index of texts. Candidates come from shared band buckets and are verified
 * with the exact Jaccard and containment of their shingle sets, so every reported score is exact.
 */
export class DuplicateDetector {
  readonly options: ResolvedDetectorOptions;
  private readonly hasher: MinHasher;
  private readonly ids: string[] = [];
  private readonly sets: Uint32Array[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly bands: BandIndex[];
  private readonly isLive = (slot: number) => this.sets[slot].length > 0;
  private seen = new Uint32Array(1024);
  private stamp = 0;

  constructor(options: DetectorOptions = {}) {
    this.options = resolveDetectorOptions(options);
    const { bands, rows, seed } = this.options.lsh;
    this.hasher = new MinHasher(bands * rows, seed);
    this.bands = Array.from({ length: bands }, () => new BandIndex());
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Size of the index payload: shingle sets (4 bytes each) and band entries (8 bytes each). */
  stats(): { documents: number; shingles: number; bandEntries: number; payloadBytes: number } {
    let shingles = 0;
    for (const set of this.sets) shingles += set.length;
    const bandEntries = this.bands.reduce((n, band) => n + band.size, 0);
    return { documents: this.size, shingles, bandEntries, payloadBytes: shingles * 4 + bandEntries * 8 };
  }

  fingerprint(text: string): Fingerprint {
    return this.fingerprintOfShingles(shingleSet(text, this.options.shingles));
  }

  fingerprintOfShingles(shingles: Uint32Array): Fingerprint {
    const signature = this.hasher.signature(shingles);
    const { bands, rows } = this.options.lsh;
    return { shingles, signature, bandHashes: bandHashes(signature, bands, rows) };
  }

  /** Indexes a text; an id already present is replaced. */
  add(doc: TextDocument): Fingerprint {
    const fp = this.fingerprint(doc.text);
    this.addFingerprint(doc.id, fp);
    return fp;
  }

  /** Indexes a fingerprint computed elsewhere (a worker, or loaded from the database). */
  addFingerprint(id: string, fp: IndexedFingerprint): void {
    if (this.slotOf.has(id)) this.remove(id);
    const slot = this.ids.length;
    this.ids.push(id);
    this.sets.push(fp.shingles);
    this.slotOf.set(id, slot);
    if (fp.shingles.length === 0) return;
    for (let band = 0; band < this.bands.length; band++)
      this.bands[band].add(fp.bandHashes[band], slot, this.isLive);
  }

  /** Forgets a document; its bucket entries are dropped at the next merge of each band (its slot is
   * not reused). */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.sets[slot] = EMPTY;
    return true;
  }

  /** Slots sharing at least one band bucket with the fingerprint. */
  private candidateSlots(fp: IndexedFingerprint): number[] {
    if (this.seen.length < this.ids.length) this.seen = new Uint32Array(this.ids.length * 2);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const seen = this.seen;
    const out: number[] = [];
    const sets = this.sets;
    const visit = (slot: number) => {
      if (seen[slot] !== stamp) {
        seen[slot] = stamp;
        if (sets[slot].length > 0) out.push(slot);
      }
    };
    if (fp.shingles.length === 0) return out;
    for (let band = 0; band < this.bands.length; band++) this.bands[band].forEach(fp.bandHashes[band], visit);
    return out;
  }

  /** Ids of the LSH candidates, before exact verification. */
  candidates(fp: IndexedFingerprint): string[] {
    return this.candidateSlots(fp).map((slot) => this.ids[slot]);
  }

  query(doc: { id?: string; text: string }, options: QueryOptions = {}): TextHit[] {
    return this.queryFingerprint(this.fingerprint(doc.text), { excludeId: doc.id, ...options });
  }

  /** Indexed texts whose score with the fingerprint reaches the threshold, best first. */
  queryFingerprint(fp: IndexedFingerprint, options: QueryOptions = {}): TextHit[] {
    const threshold = options.threshold ?? this.options.threshold;
    const hits: TextHit[] = [];
    for (const slot of this.candidateSlots(fp)) {
      const id = this.ids[slot];
      if (id === options.excludeId) continue;
      const other = this.sets[slot];
      const o = overlapOfSizes(intersectionSize(fp.shingles, other), fp.shingles.length, other.length);
      const score = textScore(o, Math.min(fp.shingles.length, other.length), this.options);
      if (score >= threshold) hits.push({ id, score, ...o, kind: 'text' });
    }
    hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return options.limit === undefined ? hits : hits.slice(0, options.limit);
  }
}

export interface TextPair extends DuplicatePair, Overlap {
  kind: 'text';
}

/**
 * All text duplicate pairs of a collection; `a` is the earlier document of the pair. Each document
 * is queried before it is added, so every pair is found once.
 */
export function findTextDuplicates(
  docs: Iterable<TextDocument>,
  options: DetectorOptions = {},
  onProgress?: (done: number) => void,
): TextPair[] {
  const detector = new DuplicateDetector(options);
  const pairs: TextPair[] = [];
  let done = 0;
  for (const doc of docs) {
    const fp = detector.fingerprint(doc.text);
    for (const hit of detector.queryFingerprint(fp, { excludeId: doc.id })) {
      const { id, kind, ...rest } = hit;
      pairs.push({ a: id, b: doc.id, kind, ...rest });
    }
    detector.addFingerprint(doc.id, fp);
    onProgress?.(++done);
  }
  return pairs;
}
