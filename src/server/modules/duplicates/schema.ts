import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { idColumn } from '../../db/columns.js';
import { applications } from '../applications/schema.js';

/** The MinHash fingerprint of each submitted application's text (see lib/detector.ts). */
export const duplicateFingerprints = pgTable('duplicate_fingerprints', {
  applicationId: uuid('application_id')
    .primaryKey()
    .references(() => applications.id),
  version: integer('version').notNull(),
  /** Sorted unique shingle hashes, for exact Jaccard and containment of candidates. */
  shingles: jsonb('shingles').$type<number[]>().notNull(),
  indexedAt: timestamp('indexed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** LSH band buckets: applications sharing a bucket are candidates. */
export const duplicateBands = pgTable(
  'duplicate_bands',
  {
    bandKey: text('band_key').notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
  },
  (t) => [
    primaryKey({ columns: [t.bandKey, t.applicationId] }),
    index('duplicate_bands_application_idx').on(t.applicationId),
  ],
);

/** A duplicate found when an application was submitted, attached to it for the buyer and the panel. */
export const duplicateHits = pgTable(
  'duplicate_hits',
  {
    id: idColumn(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    otherApplicationId: uuid('other_application_id')
      .notNull()
      .references(() => applications.id),
    kind: text('kind', { enum: ['text', 'structure', 'file'] }).notNull(),
    score: real('score').notNull(),
    /** Overlap figures, structural reasons, shared file names, and the matching passages. */
    detail: jsonb('detail').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('duplicate_hits_unique').on(t.applicationId, t.otherApplicationId, t.kind),
    index('duplicate_hits_other_idx').on(t.otherApplicationId),
  ],
);
