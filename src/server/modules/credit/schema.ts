import { sql } from 'drizzle-orm';
import { date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { APPEAL_STATES, CREDIT_ENTRY_STATES, CREDIT_LISTS } from '../../../domain/credit.js';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';

/**
 * 红黑榜 entries of all four kinds (src/domain/credit.ts). Whether one is in force follows from
 * its dates and a recorded removal (`creditStanding`); `status` only says whether it was
 * proposed, declined, listed or removed. Eligibility reads it (applications module).
 */
export const creditEntries = pgTable(
  'credit_entries',
  {
    id: idColumn(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    list: text('list', { enum: CREDIT_LISTS }).notNull(),
    reasonCode: text('reason_code').notNull().default('other'),
    reason: text('reason').notNull(),
    /** The deciding body (决定机关). */
    decidedBy: text('decided_by').notNull(),
    /** The decision's document number (文号); a proposal has none until it is confirmed. */
    documentNo: text('document_no'),
    decidedOn: date('decided_on'),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    status: text('status', { enum: CREDIT_ENTRY_STATES }).notNull().default('listed'),
    origin: text('origin', { enum: ['system', 'admin', 'import'] })
      .notNull()
      .default('admin'),
    /** The project (contract) it arose from. */
    projectId: uuid('project_id').references(() => contracts.id),
    /** The admin's reason for confirming or declining a proposal. */
    decisionNote: text('decision_note'),
    decisionBy: uuid('decision_by'),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    /** The Shanghai day the removal took effect. */
    removedOn: date('removed_on'),
    removedReason: text('removed_reason'),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('credit_org_idx').on(t.orgId, t.list),
    index('credit_status_idx').on(t.status, t.list),
    // A project's facts propose each kind of entry once, whatever became of the proposal.
    uniqueIndex('credit_project_reason_idx')
      .on(t.projectId, t.list, t.reasonCode)
      .where(sql`origin = 'system'`),
  ],
);

/** 申诉: the listed organization's appeal against an entry, decided by an admin. */
export const creditAppeals = pgTable(
  'credit_appeals',
  {
    id: idColumn(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => creditEntries.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    reasons: text('reasons').notNull(),
    status: text('status', { enum: APPEAL_STATES }).notNull().default('open'),
    decisionReason: text('decision_reason'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('credit_appeals_entry_idx').on(t.entryId),
    index('credit_appeals_status_idx').on(t.status),
    uniqueIndex('credit_appeals_open_idx').on(t.entryId).where(sql`status = 'open'`),
  ],
);
