/**
 * 红黑榜 entries: the admins' decisions (entered, imported, or proposals confirmed or declined),
 * early removal, evidence, the buyers told of a new entry, and what eligibility reads.
 */
import { and, arrayContains, count, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import {
  BARRING_LISTS,
  type CreditList,
  type CreditPeriods,
  creditEntryMachine,
  creditListLabels,
  defaultEndsOn,
  type EntryCreateBody,
  type entryConfirmBody,
  type entryQuery,
  type entryReasonBody,
  WARNING_LISTS,
} from '../../../domain/credit.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Config } from '../../config.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { containsPattern } from '../../db/helpers.js';
import { authorize } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { fieldError, notFound, staleVersion } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { users } from '../accounts/schema.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { storeAttachment, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import { payments } from '../funds/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import {
  type EntryRow,
  inForce,
  type LoadedEntry,
  presentEntries,
  selectEntries,
  standingIs,
} from './entries.js';
import { creditPolicy } from './policy.js';
import { creditEntries } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };

export const creditPeriods = (config: Config): CreditPeriods => ({
  redYears: config.CREDIT_RED_YEARS,
  blackYears: config.CREDIT_BLACK_YEARS,
  abnormalMonths: config.CREDIT_ABNORMAL_MONTHS,
  dishonestYears: config.CREDIT_DISHONEST_YEARS,
});

const link = (id: string) => `/app/credit/entries/${id}`;

/** The active administrators, who confirm proposals and decide appeals. */
export async function adminUsers(db: Executor) {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.active, true), arrayContains(users.roles, ['admin'])));
  return rows.map((r) => r.id);
}

async function loadEntry(db: Executor, id: string): Promise<LoadedEntry> {
  const [row] = await selectEntries(db).where(eq(creditEntries.id, id));
  if (!row) throw notFound('名单记录');
  return row;
}

/** An entry the viewer may see (404 otherwise: a provider learns nothing of others' proposals). */
export async function viewEntry(db: Executor, viewer: CurrentUser, id: string) {
  authorize(viewer, creditPolicy, 'list', null);
  const row = await loadEntry(db, id);
  if (!creditPolicy.view(viewer, row.entry)) throw notFound('名单记录');
  return row;
}

export async function getEntry(db: Db, viewer: CurrentUser, id: string) {
  const row = await viewEntry(db, viewer, id);
  const [view] = await presentEntries(db, viewer, [row], todayInShanghai());
  return view;
}

/**
 * The lists as the viewer may read them: admins and supervisors everything, proposals and
 * history included; buyers the decided entries; a provider its own decided entries.
 */
