import { asc, eq, inArray, sql } from 'drizzle-orm';
import { CN_HOLIDAYS } from '../../../domain/holidays-cn.js';
import {
  addDays,
  arrangementsOf,
  buildCalendar,
  type CalendarStatus,
  type HolidayArrangement,
  type HolidayEntry,
  type HolidayProblem,
  type HolidaySource,
  type HolidayYear,
  type HolidayYearLoadResult,
  holidayProblems,
  todayInShanghai,
  type WorkingDayCalendar,
} from '../../../domain/working-days.js';
import { LiveCalendar } from '../../calendar.js';
import type { Db, Tx } from '../../db/client.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound, validationError } from '../../http/errors.js';
import { users } from '../accounts/schema.js';
import { appendAudit } from '../audit/service.js';
import { estimatedDeadlinesByYear, recomputeDeadlines } from './deadlines.js';
import { calendarPolicy } from './policy.js';
import { holidayYears } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type Row = typeof holidayYears.$inferSelect;

/** What is known of the notices behind the built-in years (src/domain/holidays-cn.ts). */
const BUILTIN_NOTICES: Record<number, { noticeNo: string | null; issuedOn: string }> = {
  2025: { noticeNo: '国办发明电〔2024〕12号', issuedOn: '2024-11-12' },
  // The 2026 notice's 文号 was not verified (see holidays-cn.ts): left empty rather than guessed.
  2026: { noticeNo: null, issuedOn: '2025-11-04' },
};

