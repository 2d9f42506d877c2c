/** 申诉: the listed organization appeals with reasons and evidence; an admin decides with reasons. */
import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type AppealView,
  type appealBody,
  type appealDecisionBody,
  type appealQuery,
  creditAppealMachine,
  creditListLabels,
} from '../../../domain/credit.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import { type Actor, type CurrentUser, hasRole } from '../../http/current-user.js';
import { conflict, forbidden, notFound, staleVersion } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { storeAttachment, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { standingOf } from './entries.js';
import { creditPolicy } from './policy.js';
import { creditAppeals, creditEntries } from './schema.js';
import { adminUsers, getEntry, removeIn, viewEntry } from './service.js';

type SignedIn = Actor & { user: CurrentUser };

/** The organization appeals an entry in force (or not yet begun); one open appeal per entry. */
export async function fileAppeal(
  db: Db,
  actor: SignedIn,
  entryId: string,
  input: z.infer<typeof appealBody>,
) {
  const { entry, orgName } = await viewEntry(db, actor.user, entryId);
  authorize(actor.user, creditPolicy, 'appeal', entry);
  if (entry.list === 'red') throw conflict('红榜记录无需申诉');
  const standing = standingOf(entry, todayInShanghai());
  if (standing !== 'active' && standing !== 'pending') throw conflict('该记录已不在名单期内，无需申诉');
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(creditAppeals)
      .values({ entryId, orgId: entry.orgId, reasons: input.reasons, createdBy: actor.user.id })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('该记录已有待处理的申诉');
    await appendAudit(tx, actor, {
      action: 'credit_appeal.filed',
      targetType: 'credit_appeal',
      targetId: row.id,
      summary: { entryId, orgId: entry.orgId, list: entry.list, documentNo: entry.documentNo },
    });
    await notify(tx, await adminUsers(tx), {
      kind: 'credit.appealed',
      title: `${orgName}对${creditListLabels[entry.list]}记录提出申诉`,
      body: input.reasons.slice(0, 200),
      link: `/app/credit/entries/${entryId}`,
    });
    return row.id;
  });
  return appealOf(db, actor.user, id);
}

async function loadAppeal(db: Db, id: string) {
  const [row] = await db.select().from(creditAppeals).where(eq(creditAppeals.id, id));
  if (!row) throw notFound('申诉');
  return row;
}

async function appealOf(db: Db, viewer: CurrentUser, id: string): Promise<AppealView> {
  const appeal = await loadAppeal(db, id);
  const entry = await getEntry(db, viewer, appeal.entryId);
  return entry.appeals.find((a) => a.id === id)!;
}

/** The admin decides: upheld removes the entry (its reason recorded), rejected leaves it standing. */
export async function decideAppeal(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof appealDecisionBody>,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  const appeal = await loadAppeal(db, id);
  if (input.version !== undefined && input.version !== appeal.version) throw staleVersion();
  const loaded = await viewEntry(db, actor.user, appeal.entryId);
  const { entry, orgName } = loaded;
  const upheld = input.decision === 'upheld';
  await db.transaction(async (tx) => {
    await transition(tx, actor, creditAppealMachine, creditAppeals, appeal, upheld ? 'uphold' : 'reject', {
      reason: input.reason,
      set: { decisionReason: input.reason, decidedBy: actor.user.id, decidedAt: new Date() },
      detail: {
        entryId: entry.id,
        orgId: entry.orgId,
        orgName,
        list: entry.list,
        documentNo: entry.documentNo,
      },
    });
    if (upheld && entry.status === 'listed') await removeIn(tx, actor, loaded, `申诉成立：${input.reason}`);
    await notify(tx, await usersOfOrg(tx, entry.orgId, 'provider'), {
      kind: 'credit.appeal_decided',
      title: upheld ? '申诉成立，已移出名单' : '申诉不成立，维持列入',
      body: input.reason,
      link: `/app/credit/entries/${entry.id}`,
    });
  });
  return appealOf(db, actor.user, id);
}

/** The appealing organization adds evidence while its appeal is open. */
export async function attachAppealEvidence(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  id: string,
  upload: Upload,
) {
  const appeal = await loadAppeal(db, id);
  await viewEntry(db, actor.user, appeal.entryId);
  if (!hasRole(actor.user, 'provider') || actor.user.org?.id !== appeal.orgId) throw forbidden();
  if (appeal.status !== 'open') throw conflict('申诉已处理，不能再补充材料');
  await storeAttachment(db, storage, actor, { type: 'credit_appeal', id }, upload);
  return appealOf(db, actor.user, id);
}

/** Appeals to decide (admins), to read (supervisors), or one's own (a provider). */
export async function listAppeals(db: Db, viewer: CurrentUser, query: z.infer<typeof appealQuery>) {
  if (!hasRole(viewer, 'admin', 'supervisor', 'provider')) throw forbidden();
  const conditions: (SQL | undefined)[] = [];
  if (!creditPolicy.viewAll(viewer, null)) {
    if (!viewer.org) return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    conditions.push(eq(creditAppeals.orgId, viewer.org.id));
  }
  if (query.status) conditions.push(eq(creditAppeals.status, query.status));
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ appeal: creditAppeals, entry: creditEntries, orgName: orgs.name })
      .from(creditAppeals)
      .innerJoin(creditEntries, eq(creditEntries.id, creditAppeals.entryId))
      .innerJoin(orgs, eq(orgs.id, creditAppeals.orgId))
      .where(where)
      .orderBy(desc(creditAppeals.createdAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(creditAppeals).where(where),
  ]);
  const items: AppealView[] = rows.map(({ appeal: a, entry, orgName }) => ({
    id: a.id,
    entryId: a.entryId,
    orgName,
    list: entry.list,
    documentNo: entry.documentNo,
    reasons: a.reasons,
    status: a.status,
    decisionReason: a.decisionReason,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    // Listed without evidence: the entry's page shows it.
    attachments: [],
    version: a.version,
    actions: a.status === 'open' && creditPolicy.manage(viewer, null) ? ['decide'] : [],
  }));
  return { items, total, page: query.page, pageSize: query.pageSize };
}

/** Which of these appeals' evidence the user may download: admins, supervisors, the appealing organization. */
export async function viewableAppeals(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: creditAppeals.id, orgId: creditEntries.orgId, status: creditEntries.status })
    .from(creditAppeals)
    .innerJoin(creditEntries, eq(creditEntries.id, creditAppeals.entryId))
    .where(inArray(creditAppeals.id, ids));
  return new Set(rows.filter((r) => creditPolicy.viewAppeal(user, r)).map((r) => r.id));
}