export async function listEntries(db: Db, viewer: CurrentUser, query: z.infer<typeof entryQuery>) {
  authorize(viewer, creditPolicy, 'list', null);
  const today = todayInShanghai();
  const conditions: (SQL | undefined)[] = [];
  if (!creditPolicy.viewAll(viewer, null)) {
    conditions.push(inArray(creditEntries.status, ['listed', 'removed']));
    if (!viewer.roles.includes('buyer'))
      conditions.push(eq(creditEntries.orgId, viewer.org?.id ?? '00000000-0000-0000-0000-000000000000'));
  }
  if (query.list) conditions.push(eq(creditEntries.list, query.list));
  if (query.orgId) conditions.push(eq(creditEntries.orgId, query.orgId));
  if (query.standing) conditions.push(standingIs(query.standing, today));
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(
      or(
        ilike(orgs.name, pattern),
        ilike(creditEntries.documentNo, pattern),
        ilike(orgs.creditCode, pattern),
      ),
    );
  }
  const where = and(...conditions);
  const rows = await selectEntries(db)
    .where(where)
    .orderBy(desc(creditEntries.createdAt), desc(creditEntries.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  const [{ total }] = await db
    .select({ total: count() })
    .from(creditEntries)
    .innerJoin(orgs, eq(orgs.id, creditEntries.orgId))
    .where(where);
  return {
    items: await presentEntries(db, viewer, rows, today),
    total,
    page: query.page,
    pageSize: query.pageSize,
    actions: creditPolicy.manage(viewer, null) ? ['create', 'import'] : [],
  };
}

function checkVersion(row: { version: number }, version: number | undefined) {
  if (version !== undefined && version !== row.version) throw staleVersion();
}

async function providerOrg(db: Executor, orgId: string) {
  const [org] = await db.select().from(orgs).where(eq(orgs.id, orgId));
  if (!org) throw fieldError('orgId', '单位不存在');
  if (org.kind !== 'provider') throw fieldError('orgId', '只有承接主体（社会组织）可以列入名单');
  return org;
}

async function projectOf(db: Executor, projectId: string | null | undefined, orgId: string) {
  if (!projectId) return null;
  const [contract] = await db
    .select({ id: contracts.id, providerOrgId: contracts.providerOrgId, callId: contracts.callId })
    .from(contracts)
    .where(eq(contracts.id, projectId));
  if (!contract) throw fieldError('projectId', '项目不存在');
  if (contract.providerOrgId !== orgId) throw fieldError('projectId', '该项目不是此单位承接的项目');
  return contract;
}

/** The row an admin's decision inserts (entered by hand or imported). */
export function decisionRow(
  input: EntryCreateBody,
  periods: CreditPeriods,
  actor: SignedIn,
  origin: 'admin' | 'import',
): typeof creditEntries.$inferInsert {
  return {
    orgId: input.orgId,
    list: input.list,
    reasonCode: input.reasonCode,
    reason: input.reason,
    decidedBy: input.decidedBy,
    documentNo: input.documentNo,
    decidedOn: input.decidedOn,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? defaultEndsOn(input.list, input.startsOn, periods),
    status: 'listed',
    origin,
    projectId: input.projectId ?? null,
    createdBy: actor.user.id,
    decisionBy: actor.user.id,
  };
}

/** An admin enters a decision (mostly the registration authority's national lists). */
export async function createEntry(db: Db, actor: SignedIn, input: EntryCreateBody, periods: CreditPeriods) {
  authorize(actor.user, creditPolicy, 'manage', null);
  const org = await providerOrg(db, input.orgId);
  const project = await projectOf(db, input.projectId, input.orgId);
  const values = decisionRow(input, periods, actor, 'admin');
  if (values.endsOn! < input.startsOn) throw fieldError('endsOn', '截止日期不能早于开始日期');
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(creditEntries).values(values).returning();
    await recordListing(tx, actor, row, org.name, project?.callId ?? null);
    return row.id;
  });
  return getEntry(db, actor.user, id);
}

/** The audit entry of a new listing and the notices it sends (the organization, affected buyers). */
export async function recordListing(
  tx: Tx,
  actor: Actor,
  row: EntryRow,
  orgName: string,
  callId: string | null,
) {
  await appendAudit(tx, actor, {
    action: 'credit_entry.listed',
    targetType: 'credit_entry',
    targetId: row.id,
    summary: entryFacts(row, orgName, callId),
    visibility: 'public',
  });
  await notifyListing(tx, row, orgName);
}

const entryFacts = (row: EntryRow, orgName: string, callId: string | null) => ({
  orgId: row.orgId,
  orgName,
  list: row.list,
  reasonCode: row.reasonCode,
  documentNo: row.documentNo,
  decidedBy: row.decidedBy,
  startsOn: row.startsOn,
  endsOn: row.endsOn,
  projectId: row.projectId,
  callId,
});

/**
 * A new entry against an organization: the organization is told (it may appeal), and so is every
 * buyer with something of it under way — applications under review, awards in publicity,
 * payments pending.
 */
