import { describe, expect, it } from 'vitest';
import { calendarDate, isCalendarDate, isoDateTime } from './dates.js';

const messageOf = (
  schema: { safeParse(v: unknown): { error?: { issues: { message: string }[] } } },
  v: unknown,
) => schema.safeParse(v).error?.issues[0].message ?? null;

describe('calendarDate', () => {
  it.each(['2026-12-01', '2024-02-29', '2000-02-29', '1900-01-01', '2999-12-31', '2026-04-30'])(
    'accepts %s',
    (value) => {
      expect(isCalendarDate(value)).toBe(true);
    },
  );

  it.each([
    ['2027-02-30', '日期不存在：2027-02-30'],
    ['2026-04-31', '日期不存在：2026-04-31'],
    ['2100-02-29', '日期不存在：2100-02-29'],
    ['0000-00-00', '日期不存在：0000-00-00'],
    ['9999-99-99', '日期不存在：9999-99-99'],
    ['2026-13-01', '日期不存在：2026-13-01'],
    ['1899-12-31', '日期应在 1900 年至 2999 年之间'],
    ['3000-01-01', '日期应在 1900 年至 2999 年之间'],
    ['0001-01-01', '日期应在 1900 年至 2999 年之间'],
    ['2026-1-1', '日期格式应为 YYYY-MM-DD'],
    ['20261201', '日期格式应为 YYYY-MM-DD'],
    [' 2026-12-01', '日期格式应为 YYYY-MM-DD'],
    ['2026-12-01T00:00', '日期格式应为 YYYY-MM-DD'],
    [20261201, '日期格式应为 YYYY-MM-DD'],
  ])('refuses %s: %s', (value, message) => {
    expect(messageOf(calendarDate(), value)).toBe(message);
  });

  it('gives a value that is no date one message, not a second about its year', () => {
    expect(calendarDate().safeParse('0000-00-00').error?.issues).toHaveLength(1);
    expect(isoDateTime().safeParse('明天').error?.issues).toHaveLength(1);
  });

  it('speaks the caller’s message when given one', () => {
    expect(messageOf(calendarDate('must be a date YYYY-MM-DD'), '2027-02-30')).toBe(
      'must be a date YYYY-MM-DD',
    );
  });
});

describe('isoDateTime', () => {
  it.each(['2026-12-01T09:00:00+08:00', '2026-12-01T01:00:00Z', '2024-02-29T23:59:59.999+08:00'])(
    'accepts %s',
    (value) => {
      expect(isoDateTime().safeParse(value).success).toBe(true);
    },
  );

  it.each([
    '2027-02-30T09:00:00+08:00',
    '0000-01-01T00:00:00Z',
    '3000-01-01T00:00:00Z',
    '2026-12-01T09:00:00',
    '2026-12-01T24:00:00+08:00',
    '2026-12-01',
    '+275760-09-13T00:00:00Z',
  ])('refuses %s', (value) => {
    expect(messageOf(isoDateTime(), value)).toBe('时间格式应为 ISO 8601，如 2026-12-01T09:00:00+08:00');
  });
});
