/**
 * The platform's one seeded PRNG. Several things must come out the same on every machine and in
 * every run, and all of them use this generator:
 * - the review-panel draw (src/domain/draw.ts), re-run by anyone holding the draw record;
 * - the duplicate check's MinHash permutations (src/server/modules/duplicates/lib/minhash.ts),
 *   whose signatures are persisted;
 * - the demo data (src/server/seed/random.ts) and the benchmarks' synthetic corpora.
 * Changing it breaks the verification of earlier draws and the stored duplicate fingerprints.
 */

/** mulberry32: a small, well-known seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
