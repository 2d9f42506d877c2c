import { boolean, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';

/** 立项公示: a period of working days in which anyone may object to the proposed awards. */
export const publicities = pgTable(
  'publicities',
  {
    id: idColumn(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    /** `approval` (立项公示, of a call's awards) or `evaluation` (评估结果公示, of one evaluation). */
    kind: text('kind', { enum: ['approval', 'evaluation'] })
      .notNull()
      .default('approval'),
    opensOn: date('opens_on').notNull(),
    /** Last day of the period, counted in working days from the holiday calendar. */
    closesOn: date('closes_on').notNull(),
    /** Counted over a year without its holiday arrangement: recomputed when the year is loaded. */
    closesOnEstimated: boolean('closes_on_estimated').notNull().default(false),
    workingDays: text('working_days').notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('publicities_call_idx').on(t.callId)],
);

/** 异议: name and contact are kept for the buyer and never shown publicly. */
export const objections = pgTable(
  'objections',
  {
    id: idColumn(),
    publicityId: uuid('publicity_id')
      .notNull()
      .references(() => publicities.id),
    awardId: uuid('award_id').references(() => awards.id),
    objectorName: text('objector_name').notNull(),
    objectorContact: text('objector_contact').notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'upheld', 'rejected'] })
      .notNull()
      .default('open'),
    answer: text('answer'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredBy: uuid('answered_by'),
    ip: text('ip'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('objections_publicity_idx').on(t.publicityId)],
);
