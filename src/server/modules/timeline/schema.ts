import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn } from '../../db/columns.js';
import { calls } from '../calls/schema.js';

/** The public steps of a project, shown as its timeline. Only public facts go here. */
export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: idColumn(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    detail: jsonb('detail').notNull().default({}),
    /**
     * The audit entry this step is the public face of (audit_log.id; no foreign key: the audit table
     * is append-only and its own), whose leaf in the transparency log proves the step.
     */
    auditId: bigint('audit_id', { mode: 'number' }),
  },
  (t) => [index('timeline_call_idx').on(t.callId, t.at)],
);
