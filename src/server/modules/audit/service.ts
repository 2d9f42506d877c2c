import { and, asc, count, desc, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { auditQuery } from '../../../domain/api.js';
import { changedFields } from '../../../domain/canonical-json.js';
import type { AuditVisibility } from '../../../domain/enums.js';
import { maskPersonalDataDeep } from '../../../domain/personal-data.js';
import { chinaEndOfDay, chinaMidnight } from '../../../domain/time.js';
import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../http/current-user.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { presentEntry } from './presenter.js';
import { auditLog } from './schema.js';

// Any constant works; it only has to be the same for every writer of the chain.
const CHAIN_LOCK_KEY = 7_262_001;

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  summary?: Record<string, unknown>;
  visibility?: AuditVisibility;
}

/** Appends an entry inside the caller's transaction, chained to the previous entry. */
export async function appendAudit(tx: Tx, actor: Actor, input: AuditInput): Promise<void> {
  // Serializes writers so that each entry links to the one committed before it.
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const user = actor.user;
  const fields = {
    at: new Date(),
    actorId: user?.id ?? null,
    actorName: user?.displayName ?? null,
    role: user?.roles.join(',') ?? null,
    orgId: user?.org?.id ?? null,
    orgName: user?.org?.name ?? null,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    // A public entry is published for good (the transparency log): its free text is public text.
    summary:
      input.visibility === 'public' ? maskPersonalDataDeep(input.summary ?? {}) : (input.summary ?? {}),
    ip: actor.ip,
    visibility: input.visibility ?? 'internal',
  };
  await tx.insert(auditLog).values({ ...fields, prevHash, hash: entryHash(prevHash, fields) });
}

/** Before/after summary holding only the fields that changed. */
export const changeSummary = changedFields;

type AuditQuery = z.infer<typeof auditQuery>;

function auditFilters(query: Omit<AuditQuery, 'page' | 'pageSize'>): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.action) conditions.push(eq(auditLog.action, query.action));
  if (query.targetType) conditions.push(eq(auditLog.targetType, query.targetType));
  if (query.actorId) conditions.push(eq(auditLog.actorId, query.actorId));
  if (query.from) conditions.push(gte(auditLog.at, chinaMidnight(query.from)));
  if (query.to) conditions.push(lt(auditLog.at, chinaEndOfDay(query.to)));
  if (query.q) {
    const pattern = `%${query.q}%`;
    conditions.push(
      sql`(${auditLog.actorName} ilike ${pattern} or ${auditLog.action} ilike ${pattern} or ${auditLog.targetId} ilike ${pattern} or ${auditLog.summary}::text ilike ${pattern})`,
    );
  }
  return conditions.length ? and(...conditions) : undefined;
}

export async function listAudit(db: Db, query: AuditQuery) {
  const where = auditFilters(query);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  return { items: rows.map(presentEntry), total, page: query.page, pageSize: query.pageSize };
}

export async function* allAuditEntries(db: Db, query: Omit<AuditQuery, 'page' | 'pageSize'>) {
  let afterId = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(auditFilters(query), gt(auditLog.id, afterId)))
      .orderBy(asc(auditLog.id))
      .limit(1000);
    if (rows.length === 0) return;
    for (const row of rows) yield presentEntry(row);
    afterId = rows[rows.length - 1].id;
  }
}

export type VerifyResult =
  | { ok: true; entries: number }
  | { ok: false; entries: number; brokenId: number; reason: 'hash_mismatch' | 'chain_broken' };

/** Walks the chain from the start; names the first entry whose hash or link does not hold. */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let afterId = 0;
  let entries = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, afterId))
      .orderBy(asc(auditLog.id))
      .limit(1000);
    if (rows.length === 0) return { ok: true, entries };
    for (const row of rows) {
      if (row.prevHash !== prevHash) return { ok: false, entries, brokenId: row.id, reason: 'chain_broken' };
      if (entryHash(prevHash, row) !== row.hash)
        return { ok: false, entries, brokenId: row.id, reason: 'hash_mismatch' };
      prevHash = row.hash;
      entries++;
    }
    afterId = rows[rows.length - 1].id;
  }
}
