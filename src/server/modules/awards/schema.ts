import { bigint, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { applications } from '../applications/schema.js';
import { calls } from '../calls/schema.js';

/** The buyer's award of an application, with the money and the reason for any departure from the ranking. */
export const awards = pgTable(
  'awards',
  {
    id: idColumn(),
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id)
      .unique(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    rank: integer('rank').notNull(),
    /** Aggregated score in hundredths of a point under the call's chosen method. */
    scoreCenti: integer('score_centi').notNull(),
    departureReason: text('departure_reason'),
    publicityId: uuid('publicity_id'),
    status: text('status', { enum: ['proposed', 'in_publicity', 'approved', 'revoked'] })
      .notNull()
      .default('proposed'),
    revokedReason: text('revoked_reason'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('awards_call_idx').on(t.callId)],
);
