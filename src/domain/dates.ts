/**
 * The one date and date-time type of every schema that takes a date, bodies and query strings
 * alike: a day that exists on the calendar (no 2027-02-30, 0000-00-00 or 9999-99-99; zod's ISO
 * date pattern knows month lengths and leap years) in a range of years that PostgreSQL, `Date`
 * and the working-day arithmetic all handle (PostgreSQL has no year 0, and a day of year 9999
 * plus a publicity period would fall outside 'YYYY-MM-DD').
 */
import { z } from 'zod';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_FORMAT = '日期格式应为 YYYY-MM-DD';
const YEAR_RANGE = `日期应在 ${MIN_YEAR} 年至 ${MAX_YEAR} 年之间`;

const inYearRange = (value: string) => {
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
};

/**
 * A calendar day 'YYYY-MM-DD' that exists. `message` replaces every message (the batch CLI
 * speaks English); by default a well-formed day that does not exist is named as such.
 */
export function calendarDate(message?: string) {
  return z.iso
    .date({
      // A value that is no date at all gets one message, not a second about its year.
      abort: true,
      error: (issue) =>
        message ??
        (typeof issue.input === 'string' && DATE_SHAPE.test(issue.input)
          ? `日期不存在：${issue.input}`
          : DATE_FORMAT),
    })
    .refine(inYearRange, message ?? YEAR_RANGE);
}

/** An instant in ISO 8601 with its UTC offset ('2026-12-01T09:00:00+08:00') on a day that exists. */
export function isoDateTime(message = '时间格式应为 ISO 8601，如 2026-12-01T09:00:00+08:00') {
  return z.iso.datetime({ offset: true, error: message, abort: true }).refine(inYearRange, message);
}

const anyCalendarDate = calendarDate();

/** True for a date 'YYYY-MM-DD' that exists, in the accepted years. */
export const isCalendarDate = (value: string) => anyCalendarDate.safeParse(value).success;
