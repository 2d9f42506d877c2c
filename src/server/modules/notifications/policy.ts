import type { Policy } from '../../http/authorize.js';

type NotificationAccess = { userId: string } | null;

/**
 * Notifications are private to their recipient: every signed-in user may list and read their
 * own, whatever their role; someone else's is answered with 404 (its existence is private).
 */
export const notificationPolicy: Policy<NotificationAccess, 'list' | 'read' | 'readAll'> = {
  list: () => true,
  read: (u, n) => !!n && n.userId === u.id,
  readAll: () => true,
};
