/**
 * Working days (工作日) in mainland China, from the holiday table in holidays-cn.ts (or a
 * deployment's replacement). Dates are 'YYYY-MM-DD' strings: calendar days in Asia/Shanghai.
 *
 * A day is a working day when it is an adjusted working day (调休上班), or else when it is
 * Monday to Friday and not inside a holiday range. Years missing from the table fall back to
 * plain Monday–Friday (`calendar.years` tells which years are covered).
 *
 * Counting rule (the same as 《民法典》第二百零一条 for periods counted in days: "开始的当日不计入，
 * 自下一日开始计算"): the opening day does NOT count. A period of n working days opened on day D
 * ends on the n-th working day after D, whatever D is. E.g. opened Wednesday 2026-09-30 for 5
 * working days: 10-01..10-07 are off, so the days are 10-08 (Thu), 10-09 (Fri), 10-10 (Sat,
 * adjusted working day), 10-12 (Mon), 10-13 (Tue) → the period ends on 2026-10-13 (inclusive).
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';
import { CN_HOLIDAYS, type HolidayArrangement } from './holidays-cn.js';
import { chinaDate } from './time.js';

export type { HolidayArrangement } from './holidays-cn.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written 'YYYY-MM-DD' (rejects 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function toUtc(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The date n calendar days after (or before, for negative n) `date`. */
export function addDays(date: string, n: number): string {
  return fromUtc(toUtc(date) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(toUtc(date)).getUTCDay();
}

/** Today's date in Asia/Shanghai, 'YYYY-MM-DD'. */
export const todayInShanghai = (now: Date = new Date()): string => chinaDate(now);

export interface WorkingDayCalendar {
  /** Days off by announcement (including the weekends inside a holiday range), with the holiday's name. */
  readonly holidays: ReadonlyMap<string, string>;
  /** Weekend days that are working days (调休上班), with the holiday they make up for. */
  readonly workdays: ReadonlyMap<string, string>;
  /** Years the table covers; other years are plain Monday–Friday. */
  readonly years: ReadonlySet<number>;
  readonly arrangements: readonly HolidayArrangement[];
}

const isoDate = calendarDate();

export const holidayArrangement = z
  .object({
    year: z.number().int().min(2000).max(2100),
    name: z.string().trim().min(1).max(50),
    off: z.object({ from: isoDate, to: isoDate }),
    workdays: z.array(isoDate).default([]),
  })
  .refine((a) => a.off.from <= a.off.to, { message: '放假开始日期不能晚于结束日期', path: ['off'] });

/** The shape of `DATA_DIR/holidays.json`. */
export const holidayFile = z.object({
  /** true: use only the file's arrangements; false (default): merge them over the built-in table. */
  replace: z.boolean().default(false),
  arrangements: z.array(holidayArrangement),
});
export type HolidayFile = z.infer<typeof holidayFile>;

/** Built-in table overlaid with a file's: same year + name replaces, others are added. */
export function mergeArrangements(
  base: readonly HolidayArrangement[],
  file: { replace?: boolean; arrangements: readonly HolidayArrangement[] },
): HolidayArrangement[] {
  const key = (a: HolidayArrangement) => `${a.year}|${a.name}`;
  const merged = new Map<string, HolidayArrangement>();
  if (!file.replace) for (const a of base) merged.set(key(a), a);
  for (const a of file.arrangements) merged.set(key(a), a);
  return [...merged.values()].sort((a, b) => a.off.from.localeCompare(b.off.from));
}

/** Builds the lookup tables; throws when one day is both a day off and an adjusted working day. */
export function buildCalendar(arrangements: readonly HolidayArrangement[]): WorkingDayCalendar {
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  const years = new Set<number>();
  for (const a of arrangements) {
    years.add(a.year);
    for (let ms = toUtc(a.off.from); ms <= toUtc(a.off.to); ms += DAY_MS) holidays.set(fromUtc(ms), a.name);
    for (const w of a.workdays) {
      toUtc(w);
      workdays.set(w, a.name);
    }
  }
  for (const day of workdays.keys()) {
    if (holidays.has(day))
      throw new RangeError(`${day} is both a day off (${holidays.get(day)}) and a working day`);
  }
  return { holidays, workdays, years, arrangements: [...arrangements] };
}

/** Mainland China's calendar from the built-in table. */
export const CN_CALENDAR: WorkingDayCalendar = buildCalendar(CN_HOLIDAYS);

export function isWorkingDay(date: string, calendar: WorkingDayCalendar = CN_CALENDAR): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

/** Guards against loops over absurd inputs (a calendar with no working day at all). */
const MAX_SCAN_DAYS = 366 * 20;

/**
 * The last day of a period of `n` working days opened on `start`: the n-th working day AFTER
 * `start` (the opening day itself never counts, even when it is a working day). n = 0 gives `start`.
 */
export function addWorkingDays(start: string, n: number, calendar: WorkingDayCalendar = CN_CALENDAR): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  let ms = toUtc(start);
  let counted = 0;
  for (let scanned = 0; counted < n; scanned++) {
    if (scanned > MAX_SCAN_DAYS) throw new RangeError('no working days in the calendar');
    ms += DAY_MS;
    if (isWorkingDay(fromUtc(ms), calendar)) counted++;
  }
  return fromUtc(ms);
}

/**
 * Working days d with from < d ≤ to (the first day excluded, the last included), so that
 * `workingDaysBetween(s, addWorkingDays(s, n)) === n`. Negative when `to` is before `from`.
 */
export function workingDaysBetween(
  from: string,
  to: string,
  calendar: WorkingDayCalendar = CN_CALENDAR,
): number {
  const a = toUtc(from);
  const b = toUtc(to);
  if (b < a) return -workingDaysBetween(to, from, calendar);
  if ((b - a) / DAY_MS > MAX_SCAN_DAYS * 5) throw new RangeError('range too long');
  let n = 0;
  for (let ms = a + DAY_MS; ms <= b; ms += DAY_MS) if (isWorkingDay(fromUtc(ms), calendar)) n++;
  return n;
}
