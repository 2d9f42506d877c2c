import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateLong,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  toIsoDate,
} from './format';

describe('web formatting', () => {
  it('formats fen as yuan without floating point', () => {
    expect(formatMoney(123456)).toBe('¥1,234.56');
    expect(formatMoney(5)).toBe('¥0.05');
    expect(formatMoney(-100)).toBe('-¥1.00');
    expect(formatMoney(null)).toBe('—');
  });
  it('formats dates in zh-CN', () => {
    expect(formatDate('2026-03-05T06:07:08Z')).toMatch(/^2026-03-0[56]$/);
    expect(formatDateTime('2026-03-05T14:07:00')).toBe('2026-03-05 14:07');
    expect(formatDateLong('2026-03-05T12:00:00')).toBe('2026年3月5日 星期四');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
    expect(toIsoDate('2026-03-05T12:00:00')).toBe('2026-03-05');
  });
  it('formats numbers', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatPercent(0.125)).toBe('12.5%');
  });
});
