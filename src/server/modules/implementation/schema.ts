import {
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { ACTIVITY_TYPES } from '../../../domain/implementation.js';
import { idColumn, versionColumn } from '../../db/columns.js';
import { projects } from '../projects/schema.js';
import { regions } from '../regions/schema.js';

/** 实施动态: one activity of a project, confirmed or disputed by the community of its area. */
export const activities = pgTable(
  'activities',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    heldOn: date('held_on').notNull(),
    place: text('place').notNull(),
    communityRegionId: uuid('community_region_id')
      .notNull()
      .references(() => regions.id),
    type: text('type', { enum: ACTIVITY_TYPES }).notNull(),
    participants: jsonb('participants').$type<{ group: string; count: number }[]>().notNull(),
    volunteers: integer('volunteers').notNull().default(0),
    /** Tenths of an hour. */
    volunteerHoursDeci: integer('volunteer_hours_deci').notNull().default(0),
    description: text('description').notNull(),
    status: text('status', { enum: ['reported', 'confirmed', 'disputed'] })
      .notNull()
      .default('reported'),
    disputeReason: text('dispute_reason'),
    confirmedBy: uuid('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('activities_project_idx').on(t.projectId, t.heldOn),
    index('activities_community_idx').on(t.communityRegionId, t.status),
  ],
);

/** Achieved values reported for a contract indicator (by its position); the newest counts. */
export const indicatorReports = pgTable(
  'indicator_reports',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    indicatorIndex: integer('indicator_index').notNull(),
    achieved: doublePrecision('achieved').notNull(),
    evidence: text('evidence').notNull(),
    reportedOn: date('reported_on').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('indicator_reports_project_idx').on(t.projectId, t.indicatorIndex)],
);
