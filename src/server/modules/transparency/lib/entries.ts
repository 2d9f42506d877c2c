/**
 * The log entry for one audit-trail row, and entry bundles (c2sp.org/tlog-tiles: each entry
 * prefixed by its length as a big-endian uint16).
 *
 * Every entry is canonical JSON (keys sorted, audit/chain.ts) with the row's id, time, action,
 * visibility and `commitment` = hex SHA-256(salt ‖ canonical JSON of the row's full content), the
 * salt being 32 random bytes per entry kept by the platform. A public entry also carries its
 * public fields (no IP, no user or organization ids, no actor name); an internal entry carries
 * nothing more. Supervisors obtain salt and content to open a commitment.
 */
import { createHash } from 'node:crypto';
import { type ChainedFields, canonicalJson } from '../../audit/chain.js';

export const MAX_ENTRY_BYTES = 0xffff;

/** What the log reads of an audit row (the columns of audit_log hashed by the chain, plus id). */
export interface AuditRowContent extends ChainedFields {
  id: number;
}

/** The full content a commitment binds: every chained field of the row, and its id. */
export function committedContent(row: AuditRowContent): string {
  return canonicalJson({
    id: row.id,
    at: row.at,
    actorId: row.actorId,
    actorName: row.actorName,
    role: row.role,
    orgId: row.orgId,
    orgName: row.orgName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    summary: row.summary,
    ip: row.ip,
    visibility: row.visibility,
  });
}

export const commitmentOf = (salt: Uint8Array, content: string) =>
  createHash('sha256').update(salt).update(content).digest('hex');

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The entry bytes for a row; a public entry too big for a bundle replaces its summary by its hash. */
export function logEntry(row: AuditRowContent, salt: Uint8Array): Buffer {
  const base = {
    id: row.id,
    at: row.at,
    action: row.action,
    visibility: row.visibility === 'public' ? 'public' : 'internal',
    commitment: commitmentOf(salt, committedContent(row)),
  };
  if (base.visibility === 'public') {
    const publicFields = {
      ...base,
      role: row.role,
      orgName: row.orgName,
      targetType: row.targetType,
      targetId: row.targetId,
    };
    const full = Buffer.from(canonicalJson({ ...publicFields, summary: row.summary }));
    if (full.length <= MAX_ENTRY_BYTES) return full;
    const hashed = Buffer.from(
      canonicalJson({ ...publicFields, summarySha256: sha256Hex(canonicalJson(row.summary)) }),
    );
    if (hashed.length <= MAX_ENTRY_BYTES) return hashed;
  }
  return Buffer.from(canonicalJson({ ...base, visibility: 'internal' }));
}

export function encodeBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw new RangeError('entry too large for a bundle');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(e.length);
    parts.push(len, Buffer.from(e));
  }
  return Buffer.concat(parts);
}

/** Splits an entry bundle; throws when a length prefix runs past the end. */
export function decodeBundle(data: Uint8Array): Buffer[] {
  const entries: Buffer[] = [];
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  let i = 0;
  while (i < buf.length) {
    if (i + 2 > buf.length) throw new RangeError(`truncated entry bundle at byte ${i}`);
    const len = buf.readUInt16BE(i);
    if (i + 2 + len > buf.length) throw new RangeError(`truncated entry bundle at byte ${i}`);
    entries.push(buf.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return entries;
}
