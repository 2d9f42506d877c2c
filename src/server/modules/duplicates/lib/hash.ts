/**
 * 32-bit non-cryptographic hashes. Shingles only need to be spread uniformly and be stable across
 * processes (they are persisted), not to resist an adversary, so FNV-1a + the murmur3 finalizer is
 * enough and far faster than a crypto hash. All arithmetic stays in 32 bits via Math.imul and >>> 0,
 * which JS numbers represent exactly.
 */

/** FNV-1a over the UTF-16 code units of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3 fmix32 finalizer: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Order-sensitive combination of a running hash with the next value. */
export function combineHash(h: number, x: number): number {
  return Math.imul(((h << 5) | (h >>> 27)) ^ x, 0x9e3779b1);
}

/** The platform's one seeded PRNG (src/domain/random.ts), re-exported for the MinHash permutations. */
export { mulberry32 } from '../../../../domain/random.js';
