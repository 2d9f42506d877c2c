import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../domain/canonical-json.js';

export { canonicalJson };

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  at: Date;
  actorId: string | null;
  actorName: string | null;
  role: string | null;
  orgId: string | null;
  orgName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: unknown;
  ip: string | null;
  visibility: string;
}

/** SHA-256 over the previous entry's hash and this entry's canonical JSON. */
export function entryHash(prevHash: string, entry: ChainedFields): string {
  const content: ChainedFields = {
    at: entry.at,
    actorId: entry.actorId,
    actorName: entry.actorName,
    role: entry.role,
    orgId: entry.orgId,
    orgName: entry.orgName,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    summary: entry.summary,
    ip: entry.ip,
    visibility: entry.visibility,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}
