import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { calls } from '../calls/schema.js';
import { orgs } from '../orgs/schema.js';
import { regions } from '../regions/schema.js';

export type Partner = { name: string; kind: 'volunteer_team' | 'community_org' | 'other'; headcount: number };
export type Indicator = { kind: 'output' | 'outcome'; name: string; target: number; unit: string };
export type BudgetLine = { category: string; item: string; amountFen: number };
export type TimelineItem = { period: string; work: string };
export type TeamMember = { name: string; role: string; qualification: string };
export type Proposal = {
  title: string;
  needAssessment: string;
  objectives: string;
  activities: string;
  indicators: Indicator[];
  budget: BudgetLine[];
  timeline: TimelineItem[];
  team: TeamMember[];
};
export type EligibilityCheck = { rule: string; passed: boolean; message: string };

/** 申报: a "1+1+1+N" joint application to a call. Its `status` follows `applicationTransitions`. */
export const applications = pgTable(
  'applications',
  {
    id: idColumn(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    providerOrgId: uuid('provider_org_id')
      .notNull()
      .references(() => orgs.id),
    /** 1: the community where the service happens, and its committee that co-signs. */
    communityRegionId: uuid('community_region_id').references(() => regions.id),
    communityOrgId: uuid('community_org_id').references(() => orgs.id),
    /** 1: the named project social worker. The certificate number is never public. */
    socialWorkerName: text('social_worker_name').notNull().default(''),
    socialWorkerCertificate: text('social_worker_certificate').notNull().default(''),
    /** N: participation forces. */
    partners: jsonb('partners').$type<Partner[]>().notNull().default([]),
    proposal: jsonb('proposal').$type<Proposal>().notNull(),
    requestedFen: bigint('requested_fen', { mode: 'number' }).notNull().default(0),
    status: text('status').notNull().default('draft'),
    cosignedAt: timestamp('cosigned_at', { withTimezone: true }),
    cosignedBy: uuid('cosigned_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    eligibility: jsonb('eligibility').$type<EligibilityCheck[]>().notNull().default([]),
    eligibilityOverrideReason: text('eligibility_override_reason'),
    /** The applicant's explanation of duplicate-check hits. */
    duplicateExplanation: text('duplicate_explanation'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('applications_call_idx').on(t.callId, t.status),
    index('applications_provider_idx').on(t.providerOrgId),
    uniqueIndex('applications_one_per_provider_community').on(t.callId, t.providerOrgId, t.communityRegionId),
    // With no community chosen yet the index above does not apply (nulls are distinct): this one does.
    uniqueIndex('applications_one_draft_per_provider')
      .on(t.callId, t.providerOrgId)
      .where(sql`${t.status} = 'draft'`),
  ],
);
