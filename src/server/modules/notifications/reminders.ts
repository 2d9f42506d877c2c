import { inArray } from 'drizzle-orm';
import {
  addWorkingDays,
  CN_CALENDAR,
  todayInShanghai,
  type WorkingDayCalendar,
  workingDaysBetween,
} from '../../../domain/working-days.js';
import type { Db } from '../../db/client.js';
import { type DeadlineKind, type OpenDeadline, openDeadlines } from './deadlines.js';
import { deadlineReminders } from './schema.js';
import { notify, usersOfOrg } from './service.js';

export type ReminderStage = 'due_soon' | 'overdue';

const WHAT: Record<DeadlineKind, { thing: string; act: string }> = {
  evaluation: { thing: '评估报告提交期限', act: '请按期完成评估并提交报告' },
  rectification: { thing: '整改期限', act: '请按期提交整改方案和整改情况' },
  recovery: { thing: '追回资金还款期限', act: '请按期退回应追回的资金' },
  publicity: { thing: '公示期', act: '请及时答复异议，期满后结束公示' },
};

function message(d: OpenDeadline, stage: ReminderStage, left: number) {
  const { thing, act } = WHAT[d.kind];
  const estimate = d.estimated ? '（预计，待节假日安排公布后确认）' : '';
  if (stage === 'due_soon')
    return {
      title: `${thing}提醒：${d.title}`,
      body: `${thing}至${d.dueOn}${estimate}，${left === 0 ? '今天截止' : `还有${left}个工作日`}。${act}。`,
    };
  if (d.kind === 'publicity')
    return {
      title: `公示期已满：${d.title}`,
      body: `公示期已于${d.dueOn}结束，请答复全部异议后结束公示。`,
    };
  return { title: `已逾期：${d.title}`, body: `${thing}为${d.dueOn}${estimate}，现已逾期。${act}。` };
}

export const reminderKey = (d: OpenDeadline, stage: ReminderStage) =>
  `deadline:${d.kind}:${d.id}:${d.dueOn}:${stage}`;

/**
 * Deadline reminders of the project pipeline: each open deadline (notifications/deadlines.ts:
 * evaluation reports, rectifications, recoveries, publicity periods) is reminded to the users who
 * have to meet it `days` working days before it (or fewer, when it is first seen later), and
 * again on the first day it is overdue — each exactly once: the key of deadline, due day and
 * stage is inserted with the notifications in one transaction, and a second worker's insert of
 * the same key does nothing. A deadline moved by a holiday load gets reminders of its new day.
 */
export async function sendProjectDeadlineReminders(
  db: Db,
  now: Date,
  settings: { calendar?: WorkingDayCalendar; days: number },
): Promise<{ sent: number }> {
  const calendar = settings.calendar ?? CN_CALENDAR;
  const today = todayInShanghai(now);
  const horizon = addWorkingDays(today, settings.days, calendar);
  const due = await openDeadlines(db, { dueBy: horizon });
  const candidates = due.map((d) => ({
    d,
    stage: (d.dueOn < today ? 'overdue' : 'due_soon') as ReminderStage,
  }));
  if (candidates.length === 0) return { sent: 0 };
  const keys = candidates.map(({ d, stage }) => reminderKey(d, stage));
  const done = new Set(
    (
      await db
        .select({ key: deadlineReminders.key })
        .from(deadlineReminders)
        .where(inArray(deadlineReminders.key, keys))
    ).map((r) => r.key),
  );
  let sent = 0;
  for (const { d, stage } of candidates) {
    const key = reminderKey(d, stage);
    if (done.has(key)) continue;
    const left = stage === 'due_soon' ? workingDaysBetween(today, d.dueOn, calendar) : 0;
    const delivered = await db.transaction(async (tx) => {
      const recipients = await usersOfOrg(tx, d.orgId, d.role);
      if (recipients.length === 0) return false;
      const [claimed] = await tx.insert(deadlineReminders).values({ key }).onConflictDoNothing().returning();
      if (!claimed) return false;
      await notify(tx, recipients, {
        kind: `deadline.${d.kind}`,
        ...message(d, stage, left),
        link: d.link,
        dedupeKey: key,
      });
      return true;
    });
    if (delivered) sent++;
  }
  return { sent };
}

/** The worker job (main.ts hands it to the notification worker): checked every 15 minutes. */
export const projectDeadlineReminderJob = (calendar: WorkingDayCalendar, days: number) => ({
  name: 'project deadline reminders',
  everyMs: 15 * 60 * 1000,
  run: async (db: Db, now: Date) => {
    const { sent } = await sendProjectDeadlineReminders(db, now, { calendar, days });
    return sent ? { sent } : null;
  },
});
