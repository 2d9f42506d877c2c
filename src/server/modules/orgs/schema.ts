import { boolean, date, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { regions } from '../regions/schema.js';

export const orgs = pgTable(
  'orgs',
  {
    id: idColumn(),
    name: text('name').notNull(),
    kind: text('kind', {
      enum: ['admin', 'buyer', 'station', 'provider', 'community', 'evaluator', 'supervisor'],
    }).notNull(),
    creditCode: text('credit_code').unique(),
    // Region-owned so a province-wide deployment can shard by region (see ARCHITECTURE.md).
    regionId: uuid('region_id').references(() => regions.id),
    registeredOn: date('registered_on'),
    grade: text('grade', { enum: ['1A', '2A', '3A', '4A', '5A'] }),
    legalRepresentative: text('legal_representative'),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    address: text('address'),
    categories: text('categories').array().notNull().default([]),
    active: boolean('active').notNull().default(true),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [index('orgs_kind_idx').on(t.kind), index('orgs_region_idx').on(t.regionId)],
);
