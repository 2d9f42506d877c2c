import { z } from 'zod';
import { actions, pageOf } from './api.js';

/** `GET /api/notifications`: the signed-in user's own notifications, newest first. */
export const notificationQuery = z.object({
  /** `true`: only those not yet read. */
  unread: z.enum(['true', 'false'], { error: 'unread 应为 true 或 false' }).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type NotificationQuery = z.infer<typeof notificationQuery>;

export const notificationItem = z.object({
  id: z.string(),
  /** What happened, e.g. `application.cosign_requested`, `deadline.application`. */
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  /** Where in the app to act on it (a path such as `/applications/…`), or null. */
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  /** `read` while unread. */
  actions,
});
export type NotificationItem = z.infer<typeof notificationItem>;

/** A page of notifications plus the user's unread total (for the bell's badge). */
export const notificationList = pageOf(notificationItem).extend({
  unreadCount: z.number().int(),
  /** `readAll` when something is unread. */
  actions,
});
export type NotificationList = z.infer<typeof notificationList>;

export const readAllResult = z.object({
  /** How many notifications this call marked read. */
  marked: z.number().int(),
  unreadCount: z.number().int(),
});
export type ReadAllResult = z.infer<typeof readAllResult>;

/** Kinds created by the deadline reminders. */
export const DEADLINE_REMINDER_KINDS = {
  provider: 'deadline.application',
  community: 'deadline.cosign',
} as const;

/** Deadline reminders go out this many working days (or fewer) before a call closes. */
export const DEADLINE_REMINDER_WORKING_DAYS = 3;
