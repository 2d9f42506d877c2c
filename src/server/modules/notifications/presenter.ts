import type { NotificationItem } from '../../../domain/notifications.js';
import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { notificationPolicy } from './policy.js';
import type { notifications } from './schema.js';

export type NotificationRow = typeof notifications.$inferSelect;

export const present = (viewer: CurrentUser, n: NotificationRow): NotificationItem => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  link: n.link,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
  actions: n.readAt ? [] : permittedActions(viewer, notificationPolicy, n, ['read']),
});
