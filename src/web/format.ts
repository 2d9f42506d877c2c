/**
 * Formatting at the edge: zh-CN dates, yuan from integer fen, numbers.
 *
 * Every date and time is shown in Asia/Shanghai whatever the browser's zone (see
 * src/domain/time.ts). Date pickers (antd, on dayjs) work in the browser's zone, so their values are
 * "Shanghai wall clocks": dayjs objects whose fields read the Shanghai date and time. `toPicker`
 * turns an API value into one, `pickerInstant` / `pickerDate` turn one back into what the API
 * expects ('2026-12-01T17:30:00+08:00' / '2026-12-01'), and `pickerNow` is "now" on that clock.
 */
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { formatFen } from '../domain/money';
import { CHINA_OFFSET, chinaClock, chinaDate, chinaDateTime, weekdayOf } from '../domain/time';

dayjs.locale('zh-cn');

export type { Dayjs };
export { dayjs };

type DateInput = string | number | Date | null | undefined;

const EMPTY = '—';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** A date and time without a zone: read as a Shanghai wall-clock time. */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** The instant of a value, or null; a calendar day ('YYYY-MM-DD') is its Shanghai midnight. */
function instant(value: DateInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  let at: Date;
  if (typeof value === 'string') {
    const text = value.trim();
    if (DATE_ONLY.test(text)) at = new Date(`${text}T00:00:00${CHINA_OFFSET}`);
    else if (NO_ZONE.test(text)) at = new Date(`${text.replace(' ', 'T')}${CHINA_OFFSET}`);
    else at = new Date(text);
  } else at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The Shanghai calendar day of a value; a calendar day stays itself. */
function calendarDay(value: DateInput): string | null {
  if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    return instant(value) ? value.trim() : null;
  }
  const at = instant(value);
  return at ? chinaDate(at) : null;
}

/** 2026-03-05 */
export function formatDate(value: DateInput): string {
  return calendarDay(value) ?? EMPTY;
}

/** 2026-03-05 14:07 */
export function formatDateTime(value: DateInput): string {
  const at = instant(value);
  return at ? chinaDateTime(at) : EMPTY;
}

/** 2026-03-05 14:07:09 */
export function formatDateTimeSeconds(value: DateInput): string {
  const at = instant(value);
  return at ? chinaDateTime(at, true) : EMPTY;
}

/** 2026年3月5日 星期四 */
export function formatDateLong(value: DateInput): string {
  const day = calendarDay(value);
  if (!day) return EMPTY;
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日 ${WEEKDAYS[weekdayOf(day)]}`;
}

/** ¥1,234.56 from 123456 fen; never goes through floating point. */
export function formatMoney(fen: number | bigint | null | undefined): string {
  if (fen === null || fen === undefined) return EMPTY;
  return formatFen(fen);
}

const numberFormat = new Intl.NumberFormat('zh-CN');

/** 12,345 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  return numberFormat.format(value);
}

/** 12.5% from 0.125 */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return EMPTY;
  return new Intl.NumberFormat('zh-CN', {
    style: 'percent',
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(ratio);
}

/** A date as the API expects it: YYYY-MM-DD (a picker value's day, else the Shanghai day). */
export function toIsoDate(value: DateInput | Dayjs): string | null {
  if (dayjs.isDayjs(value)) return value.isValid() ? value.format('YYYY-MM-DD') : null;
  return calendarDay(value);
}

/** The Shanghai wall clock of an instant as a picker value. */
function wallClock(at: Date): Dayjs {
  const c = chinaClock(at);
  return dayjs(new Date(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, at.getMilliseconds()));
}

/** Now, as a picker value: reads the current Shanghai date and time. */
export function pickerNow(): Dayjs {
  return wallClock(new Date());
}

/** Today in Shanghai, as a picker value (midnight). */
export function pickerToday(): Dayjs {
  return pickerNow().startOf('day');
}

/** A picker value for an API date ('YYYY-MM-DD', that day) or instant (its Shanghai date and time). */
export function toPicker(value: DateInput): Dayjs | null {
  if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    const [y, m, d] = value.trim().split('-').map(Number);
    return instant(value) ? dayjs(new Date(y, m - 1, d)) : null;
  }
  const at = instant(value);
  return at ? wallClock(at) : null;
}

/** The Shanghai instant a picker value reads, as the API expects it: '2026-12-01T17:30:00+08:00'. */
export function pickerInstant(value: Dayjs): string;
export function pickerInstant(value: Dayjs | null | undefined): string | undefined;
export function pickerInstant(value: Dayjs | null | undefined): string | undefined {
  if (!value?.isValid()) return undefined;
  return `${value.format('YYYY-MM-DD[T]HH:mm:ss')}${CHINA_OFFSET}`;
}

/** The calendar day a picker value reads: 'YYYY-MM-DD'. */
export function pickerDate(value: Dayjs): string;
export function pickerDate(value: Dayjs | null | undefined): string | undefined;
export function pickerDate(value: Dayjs | null | undefined): string | undefined {
  if (!value?.isValid()) return undefined;
  return value.format('YYYY-MM-DD');
}

/** Today's Shanghai calendar day, 'YYYY-MM-DD' (for file names, defaults, comparisons). */
export function todayInChina(): string {
  return chinaDate();
}
