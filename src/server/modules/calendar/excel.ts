import type { ImportProblems } from '../../../domain/api.js';
import { isCalendarDate } from '../../../domain/dates.js';
import { type HolidayEntry, holidayEntry, holidayProblems } from '../../../domain/working-days.js';
import { unprocessable } from '../../http/errors.js';
import type { Column, RawRow } from '../../http/excel.js';

/** One row per holiday of the notice, as it reads: 元旦 1月1日至3日放假，1月4日（周日）上班. */
export const HOLIDAY_HEADERS = {
  name: '节日名称',
  from: '放假开始日期',
  to: '放假结束日期',
  workdays: '调休上班日期',
} as const;

export const templateColumns: Column<never>[] = [
  { header: HOLIDAY_HEADERS.name, width: 18, value: () => null },
  { header: HOLIDAY_HEADERS.from, width: 16, value: () => null },
  { header: HOLIDAY_HEADERS.to, width: 16, value: () => null },
  { header: HOLIDAY_HEADERS.workdays, width: 36, value: () => null },
];

const NOTES = /[（(][^）)]*[）)]/g;
const FULL = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const MONTH_DAY = /^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/;
const pad = (n: string) => n.padStart(2, '0');

/**
 * A date as typed from the notice: 2027-01-01, 2027/1/1, 2027年1月1日, or 1月1日 (in the year
 * imported). An Excel date cell arrives as 2027-01-01 already. Null when it is none of these.
 */
export function typedDate(text: string, year: number): string | null {
  const value = text.replace(NOTES, '').trim();
  const full = FULL.exec(value);
  const short = full ? null : MONTH_DAY.exec(value);
  const iso = full
    ? `${full[1]}-${pad(full[2])}-${pad(full[3])}`
    : short
      ? `${year}-${pad(short[1])}-${pad(short[2])}`
      : null;
  return iso && isCalendarDate(iso) ? iso : null;
}

const fieldHeader = (field: keyof typeof HOLIDAY_HEADERS) => HOLIDAY_HEADERS[field];

/**
 * The holidays of a workbook's rows, or 422 naming every bad cell with its row number: a date
 * that is none or does not exist, a holiday without a name, and everything `holidayProblems`
 * finds (a day outside the year, overlapping holidays, a make-up day on a weekday …).
 */
export function holidaysFromRows(rows: RawRow[], year: number): HolidayEntry[] {
  const problems: ImportProblems['rows'] = [];
  if (rows.length === 0)
    throw unprocessable('import_invalid', '文件中没有数据行', {
      rows: [{ row: 2, field: '', message: '没有数据行' }],
    });
  const entries: { row: number; entry: HolidayEntry }[] = [];
  for (const { row, values } of rows) {
    const add = (field: keyof typeof HOLIDAY_HEADERS, message: string) =>
      problems.push({ row, field: fieldHeader(field), message });
    const date = (field: 'from' | 'to') => {
      const text = values[HOLIDAY_HEADERS[field]];
      const parsed = typedDate(text, year);
      if (!parsed) add(field, text ? `日期无效：${text}` : '请填写日期');
      return parsed;
    };
    const from = date('from');
    const to = date('to');
    const workdays: string[] = [];
    for (const text of values[HOLIDAY_HEADERS.workdays]
      .replace(NOTES, ' ')
      .split(/[,，、;；\s]+/)
      .filter(Boolean)) {
      const parsed = typedDate(text, year);
      if (parsed) workdays.push(parsed);
      else add('workdays', `日期无效：${text}`);
    }
    const name = values[HOLIDAY_HEADERS.name];
    if (!name) add('name', '请填写节日名称');
    if (!name || !from || !to) continue;
    const parsed = holidayEntry.safeParse({ name, from, to, workdays });
    if (parsed.success) entries.push({ row, entry: parsed.data });
    else
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        add(field in HOLIDAY_HEADERS ? (field as keyof typeof HOLIDAY_HEADERS) : 'name', issue.message);
      }
  }
  const valid = entries.map((e) => e.entry);
  for (const p of holidayProblems(year, valid))
    problems.push({ row: entries[p.index].row, field: fieldHeader(p.field), message: p.message });
  if (problems.length) {
    problems.sort((a, b) => a.row - b.row);
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  }
  return entries.map((e) => e.entry);
}
