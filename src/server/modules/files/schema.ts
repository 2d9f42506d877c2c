import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn } from '../../db/columns.js';

/** Stored content, addressed by its SHA-256 (the same file uploaded twice is stored once). */
export const files = pgTable('files', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  mime: text('mime').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A file attached to something (a call, an application, an objection), under its own name. */
export const attachments = pgTable(
  'attachments',
  {
    id: idColumn(),
    ownerType: text('owner_type', {
      enum: [
        'call',
        'application',
        'objection',
        'contract',
        'evaluation',
        'expense',
        // An activity's photos and sign-in sheet are owned by the activity; a photo's thumbnail by the photo.
        'activity_photo',
        'activity_thumbnail',
        'activity_signin',
        'policy',
        // A credit-list entry's evidence (the decision) and an appeal's.
        'credit_entry',
        'credit_appeal',
      ],
    }).notNull(),
    ownerId: uuid('owner_id').notNull(),
    sha256: text('sha256')
      .notNull()
      .references(() => files.sha256),
    name: text('name').notNull(),
    uploadedBy: uuid('uploaded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('attachments_owner_idx').on(t.ownerType, t.ownerId),
    index('attachments_sha_idx').on(t.sha256),
  ],
);
