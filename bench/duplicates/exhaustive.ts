import { intersectionSize } from '../../src/server/modules/duplicates/lib/similarity';

/**
 * Calls `visit(i, j, |A_i ∩ A_j|)` for every pair i < j of sets that share at least one shingle; the
 * pairs it skips have an empty intersection. Exact, and equivalent to comparing all n(n-1)/2 pairs,
 * but the work is Σ |A_i ∩ A_j| (inverted index of the shingles) instead of n² merge walks.
 */
export function forEachOverlappingPair(
  sets: readonly Uint32Array[],
  visit: (i: number, j: number, intersection: number) => void,
): void {
  const postings = new Map<number, number[]>();
  const counts = new Int32Array(sets.length);
  const touched: number[] = [];
  sets.forEach((set, j) => {
    for (const h of set) {
      const list = postings.get(h);
      if (!list) {
        postings.set(h, [j]);
        continue;
      }
      for (const i of list) {
        if (counts[i]++ === 0) touched.push(i);
      }
      list.push(j);
    }
    touched.sort((x, y) => x - y);
    for (const i of touched) {
      visit(i, j, counts[i]);
      counts[i] = 0;
    }
    touched.length = 0;
  });
}

/** The literal pairwise scan, to check forEachOverlappingPair on a sample. */
export function forEachPairBruteForce(
  sets: readonly Uint32Array[],
  visit: (i: number, j: number, intersection: number) => void,
): void {
  for (let j = 0; j < sets.length; j++) {
    for (let i = 0; i < j; i++) {
      const n = intersectionSize(sets[i], sets[j]);
      if (n > 0) visit(i, j, n);
    }
  }
}
