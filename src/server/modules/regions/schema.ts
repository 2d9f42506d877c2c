import { type AnyPgColumn, boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';

export const regions = pgTable(
  'regions',
  {
    id: idColumn(),
    name: text('name').notNull(),
    code: text('code').notNull().unique(),
    level: text('level', { enum: ['district', 'street', 'community'] }).notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => regions.id),
    active: boolean('active').notNull().default(true),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('regions_parent_idx').on(t.parentId)],
);
