import { describe, expect, it } from 'vitest';
import { ORIGINAL, REWORDED, UNRELATED_SAME_CATEGORY } from './fixtures.test-data';
import { toShingleSet } from './shingles';
import { containment, intersectionSize, jaccard, matchingPassages, overlap } from './similarity';

describe('exact similarity', () => {
  const a = toShingleSet([1, 2, 3, 4]);
  const b = toShingleSet([3, 4, 5, 6, 7, 8]);

  it('computes intersection, Jaccard and containment of sorted sets', () => {
    expect(intersectionSize(a, b)).toBe(2);
    expect(jaccard(a, b)).toBeCloseTo(2 / 8);
    expect(containment(a, b)).toBeCloseTo(2 / 4);
    expect(containment(toShingleSet([3, 4]), b)).toBe(1);
  });

  it('handles empty sets', () => {
    expect(overlap(new Uint32Array(0), a)).toEqual({ intersection: 0, jaccard: 0, containment: 0 });
  });
});

describe('matchingPassages', () => {
  it('returns the shared sentences of both texts with offsets and links between them', () => {
    const passages = matchingPassages(ORIGINAL, REWORDED);
    expect(passages.a.length).toBeGreaterThanOrEqual(8);
    for (const side of [
      { text: ORIGINAL, sentences: passages.a, other: passages.b },
      { text: REWORDED, sentences: passages.b, other: passages.a },
    ]) {
      for (const s of side.sentences) {
        expect(side.text.slice(s.start, s.end)).toBe(s.text);
        expect(s.shared).toBeGreaterThanOrEqual(0.5);
      }
    }
    const moved = passages.a.find((s) => s.text.startsWith('培育一支'));
    expect(moved).toBeDefined();
    const counterpart = passages.b.find((s) => s.index === moved!.bestMatch);
    expect(counterpart?.text).toContain('培育一支不少于20人');
  });

  it('finds no passages in an unrelated proposal', () => {
    const passages = matchingPassages(ORIGINAL, UNRELATED_SAME_CATEGORY);
    expect(passages.a).toEqual([]);
    expect(passages.b).toEqual([]);
  });
});
