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

// ---------- a year without its arrangement ----------

/**
 * The years of the days after `start` up to and including `end` that the calendar has no
 * arrangement for: a period counted over them assumed plain Monday–Friday there.
 */
export function uncoveredYears(
  start: string,
  end: string,
  calendar: WorkingDayCalendar = CN_CALENDAR,
): number[] {
  if (end <= start) return [];
  const first = Number(addDays(start, 1).slice(0, 4));
  const last = Number(end.slice(0, 4));
  const years: number[] = [];
  for (let y = first; y <= last; y++) if (!calendar.years.has(y)) years.push(y);
  return years;
}

/** A deadline counted in working days, and whether it crossed a year without an arrangement. */
export interface WorkingDayDeadline {
  date: string;
  /** Counted as Monday–Friday over a year not loaded: to be recomputed when it is. */
  estimated: boolean;
}

/** `addWorkingDays`, telling whether the answer is only an estimate (see `uncoveredYears`). */
export function workingDayDeadline(
  start: string,
  n: number,
  calendar: WorkingDayCalendar = CN_CALENDAR,
): WorkingDayDeadline {
  const date = addWorkingDays(start, n, calendar);
  return { date, estimated: uncoveredYears(start, date, calendar).length > 0 };
}

// ---------- holiday years loaded by administrators (the calendar module's API) ----------

export const HOLIDAY_SOURCES = ['builtin', 'file', 'form', 'excel'] as const;
export type HolidaySource = (typeof HOLIDAY_SOURCES)[number];
export const holidaySourceLabels: Record<HolidaySource, string> = {
  builtin: '系统内置',
  file: '部署文件 holidays.json',
  form: '表单录入',
  excel: 'Excel 导入',
};
/** The longest closed range one holiday may have (the Spring Festival has had 9 days). */
export const HOLIDAY_MAX_DAYS = 15;
export const HOLIDAY_YEAR_MIN = 2000;
export const HOLIDAY_YEAR_MAX = 2100;

const holidayYearNumber = z
  .number({ error: '年份应为数字' })
  .int('年份应为整数')
  .min(HOLIDAY_YEAR_MIN, `年份应在${HOLIDAY_YEAR_MIN}至${HOLIDAY_YEAR_MAX}年之间`)
  .max(HOLIDAY_YEAR_MAX, `年份应在${HOLIDAY_YEAR_MIN}至${HOLIDAY_YEAR_MAX}年之间`);

/** One holiday of a notice: its closed range and the weekend days worked instead (调休上班). */
export const holidayEntry = z.object({
  name: z
    .string({ error: '请填写节日名称' })
    .trim()
    .min(1, '请填写节日名称')
    .max(50, '节日名称不能超过50个字符'),
  from: isoDate,
  to: isoDate,
  workdays: z.array(isoDate).max(10, '调休上班日不能超过10天').default([]),
});
export type HolidayEntry = z.infer<typeof holidayEntry>;

export interface HolidayProblem {
  /** Index of the holiday in the list. */
  index: number;
  field: 'name' | 'from' | 'to' | 'workdays';
  message: string;
}

/**
 * What is wrong with a year's holidays beyond their shapes: every date in that year (December of
 * the year before allowed: 元旦 has begun on 12-30), a range from its first to its last day and at
 * most HOLIDAY_MAX_DAYS long, make-up days on a Saturday or Sunday and outside every day off,
 * no two holidays overlapping or named alike.
 */
export function holidayProblems(year: number, holidays: readonly HolidayEntry[]): HolidayProblem[] {
  const problems: HolidayProblem[] = [];
  const inYear = (d: string) => Number(d.slice(0, 4)) === year || d.startsWith(`${year - 1}-12-`);
  const offDays = new Map<string, number>();
  const names = new Map<string, number>();
  for (const [index, h] of holidays.entries()) {
    const add = (field: HolidayProblem['field'], message: string) => {
      problems.push({ index, field, message });
    };
    const seen = names.get(h.name);
    if (seen !== undefined) add('name', `节日名称与第${seen + 1}项重复`);
    else names.set(h.name, index);
    for (const field of ['from', 'to'] as const)
      if (!inYear(h[field])) add(field, `${h[field]}不在${year}年内`);
    if (h.from > h.to) {
      add('to', '放假结束日期不能早于开始日期');
      continue;
    }
    if ((toUtc(h.to) - toUtc(h.from)) / DAY_MS + 1 > HOLIDAY_MAX_DAYS) {
      add('to', `放假时间不能超过${HOLIDAY_MAX_DAYS}天`);
      continue;
    }
    for (let ms = toUtc(h.from); ms <= toUtc(h.to); ms += DAY_MS) {
      const day = fromUtc(ms);
      const other = offDays.get(day);
      if (other !== undefined) {
        add('from', `放假时间与“${holidays[other].name}”重叠（${day}）`);
        break;
      }
      offDays.set(day, index);
    }
  }
  for (const [index, h] of holidays.entries()) {
    const seen = new Set<string>();
    for (const w of h.workdays) {
      const add = (message: string) => problems.push({ index, field: 'workdays', message });
      if (seen.has(w)) add(`调休上班日${w}重复`);
      seen.add(w);
      if (!inYear(w)) add(`${w}不在${year}年内`);
      const day = weekday(w);
      if (day !== 0 && day !== 6) add(`调休上班日${w}不是周六或周日`);
      const off = offDays.get(w);
      if (off !== undefined) add(`${w}在“${holidays[off].name}”放假期间，不能同时是调休上班日`);
    }
  }
  return problems;
}

