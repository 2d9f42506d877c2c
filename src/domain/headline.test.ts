import { describe, expect, it } from 'vitest';
import { roughCount, roughWanYuan } from './headline';

describe('headline figures', () => {
  it('rounds counts down as 余', () => {
    expect([7, 47, 600, 637, 1234].map(roughCount)).toEqual(['7', '40余', '600', '600余', '1200余']);
  });
  it('rounds amounts down to 万元 as 多', () => {
    expect(roughWanYuan(8_234_567_800)).toBe('8200多万元');
    expect(roughWanYuan(8_200_000_000)).toBe('8200万元');
    expect(roughWanYuan(35_000_000)).toBe('30多万元');
    expect(roughWanYuan(950_000)).toBe('9500.00元');
  });
});
