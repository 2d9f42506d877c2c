import { sql } from 'drizzle-orm';
import { bigint, date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { BUDGET_CATEGORIES } from '../../../domain/applications.js';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { projects } from '../projects/schema.js';

/** 拨付: one request per contract milestone (a rejected one may be requested again). */
export const payments = pgTable(
  'payments',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    milestoneKey: text('milestone_key').notNull(),
    label: text('label').notNull(),
    condition: text('condition', { enum: ['signing', 'midterm', 'final'] }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['requested', 'approved', 'paid', 'rejected'] })
      .notNull()
      .default('requested'),
    requestedBy: uuid('requested_by'),
    /** Set when the buyer approved although the condition did not hold (a red flag). */
    overrideReason: text('override_reason'),
    /** What did not hold at approval, kept with the override as its evidence. */
    overriddenCondition: text('overridden_condition'),
    rejectReason: text('reject_reason'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    paidOn: date('paid_on'),
    paidFen: bigint('paid_fen', { mode: 'number' }),
    voucherNo: text('voucher_no'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('payments_project_idx').on(t.projectId),
    // At most one live request per milestone (rejected ones excepted).
    uniqueIndex('payments_live_milestone_idx')
      .on(t.projectId, t.milestoneKey)
      .where(sql`status <> 'rejected'`),
  ],
);

/** 支出: the provider's spending against a budget category, with its receipt (attachment of type expense). */
export const expenses = pgTable(
  'expenses',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    category: text('category', { enum: BUDGET_CATEGORIES }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    spentOn: date('spent_on').notNull(),
    invoiceNo: text('invoice_no').notNull(),
    payee: text('payee').notNull(),
    description: text('description').notNull().default(''),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('expenses_project_idx').on(t.projectId)],
);

/** 预算调整: moving budget between categories, approved by the buyer, kept with before/after. */
export const budgetAdjustments = pgTable(
  'budget_adjustments',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    fromCategory: text('from_category', { enum: BUDGET_CATEGORIES }).notNull(),
    toCategory: text('to_category', { enum: BUDGET_CATEGORIES }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    /** The two categories' budgets before and after, set when decided. */
    before: jsonb('before').$type<Record<string, number>>(),
    after: jsonb('after').$type<Record<string, number>>(),
    note: text('note'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    status: text('status', { enum: ['requested', 'approved', 'rejected'] })
      .notNull()
      .default('requested'),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('budget_adjustments_project_idx').on(t.projectId)],
);