async function notifyListing(tx: Tx, row: EntryRow, orgName: string) {
  const label = creditListLabels[row.list];
  const period = `${row.startsOn}至${row.endsOn}`;
  await notify(tx, await usersOfOrg(tx, row.orgId, 'provider'), {
    kind: 'credit.listed',
    title: `本单位被列入${label}`,
    body: `${label}（${row.documentNo ?? '无文号'}，${period}）：${row.reason}${row.list === 'red' ? '' : '。如有异议，可在名单页面提出申诉。'}`,
    link: link(row.id),
  });
  if (row.list === 'red') return;
  const affected = await affectedBuyers(tx, row.orgId);
  for (const [buyerOrgId, what] of affected) {
    const parts = [
      what.applications ? `${what.applications}份申报在审查中` : '',
      what.awards ? `${what.awards}个拟立项在公示中` : '',
      what.payments ? `${what.payments}笔拨付待处理` : '',
    ].filter(Boolean);
    await notify(tx, await usersOfOrg(tx, buyerOrgId, 'buyer'), {
      kind: 'credit.listed',
      title: `${orgName}被列入${label}`,
      body: `${orgName}被列入${label}（${row.documentNo ?? '无文号'}，${period}）。该单位在贵单位有${parts.join('、')}，请关注。`,
      link: `/orgs/${row.orgId}`,
    });
  }
}

type Affected = { applications: number; awards: number; payments: number };

export async function affectedBuyers(db: Executor, orgId: string) {
  const [underReview, inPublicity, pending] = await Promise.all([
    db
      .select({ buyerOrgId: calls.buyerOrgId, id: applications.id })
      .from(applications)
      .innerJoin(calls, eq(calls.id, applications.callId))
      .where(
        and(
          eq(applications.providerOrgId, orgId),
          inArray(applications.status, ['submitted', 'eligible', 'scored']),
        ),
      ),
    db
      .select({ buyerOrgId: calls.buyerOrgId, id: awards.id })
      .from(awards)
      .innerJoin(applications, eq(applications.id, awards.applicationId))
      .innerJoin(calls, eq(calls.id, awards.callId))
      .where(and(eq(applications.providerOrgId, orgId), eq(awards.status, 'in_publicity'))),
    db
      .select({ buyerOrgId: contracts.buyerOrgId, id: payments.id })
      .from(payments)
      .innerJoin(contracts, eq(contracts.id, payments.projectId))
      .where(and(eq(contracts.providerOrgId, orgId), inArray(payments.status, ['requested', 'approved']))),
  ]);
  const byBuyer = new Map<string, Affected>();
  const add = (rows: { buyerOrgId: string }[], key: keyof Affected) => {
    for (const r of rows) {
      const a = byBuyer.get(r.buyerOrgId) ?? { applications: 0, awards: 0, payments: 0 };
      a[key]++;
      byBuyer.set(r.buyerOrgId, a);
    }
  };
  add(underReview, 'applications');
  add(inPublicity, 'awards');
  add(pending, 'payments');
  return byBuyer;
}

/** The admin confirms a proposal as a decision, with its 文号 and dates (defaults: from today, the configured period). */
export async function confirmEntry(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof entryConfirmBody>,
  periods: CreditPeriods,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  const { entry, orgName, callId } = await loadEntry(db, id);
  checkVersion(entry, input.version);
  const decidedOn = input.decidedOn ?? todayInShanghai();
  const startsOn = input.startsOn ?? decidedOn;
  if (startsOn < decidedOn) throw fieldError('startsOn', '开始日期不能早于决定日期');
  const endsOn = input.endsOn ?? defaultEndsOn(entry.list, startsOn, periods);
  if (endsOn < startsOn) throw fieldError('endsOn', '截止日期不能早于开始日期');
  const decided = {
    decidedBy: input.decidedBy ?? entry.decidedBy,
    documentNo: input.documentNo,
    decidedOn,
    startsOn,
    endsOn,
  };
  await db.transaction(async (tx) => {
    const step = await transition(tx, actor, creditEntryMachine, creditEntries, entry, 'confirm', {
      reason: input.reason,
      set: { ...decided, decisionNote: input.reason, decisionBy: actor.user.id },
      detail: entryFacts({ ...entry, ...decided }, orgName, callId),
      timelineCallId: callId ?? undefined,
      timelineTitle: `${orgName}列入${creditListLabels[entry.list]}（${decided.documentNo}，${startsOn}至${endsOn}）`,
    });
    await notifyListing(tx, { ...entry, ...decided, status: step.status }, orgName);
  });
  return getEntry(db, actor.user, id);
}

