import { bigint, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import type { Indicator } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { orgs } from '../orgs/schema.js';

export type Milestone = { key: string; label: string; shareBp: number; amountFen: number };

/** 合同: signed when both the buyer and the provider have confirmed. */
export const contracts = pgTable(
  'contracts',
  {
    id: idColumn(),
    code: text('code').notNull().unique(),
    awardId: uuid('award_id')
      .notNull()
      .references(() => awards.id)
      .unique(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    buyerOrgId: uuid('buyer_org_id')
      .notNull()
      .references(() => orgs.id),
    providerOrgId: uuid('provider_org_id')
      .notNull()
      .references(() => orgs.id),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    indicators: jsonb('indicators').$type<Indicator[]>().notNull(),
    indicatorChangeReason: text('indicator_change_reason'),
    milestones: jsonb('milestones').$type<Milestone[]>().notNull(),
    buyerConfirmedAt: timestamp('buyer_confirmed_at', { withTimezone: true }),
    providerConfirmedAt: timestamp('provider_confirmed_at', { withTimezone: true }),
    status: text('status', { enum: ['draft', 'signed', 'terminated', 'closed'] })
      .notNull()
      .default('draft'),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('contracts_provider_idx').on(t.providerOrgId), index('contracts_buyer_idx').on(t.buyerOrgId)],
);

/** Changes to a signed contract, each with its reason and before/after; raising the value is flagged. */
export const contractAmendments = pgTable('contract_amendments', {
  id: idColumn(),
  contractId: uuid('contract_id')
    .notNull()
    .references(() => contracts.id),
  number: integer('number').notNull(),
  reason: text('reason').notNull(),
  before: jsonb('before').notNull(),
  after: jsonb('after').notNull(),
  raisesValue: text('raises_value'),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
