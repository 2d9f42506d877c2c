import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  conflictReason,
  type DrawApplicant,
  drawPanel,
  drawPool,
  mulberry32,
  type PoolExpert,
  seedState,
  sha256,
  verifyDraw,
} from './draw.js';

const ids = Array.from({ length: 30 }, (_, i) => `expert-${String(i).padStart(2, '0')}`);

describe('sha256', () => {
  it('agrees with node:crypto on empty, ASCII, Chinese and multi-block input', () => {
    for (const text of [
      '',
      'abc',
      '官渡区路演评审',
      'x'.repeat(55),
      'y'.repeat(56),
      'z'.repeat(64),
      '评'.repeat(200),
    ]) {
      expect(Buffer.from(sha256(text)).toString('hex')).toBe(
        createHash('sha256').update(text, 'utf8').digest('hex'),
      );
    }
  });
});

describe('drawPanel', () => {
  it('gives the same panel and order for the same record, and another for another seed', () => {
    const input = { seed: 'a1b2c3', candidates: ids, exclusions: [], size: 5 };
    const first = drawPanel(input);
    expect(drawPanel(input)).toEqual(first);
    expect(first.panel).toHaveLength(5);
    expect(new Set(first.order)).toEqual(new Set(ids));
    expect(first.reserves).toEqual(first.order.slice(5));
    expect(drawPanel({ ...input, seed: 'a1b2c4' }).order).not.toEqual(first.order);
  });

  it('is pinned: the algorithm may not change under earlier draws', () => {
    expect(seedState('guandu')).toBe(createHash('sha256').update('guandu').digest().readUInt32BE(0));
    // The published reference values of mulberry32 for seed 1.
    const next = mulberry32(1);
    expect([next(), next()].map((x) => x.toFixed(6))).toEqual(['0.627074', '0.002736']);
    expect(
      drawPanel({ seed: 'guandu-2026', candidates: ids.slice(0, 8), exclusions: [], size: 3 }).order,
    ).toEqual([
      'expert-06',
      'expert-01',
      'expert-04',
      'expert-05',
      'expert-03',
      'expert-00',
      'expert-02',
      'expert-07',
    ]);
  });

  it('never draws an excluded candidate', () => {
    const exclusions = ids
      .filter((_, i) => i % 3 === 0)
      .map((expertId) => ({ expertId, reason: '受聘于申报单位' }));
    for (let s = 0; s < 50; s++) {
      const { order } = drawPanel({ seed: `seed-${s}`, candidates: ids, exclusions, size: 5 });
      expect(order).toHaveLength(ids.length - exclusions.length);
      for (const e of exclusions) expect(order).not.toContain(e.expertId);
    }
  });

  it('draws fewer when there are not enough candidates', () => {
    expect(drawPanel({ seed: 's', candidates: ids.slice(0, 3), exclusions: [], size: 5 }).panel).toHaveLength(
      3,
    );
  });

  it('spreads the draw over the candidates', () => {
    const seats = new Map<string, number>();
    for (let s = 0; s < 3000; s++) {
      for (const id of drawPanel({ seed: `s${s}`, candidates: ids.slice(0, 10), exclusions: [], size: 5 })
        .panel) {
        seats.set(id, (seats.get(id) ?? 0) + 1);
      }
    }
    // Each of 10 candidates sits on a panel of 5 half of the time: 1500 of 3000.
    for (const n of seats.values()) expect(Math.abs(n - 1500)).toBeLessThan(150);
  });
});

describe('verifyDraw', () => {
  const input = { seed: 'verify-me', candidates: ids, exclusions: [{ expertId: ids[4] }], size: 5 };
  const { order } = drawPanel(input);
  const asInvited = (n: number) =>
    order.slice(0, n).map((expertId, drawPosition) => ({ expertId, drawPosition }));

  it('accepts the panel as drawn, with replacements taken in order', () => {
    expect(verifyDraw(input, asInvited(5))).toBe(true);
    expect(verifyDraw(input, asInvited(7))).toBe(true);
  });

  it('rejects a swapped expert, a skipped reserve or a missing seat', () => {
    const swapped = asInvited(5);
    swapped[2] = { expertId: order[9], drawPosition: 2 };
    expect(verifyDraw(input, swapped)).toBe(false);
    expect(verifyDraw(input, [...asInvited(5), { expertId: order[6], drawPosition: 6 }])).toBe(false);
    expect(verifyDraw(input, asInvited(4))).toBe(false);
    expect(verifyDraw({ ...input, seed: 'other' }, asInvited(5))).toBe(false);
  });
});

describe('drawPool', () => {
  const expert = (id: string, field: string, extra: Partial<PoolExpert> = {}): PoolExpert => ({
    id,
    field,
    employerOrgId: null,
    employerName: '云南大学',
    employerOrgName: null,
    formerEmployerOrgIds: [],
    userId: `user-${id}`,
    ...extra,
  });
  const applicant: DrawApplicant = {
    providerOrgId: 'provider-1',
    providerOrgName: '阳光社工',
    communityOrgId: 'community-1',
    communityOrgName: '金色社区居民委员会',
    partners: [{ name: ' 金色志愿队 ' }],
  };

  it('names the reason of each conflict, and a missing account last', () => {
    expect(conflictReason(expert('a', 'elderly', { employerOrgId: 'provider-1' }), [applicant])).toBe(
      '受聘于申报单位“阳光社工”',
    );
    expect(
      conflictReason(expert('a', 'elderly', { formerEmployerOrgIds: ['provider-1'] }), [applicant]),
    ).toBe('曾受聘于申报单位“阳光社工”');
    expect(conflictReason(expert('a', 'elderly', { employerOrgId: 'community-1' }), [applicant])).toBe(
      '受聘于联合申报社区“金色社区居民委员会”',
    );
    expect(conflictReason(expert('a', 'elderly', { employerName: '金色志愿队' }), [applicant])).toBe(
      '受聘于申报合作方“金色志愿队”',
    );
    expect(conflictReason(expert('a', 'elderly', { userId: null }), [applicant])).toBe(
      '未开通平台账号，无法在线确认和评分',
    );
    expect(conflictReason(expert('a', 'elderly'), [applicant])).toBeNull();
  });

  it('takes the field when enough of it is free, sorted by id, with its exclusions', () => {
    const pool = [
      ...['e5', 'e3', 'e1', 'e4', 'e2', 'e6'].map((id) => expert(id, 'elderly')),
      expert('e0', 'elderly', { employerOrgId: 'provider-1' }),
      expert('c1', 'children'),
    ];
    expect(drawPool(pool, { field: 'elderly', panelSize: 5, applicants: [applicant] })).toEqual({
      field: 'elderly',
      candidates: ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'],
      exclusions: [{ expertId: 'e0', reason: '受聘于申报单位“阳光社工”' }],
    });
  });

  it('widens to the whole pool when the field has fewer free experts than seats', () => {
    const pool = [
      expert('e1', 'elderly'),
      expert('e2', 'elderly', { userId: null }),
      ...['c1', 'c2', 'c3', 'c4'].map((id) => expert(id, 'children')),
    ];
    const result = drawPool(pool, { field: 'elderly', panelSize: 5, applicants: [] });
    expect(result.field).toBeNull();
    expect(result.candidates).toEqual(['c1', 'c2', 'c3', 'c4', 'e1', 'e2']);
    expect(result.exclusions).toEqual([{ expertId: 'e2', reason: '未开通平台账号，无法在线确认和评分' }]);
  });
});
