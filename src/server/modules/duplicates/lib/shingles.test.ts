import { describe, expect, it } from 'vitest';
import { fnv1a32 } from './hash';
import { sentenceShingles, shingleSet, toShingleSet } from './shingles';

describe('shingles', () => {
  it('hashes deterministically (FNV-1a reference values)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(shingleSet('社区老人助餐服务项目')).toEqual(shingleSet('社区老人助餐服务项目'));
  });

  it('returns sorted sets without repeats', () => {
    expect(Array.from(toShingleSet([5, 1, 5, 3, 1]))).toEqual([1, 3, 5]);
    const set = shingleSet('开展助餐服务。开展助餐服务。开展助餐服务。');
    expect(set.length).toBe(new Set(set).size);
    for (let i = 1; i < set.length; i++) expect(set[i]).toBeGreaterThan(set[i - 1]);
  });

  it('does not depend on sentence order, but on word order within a sentence', () => {
    expect(shingleSet('为老人提供助餐服务。开展健康讲座。')).toEqual(
      shingleSet('开展健康讲座。为老人提供助餐服务。'),
    );
    expect(shingleSet('为老人提供助餐服务。')).not.toEqual(shingleSet('助餐服务为老人提供。'));
  });

  it('makes word n-grams and character n-grams', () => {
    expect(sentenceShingles(['a', 'b', 'c', 'd'], { mode: 'word', n: 3 })).toHaveLength(2);
    expect(sentenceShingles(['a'], { mode: 'word', n: 3 })).toHaveLength(1);
    expect(sentenceShingles(['社区', '服务'], { mode: 'char', n: 3 })).toHaveLength(2);
  });
});
