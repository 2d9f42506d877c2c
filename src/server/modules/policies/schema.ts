import { date, index, pgTable, text } from 'drizzle-orm/pg-core';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';

/**
 * 政策法规: one policy document of the public library. Its `status` follows `policyMachine`
 * (src/domain/policies.ts). Full-text search reads `search_vector`, a stored tsvector of
 * `search_text` with its GIN index, added by the migration and not declared here (as for calls).
 */
export const policies = pgTable(
  'policies',
  {
    id: idColumn(),
    title: text('title').notNull(),
    level: text('level', { enum: ['central', 'province', 'city', 'district'] }).notNull(),
    issuer: text('issuer').notNull(),
    /** 文号, e.g. 财政部令第102号; some documents (laws) have none. */
    docNumber: text('doc_number'),
    issuedOn: date('issued_on').notNull(),
    effectiveOn: date('effective_on'),
    status: text('status', { enum: ['current', 'revised', 'repealed'] })
      .notNull()
      .default('current'),
    statusReason: text('status_reason'),
    category: text('category').notNull(),
    summary: text('summary').notNull().default(''),
    body: text('body').notNull().default(''),
    /** Intl.Segmenter word tokens of the title, number, issuer, summary and text. */
    searchText: text('search_text').notNull().default(''),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('policies_issued_idx').on(t.issuedOn.desc(), t.id.desc()),
    index('policies_level_idx').on(t.level),
    index('policies_status_idx').on(t.status),
  ],
);
