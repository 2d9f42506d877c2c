import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn } from '../../db/columns.js';
import { users } from '../accounts/schema.js';

/** Something waiting on a user: invited to a panel, objection filed, co-signature requested, … */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    link: text('link'),
    /** Deduplicates reminders (e.g. one deadline reminder per application). */
    dedupeKey: text('dedupe_key'),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Sent by e-mail (mailer.ts); never sent again. */
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    /**
     * Claimed for sending, committed before the message goes out: one claimed and never marked
     * sent or failed (the process died while sending) is not tried again, so no message goes out twice.
     */
    emailSendingAt: timestamp('email_sending_at', { withTimezone: true }),
    /** Failed sends so far; after MAX_EMAIL_ATTEMPTS it stays in-app only. */
    emailAttempts: integer('email_attempts').notNull().default(0),
    /** After a failure, not tried again before this. */
    emailRetryAt: timestamp('email_retry_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.readAt),
    index('notifications_dedupe_idx').on(t.userId, t.dedupeKey),
    index('notifications_email_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.emailedAt} is null and ${t.emailSendingAt} is null`),
  ],
);

/**
 * The deadline reminders sent (reminders.ts), one row per deadline, kind, due day and stage: the
 * idempotency key, inserted in the transaction that queues the notifications, so that however
 * many workers run, each reminder goes out once.
 */
export const deadlineReminders = pgTable('deadline_reminders', {
  key: text('key').primaryKey(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
});
