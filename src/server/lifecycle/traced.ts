import type { Tx } from '../db/client.js';
import type { Actor } from '../http/current-user.js';
import { type AuditInput, appendAudit } from '../modules/audit/service.js';

/**
 * A write and its audit entry, as one step (in the spirit of Decidim's `traceability`): the
 * write runs, `check` may refuse its outcome (e.g. no row matched the version read), and only
 * then is the entry appended, in the same transaction. Nothing in the write path can forget it.
 */
export async function tracedWrite<T>(
  tx: Tx,
  actor: Actor,
  audit: AuditInput | ((result: T) => AuditInput),
  write: () => Promise<T>,
  check?: (result: T) => void,
): Promise<T> {
  const result = await write();
  check?.(result);
  await appendAudit(tx, actor, typeof audit === 'function' ? audit(result) : audit);
  return result;
}
