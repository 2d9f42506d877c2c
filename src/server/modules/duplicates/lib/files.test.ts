import { describe, expect, it } from 'vitest';
import { findFileDuplicates } from './files';

describe('findFileDuplicates', () => {
  it('flags applications sharing an identical attachment, scored by the shared share', () => {
    const pairs = findFileDuplicates([
      { id: 'a', fileHashes: ['AAA', 'bbb'] },
      { id: 'b', fileHashes: ['ccc'] },
      { id: 'c', fileHashes: ['aaa ', 'ddd', 'eee', 'fff'] },
      { id: 'd', fileHashes: ['ccc', 'bbb'] },
    ]);
    expect(pairs).toEqual([
      { a: 'b', b: 'd', score: 1, kind: 'file', sharedHashes: ['ccc'] },
      { a: 'a', b: 'c', score: 0.5, kind: 'file', sharedHashes: ['aaa'] },
      { a: 'a', b: 'd', score: 0.5, kind: 'file', sharedHashes: ['bbb'] },
    ]);
  });

  it('ignores repeated hashes within one application and hashes on the ignore list', () => {
    expect(findFileDuplicates([{ id: 'a', fileHashes: ['x', 'x'] }])).toEqual([]);
    const records = [
      { id: 'a', fileHashes: ['template'] },
      { id: 'b', fileHashes: ['template'] },
    ];
    expect(findFileDuplicates(records, { ignoreHashes: ['TEMPLATE'] })).toEqual([]);
  });
});
