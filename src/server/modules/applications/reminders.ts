import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import { DEADLINE_REMINDER_KINDS, DEADLINE_REMINDER_WORKING_DAYS } from '../../../domain/notifications.js';
import { chinaDateTime, chinaMidnight } from '../../../domain/time.js';
import {
  addDays,
  addWorkingDays,
  CN_CALENDAR,
  todayInShanghai,
  type WorkingDayCalendar,
} from '../../../domain/working-days.js';
import type { Db, Tx } from '../../db/client.js';
import { calls } from '../calls/schema.js';
import { notifications } from '../notifications/schema.js';
import { type NotificationInput, notify, usersOfOrg } from '../notifications/service.js';
import { applications } from './schema.js';

export interface ReminderResult {
  /** Applications whose provider users were reminded for the first time on this run. */
  providers: number;
  /** Applications whose community users were reminded for the first time on this run. */
  communities: number;
}

/**
 * Deadline reminders ("申报截止提醒"): for every call still open whose application window closes
 * within 3 working days (the closing day, in Asia/Shanghai, is on or before the 3rd working day
 * after today; see addWorkingDays), the provider users of each draft application are told to
 * submit, and the community users of each draft not yet co-signed are told to co-sign.
 *
 * Idempotent: each reminder carries a dedupeKey naming the application and the closing day, so a
 * user gets it once however often this runs; if the call's deadline is moved, the new deadline
 * earns a new reminder. Only `draft` applications count (a withdrawn one was withdrawn on purpose).
 */
export async function sendDeadlineReminders(
  db: Db,
  now: Date = new Date(),
  calendar: WorkingDayCalendar = CN_CALENDAR,
): Promise<ReminderResult> {
  const today = todayInShanghai(now);
  const lastDay = addWorkingDays(today, DEADLINE_REMINDER_WORKING_DAYS, calendar);
  const rows = await db
    .select({ application: applications, call: calls })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(
      and(
        eq(calls.status, 'published'),
        gt(calls.applicationClosesAt, now),
        lt(calls.applicationClosesAt, chinaMidnight(addDays(lastDay, 1))),
        inArray(applications.status, ['draft']),
      ),
    );

  const result: ReminderResult = { providers: 0, communities: 0 };
  for (const { application: a, call } of rows) {
    const closesOn = todayInShanghai(call.applicationClosesAt);
    const closesAt = chinaDateTime(call.applicationClosesAt);
    const link = `/app/applications/${a.id}`;
    const outcome = await db.transaction(async (tx) => {
      const sent = { provider: false, community: false };
      const providerUsers = await usersOfOrg(tx, a.providerOrgId, 'provider');
      sent.provider = await notifyCounting(tx, providerUsers, {
        kind: DEADLINE_REMINDER_KINDS.provider,
        title: `申报截止提醒：${call.title}`,
        body: `项目“${call.title}”将于${closesAt}截止申报，您的申报尚未提交，请尽快完善并提交。`,
        link,
        dedupeKey: `deadline:application:${a.id}:${closesOn}`,
      });
      if (a.communityOrgId && !a.cosignedAt) {
        const communityUsers = await usersOfOrg(tx, a.communityOrgId, 'community');
        sent.community = await notifyCounting(tx, communityUsers, {
          kind: DEADLINE_REMINDER_KINDS.community,
          title: `联合签章截止提醒：${call.title}`,
          body: `项目“${call.title}”将于${closesAt}截止申报，一份联合申报仍在等待贵社区签章。`,
          link,
          dedupeKey: `deadline:cosign:${a.id}:${closesOn}`,
        });
      }
      return sent;
    });
    if (outcome.provider) result.providers++;
    if (outcome.community) result.communities++;
  }
  return result;
}

/** notify(), telling whether anyone was newly notified (the dedupeKey may leave nobody). */
async function notifyCounting(tx: Tx, userIds: string[], input: NotificationInput & { dedupeKey: string }) {
  if (userIds.length === 0) return false;
  const already = await tx
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(and(inArray(notifications.userId, userIds), eq(notifications.dedupeKey, input.dedupeKey)));
  await notify(tx, userIds, input);
  return new Set(already.map((r) => r.userId)).size < new Set(userIds).size;
}

/** The worker job (main.ts hands it to the notification worker): checked every 15 minutes. */
export const deadlineReminderJob = (calendar: WorkingDayCalendar) => ({
  name: 'deadline reminders',
  everyMs: 15 * 60 * 1000,
  run: async (db: Db, now: Date) => {
    const reminded = await sendDeadlineReminders(db, now, calendar);
    return reminded.providers || reminded.communities ? { ...reminded } : null;
  },
});
