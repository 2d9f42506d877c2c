import { describe, expect, it } from 'vitest';
import { findStructuralDuplicates, periodsOverlap, type StructureRecord } from './structure';

const base: StructureRecord = {
  id: 'a',
  org: '昆明市阳光社会工作服务中心',
  community: '星光社区',
  category: 'elderly',
  start: '2024-01-01',
  end: '2024-12-31',
};

describe('findStructuralDuplicates', () => {
  it('flags the same organization, community and category over overlapping periods', () => {
    const pairs = findStructuralDuplicates([
      base,
      { ...base, id: 'b', org: ' 昆明市阳光社会工作服务中心 ', start: '2024-06-01', end: '2025-05-31' },
    ]);
    expect(pairs).toEqual([{ a: 'a', b: 'b', score: 1, kind: 'structure', reasons: ['same_org'] }]);
  });

  it('does not flag periods that do not overlap, nor other communities or categories', () => {
    expect(
      findStructuralDuplicates([base, { ...base, id: 'b', start: '2025-01-01', end: '2025-12-31' }]),
    ).toEqual([]);
    expect(findStructuralDuplicates([base, { ...base, id: 'b', community: '和平社区' }])).toEqual([]);
    expect(findStructuralDuplicates([base, { ...base, id: 'b', category: 'children' }])).toEqual([]);
  });

  it('flags different organizations sharing a legal representative, a phone or an address', () => {
    const related = findStructuralDuplicates([
      { ...base, legalRep: '张伟', phone: '0871-6512 3456', address: '官渡区关上街道春城路100号' },
      { ...base, id: 'b', org: '昆明市春晖公益服务中心', legalRep: '张伟' },
      { ...base, id: 'c', org: '昆明市同心社工服务社', phone: '087165123456' },
      { ...base, id: 'd', org: '昆明市益众发展促进会', address: '官渡区关上街道春城路100号。' },
      { ...base, id: 'e', org: '昆明市明德社会工作服务社', legalRep: '李娜', phone: '13800000000' },
    ]);
    expect(related.map((p) => [p.a, p.b, p.score, p.reasons])).toEqual([
      ['a', 'b', 0.8, ['shared_legal_rep']],
      ['a', 'c', 0.8, ['shared_phone']],
      ['a', 'd', 0.8, ['shared_address']],
    ]);
  });

  it('skips records without community, category or a complete period', () => {
    expect(findStructuralDuplicates([base, { ...base, id: 'b', end: undefined }])).toEqual([]);
    expect(findStructuralDuplicates([base, { ...base, id: 'b', community: '' }])).toEqual([]);
  });

  it('treats periods as inclusive', () => {
    expect(periodsOverlap(base, { start: '2024-12-31', end: '2025-03-31' })).toBe(true);
    expect(periodsOverlap(base, { start: '2025-01-01', end: '2025-03-31' })).toBe(false);
  });
});
