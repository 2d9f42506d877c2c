import { sql } from 'drizzle-orm';
import {
  COUNTED_DEADLINE_KINDS,
  type CountedDeadlineKind,
  deadlineKindLabels,
  type RecomputedDeadline,
  uncoveredYears,
  type WorkingDayCalendar,
  workingDayDeadline,
} from '../../../domain/working-days.js';
import type { Executor, Tx } from '../../db/client.js';
import { type OpenDeadline, openDeadlines } from '../notifications/deadlines.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { rectifications } from '../projects/schema.js';
import { publicities } from '../publicity/schema.js';

const COUNTED = COUNTED_DEADLINE_KINDS;
const yearOf = (date: string) => Number(date.slice(0, 4));

/** Stores a deadline counted again (date, estimate, a new version) if it is still open. */
async function store(tx: Tx, d: OpenDeadline, next: { date: string; estimated: boolean }) {
  const { table, column } =
    d.kind === 'publicity'
      ? { table: publicities, column: 'closes_on' }
      : { table: rectifications, column: 'due_on' };
  await tx.execute(sql`update ${table}
    set ${sql.identifier(column)} = ${next.date}, ${sql.identifier(`${column}_estimated`)} = ${next.estimated},
      version = version + 1, updated_at = ${new Date().toISOString()}::timestamptz
    where id = ${d.id} and status = 'open'`);
}

/**
 * Counts every open publicity period and rectification whose period touches one of `years`
 * again with `calendar` (the one a load is about to make current), in the load's transaction;
 * stores and returns those whose date or estimate changed, and tells who has to meet them.
 */
export async function recomputeDeadlines(
  tx: Tx,
  calendar: WorkingDayCalendar,
  years: ReadonlySet<number>,
): Promise<RecomputedDeadline[]> {
  const changed: RecomputedDeadline[] = [];
  for (const d of await openDeadlines(tx, { kinds: COUNTED })) {
    if (!d.counted) continue;
    const next = workingDayDeadline(d.counted.from, d.counted.workingDays, calendar);
    const first = yearOf(d.counted.from);
    const last = Math.max(yearOf(d.dueOn), yearOf(next.date));
    if (![...years].some((y) => y >= first && y <= last)) continue;
    if (next.date === d.dueOn && next.estimated === d.estimated) continue;
    await store(tx, d, next);
    const label = deadlineKindLabels[d.kind as CountedDeadlineKind];
    const before = `${d.dueOn}${d.estimated ? '（预计）' : ''}`;
    await notify(tx, await usersOfOrg(tx, d.orgId, d.role), {
      kind: 'deadline.recomputed',
      title: `${label}日期已按节假日安排更新：${d.title}`,
      body:
        next.date === d.dueOn
          ? `${label}${d.dueOn}已按节假日安排确认。`
          : `节假日安排载入后，${label}由${before}调整为${next.date}${next.estimated ? '（预计）' : ''}。`,
      link: d.link,
    });
    changed.push({
      kind: d.kind as CountedDeadlineKind,
      id: d.id,
      title: d.title,
      before: d.dueOn,
      after: next.date,
      wasEstimated: d.estimated,
      estimated: next.estimated,
    });
  }
  return changed;
}

/** Open deadlines counted over each year the calendar lacks, by year. */
export async function estimatedDeadlinesByYear(db: Executor, calendar: WorkingDayCalendar) {
  const byYear = new Map<number, number>();
  for (const d of await openDeadlines(db, { kinds: COUNTED })) {
    if (!d.estimated || !d.counted) continue;
    for (const year of uncoveredYears(d.counted.from, d.dueOn, calendar))
      byYear.set(year, (byYear.get(year) ?? 0) + 1);
  }
  return byYear;
}
