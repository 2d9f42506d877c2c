/** Formatting at the edge: zh-CN dates, yuan from integer fen, numbers. */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { formatFen } from '../domain/money';

dayjs.locale('zh-cn');

export { dayjs };

type DateInput = string | number | Date | null | undefined;

const EMPTY = '—';

function parse(value: DateInput) {
  if (value === null || value === undefined || value === '') return null;
  const d = dayjs(value);
  return d.isValid() ? d : null;
}

/** 2026-03-05 */
export function formatDate(value: DateInput): string {
  return parse(value)?.format('YYYY-MM-DD') ?? EMPTY;
}

/** 2026-03-05 14:07 */
export function formatDateTime(value: DateInput): string {
  return parse(value)?.format('YYYY-MM-DD HH:mm') ?? EMPTY;
}

/** 2026-03-05 14:07:09 */
export function formatDateTimeSeconds(value: DateInput): string {
  return parse(value)?.format('YYYY-MM-DD HH:mm:ss') ?? EMPTY;
}

/** 2026年3月5日 星期四 */
export function formatDateLong(value: DateInput): string {
  return parse(value)?.format('YYYY年M月D日 dddd') ?? EMPTY;
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

/** A date as the API expects it: YYYY-MM-DD. */
export function toIsoDate(value: DateInput | dayjs.Dayjs): string | null {
  if (dayjs.isDayjs(value)) return value.isValid() ? value.format('YYYY-MM-DD') : null;
  return parse(value)?.format('YYYY-MM-DD') ?? null;
}
