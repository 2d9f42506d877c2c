/**
 * One clock for server, seed and browser: every calendar date and wall-clock time the platform
 * shows or computes is in Asia/Shanghai (UTC+8, no daylight saving), whatever the zone of the
 * machine or the browser.
 */
export const TIME_ZONE = 'Asia/Shanghai';
const OFFSET = '+08:00';

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const timeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The calendar day of an instant in Asia/Shanghai, 'YYYY-MM-DD'. */
export function chinaDate(at: Date = new Date()): string {
  return dateParts.format(at);
}

/** The wall-clock time of an instant in Asia/Shanghai, 'HH:mm:ss'. */
export function chinaTime(at: Date = new Date()): string {
  return timeParts.format(at);
}

/** 'YYYY-MM-DD HH:mm' (or with seconds) in Asia/Shanghai. */
export function chinaDateTime(at: Date = new Date(), withSeconds = false): string {
  const time = chinaTime(at);
  return `${chinaDate(at)} ${withSeconds ? time : time.slice(0, 5)}`;
}

/** The instant of a Shanghai wall-clock time on a calendar day. */
export function chinaInstant(date: string, hour = 0, minute = 0, second = 0): Date {
  const pad = (n: number) => String(n).padStart(2, '0');
  return new Date(`${date}T${pad(hour)}:${pad(minute)}:${pad(second)}${OFFSET}`);
}

/** Midnight at the start of a Shanghai calendar day. */
export function chinaMidnight(date: string): Date {
  return chinaInstant(date);
}

/** The first instant after a Shanghai calendar day (exclusive upper bound of a date filter). */
export function chinaEndOfDay(date: string): Date {
  return new Date(chinaMidnight(date).getTime() + 86_400_000);
}

/** The Shanghai calendar year of an instant. */
export function chinaYear(at: Date = new Date()): number {
  return Number(chinaDate(at).slice(0, 4));
}

/** The UTC offset of Asia/Shanghai, as ISO 8601 writes it. */
export const CHINA_OFFSET = OFFSET;

/** The Asia/Shanghai wall clock of an instant, field by field (month 1–12, weekday 0 = Sunday). */
export interface ChinaClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** The Asia/Shanghai calendar fields of an instant. */
export function chinaClock(at: Date = new Date()): ChinaClock {
  const date = chinaDate(at);
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute, second] = chinaTime(at).split(':').map(Number);
  return { year, month, day, hour, minute, second, weekday: weekdayOf(date) };
}

/** The day of the week of a calendar day 'YYYY-MM-DD' (0 = Sunday … 6 = Saturday), in no zone. */
export function weekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** An instant as ISO 8601 in Asia/Shanghai with its offset: '2026-12-01T17:30:00+08:00'. */
export function chinaIso(at: Date = new Date()): string {
  return `${chinaDate(at)}T${chinaTime(at)}${OFFSET}`;
}
