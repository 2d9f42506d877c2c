import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { calls } from '../calls/schema.js';
import { files } from '../files/schema.js';
import { orgs } from '../orgs/schema.js';

/**
 * 检查记录: a supervisory body's inspection of a project (keyed by its call, where every project's
 * life begins): scope, findings, the follow-up it requests by a due date; the buyer answers, the
 * supervisor who recorded it closes it. Only that supervisor edits it, and only until it is closed.
 */
export const inspections = pgTable(
  'inspections',
  {
    id: idColumn(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    buyerOrgId: uuid('buyer_org_id')
      .notNull()
      .references(() => orgs.id),
    supervisorId: uuid('supervisor_id').notNull(),
    supervisorName: text('supervisor_name').notNull(),
    supervisorOrgName: text('supervisor_org_name'),
    scope: text('scope').notNull(),
    findings: text('findings').notNull(),
    followUp: text('follow_up').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status', { enum: ['open', 'answered', 'closed'] })
      .notNull()
      .default('open'),
    answer: text('answer'),
    /** The buyer's optional attachment to its answer: stored content and its display name. */
    answerSha256: text('answer_sha256').references(() => files.sha256),
    answerFileName: text('answer_file_name'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredBy: uuid('answered_by'),
    closeNote: text('close_note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('inspections_call_idx').on(t.callId),
    index('inspections_buyer_idx').on(t.buyerOrgId, t.status),
  ],
);
