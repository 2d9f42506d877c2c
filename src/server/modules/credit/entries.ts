/** Loading, presenting and filtering 红黑榜 entries; the standing of an entry as SQL. */
import { and, eq, gt, gte, inArray, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import {
  type CreditEntryState,
  type CreditStanding,
  creditStanding,
  type EntryView,
  reasonLabel,
} from '../../../domain/credit.js';
import type { Db, Executor } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { attachmentsOf } from '../files/service.js';
import { orgs } from '../orgs/schema.js';
import { creditPolicy } from './policy.js';
import { creditAppeals, creditEntries } from './schema.js';

export type EntryRow = typeof creditEntries.$inferSelect;
export type AppealRow = typeof creditAppeals.$inferSelect;

export const selectEntries = (db: Executor) =>
  db
    .select({
      entry: creditEntries,
      orgName: orgs.name,
      orgCreditCode: orgs.creditCode,
      callId: contracts.callId,
      projectTitle: sql<string | null>`${applications.proposal}->>'title'`,
    })
    .from(creditEntries)
    .innerJoin(orgs, eq(orgs.id, creditEntries.orgId))
    .leftJoin(contracts, eq(contracts.id, creditEntries.projectId))
    .leftJoin(awards, eq(awards.id, contracts.awardId))
    .leftJoin(applications, eq(applications.id, awards.applicationId));
export type LoadedEntry = Awaited<ReturnType<ReturnType<typeof selectEntries>['where']>>[number];

const DECIDED: CreditEntryState[] = ['listed', 'removed'];
const notRemovedBy = (today: string) =>
  or(isNull(creditEntries.removedOn), gt(creditEntries.removedOn, today));

/** Entries in force on `today` (creditStanding's 'active', as SQL). */
export const inForce = (today: string) =>
  and(
    inArray(creditEntries.status, DECIDED),
    notRemovedBy(today),
    lte(creditEntries.startsOn, today),
    gte(creditEntries.endsOn, today),
  );

/** creditStanding as a condition, for list filters. */
export function standingIs(standing: CreditStanding, today: string): SQL | undefined {
  switch (standing) {
    case 'proposed':
    case 'declined':
      return eq(creditEntries.status, standing);
    case 'removed':
      return and(inArray(creditEntries.status, DECIDED), lte(creditEntries.removedOn, today));
    case 'pending':
      return and(
        inArray(creditEntries.status, DECIDED),
        notRemovedBy(today),
        gt(creditEntries.startsOn, today),
      );
    case 'expired':
      return and(
        inArray(creditEntries.status, DECIDED),
        notRemovedBy(today),
        lt(creditEntries.endsOn, today),
      );
    case 'active':
      return inForce(today);
  }
}

/**
 * What the public sees: entries in force, and those removed before their end (the removal is a
 * decision the public is shown until the entry would have ended).
 */
export const publiclyShown = (today: string) =>
  or(
    inForce(today),
    and(
      eq(creditEntries.status, 'removed'),
      lte(creditEntries.removedOn, today),
      gte(creditEntries.endsOn, today),
    ),
  );

export const standingOf = (e: EntryRow, today: string) => creditStanding(e, today);

/** The appeals of these entries, oldest first. */
export async function appealsOf(db: Executor, entryIds: string[]) {
  if (entryIds.length === 0) return new Map<string, AppealRow[]>();
  const rows = await db
    .select()
    .from(creditAppeals)
    .where(inArray(creditAppeals.entryId, entryIds))
    .orderBy(creditAppeals.createdAt);
  const byEntry = new Map<string, AppealRow[]>();
  for (const r of rows) byEntry.set(r.entryId, [...(byEntry.get(r.entryId) ?? []), r]);
  return byEntry;
}

type Attachment = Awaited<ReturnType<typeof attachmentsOf>>[number];
const shownAttachment = (a: Attachment) => ({ id: a.id, name: a.name, size: a.size, url: a.url });
const groupByOwner = (rows: Attachment[]) => {
  const map = new Map<string, ReturnType<typeof shownAttachment>[]>();
  for (const a of rows) map.set(a.ownerId, [...(map.get(a.ownerId) ?? []), shownAttachment(a)]);
  return map;
};

const ADMIN_ACTIONS: Record<CreditEntryState, readonly string[]> = {
  proposed: ['confirm', 'decline', 'attach'],
  listed: ['remove', 'attach'],
  declined: [],
  removed: [],
};

export function appealActions(viewer: CurrentUser, appeal: AppealRow) {
  if (appeal.status !== 'open') return [];
  const actions: string[] = [];
  if (creditPolicy.manage(viewer, null)) actions.push('decide');
  if (viewer.org?.id === appeal.orgId && viewer.roles.includes('provider')) actions.push('attach');
  return actions;
}

/** The entries as the signed-in viewer sees them, with evidence, appeals and what the viewer may do. */
export async function presentEntries(
  db: Db,
  viewer: CurrentUser,
  rows: LoadedEntry[],
  today: string,
): Promise<EntryView[]> {
  const ids = rows.map((r) => r.entry.id);
  const appeals = await appealsOf(db, ids);
  const appealIds = [...appeals.values()].flat().map((a) => a.id);
  const [entryFiles, appealFiles] = await Promise.all([
    attachmentsOf(db, 'credit_entry', ids).then(groupByOwner),
    attachmentsOf(db, 'credit_appeal', appealIds).then(groupByOwner),
  ]);
  return rows.map(({ entry: e, orgName, orgCreditCode, projectTitle }) => {
    const standing = standingOf(e, today);
    const resource = { orgId: e.orgId, status: e.status };
    const own = creditPolicy.viewAppeal(viewer, resource) ? (appeals.get(e.id) ?? []) : [];
    const actions = creditPolicy.manage(viewer, resource) ? [...ADMIN_ACTIONS[e.status]] : [];
    const canAppeal =
      creditPolicy.appeal(viewer, resource) &&
      e.list !== 'red' &&
      (standing === 'active' || standing === 'pending') &&
      !own.some((a) => a.status === 'open');
    if (canAppeal) actions.push('appeal');
    return {
      id: e.id,
      orgId: e.orgId,
      orgName,
      orgCreditCode,
      list: e.list,
      reasonCode: e.reasonCode,
      reasonLabel: reasonLabel(e.list, e.reasonCode),
      reason: e.reason,
      decidedBy: e.decidedBy,
      documentNo: e.documentNo,
      decidedOn: e.decidedOn,
      startsOn: e.startsOn,
      endsOn: e.endsOn,
      status: e.status,
      standing,
      origin: e.origin,
      projectId: e.projectId,
      projectTitle,
      decisionNote: e.decisionNote,
      removedOn: e.removedOn,
      removedReason: e.removedReason,
      attachments: entryFiles.get(e.id) ?? [],
      appeals: own.map((a) => ({
        id: a.id,
        entryId: a.entryId,
        orgName,
        list: e.list,
        documentNo: e.documentNo,
        reasons: a.reasons,
        status: a.status,
        decisionReason: a.decisionReason,
        decidedAt: a.decidedAt?.toISOString() ?? null,
        createdAt: a.createdAt.toISOString(),
        attachments: appealFiles.get(a.id) ?? [],
        version: a.version,
        actions: appealActions(viewer, a),
      })),
      version: e.version,
      actions,
    };
  });
}