/** A year's holidays as the arrangements the calendar is built from. */
export const arrangementsOf = (year: number, holidays: readonly HolidayEntry[]): HolidayArrangement[] =>
  holidays.map((h) => ({ year, name: h.name, off: { from: h.from, to: h.to }, workdays: [...h.workdays] }));

/** Loading a year by form (POST /api/calendar/years) or replacing one (PUT, with a reason). */
export const holidayYearBody = z.object({
  year: holidayYearNumber,
  noticeNo: z
    .string({ error: '请填写通知文号' })
    .trim()
    .min(1, '请填写通知文号')
    .max(100, '通知文号不能超过100个字符'),
  issuedOn: calendarDate(),
  holidays: z.array(holidayEntry).min(1, '请至少填写一个节假日').max(20, '节假日不能超过20个'),
});
export type HolidayYearBody = z.infer<typeof holidayYearBody>;

const replaceReason = z
  .string({ error: '替换已载入的年份需填写原因' })
  .trim()
  .min(2, '替换已载入的年份需填写原因（至少2个字）')
  .max(500, '原因不能超过500个字符');

export const holidayYearReplaceBody = holidayYearBody.omit({ year: true }).extend({ reason: replaceReason });
export type HolidayYearReplaceBody = z.infer<typeof holidayYearReplaceBody>;

/** The notice of a year imported from Excel (the holidays come from the workbook). */
export const holidayImportQuery = z.object({
  year: z.coerce.number().pipe(holidayYearNumber),
  noticeNo: holidayYearBody.shape.noticeNo,
  issuedOn: calendarDate(),
  /** Needed when the year is loaded already (the import then replaces it). */
  reason: replaceReason.optional(),
});

export const holidayYear = z.object({
  year: z.number().int(),
  noticeNo: z.string().nullable(),
  issuedOn: z.string().nullable(),
  source: z.enum(HOLIDAY_SOURCES),
  holidays: z.array(
    z.object({ name: z.string(), from: z.string(), to: z.string(), workdays: z.array(z.string()) }),
  ),
  /** Days off announced (weekends inside the ranges included) and make-up working days. */
  offDays: z.number().int(),
  makeupDays: z.number().int(),
  loadedBy: z.string().nullable(),
  loadedAt: z.string(),
  replaceReason: z.string().nullable(),
  /** `replace` for administrators. */
  actions: z.array(z.string()),
});
export type HolidayYear = z.infer<typeof holidayYear>;

export const holidayYearList = z.object({
  items: z.array(holidayYear),
  /** `load` for administrators. */
  actions: z.array(z.string()),
});

/** The deadlines counted in working days (and so recomputed when a year is loaded). */
export const COUNTED_DEADLINE_KINDS = ['publicity', 'rectification'] as const;
export type CountedDeadlineKind = (typeof COUNTED_DEADLINE_KINDS)[number];
export const deadlineKindLabels: Record<CountedDeadlineKind, string> = {
  publicity: '公示期截止',
  rectification: '整改期限',
};

/** A deadline that a load moved or confirmed. */
export const recomputedDeadline = z.object({
  kind: z.enum(COUNTED_DEADLINE_KINDS),
  id: z.string(),
  title: z.string(),
  before: z.string(),
  after: z.string(),
  wasEstimated: z.boolean(),
  estimated: z.boolean(),
});
export type RecomputedDeadline = z.infer<typeof recomputedDeadline>;

export const holidayYearLoadResult = z.object({
  year: holidayYear,
  /** Holidays in the year loaded (the Excel import's row count). */
  imported: z.number().int(),
  /** The open deadlines whose date or estimate changed, in the load's own transaction. */
  recomputed: z.array(recomputedDeadline),
});
export type HolidayYearLoadResult = z.infer<typeof holidayYearLoadResult>;

/** The standing warning of the admin pages: years needed that are not loaded. */
export const calendarStatus = z.object({
  loadedYears: z.array(z.number().int()),
  missing: z.array(
    z.object({
      year: z.number().int(),
      /** Open deadlines counted over this year as Monday–Friday. */
      estimatedDeadlines: z.number().int(),
      /** This year is today's, or the next one within reach of a period opened today. */
      upcoming: z.boolean(),
    }),
  ),
  warning: z.string().nullable(),
});
export type CalendarStatus = z.infer<typeof calendarStatus>;
