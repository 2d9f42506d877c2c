import { boolean, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { users } from '../accounts/schema.js';
import { orgs } from '../orgs/schema.js';

export const experts = pgTable('experts', {
  id: idColumn(),
  name: text('name').notNull(),
  field: text('field').notNull(),
  title: text('title'),
  employerOrgId: uuid('employer_org_id').references(() => orgs.id),
  /** Free text when the employer is not an organization of the platform. */
  employerName: text('employer_name'),
  /** Recent employers, for conflict-of-interest checks in reviews. */
  formerEmployerOrgIds: uuid('former_employer_org_ids').array().notNull().default([]),
  phone: text('phone'),
  userId: uuid('user_id').references(() => users.id),
  active: boolean('active').notNull().default(true),
  version: versionColumn(),
  ...timestamps(),
});
