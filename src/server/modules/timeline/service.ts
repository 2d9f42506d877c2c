import { asc, eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.js';
import { auditLog } from '../audit/schema.js';
import { timelineEvents } from './schema.js';

/**
 * Appends a public step to a project's timeline, linked to the audit entry the caller has just
 * appended in this transaction (every public step is written right after its entry). That entry
 * is the newest: appending takes the audit chain's lock, held until this transaction commits.
 * Only public facts belong in `detail`.
 */
export async function appendTimeline(
  tx: Tx,
  callId: string,
  event: { kind: string; title: string; detail?: Record<string, unknown>; at?: Date },
) {
  await tx.insert(timelineEvents).values({
    callId,
    kind: event.kind,
    title: event.title,
    detail: event.detail ?? {},
    at: event.at ?? new Date(),
    auditId: sql`(select max(${auditLog.id}) from ${auditLog})`,
  });
}

export async function callTimeline(db: Executor, callId: string) {
  const rows = await db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.callId, callId))
    .orderBy(asc(timelineEvents.at));
  return rows.map((r) => ({
    at: r.at.toISOString(),
    kind: r.kind,
    title: r.title,
    detail: r.detail as Record<string, unknown>,
    auditId: r.auditId,
  }));
}
