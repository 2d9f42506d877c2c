import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { drawPanel, mulberry32, seedState, sha256, verifyDraw } from './draw.js';

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
