import { bigint, customType, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * The public transparency log of the audit trail (C2SP tlog-tiles). One row: the log's identity
 * and how far it has integrated audit_log. Written only by the integrator (service.ts) in the same
 * transaction as the tiles and the checkpoint it signs.
 */
export const transparencyLogState = pgTable('transparency_log_state', {
  id: smallint('id').primaryKey().default(1),
  origin: text('origin').notNull(),
  /** The signed-note verifier key of the log's signing key: another key is refused. */
  verifierKey: text('verifier_key').notNull(),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
  lastAuditId: bigint('last_audit_id', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Leaf i of the tree is the audit row `auditId`; `salt` opens the entry's commitment (never public). */
export const transparencyLeaves = pgTable('transparency_leaf', {
  leafIndex: bigint('leaf_index', { mode: 'number' }).primaryKey(),
  auditId: bigint('audit_id', { mode: 'number' }).notNull().unique(),
  salt: bytea('salt').notNull(),
});

/** Hash tiles of height 8: up to 256 hashes of 32 bytes; the rightmost tile of a level grows. */
export const transparencyTiles = pgTable(
  'transparency_tile',
  {
    level: smallint('level').notNull(),
    index: bigint('index', { mode: 'number' }).notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.index] })],
);

/** Every checkpoint the log signed (the signed note as served, without cosignatures). */
export const transparencyCheckpoints = pgTable('transparency_checkpoint', {
  treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
  note: text('note').notNull(),
  signedAt: timestamp('signed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Witness cosignatures (c2sp.org/tlog-cosignature) of a checkpoint, appended to it when served. */
export const transparencyCosignatures = pgTable(
  'transparency_cosignature',
  {
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    keyName: text('key_name').notNull(),
    keyId: bigint('key_id', { mode: 'number' }).notNull(),
    /** The signature line, with its final newline. */
    line: text('line').notNull(),
    /** The cosignature's own timestamp, in seconds since the epoch. */
    timestamp: bigint('timestamp', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.treeSize, t.keyName, t.keyId] })],
);
