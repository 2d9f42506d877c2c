import { describe, expect, it } from 'vitest';
import { mulberry32 } from './hash';
import {
  bandHashes,
  bandKey,
  bandKeys,
  candidateProbability,
  DEFAULT_BANDS,
  DEFAULT_ROWS,
  lshThreshold,
  MinHasher,
} from './minhash';
import { toShingleSet } from './shingles';

function randomSet(random: () => number, size: number): number[] {
  return Array.from({ length: size }, () => Math.floor(random() * 2 ** 32));
}

describe('MinHash', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const set = toShingleSet([1, 2, 3, 4, 5]);
    expect(new MinHasher(16, 1).signature(set)).toEqual(new MinHasher(16, 1).signature(set));
    expect(new MinHasher(16, 1).signature(set)).not.toEqual(new MinHasher(16, 2).signature(set));
  });

  it('estimates Jaccard without bias, with the theoretical error', () => {
    const k = DEFAULT_BANDS * DEFAULT_ROWS;
    const hasher = new MinHasher(k);
    const random = mulberry32(11);
    const trueJ = 100 / 300;
    let squaredError = 0;
    let error = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const common = randomSet(random, 100);
      const a = hasher.signature(toShingleSet([...common, ...randomSet(random, 100)]));
      const b = hasher.signature(toShingleSet([...common, ...randomSet(random, 100)]));
      const estimate = a.filter((v, i) => v === b[i]).length / k;
      error += estimate - trueJ;
      squaredError += (estimate - trueJ) ** 2;
    }
    expect(Math.abs(error / trials)).toBeLessThan(0.01);
    expect(Math.sqrt(squaredError / trials)).toBeLessThan(1.25 * Math.sqrt((trueJ * (1 - trueJ)) / k));
  });

  it('gives an empty set the all-ones signature', () => {
    expect(Array.from(new MinHasher(4).signature([]))).toEqual([
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
    ]);
  });
});

describe('LSH banding', () => {
  it('puts the S-curve threshold well below 0.5 and catches J = 0.5 with probability ≥ 0.95', () => {
    expect(lshThreshold(DEFAULT_BANDS, DEFAULT_ROWS)).toBeLessThan(0.35);
    expect(candidateProbability(0.5, DEFAULT_BANDS, DEFAULT_ROWS)).toBeGreaterThan(0.99);
    expect(candidateProbability(0.05, DEFAULT_BANDS, DEFAULT_ROWS)).toBeLessThan(0.01);
  });

  it('makes short printable band keys that differ per band', () => {
    const sig = new MinHasher(12).signature(toShingleSet([7, 8, 9]));
    const hashes = bandHashes(sig, 4, 3);
    const keys = bandKeys(hashes);
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(key).toMatch(/^[0-9a-z]{9}$/);
    expect(bandKey(1, 0)).toBe('010000000');
    expect(bandKey(35, 0xffffffff)).toBe('0z1z141z3');
    expect(Number.parseInt(keys[2].slice(2), 36)).toBe(hashes[2]);
    expect(() => bandHashes(sig, 5, 3)).toThrow(RangeError);
  });
});
