import { describe, expect, it } from 'vitest';
import { BandIndex } from './band-index';

function lookup(index: BandIndex, hash: number): number[] {
  const out: number[] = [];
  index.forEach(hash, (slot) => out.push(slot));
  return out.sort((a, b) => a - b);
}

describe('BandIndex', () => {
  it('finds every slot added under a hash, before and after merging', () => {
    const index = new BandIndex();
    const live = () => true;
    for (let slot = 0; slot < 5000; slot++) index.add(((slot * 2654435761) % 3001) >>> 0, slot, live);
    const expected = Array.from({ length: 5000 }, (_, s) => s).filter((s) => (s * 2654435761) % 3001 === 17);
    expect(lookup(index, 17)).toEqual(expected);
    index.merge(live);
    expect(lookup(index, 17)).toEqual(expected);
    expect(lookup(index, 0xffffffff)).toEqual([]);
    expect(index.size).toBe(5000);
  });

  it('drops dead slots when merging', () => {
    const index = new BandIndex();
    for (let slot = 0; slot < 10; slot++) index.add(0xfffffff0, slot, () => true);
    index.merge((slot) => slot % 2 === 0);
    expect(lookup(index, 0xfffffff0)).toEqual([0, 2, 4, 6, 8]);
    expect(index.size).toBe(5);
  });
});
