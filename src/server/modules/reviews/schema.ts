import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { applications } from '../applications/schema.js';
import { calls } from '../calls/schema.js';
import { experts } from '../experts/schema.js';

/** 路演评审: one review session of a call, with its panel drawn at random from the pool. */
export const reviewSessions = pgTable('review_sessions', {
  id: idColumn(),
  callId: uuid('call_id')
    .notNull()
    .references(() => calls.id)
    .unique(),
  heldAt: timestamp('held_at', { withTimezone: true }).notNull(),
  place: text('place').notNull(),
  panelSize: integer('panel_size').notNull(),
  /** The draw is reproducible: seed + ordered candidate ids + exclusions. */
  drawSeed: text('draw_seed'),
  drawCandidates: jsonb('draw_candidates').$type<string[]>().notNull().default([]),
  drawExclusions: jsonb('draw_exclusions')
    .$type<{ expertId: string; reason: string }[]>()
    .notNull()
    .default([]),
  status: text('status', { enum: ['drawing', 'scoring', 'completed'] })
    .notNull()
    .default('drawing'),
  version: versionColumn(),
  ...timestamps(),
});

export const panelMembers = pgTable(
  'panel_members',
  {
    id: idColumn(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => reviewSessions.id),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id),
    /** Position in the draw order; replacements come next in the same order. */
    drawPosition: integer('draw_position').notNull(),
    status: text('status', { enum: ['invited', 'accepted', 'declined'] })
      .notNull()
      .default('invited'),
    conflictReason: text('conflict_reason'),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('panel_members_unique').on(t.sessionId, t.expertId)],
);

export type CriterionScore = { key: string; score: number };

/** One expert's scores for one application; submitting locks it. */
export const scoreSheets = pgTable(
  'score_sheets',
  {
    id: idColumn(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => reviewSessions.id),
    expertId: uuid('expert_id')
      .notNull()
      .references(() => experts.id),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    scores: jsonb('scores').$type<CriterionScore[]>().notNull().default([]),
    /** Total in hundredths of a point, to keep arithmetic exact. */
    totalCenti: integer('total_centi'),
    comment: text('comment').notNull().default(''),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('score_sheets_unique').on(t.sessionId, t.expertId, t.applicationId)],
);
