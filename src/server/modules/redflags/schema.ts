import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { contracts } from '../contracts/schema.js';

/**
 * 预警: one row per finding of an indicator about a subject of a project (a category, a
 * payment); a resolved one stays as history and the same finding later raises a new row.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => contracts.id),
    indicatorId: text('indicator_id').notNull(),
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['raised', 'acknowledged', 'resolved'] })
      .notNull()
      .default('raised'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgeNote: text('acknowledge_note'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('alerts_project_idx').on(t.projectId),
    index('alerts_status_idx').on(t.status),
    uniqueIndex('alerts_live_idx').on(t.projectId, t.indicatorId, t.subject).where(sql`status <> 'resolved'`),
  ],
);

/**
 * The thresholds an administrator set for one indicator (indicators/*.ts), by its id; an indicator
 * without a row uses its own defaults. Only the keys the indicator declares are read.
 */
export const alertSettings = pgTable('alert_settings', {
  indicatorId: text('indicator_id').primaryKey(),
  settings: jsonb('settings').$type<Record<string, number>>().notNull(),
  updatedBy: uuid('updated_by'),
  version: versionColumn(),
  ...timestamps(),
});