export async function declineEntry(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<ReturnType<typeof entryReasonBody>>,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  const { entry, orgName } = await loadEntry(db, id);
  checkVersion(entry, input.version);
  await db.transaction((tx) =>
    transition(tx, actor, creditEntryMachine, creditEntries, entry, 'decline', {
      reason: input.reason,
      set: { decisionNote: input.reason, decisionBy: actor.user.id },
      detail: { orgId: entry.orgId, orgName, list: entry.list, reasonCode: entry.reasonCode },
    }),
  );
  return getEntry(db, actor.user, id);
}

/** Ends a listing before its end date, with the reason (also what an upheld appeal does). */
export async function removeIn(tx: Tx, actor: Actor, loaded: LoadedEntry, reason: string) {
  const { entry, orgName, callId } = loaded;
  const removedOn = todayInShanghai();
  await transition(tx, actor, creditEntryMachine, creditEntries, entry, 'remove', {
    reason,
    set: { removedAt: new Date(), removedOn, removedReason: reason },
    detail: { orgId: entry.orgId, orgName, list: entry.list, documentNo: entry.documentNo, removedOn },
    timelineCallId: callId ?? undefined,
    timelineTitle: `${orgName}移出${creditListLabels[entry.list]}（${entry.documentNo ?? ''}）`,
  });
  await notify(tx, await usersOfOrg(tx, entry.orgId, 'provider'), {
    kind: 'credit.removed',
    title: `本单位已移出${creditListLabels[entry.list]}`,
    body: reason,
    link: link(entry.id),
  });
}

export async function removeEntry(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<ReturnType<typeof entryReasonBody>>,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  const loaded = await loadEntry(db, id);
  checkVersion(loaded.entry, input.version);
  await db.transaction((tx) => removeIn(tx, actor, loaded, input.reason));
  return getEntry(db, actor.user, id);
}

/** The admin attaches evidence (the decision document) to an entry. */
export async function attachEvidence(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  id: string,
  upload: Upload,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  await loadEntry(db, id);
  await storeAttachment(db, storage, actor, { type: 'credit_entry', id }, upload);
  return getEntry(db, actor.user, id);
}

/** Which of these entries' attachments the user may download. */
export async function viewableEntries(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: creditEntries.id, orgId: creditEntries.orgId, status: creditEntries.status })
    .from(creditEntries)
    .where(inArray(creditEntries.id, ids));
  return new Set(rows.filter((r) => creditPolicy.view(user, r)).map((r) => r.id));
}

// ---------- eligibility ----------

export interface ListingForEligibility {
  list: CreditList;
  reason: string;
  documentNo: string | null;
  decidedBy: string;
  startsOn: string;
  endsOn: string;
}

/**
 * What eligibility reads (applications module): the entry that refuses the organization's
 * applications (黑榜 or 严重违法失信名单 in force), and the 活动异常名录 entries to warn the buyer of.
 */
export async function creditStandingOf(db: Executor, orgId: string, today: string) {
  const rows = await db
    .select({
      list: creditEntries.list,
      reason: creditEntries.reason,
      documentNo: creditEntries.documentNo,
      decidedBy: creditEntries.decidedBy,
      startsOn: creditEntries.startsOn,
      endsOn: creditEntries.endsOn,
    })
    .from(creditEntries)
    .where(
      and(
        eq(creditEntries.orgId, orgId),
        inArray(creditEntries.list, [...BARRING_LISTS, ...WARNING_LISTS]),
        inForce(today),
      ),
    )
    .orderBy(desc(creditEntries.startsOn));
  const barring = rows.find((r) => (BARRING_LISTS as readonly string[]).includes(r.list)) ?? null;
  const warnings = rows.filter((r) => (WARNING_LISTS as readonly string[]).includes(r.list));
  return { barring: barring as ListingForEligibility | null, warnings: warnings as ListingForEligibility[] };
}
