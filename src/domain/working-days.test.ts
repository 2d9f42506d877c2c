import { describe, expect, it } from 'vitest';
import { CN_HOLIDAYS } from './holidays-cn.js';
import {
  addDays,
  addWorkingDays,
  buildCalendar,
  CN_CALENDAR,
  holidayFile,
  isIsoDate,
  isWorkingDay,
  mergeArrangements,
  todayInShanghai,
  weekday,
  workingDaysBetween,
} from './working-days.js';

describe('holiday table', () => {
  it('has every official day off and adjusted working day of 2025 and 2026', () => {
    const off = (from: string, to: string) => {
      const days: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
      return days;
    };
    const expectedOff = [
      ...off('2025-01-01', '2025-01-01'),
      ...off('2025-01-28', '2025-02-04'),
      ...off('2025-04-04', '2025-04-06'),
      ...off('2025-05-01', '2025-05-05'),
      ...off('2025-05-31', '2025-06-02'),
      ...off('2025-10-01', '2025-10-08'),
      ...off('2026-01-01', '2026-01-03'),
      ...off('2026-02-15', '2026-02-23'),
      ...off('2026-04-04', '2026-04-06'),
      ...off('2026-05-01', '2026-05-05'),
      ...off('2026-06-19', '2026-06-21'),
      ...off('2026-09-25', '2026-09-27'),
      ...off('2026-10-01', '2026-10-07'),
    ];
    for (const d of expectedOff) expect({ d, working: isWorkingDay(d) }).toEqual({ d, working: false });
    const adjusted = [
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ];
    for (const d of adjusted) {
      expect(weekday(d) === 0 || weekday(d) === 6).toBe(true);
      expect({ d, working: isWorkingDay(d) }).toEqual({ d, working: true });
    }
    expect(CN_CALENDAR.years).toEqual(new Set([2025, 2026]));
    // 2025: 261 weekdays − 18 weekdays off + 5 makeup days; 2026: 261 − 19 + 6. Both 248.
    expect(workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
    expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('treats ordinary weekends as days off and weekdays as working days', () => {
    expect(isWorkingDay('2026-03-02')).toBe(true); // Monday
    expect(isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(isWorkingDay('2027-03-08')).toBe(true); // uncovered year: Monday–Friday
  });
});

describe('addWorkingDays (the opening day does not count)', () => {
  it('ends a 5-working-day publicity opened 2026-09-30 on 2026-10-13', () => {
    // 10-01..10-07 off; 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat adjusted (3), 10-12 Mon (4), 10-13 Tue (5).
    expect(addWorkingDays('2026-09-30', 5)).toBe('2026-10-13');
    // Without the adjusted Saturday the same period would end on 10-14: the calendar matters.
    const noMakeup = buildCalendar(
      CN_HOLIDAYS.map((a) =>
        a.year === 2026 && a.name === '国庆节' ? { ...a, workdays: ['2026-09-20'] } : a,
      ),
    );
    expect(addWorkingDays('2026-09-30', 5, noMakeup)).toBe('2026-10-14');
  });

  it('counts from the next day on ordinary weeks, and skips weekends', () => {
    expect(addWorkingDays('2026-03-02', 5)).toBe('2026-03-09'); // Mon → next Mon
    expect(addWorkingDays('2026-03-06', 1)).toBe('2026-03-09'); // Fri → Mon
    expect(addWorkingDays('2026-03-07', 5)).toBe('2026-03-13'); // opened on a Saturday → Mon..Fri
    expect(addWorkingDays('2026-03-02', 0)).toBe('2026-03-02');
  });

  it('crosses the 2026 Spring Festival with its two makeup Saturdays', () => {
    // 02-13 Fri; 02-14 Sat works (1); 02-15..02-23 off; 02-24 (2), 02-25 (3), 02-26 (4), 02-27 (5).
    expect(addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    // 02-28 Sat works too.
    expect(addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(addWorkingDays('2026-02-13', 7)).toBe('2026-03-02');
  });

  it('crosses the year end into 2026 New Year and its makeup Sunday', () => {
    // 2025-12-31 Wed; 01-01..01-03 off; 01-04 Sun works (1); 01-05 (2) … 01-08 (5).
    expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(addWorkingDays('2025-12-31', 5)).toBe('2026-01-08');
  });

  it('rejects bad input', () => {
    expect(() => addWorkingDays('2026-02-30', 5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('is the inverse of addWorkingDays', () => {
    for (const start of ['2025-01-20', '2025-09-26', '2026-02-10', '2026-09-18', '2026-12-25']) {
      for (const n of [0, 1, 5, 10, 30]) expect(workingDaysBetween(start, addWorkingDays(start, n))).toBe(n);
    }
    expect(workingDaysBetween('2026-10-13', '2026-09-30')).toBe(-5);
  });
});

describe('dates', () => {
  it('validates ISO dates and gives today in Asia/Shanghai', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
    // 2026-03-01 17:00 UTC is already 03-02 01:00 in Shanghai.
    expect(todayInShanghai(new Date('2026-03-01T17:00:00Z'))).toBe('2026-03-02');
    expect(todayInShanghai(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
  });
});

describe('deployment overrides', () => {
  it('merges a holidays.json over the built-in table, or replaces it', () => {
    const file = holidayFile.parse({
      arrangements: [
        { year: 2027, name: '元旦', off: { from: '2027-01-01', to: '2027-01-03' } },
        { year: 2026, name: '端午节', off: { from: '2026-06-19', to: '2026-06-22' }, workdays: [] },
      ],
    });
    const merged = buildCalendar(mergeArrangements(CN_HOLIDAYS, file));
    expect(isWorkingDay('2027-01-01', merged)).toBe(false);
    expect(isWorkingDay('2026-06-22', merged)).toBe(false);
    expect(isWorkingDay('2026-10-08', merged)).toBe(true);
    expect(merged.years).toEqual(new Set([2025, 2026, 2027]));
    const only = buildCalendar(mergeArrangements(CN_HOLIDAYS, { ...file, replace: true }));
    expect(isWorkingDay('2026-10-08', only)).toBe(true);
    expect(isWorkingDay('2026-10-02', only)).toBe(true);
  });

  it('rejects malformed files and contradictory days', () => {
    expect(
      holidayFile.safeParse({
        arrangements: [{ year: 2027, name: 'x', off: { from: '2027-01-05', to: '2027-01-01' } }],
      }).success,
    ).toBe(false);
    expect(
      holidayFile.safeParse({
        arrangements: [{ year: 2027, name: 'x', off: { from: '2027-13-01', to: '2027-13-02' } }],
      }).success,
    ).toBe(false);
    expect(() =>
      buildCalendar([
        { year: 2027, name: 'x', off: { from: '2027-01-01', to: '2027-01-03' }, workdays: ['2027-01-02'] },
      ]),
    ).toThrow(/both/);
  });
});
