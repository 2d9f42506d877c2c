import { describe, expect, it } from 'vitest';
import { CN_HOLIDAYS } from './holidays-cn.js';
import {
  addDays,
  addWorkingDays,
  arrangementsOf,
  buildCalendar,
  CN_CALENDAR,
  HOLIDAY_MAX_DAYS,
  holidayFile,
  holidayProblems,
  holidayYearBody,
  isIsoDate,
  isWorkingDay,
  mergeArrangements,
  todayInShanghai,
  uncoveredYears,
  weekday,
  workingDayDeadline,
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

describe('a year without its arrangement', () => {
  const with2027 = buildCalendar([
    ...CN_HOLIDAYS,
    { year: 2027, name: '元旦', off: { from: '2027-01-01', to: '2027-01-03' }, workdays: [] },
  ]);

  it('is counted Monday–Friday and the deadline marked estimated, until the year is loaded', () => {
    // Mon 2026-12-28 + 5: 12-29, 12-30, 12-31, Fri 2027-01-01 (a weekday, without 2027's notice), 01-04.
    expect(workingDayDeadline('2026-12-28', 5)).toEqual({ date: '2027-01-04', estimated: true });
    expect(workingDayDeadline('2026-12-28', 5, with2027)).toEqual({ date: '2027-01-05', estimated: false });
    // Inside 2026, or ending on its last day: no estimate.
    expect(workingDayDeadline('2026-12-01', 5)).toEqual({ date: '2026-12-08', estimated: false });
    expect(workingDayDeadline('2026-12-28', 3)).toEqual({ date: '2026-12-31', estimated: false });
    expect(workingDayDeadline('2026-12-31', 0)).toEqual({ date: '2026-12-31', estimated: false });
    // Years before the table are estimates too.
    expect(workingDayDeadline('2024-12-30', 1).estimated).toBe(true);
  });

  it('names the years a period crosses without data', () => {
    expect(uncoveredYears('2026-12-31', '2028-01-03')).toEqual([2027, 2028]);
    expect(uncoveredYears('2026-12-31', '2028-01-03', with2027)).toEqual([2028]);
    // The opening day does not count: a period opened on 2027-12-31 starts in 2028.
    expect(uncoveredYears('2027-12-31', '2028-01-03', with2027)).toEqual([2028]);
    expect(uncoveredYears('2025-12-30', '2026-12-31')).toEqual([]);
    expect(uncoveredYears('2026-03-01', '2026-03-01')).toEqual([]);
  });
});

describe('a year loaded from its notice', () => {
  const holiday = (from: string, to: string, workdays: string[] = [], name = '春节') => ({
    name,
    from,
    to,
    workdays,
  });

  it('accepts the built-in years as their notices read', () => {
    for (const year of [2025, 2026]) {
      const entries = CN_HOLIDAYS.filter((a) => a.year === year).map((a) =>
        holiday(a.off.from, a.off.to, a.workdays, a.name),
      );
      expect(holidayProblems(year, entries)).toEqual([]);
      expect(buildCalendar(arrangementsOf(year, entries)).holidays).toEqual(
        buildCalendar(CN_HOLIDAYS.filter((a) => a.year === year)).holidays,
      );
    }
    // 元旦 2024 began on 2023-12-30.
    expect(holidayProblems(2024, [holiday('2023-12-30', '2024-01-01', [], '元旦')])).toEqual([]);
  });

  it('names every problem: reversed or long ranges, days outside the year, overlaps, odd make-up days, repeated names', () => {
    expect(
      holidayProblems(2027, [
        holiday('2027-01-03', '2027-01-01', [], '元旦'),
        holiday('2027-02-06', '2027-02-14', ['2027-02-17', '2027-02-13', '2027-02-20', '2027-02-20']),
        holiday('2027-02-14', '2027-02-15', [], '春节'),
        holiday('2028-05-01', '2028-05-02', ['2026-05-09'], '劳动节'),
        holiday('2027-09-25', '2027-10-20', [], '国庆节'),
      ]),
    ).toEqual([
      { index: 0, field: 'to', message: '放假结束日期不能早于开始日期' },
      { index: 2, field: 'name', message: '节日名称与第2项重复' },
      { index: 2, field: 'from', message: '放假时间与“春节”重叠（2027-02-14）' },
      { index: 3, field: 'from', message: '2028-05-01不在2027年内' },
      { index: 3, field: 'to', message: '2028-05-02不在2027年内' },
      { index: 4, field: 'to', message: `放假时间不能超过${HOLIDAY_MAX_DAYS}天` },
      { index: 1, field: 'workdays', message: '调休上班日2027-02-17不是周六或周日' },
      { index: 1, field: 'workdays', message: '2027-02-13在“春节”放假期间，不能同时是调休上班日' },
      { index: 1, field: 'workdays', message: '调休上班日2027-02-20重复' },
      { index: 3, field: 'workdays', message: '2026-05-09不在2027年内' },
    ]);
  });

  it('validates the form’s shape: impossible dates and a missing 文号', () => {
    const parsed = holidayYearBody.safeParse({
      year: 2027,
      noticeNo: ' ',
      issuedOn: '2026-11-31',
      holidays: [{ name: '元旦', from: '2027-02-29', to: '2027-01-03' }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['noticeNo', '请填写通知文号'],
      ['issuedOn', '日期不存在：2026-11-31'],
      ['holidays.0.from', '日期不存在：2027-02-29'],
    ]);
  });
});
