import { date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { HolidayEntry } from '../../../domain/working-days.js';
import { versionColumn } from '../../db/columns.js';

/**
 * 节假日安排: one row per year whose official arrangement (the State Council's notice) is loaded.
 * The working-day calendar of every process is built from this table (src/server/calendar.ts);
 * the built-in years and DATA_DIR/holidays.json are written here at start (source builtin/file),
 * a year loaded by an administrator (form/excel) is never touched by that.
 */
export const holidayYears = pgTable('holiday_years', {
  year: integer('year').primaryKey(),
  /** 文号 of the notice, e.g. 国办发明电〔2024〕12号 (null for a built-in year not verified). */
  noticeNo: text('notice_no'),
  issuedOn: date('issued_on'),
  holidays: jsonb('holidays').$type<HolidayEntry[]>().notNull(),
  source: text('source', { enum: ['builtin', 'file', 'form', 'excel'] }).notNull(),
  /** The administrator who loaded it; null for builtin/file. */
  loadedBy: uuid('loaded_by'),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  /** Why a loaded year was replaced (the audit entry keeps every version). */
  replaceReason: text('replace_reason'),
  version: versionColumn(),
});
