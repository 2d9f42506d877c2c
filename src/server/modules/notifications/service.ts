import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import type { Role } from '../../../domain/enums.js';
import type { Executor, Tx } from '../../db/client.js';
import { users } from '../accounts/schema.js';
import { notifications } from './schema.js';

export interface NotificationInput {
  kind: string;
  title: string;
  body?: string;
  link?: string;
  /** When set, a user gets at most one unread notification with this key. */
  dedupeKey?: string;
}

/** The active users of an organization holding a role: who acts for it. */
export async function usersOfOrg(db: Executor, orgId: string, role: Role) {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.active, true), arrayContains(users.roles, [role])));
  return rows.map((r) => r.id);
}

/** Queues notifications in the caller's transaction; e-mail delivery reads them afterwards. */
export async function notify(tx: Tx, userIds: string[], input: NotificationInput) {
  let recipients = [...new Set(userIds)];
  if (recipients.length === 0) return;
  if (input.dedupeKey) {
    const existing = await tx
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(inArray(notifications.userId, recipients), eq(notifications.dedupeKey, input.dedupeKey)));
    const seen = new Set(existing.map((e) => e.userId));
    recipients = recipients.filter((id) => !seen.has(id));
  }
  if (recipients.length === 0) return;
  await tx.insert(notifications).values(recipients.map((userId) => ({ userId, ...input })));
}
