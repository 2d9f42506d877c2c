import { bigint, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { orgs } from '../orgs/schema.js';
import { planLines } from '../plans/schema.js';
import { regions } from '../regions/schema.js';

export type RubricCriterion = { key: string; label: string; weight: number };
export type EligibilityRules = { minGrade: string | null; minYearsRegistered: number | null };

/**
 * 项目征集: a call for applications, and the project that comes of it through review,
 * publicity and contract. Its `status` follows `callTransitions` in src/domain/lifecycle.ts.
 */
export const calls = pgTable(
  'calls',
  {
    id: idColumn(),
    /** A short public number, e.g. GD-2026-0031. */
    code: text('code').notNull().unique(),
    buyerOrgId: uuid('buyer_org_id')
      .notNull()
      .references(() => orgs.id),
    planLineId: uuid('plan_line_id').references(() => planLines.id),
    /** The street (or district) the project belongs to: region-owned for sharding. */
    regionId: uuid('region_id').references(() => regions.id),
    year: integer('year').notNull(),
    title: text('title').notNull(),
    category: text('category').notNull(),
    /** Communities (or streets) where the service may take place. */
    serviceAreaIds: uuid('service_area_ids').array().notNull().default([]),
    /** The streets those areas lie in, derived on write, for filtering by street. */
    streetIds: uuid('street_ids').array().notNull().default([]),
    targetGroups: text('target_groups').array().notNull().default([]),
    /** Cap for one application, and the total that may be awarded under this call. */
    budgetCapFen: bigint('budget_cap_fen', { mode: 'number' }).notNull(),
    totalBudgetFen: bigint('total_budget_fen', { mode: 'number' }).notNull(),
    servicePeriodStart: date('service_period_start').notNull(),
    servicePeriodEnd: date('service_period_end').notNull(),
    applicationOpensAt: timestamp('application_opens_at', { withTimezone: true }).notNull(),
    applicationClosesAt: timestamp('application_closes_at', { withTimezone: true }).notNull(),
    reviewMethod: text('review_method').notNull().default('roadshow'),
    aggregation: text('aggregation', { enum: ['trimmed_mean', 'mean', 'zscore'] })
      .notNull()
      .default('trimmed_mean'),
    rubric: jsonb('rubric').$type<RubricCriterion[]>().notNull(),
    eligibility: jsonb('eligibility').$type<EligibilityRules>().notNull(),
    /** Sanitized HTML. */
    descriptionHtml: text('description_html').notNull().default(''),
    status: text('status').notNull().default('draft'),
    /** Set when the call is open fewer days than the configured minimum. */
    shortWindowFlag: text('short_window_flag'),
    statusReason: text('status_reason'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Intl.Segmenter word tokens of the public text, for full-text search. */
    searchText: text('search_text').notNull().default(''),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('calls_status_idx').on(t.status),
    index('calls_buyer_idx').on(t.buyerOrgId),
    index('calls_region_idx').on(t.regionId),
    index('calls_category_idx').on(t.category),
    index('calls_street_ids_idx').using('gin', t.streetIds),
    index('calls_published_idx').on(t.publishedAt.desc().nullsLast(), t.id.desc()),
  ],
);

/** The public change history of a published call. */
export const callChanges = pgTable('call_changes', {
  id: idColumn(),
  callId: uuid('call_id')
    .notNull()
    .references(() => calls.id),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  changedBy: uuid('changed_by'),
  changes: jsonb('changes').notNull(),
  reason: text('reason'),
});
