import { bigint, boolean, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';

/**
 * A signed contract's implementation, keyed by the contract itself (`id` is the contract's id):
 * the contract stays the record of the terms; this row follows the project from signing to
 * closing. It is created with the first step after signing; until then the project is 已签约.
 */
export const projects = pgTable(
  'projects',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => contracts.id),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    status: text('status', {
      enum: [
        'contracted',
        'in_implementation',
        'midterm_evaluated',
        'final_evaluation',
        'results_publicity',
        'closed',
        'terminated',
      ],
    })
      .notNull()
      .default('contracted'),
    terminationReason: text('termination_reason'),
    terminatedAt: timestamp('terminated_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('projects_status_idx').on(t.status)],
);

/** 整改: required by a failed evaluation or by the buyer, due in working days, re-checked by an evaluator. */
export const rectifications = pgTable(
  'rectifications',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    origin: text('origin', { enum: ['evaluation', 'buyer'] }).notNull(),
    /** The failed evaluation that required it (evaluations module), when it did. */
    evaluationId: uuid('evaluation_id'),
    reason: text('reason').notNull(),
    workingDays: integer('working_days').notNull(),
    openedOn: date('opened_on').notNull(),
    dueOn: date('due_on').notNull(),
    /** Counted over a year without its holiday arrangement: recomputed when the year is loaded. */
    dueOnEstimated: boolean('due_on_estimated').notNull().default(false),
    evaluatorOrgId: uuid('evaluator_org_id')
      .notNull()
      .references(() => orgs.id),
    plan: text('plan'),
    evidence: text('evidence'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    checkNote: text('check_note'),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    checkedBy: uuid('checked_by'),
    status: text('status', { enum: ['open', 'submitted', 'passed', 'failed'] })
      .notNull()
      .default('open'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('rectifications_project_idx').on(t.projectId),
    index('rectifications_evaluator_idx').on(t.evaluatorOrgId),
  ],
);

/** 追回: funds the provider must pay back after a termination, settled by recorded repayments. */
export const recoveries = pgTable(
  'recoveries',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status', { enum: ['open', 'settled'] })
      .notNull()
      .default('open'),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('recoveries_project_idx').on(t.projectId)],
);

export const recoveryRepayments = pgTable(
  'recovery_repayments',
  {
    id: idColumn(),
    recoveryId: uuid('recovery_id')
      .notNull()
      .references(() => recoveries.id),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    paidOn: date('paid_on').notNull(),
    voucherNo: text('voucher_no').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recovery_repayments_recovery_idx').on(t.recoveryId)],
);
