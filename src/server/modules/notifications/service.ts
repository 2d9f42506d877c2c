import { and, arrayContains, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../../domain/enums.js';
import type { NotificationItem, NotificationList, NotificationQuery } from '../../../domain/notifications.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { notFound } from '../../http/errors.js';
import { users } from '../accounts/schema.js';
import { notificationPolicy } from './policy.js';
import { present } from './presenter.js';
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

async function unreadCountOf(db: Executor, userId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row.n;
}

/** The viewer's own notifications, newest first, with the unread total. */
export async function listNotifications(
  db: Db,
  viewer: CurrentUser,
  query: NotificationQuery,
): Promise<NotificationList> {
  const where = and(
    eq(notifications.userId, viewer.id),
    query.unread === 'true' ? isNull(notifications.readAt) : undefined,
  );
  const [rows, [{ n: total }], unreadCount] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(notifications).where(where),
    unreadCountOf(db, viewer.id),
  ]);
  return {
    items: rows.map((n) => present(viewer, n)),
    total,
    page: query.page,
    pageSize: query.pageSize,
    unreadCount,
    actions: unreadCount > 0 ? permittedActions(viewer, notificationPolicy, null, ['readAll']) : [],
  };
}

/** Marks one of the viewer's notifications read (idempotent: the first read time stays). */
export async function markRead(db: Db, viewer: CurrentUser, id: string): Promise<NotificationItem> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, viewer.id)))
    .returning();
  // Someone else's notification is as good as absent.
  if (!row) throw notFound('通知');
  return present(viewer, row);
}

/** Marks all the viewer's unread notifications read. */
export async function markAllRead(db: Db, viewer: CurrentUser) {
  const marked = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, viewer.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: marked.length, unreadCount: await unreadCountOf(db, viewer.id) };
}
