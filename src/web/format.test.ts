/**
 * The web formatters show Asia/Shanghai whatever the zone they run in; run this file under TZ=UTC
 * and TZ=America/New_York too (`TZ=UTC npx vitest run src/web/format.test.ts --project unit`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dayjs,
  formatDate,
  formatDateLong,
  formatDateTime,
  formatDateTimeSeconds,
  formatMoney,
  formatNumber,
  formatPercent,
  pickerDate,
  pickerInstant,
  pickerNow,
  pickerToday,
  todayInChina,
  toIsoDate,
  toPicker,
} from './format';

describe('web formatting', () => {
  it('formats fen as yuan without floating point', () => {
    expect(formatMoney(123456)).toBe('¥1,234.56');
    expect(formatMoney(5)).toBe('¥0.05');
    expect(formatMoney(-100)).toBe('-¥1.00');
    expect(formatMoney(null)).toBe('—');
  });

  it('formats numbers', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatPercent(0.125)).toBe('12.5%');
  });
});

describe('dates and times in Asia/Shanghai', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows an instant at its Shanghai date and time, whatever its offset', () => {
    expect(formatDateTime('2026-12-01T17:30:00+08:00')).toBe('2026-12-01 17:30');
    expect(formatDateTime('2026-12-01T09:30:00Z')).toBe('2026-12-01 17:30');
    expect(formatDateTime('2026-12-01T09:30:00.000Z')).toBe('2026-12-01 17:30');
    expect(formatDateTime(new Date('2026-12-01T09:30:00Z'))).toBe('2026-12-01 17:30');
    expect(formatDateTime(Date.parse('2026-12-01T09:30:00Z'))).toBe('2026-12-01 17:30');
    expect(formatDateTimeSeconds('2026-03-05T06:07:09Z')).toBe('2026-03-05 14:07:09');
  });

  it('puts an instant on its Shanghai calendar day', () => {
    // 20:00 UTC is 04:00 the next morning in Shanghai.
    expect(formatDate('2026-03-05T20:00:00Z')).toBe('2026-03-06');
    expect(formatDate('2026-03-05T06:07:08Z')).toBe('2026-03-05');
    expect(formatDateTime('2026-12-31T16:00:00Z')).toBe('2027-01-01 00:00');
    expect(formatDateLong('2026-03-05T20:00:00Z')).toBe('2026年3月6日 星期五');
    expect(toIsoDate('2026-03-05T20:00:00Z')).toBe('2026-03-06');
  });

  it('keeps a calendar day as that day', () => {
    expect(formatDate('2026-03-05')).toBe('2026-03-05');
    expect(formatDateLong('2026-03-05')).toBe('2026年3月5日 星期四');
    expect(toIsoDate('2026-03-05')).toBe('2026-03-05');
  });

  it('reads a date and time without a zone as Shanghai time', () => {
    expect(formatDateTime('2026-03-05T14:07:00')).toBe('2026-03-05 14:07');
    expect(formatDateTime('2026-03-05 14:07')).toBe('2026-03-05 14:07');
    expect(formatDateLong('2026-03-05T12:00:00')).toBe('2026年3月5日 星期四');
    expect(toIsoDate('2026-03-05T12:00:00')).toBe('2026-03-05');
  });

  it('shows a dash for nothing and for what is not a date', () => {
    for (const f of [formatDate, formatDateTime, formatDateTimeSeconds, formatDateLong]) {
      expect(f(null)).toBe('—');
      expect(f(undefined)).toBe('—');
      expect(f('')).toBe('—');
      expect(f('not a date')).toBe('—');
    }
    expect(toIsoDate('not a date')).toBeNull();
  });

  it('says what day it is in Shanghai', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // 2026-03-05 23:30 in New York, 04:30 UTC, 12:30 the next day in Shanghai.
    vi.setSystemTime(new Date('2026-03-06T04:30:00Z'));
    expect(todayInChina()).toBe('2026-03-06');
    expect(formatDateLong(new Date())).toBe('2026年3月6日 星期五');
    expect(pickerNow().format('YYYY-MM-DD HH:mm:ss')).toBe('2026-03-06 12:30:00');
    expect(pickerToday().format('YYYY-MM-DD HH:mm')).toBe('2026-03-06 00:00');
  });
});

describe('date-picker values as Shanghai wall clocks', () => {
  it('shows an instant at its Shanghai time and sends back the same instant', () => {
    const value = toPicker('2026-12-01T09:30:00Z')!;
    expect(value.format('YYYY-MM-DD HH:mm')).toBe('2026-12-01 17:30');
    expect(pickerInstant(value)).toBe('2026-12-01T17:30:00+08:00');
    expect(pickerInstant(toPicker('2026-12-01T17:30:00+08:00'))).toBe('2026-12-01T17:30:00+08:00');
    expect(pickerInstant(toPicker('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00+08:00');
  });

  it('sends what the picker shows, as a Shanghai time', () => {
    // What antd builds when 2026-12-01 17:30 is picked: a dayjs in the browser's zone.
    const picked = dayjs(new Date(2026, 11, 1, 17, 30));
    expect(pickerInstant(picked)).toBe('2026-12-01T17:30:00+08:00');
    expect(new Date(pickerInstant(picked)).toISOString()).toBe('2026-12-01T09:30:00.000Z');
    expect(pickerInstant(picked.hour(9).minute(0))).toBe('2026-12-01T09:00:00+08:00');
  });

  it('keeps calendar days as days both ways', () => {
    const day = toPicker('2026-03-05')!;
    expect(day.format('YYYY-MM-DD HH:mm')).toBe('2026-03-05 00:00');
    expect(pickerDate(day)).toBe('2026-03-05');
    expect(pickerDate(day.add(1, 'month').endOf('month'))).toBe('2026-04-30');
    expect(toIsoDate(day)).toBe('2026-03-05');
    // An instant late in the UTC evening is the next Shanghai day.
    expect(pickerDate(toPicker('2026-03-05T20:00:00Z'))).toBe('2026-03-06');
  });

  it('gives nothing for nothing', () => {
    expect(toPicker(null)).toBeNull();
    expect(toPicker('')).toBeNull();
    expect(toPicker('not a date')).toBeNull();
    expect(pickerInstant(null)).toBeUndefined();
    expect(pickerDate(undefined)).toBeUndefined();
  });
});
