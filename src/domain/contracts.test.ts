import { describe, expect, it } from 'vitest';
import {
  amendmentBody,
  contractCreateBody,
  defaultMilestones,
  milestoneAmounts,
  milestonesInput,
  splitByBasisPoints,
} from './contracts.js';

describe('splitByBasisPoints', () => {
  it('splits exactly, the remainder going to the last part', () => {
    expect(splitByBasisPoints(1_000_001, [4000, 3000, 3000])).toEqual([400_000, 300_000, 300_001]);
    expect(splitByBasisPoints(100, [3333, 3333, 3334])).toEqual([33, 33, 34]);
    expect(splitByBasisPoints(1, [4000, 3000, 3000])).toEqual([0, 0, 1]);
    expect(splitByBasisPoints(0, [10_000])).toEqual([0]);
  });

  it('always adds up to the total, also for huge amounts', () => {
    const shares = [1, 2499, 3333, 4167];
    for (const total of [1, 7, 99_999, 1_000_001, 123_456_789, 9_007_199_254_740_991]) {
      const parts = splitByBasisPoints(total, shares);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => Number.isSafeInteger(p) && p >= 0)).toBe(true);
    }
  });

  it('rejects shares that do not add up to 100% and bad amounts', () => {
    expect(() => splitByBasisPoints(100, [4000, 3000])).toThrow(RangeError);
    expect(() => splitByBasisPoints(100.5, [10_000])).toThrow(RangeError);
    expect(() => splitByBasisPoints(-1, [10_000])).toThrow(RangeError);
    expect(() => splitByBasisPoints(100, [])).toThrow(RangeError);
  });
});

describe('milestones', () => {
  it('defaults to 40/30/30 with exact amounts', () => {
    expect(milestoneAmounts(1_000_001, defaultMilestones())).toEqual([
      { key: 'signing', label: '合同签订后', shareBp: 4000, amountFen: 400_000 },
      { key: 'midterm', label: '中期评估合格后', shareBp: 3000, amountFen: 300_000 },
      { key: 'final', label: '末期评估合格后', shareBp: 3000, amountFen: 300_001 },
    ]);
  });

  it('validates the sum and generates missing keys', () => {
    const bad = milestonesInput.safeParse([
      { label: 'a', shareBp: 5000 },
      { label: 'b', shareBp: 4000 },
    ]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toBe('付款节点比例合计必须为100%');
    const ok = milestonesInput.parse([
      { key: 'signing', label: '签订', shareBp: 5000 },
      { label: '中期', shareBp: 5000 },
    ]);
    expect(ok.map((m) => m.key)).toEqual(['signing', 'm2']);
    expect(
      milestonesInput.safeParse([
        { key: 'a', label: 'x', shareBp: 5000 },
        { key: 'a', label: 'y', shareBp: 5000 },
      ]).success,
    ).toBe(false);
  });

  it('checks the period order and that an amendment changes something', () => {
    const r = contractCreateBody.safeParse({ periodStart: '2027-02-01', periodEnd: '2027-01-01' });
    expect(r.error?.issues[0].path).toEqual(['periodEnd']);
    expect(amendmentBody.safeParse({ reason: '调整服务内容', changes: {} }).success).toBe(false);
  });
});
