import { describe, expect, it } from 'vitest';
import {
  DuplicateDetector,
  deserializeFingerprint,
  findTextDuplicates,
  serializeFingerprint,
} from './detector';
import { ORIGINAL, PADDED, REWORDED, SPLIT, UNRELATED_SAME_CATEGORY } from './fixtures.test-data';

function indexWith(...docs: [string, string][]): DuplicateDetector {
  const detector = new DuplicateDetector();
  for (const [id, text] of docs) detector.add({ id, text });
  return detector;
}

describe('DuplicateDetector', () => {
  it('catches a copy with sentences reordered, synonyms swapped, numbers and places changed', () => {
    const hits = indexWith(['orig', ORIGINAL], ['other', UNRELATED_SAME_CATEGORY]).query({ text: REWORDED });
    expect(hits.map((h) => h.id)).toEqual(['orig']);
    expect(hits[0].kind).toBe('text');
    expect(hits[0].jaccard).toBeGreaterThan(0.6);
  });

  it('does not flag an unrelated proposal of the same category', () => {
    const detector = indexWith(['orig', ORIGINAL], ['reworded', REWORDED]);
    expect(detector.query({ text: UNRELATED_SAME_CATEGORY })).toEqual([]);
    expect(detector.query({ text: UNRELATED_SAME_CATEGORY }, { threshold: 0.1 })).toEqual([]);
  });

  it('catches a padded copy through containment, which Jaccard alone misses', () => {
    const [hit] = indexWith(['orig', ORIGINAL]).query({ text: PADDED });
    expect(hit.id).toBe('orig');
    expect(hit.jaccard).toBeLessThan(0.5);
    expect(hit.containment).toBe(1);
    expect(hit.score).toBe(1);
    const jaccardOnly = new DuplicateDetector({ scoreMode: 'jaccard' });
    jaccardOnly.add({ id: 'orig', text: ORIGINAL });
    expect(jaccardOnly.query({ text: PADDED })).toEqual([]);
  });

  it('catches one half of a split project', () => {
    const [hit] = indexWith(['orig', ORIGINAL]).query({ text: SPLIT });
    expect(hit.id).toBe('orig');
    expect(hit.containment).toBe(1);
  });

  it('excludes the queried id, replaces re-added ids and forgets removed ones', () => {
    const detector = indexWith(['orig', ORIGINAL], ['copy', REWORDED]);
    expect(detector.query({ id: 'orig', text: ORIGINAL }).map((h) => h.id)).toEqual(['copy']);
    detector.add({ id: 'copy', text: UNRELATED_SAME_CATEGORY });
    expect(detector.size).toBe(2);
    expect(detector.query({ text: REWORDED }).map((h) => h.id)).toEqual(['orig']);
    expect(detector.remove('orig')).toBe(true);
    expect(detector.remove('orig')).toBe(false);
    expect(detector.query({ text: REWORDED })).toEqual([]);
  });

  it('ignores empty texts', () => {
    const detector = indexWith(['empty', '……'], ['orig', ORIGINAL]);
    expect(detector.query({ text: '。' })).toEqual([]);
    expect(detector.query({ text: ORIGINAL }).map((h) => h.id)).toEqual(['orig']);
  });

  it('round-trips fingerprints through their plain JSON form', () => {
    const source = new DuplicateDetector();
    const stored = JSON.parse(JSON.stringify(serializeFingerprint(source.fingerprint(ORIGINAL))));
    expect(stored.bandKeys).toHaveLength(42);
    expect(stored.signature).toHaveLength(126);
    const restored = new DuplicateDetector();
    restored.addFingerprint('orig', deserializeFingerprint(stored));
    expect(restored.query({ text: REWORDED }).map((h) => h.id)).toEqual(['orig']);
    expect(() => deserializeFingerprint({ ...stored, version: 0 })).toThrow(/stale/);
  });

  it('rejects thresholds outside (0, 1]', () => {
    expect(() => new DuplicateDetector({ threshold: 0 })).toThrow(RangeError);
    expect(() => new DuplicateDetector({ threshold: 1.1 })).toThrow(RangeError);
  });
});

describe('findTextDuplicates', () => {
  it('reports each pair once, earlier document first', () => {
    const pairs = findTextDuplicates([
      { id: 'a', text: ORIGINAL },
      { id: 'b', text: UNRELATED_SAME_CATEGORY },
      { id: 'c', text: REWORDED },
      { id: 'd', text: PADDED },
    ]);
    const found = pairs.map((p) => `${p.a}-${p.b}`).sort();
    expect(found).toEqual(['a-c', 'a-d', 'c-d']);
  });
});
