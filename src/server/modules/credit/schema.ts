import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps } from '../../db/columns.js';
import { orgs } from '../orgs/schema.js';

/**
 * 红黑榜 entries. Active status follows from the dates. The black list has two kinds, as the
 * national rules do: 活动异常名录 (abnormal activity) and 严重违法失信名单 (seriously dishonest).
 * Its management comes with the credit issue; eligibility checks read it already.
 */
export const creditEntries = pgTable(
  'credit_entries',
  {
    id: idColumn(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    list: text('list', { enum: ['red', 'black_abnormal', 'black_dishonest'] }).notNull(),
    reason: text('reason').notNull(),
    decidedBy: text('decided_by').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    removedReason: text('removed_reason'),
    ...timestamps(),
  },
  (t) => [index('credit_org_idx').on(t.orgId, t.list)],
);
