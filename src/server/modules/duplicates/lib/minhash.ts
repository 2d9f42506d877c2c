import { mulberry32 } from '../../../../domain/random.js';
import { combineHash, fmix32 } from './hash';

/**
 * LSH banding parameters, chosen with bench/duplicates/run.ts. With b = 42 bands of r = 3 rows
 * (126 permutations) the S-curve 1 - (1 - J^r)^b has its threshold (1/b)^(1/r) ≈ 0.29, well below
 * the 0.5 we care about: a pair with Jaccard 0.5 becomes a candidate with probability 0.996, one with
 * 0.4 with 0.94 (padded or split copies), while unrelated proposals (J ≈ 0.05) collide with
 * probability 0.005. With r = 4, even 0.95 at J = 0.5 needs b = 47 (188 permutations); with r = 2
 * (63 bands), half of the proposals of the same category (J ≈ 0.1) become candidates. Measured on
 * 20,000 proposals: 32 × 4 recalls 0.9956 of the pairs with J ≥ 0.5, 42 × 3 all of them with 32
 * candidates per query, 63 × 2 needs 1,262 candidates per query (bench/duplicates/README.md).
 */
export const DEFAULT_BANDS = 42;
export const DEFAULT_ROWS = 3;
export const DEFAULT_MINHASH_SEED = 0x5eed_d00d;

export interface LshParams {
  bands: number;
  rows: number;
  seed: number;
}

export const DEFAULT_LSH: LshParams = {
  bands: DEFAULT_BANDS,
  rows: DEFAULT_ROWS,
  seed: DEFAULT_MINHASH_SEED,
};

/** Probability that two sets with Jaccard `j` share at least one band. */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - (1 - j ** rows) ** bands;
}

/** Jaccard at which the S-curve is steepest, (1/b)^(1/r). */
export function lshThreshold(bands: number, rows: number): number {
  return (1 / bands) ** (1 / rows);
}

/**
 * MinHash with the family h_i(x) = (a_i·x + b_i) mod 2^32, a_i odd: each h_i is a permutation of the
 * 32-bit integers. The textbook (a·x + b) mod p needs a 64-bit product that JS numbers cannot hold
 * exactly; Math.imul gives the exact low 32 bits instead. Mod 2^32 has weak low-order bits, but the
 * shingle hashes it is applied to are already avalanche-mixed (fmix32), and the minimum is decided by
 * the high bits: the estimator error matches the theoretical sqrt(J(1-J)/k) (see minhash.test.ts).
 */
export class MinHasher {
  readonly numPerm: number;
  private readonly a: Int32Array;
  private readonly b: Int32Array;

  constructor(numPerm: number, seed = DEFAULT_MINHASH_SEED) {
    this.numPerm = numPerm;
    this.a = new Int32Array(numPerm);
    this.b = new Int32Array(numPerm);
    const random = mulberry32(seed);
    for (let i = 0; i < numPerm; i++) {
      this.a[i] = Math.floor(random() * 0x1_0000_0000) | 1;
      this.b[i] = Math.floor(random() * 0x1_0000_0000);
    }
  }

  /** Signature of a shingle set; all 0xffffffff for an empty set. */
  signature(shingles: ArrayLike<number>): Uint32Array {
    const sig = new Uint32Array(this.numPerm);
    const { a, b } = this;
    const n = shingles.length;
    for (let i = 0; i < sig.length; i++) {
      const ai = a[i];
      const bi = b[i];
      let min = 0xffffffff;
      for (let s = 0; s < n; s++) {
        const h = (Math.imul(ai, shingles[s]) + bi) >>> 0;
        if (h < min) min = h;
      }
      sig[i] = min;
    }
    return sig;
  }
}

/** One 32-bit hash per band of `rows` consecutive signature values, salted with the band index. */
export function bandHashes(signature: ArrayLike<number>, bands: number, rows: number): Uint32Array {
  if (signature.length < bands * rows) throw new RangeError('signature shorter than bands × rows');
  const out = new Uint32Array(bands);
  for (let band = 0; band < bands; band++) {
    let h = band + 1;
    for (let r = 0; r < rows; r++) h = combineHash(h, signature[band * rows + r]);
    out[band] = fmix32(h);
  }
  return out;
}

/**
 * Printable bucket key of a band: band index (2 base-36 digits) followed by the 32-bit hash
 * (7 base-36 digits), e.g. "0b1z141z4". Suited to a text column with a b-tree index.
 */
export function bandKey(band: number, hash: number): string {
  return band.toString(36).padStart(2, '0') + (hash >>> 0).toString(36).padStart(7, '0');
}

export function bandKeys(hashes: ArrayLike<number>): string[] {
  return Array.from(hashes, (h, band) => bandKey(band, h));
}