const SYSTEM: Actor = { user: null, ip: null };
// Any constant: loads (and start's writes) of any years take turns, so that each one checks the
// calendar of every year as committed (two adjacent years could otherwise each pass alone).
const LOAD_LOCK_KEY = 7_262_030;
const takeTurns = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK_KEY})`);
const yearOf = (date: string) => Number(date.slice(0, 4));

const entriesOf = (arrangements: readonly HolidayArrangement[]): HolidayEntry[] =>
  arrangements.map((a) => ({ name: a.name, from: a.off.from, to: a.off.to, workdays: [...a.workdays] }));

// Field by field: jsonb gives the keys back in an order of its own.
const holidayText = (list: readonly HolidayEntry[]) =>
  list.map((h) => [h.name, h.from, h.to, h.workdays.join(',')].join('|')).join(';');
const sameHolidays = (a: readonly HolidayEntry[], b: readonly HolidayEntry[]) =>
  holidayText(a) === holidayText(b);

/** Every year a set of holidays has a day in (元旦 may begin in the December before). */
const yearsTouched = (year: number, ...lists: (readonly HolidayEntry[])[]) =>
  new Set([year, ...lists.flat().flatMap((h) => [h.from, h.to, ...h.workdays].map(yearOf))]);

function countDays(holidays: readonly HolidayEntry[]) {
  const calendar = buildCalendar(arrangementsOf(0, holidays));
  return { offDays: calendar.holidays.size, makeupDays: calendar.workdays.size };
}

function present(row: Row, names: Map<string, string>, viewer: CurrentUser | null): HolidayYear {
  return {
    year: row.year,
    noticeNo: row.noticeNo,
    issuedOn: row.issuedOn,
    source: row.source,
    holidays: row.holidays,
    ...countDays(row.holidays),
    loadedBy: row.loadedBy ? (names.get(row.loadedBy) ?? null) : null,
    loadedAt: row.loadedAt.toISOString(),
    replaceReason: row.replaceReason,
    actions: permittedActions(viewer, calendarPolicy, null, ['replace']),
  };
}

async function loaderNames(db: Db | Tx, rows: Row[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.loadedBy ? [r.loadedBy] : [])))];
  if (ids.length === 0) return new Map<string, string>();
  const found = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, u.name]));
}

export async function listYears(db: Db, viewer: CurrentUser | null) {
  authorize(viewer, calendarPolicy, 'list', null);
  const rows = await db.select().from(holidayYears).orderBy(asc(holidayYears.year));
  const names = await loaderNames(db, rows);
  return {
    items: rows.map((r) => present(r, names, viewer)),
    actions: permittedActions(viewer, calendarPolicy, null, ['load']),
  };
}

/**
 * The standing warning: years that open deadlines were counted over without their arrangement,
 * and today's year, or the next one from December on (a period opened then reaches it), when not
 * loaded.
 */
export async function calendarStatus(
  db: Db,
  viewer: CurrentUser | null,
  calendar: WorkingDayCalendar,
  now: Date = new Date(),
): Promise<CalendarStatus> {
  authorize(viewer, calendarPolicy, 'status', null);
  const today = todayInShanghai(now);
  const upcoming = new Set([yearOf(today), yearOf(addDays(today, 31))]);
  const estimated = await estimatedDeadlinesByYear(db, calendar);
  const years = [...new Set([...upcoming, ...estimated.keys()])]
    .filter((y) => !calendar.years.has(y))
    .sort((a, b) => a - b);
  const missing = years.map((year) => ({
    year,
    estimatedDeadlines: estimated.get(year) ?? 0,
    upcoming: upcoming.has(year),
  }));
  const deadlines = [...estimated.values()].reduce((a, b) => a + b, 0);
  const warning = missing.length
    ? `${years.join('、')}年的节假日安排尚未载入${
        deadlines
          ? `：${deadlines}个截止日期暂按仅周末休息计算（预计），载入后自动重新计算`
          : '：涉及该年的工作日期限将暂按仅周末休息计算（预计）'
      }。请在国务院办公厅通知发布后载入。`
    : null;
  return { loadedYears: [...calendar.years].sort((a, b) => a - b), missing, warning };
}

export interface YearInput {
  year: number;
  noticeNo: string;
  issuedOn: string;
  holidays: HolidayEntry[];
}

/** The form's message for a problem of one holiday (the Excel import names rows instead). */
export const formProblems = (problems: HolidayProblem[]) =>
  problems.map((p) => ({
    path: `holidays.${p.index}.${p.field}`,
    message: `第${p.index + 1}项：${p.message}`,
  }));

/**
 * Loads a year's arrangement (`create`: not loaded yet, else 409), replaces a loaded one
 * (`replace`, with a reason) or either (`import`: a reason needed when it replaces). In one
 * transaction: the row, every open deadline touching the year counted again with the new
 * calendar, and the audit entry listing the deadlines that changed. Then this process's calendar
 * is reloaded; the others reload on the table's NOTIFY.
 */
export async function loadYear(
  db: Db,
  actor: SignedIn,
  calendar: WorkingDayCalendar,
  input: YearInput,
  options: {
    source: Extract<HolidaySource, 'form' | 'excel'>;
    mode: 'create' | 'replace' | 'import';
    reason?: string;
  },
): Promise<HolidayYearLoadResult> {
  authorize(actor.user, calendarPolicy, options.mode === 'replace' ? 'replace' : 'load', null);
  const problems = holidayProblems(input.year, input.holidays);
  if (problems.length) throw validationError(formProblems(problems));
  if (input.issuedOn > todayInShanghai()) throw fieldError('issuedOn', '通知发布日期不能晚于今天');
  const result = await db.transaction(async (tx) => {
    await takeTurns(tx);
    const [existing] = await tx
      .select()
      .from(holidayYears)
      .where(eq(holidayYears.year, input.year))
      .for('update');
    if (existing && options.mode !== 'replace' && !(options.mode === 'import' && options.reason))
      throw conflict(`${input.year}年的节假日安排已载入，替换需填写原因`, { year: input.year });
    if (!existing && options.mode === 'replace') throw notFound(`${input.year}年的节假日安排`);
    const values = {
      noticeNo: input.noticeNo,
      issuedOn: input.issuedOn,
      holidays: input.holidays,
      source: options.source,
      loadedBy: actor.user.id,
      loadedAt: new Date(),
      replaceReason: existing ? (options.reason ?? null) : null,
    };
    const [row] = existing
      ? await tx
          .update(holidayYears)
          .set({ ...values, version: sql`${holidayYears.version} + 1` })
          .where(eq(holidayYears.year, input.year))
          .returning()
      : await tx
          .insert(holidayYears)
          .values({ year: input.year, ...values })
          .onConflictDoNothing()
          .returning();
    // Two first loads of one year at once: the other one got there first.
    if (!row) throw conflict(`${input.year}年的节假日安排已载入，替换需填写原因`, { year: input.year });
    let next: WorkingDayCalendar;
    try {
      next = await LiveCalendar.read(tx);
    } catch (err) {
      const day = /\d{4}-\d{2}-\d{2}/.exec((err as Error).message)?.[0] ?? '';
      throw fieldError('holidays', `${day}既是放假日又是调休上班日：与相邻年份已载入的安排冲突`);
    }
    const recomputed = await recomputeDeadlines(
      tx,
      next,
      yearsTouched(input.year, input.holidays, existing?.holidays ?? []),
    );
    await appendAudit(tx, actor, {
      action: existing ? 'calendar.year_replaced' : 'calendar.year_loaded',
      targetType: 'holiday_year',
      targetId: String(input.year),
      summary: {
        year: input.year,
        noticeNo: input.noticeNo,
        issuedOn: input.issuedOn,
        source: options.source,
        holidays: input.holidays,
        ...(existing
          ? {
              reason: options.reason,
              before: { noticeNo: existing.noticeNo, source: existing.source, holidays: existing.holidays },
            }
          : {}),
        recomputed,
      },
      visibility: 'public',
    });
    return { row, recomputed };
  });
  if (calendar instanceof LiveCalendar) await calendar.reload(db);
  const names = await loaderNames(db, [result.row]);
  return {
    year: present(result.row, names, actor.user),
    imported: input.holidays.length,
    recomputed: result.recomputed,
  };
}

/**
 * At start: writes the seed (the built-in table, overlaid with DATA_DIR/holidays.json) into the
 * table as the years of source builtin/file — inserting missing years, updating those the seed
 * changed and removing those it no longer has (`"replace": true`) — but never touches a year an
 * administrator loaded. When years already in the table change, open deadlines are counted again
 * (with an audit entry); a first fill changes nothing, since every deadline so far was counted
 * with the seed. Concurrent starts write the same rows.
 */
export async function syncSeedYears(
  db: Db,
  seed: readonly HolidayArrangement[],
  log: { warn(obj: object, msg: string): void },
) {
  const wanted = new Map<number, HolidayEntry[]>();
  for (const a of seed) wanted.set(a.year, [...(wanted.get(a.year) ?? []), ...entriesOf([a])]);
  const rows = await db.select().from(holidayYears);
  const byYear = new Map(rows.map((r) => [r.year, r]));
  const seeded = (r: Row) => r.source === 'builtin' || r.source === 'file';
  const sourceOf = (year: number, holidays: HolidayEntry[]): HolidaySource =>
    sameHolidays(holidays, entriesOf(CN_HOLIDAYS.filter((a) => a.year === year))) ? 'builtin' : 'file';

  const inserts: (typeof holidayYears.$inferInsert)[] = [];
  const updates: (typeof holidayYears.$inferInsert)[] = [];
  for (const [year, holidays] of wanted) {
    const row = byYear.get(year);
    const source = sourceOf(year, holidays);
    const notice = source === 'builtin' ? BUILTIN_NOTICES[year] : undefined;
    const values = {
      year,
      holidays,
      source,
      noticeNo: notice?.noticeNo ?? null,
      issuedOn: notice?.issuedOn ?? null,
    };
    if (!row) inserts.push(values);
    else if (!seeded(row)) {
      if (!sameHolidays(row.holidays, holidays))
        log.warn(
          { year },
          'calendar: the year loaded by an administrator differs from the built-in/file one; keeping it',
        );
    } else if (row.source !== source || !sameHolidays(row.holidays, holidays)) updates.push(values);
  }
  const deletes = rows.filter((r) => seeded(r) && !wanted.has(r.year)).map((r) => r.year);
  if (!inserts.length && !updates.length && !deletes.length) return;

  await db.transaction(async (tx) => {
    await takeTurns(tx);
    if (inserts.length) await tx.insert(holidayYears).values(inserts).onConflictDoNothing();
    for (const values of updates)
      await tx
        .update(holidayYears)
        .set({ ...values, loadedAt: new Date(), version: sql`${holidayYears.version} + 1` })
        .where(eq(holidayYears.year, values.year));
    if (deletes.length) await tx.delete(holidayYears).where(inArray(holidayYears.year, deletes));
    if (rows.length === 0) return;
    const touched = new Set<number>(deletes);
    for (const values of [...inserts, ...updates])
      for (const y of yearsTouched(values.year, values.holidays, byYear.get(values.year)?.holidays ?? []))
        touched.add(y);
    const recomputed = await recomputeDeadlines(tx, await LiveCalendar.read(tx), touched);
    await appendAudit(tx, SYSTEM, {
      action: 'calendar.seed_synced',
      targetType: 'holiday_year',
      summary: {
        inserted: inserts.map((v) => v.year),
        updated: updates.map((v) => v.year),
        deleted: deletes,
        recomputed,
      },
      visibility: 'public',
    });
  });
}
