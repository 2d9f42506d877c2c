import { bigint, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { orgs } from '../orgs/schema.js';
import { regions } from '../regions/schema.js';

/** 年度发布计划: one line per project a buyer plans to purchase in a year. Public. */
export const planLines = pgTable(
  'plan_lines',
  {
    id: idColumn(),
    buyerOrgId: uuid('buyer_org_id')
      .notNull()
      .references(() => orgs.id),
    regionId: uuid('region_id').references(() => regions.id),
    year: integer('year').notNull(),
    title: text('title').notNull(),
    category: text('category').notNull(),
    budgetFen: bigint('budget_fen', { mode: 'number' }).notNull(),
    plannedQuarter: integer('planned_quarter').notNull(),
    note: text('note'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('plan_lines_year_idx').on(t.year, t.buyerOrgId)],
);
