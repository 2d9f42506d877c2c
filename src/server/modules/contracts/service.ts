import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { changedFields } from '../../../domain/canonical-json.js';
import {
  type Amendment,
  type amendmentBody,
  type Contract,
  type ContractIndicator,
  type contractConfirmBody,
  type contractCreateBody,
  type contractQuery,
  contractTermProblems,
  type contractUpdateBody,
  defaultMilestones,
  type MilestoneAmount,
  type MilestoneShare,
  milestoneAmounts,
  sameIndicators,
  type ContractTerms as Terms,
} from '../../../domain/contracts.js';
import { contractMachine } from '../../../domain/machines.js';
import { formatFen } from '../../../domain/money.js';
import { awardStatusLabels } from '../../../domain/publicity.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { type Actor, type CurrentUser, hasRole } from '../../http/current-user.js';
import {
  conflict,
  fieldError,
  forbidden,
  notFound,
  staleVersion,
  validationError,
} from '../../http/errors.js';
import { tracedWrite } from '../../lifecycle/traced.js';
import { transition, transitionCall } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { appendTimeline } from '../timeline/service.js';
import { contractPolicy, sideOf } from './policy.js';
import { contractAmendments, contracts } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type ContractRow = typeof contracts.$inferSelect;

// Any constant works: it serializes the numbering of contracts (HT-2026-0001, …).
const CODE_LOCK_KEY = 7_262_101;

const shares = (milestones: readonly MilestoneAmount[]): MilestoneShare[] =>
  milestones.map(({ key, label, shareBp }) => ({ key, label, shareBp }));

/** Changes whenever the terms change; a party confirms the digest of the terms it was shown. */
export function termsDigest(t: Terms): string {
  const canonical = JSON.stringify([
    t.amountFen,
    t.periodStart,
    t.periodEnd,
    t.indicators.map((i) => [i.kind, i.name, i.target, i.unit]),
    t.milestones.map((m) => [m.key, m.label, m.shareBp, m.amountFen]),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

// ---------- reading ----------

const buyerOrg = alias(orgs, 'buyer_org');
const providerOrg = alias(orgs, 'provider_org');

const selectContracts = (db: Executor) =>
  db
    .select({
      contract: contracts,
      call: {
        code: calls.code,
        title: calls.title,
        servicePeriodStart: calls.servicePeriodStart,
        servicePeriodEnd: calls.servicePeriodEnd,
      },
      awardAmountFen: awards.amountFen,
      projectTitle: sql<string>`${applications.proposal}->>'title'`,
      proposalIndicators: sql<ContractIndicator[]>`${applications.proposal}->'indicators'`,
      buyerName: buyerOrg.name,
      providerName: providerOrg.name,
    })
    .from(contracts)
    .innerJoin(calls, eq(calls.id, contracts.callId))
    .innerJoin(awards, eq(awards.id, contracts.awardId))
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .innerJoin(buyerOrg, eq(buyerOrg.id, contracts.buyerOrgId))
    .innerJoin(providerOrg, eq(providerOrg.id, contracts.providerOrgId));
type Selected = Awaited<ReturnType<ReturnType<typeof selectContracts>['where']>>[number];

function contractActions(viewer: CurrentUser | null, c: ContractRow): string[] {
  if (!viewer) return [];
  const result: string[] = [];
  const allowed = permittedActions(viewer, contractPolicy, c, ['update', 'amend']);
  if (c.status === 'draft' && allowed.includes('update')) result.push('update');
  const side = sideOf(viewer, c);
  if (c.status === 'draft' && side && !(side === 'buyer' ? c.buyerConfirmedAt : c.providerConfirmedAt))
    result.push('confirm');
  if (c.status === 'signed' && allowed.includes('amend')) result.push('amend');
  return result;
}

const presentAmendment = (a: typeof contractAmendments.$inferSelect): Amendment => ({
  id: a.id,
  number: a.number,
  reason: a.reason,
  before: a.before as Record<string, unknown>,
  after: a.after as Record<string, unknown>,
  raisesValue: a.raisesValue,
  createdAt: a.createdAt.toISOString(),
});

function present(viewer: CurrentUser | null, r: Selected, amendments: Amendment[]): Contract {
  const c = r.contract;
  return {
    id: c.id,
    code: c.code,
    awardId: c.awardId,
    callId: c.callId,
    callCode: r.call.code,
    callTitle: r.call.title,
    projectTitle: r.projectTitle,
    buyerOrgId: c.buyerOrgId,
    buyerName: r.buyerName,
    providerOrgId: c.providerOrgId,
    providerName: r.providerName,
    awardAmountFen: r.awardAmountFen,
    amountFen: c.amountFen,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    servicePeriodStart: r.call.servicePeriodStart,
    servicePeriodEnd: r.call.servicePeriodEnd,
    indicators: c.indicators,
    indicatorsChanged: !sameIndicators(c.indicators, r.proposalIndicators ?? []),
    indicatorChangeReason: c.indicatorChangeReason,
    milestones: c.milestones,
    status: c.status,
    buyerConfirmedAt: c.buyerConfirmedAt?.toISOString() ?? null,
    providerConfirmedAt: c.providerConfirmedAt?.toISOString() ?? null,
    signedAt: c.signedAt?.toISOString() ?? null,
    termsDigest: termsDigest(c),
    version: c.version,
    amendments,
    actions: contractActions(viewer, c),
  };
}

export async function getContract(db: Db, viewer: CurrentUser | null, id: string): Promise<Contract> {
  const [row] = await selectContracts(db).where(eq(contracts.id, id));
  if (!row) throw notFound('合同');
  authorize(viewer, contractPolicy, 'view', row.contract);
  const amendments = await db
    .select()
    .from(contractAmendments)
    .where(eq(contractAmendments.contractId, id))
    .orderBy(asc(contractAmendments.number));
  return present(viewer, row, amendments.map(presentAmendment));
}

export async function getContractOfAward(db: Db, viewer: CurrentUser | null, awardId: string) {
  const [row] = await db.select({ id: contracts.id }).from(contracts).where(eq(contracts.awardId, awardId));
  if (!row) throw notFound('合同');
  return getContract(db, viewer, row.id);
}

type ContractQuery = z.infer<typeof contractQuery>;

/** Parties see their own organization's contracts; administrators and supervisors see all. */
export async function listContracts(db: Db, viewer: CurrentUser | null, query: ContractQuery) {
  authorize(viewer, contractPolicy, 'list', null);
  const conditions: (SQL | undefined)[] = [];
  const mine = query.mine === '1' || query.mine === 'true';
  if (mine || !hasRole(viewer, 'admin', 'supervisor')) {
    const orgId = viewer.org?.id;
    if (!orgId) return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    const own: SQL[] = [];
    if (mine || hasRole(viewer, 'buyer')) own.push(eq(contracts.buyerOrgId, orgId));
    if (mine || hasRole(viewer, 'provider')) own.push(eq(contracts.providerOrgId, orgId));
    conditions.push(or(...own));
  }
  if (query.callId) conditions.push(eq(contracts.callId, query.callId));
  if (query.status) conditions.push(eq(contracts.status, query.status));
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    selectContracts(db)
      .where(where)
      .orderBy(desc(contracts.createdAt), desc(contracts.code))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(contracts).where(where),
  ]);
  return {
    items: rows.map((r) => present(viewer, r, [])),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

// ---------- drafting ----------

/** Everything the terms are checked against: the award, the call's service period, the proposal. */
async function awardContext(db: Executor, awardId: string) {
  const [row] = await db
    .select({
      award: awards,
      call: calls,
      providerOrgId: applications.providerOrgId,
      projectTitle: sql<string>`${applications.proposal}->>'title'`,
      proposalIndicators: sql<ContractIndicator[]>`${applications.proposal}->'indicators'`,
    })
    .from(awards)
    .innerJoin(calls, eq(calls.id, awards.callId))
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .where(eq(awards.id, awardId));
  if (!row) throw notFound('立项项目');
  return { ...row, proposalIndicators: row.proposalIndicators ?? [] };
}
type AwardContext = Awaited<ReturnType<typeof awardContext>>;

/** Every problem with the terms at once (src/domain/contracts.ts, which the browser checks too). */
const termProblems = (t: Terms, ctx: AwardContext, indicatorChangeReason: string | null) =>
  contractTermProblems(
    t,
    {
      awardFen: ctx.award.amountFen,
      servicePeriodStart: ctx.call.servicePeriodStart,
      servicePeriodEnd: ctx.call.servicePeriodEnd,
      proposalIndicators: ctx.proposalIndicators,
    },
    indicatorChangeReason,
  );

const partiesOf = (ctx: AwardContext) => ({
  buyerOrgId: ctx.call.buyerOrgId,
  providerOrgId: ctx.providerOrgId,
});

async function nextCode(tx: Tx): Promise<string> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CODE_LOCK_KEY})`);
  const prefix = `HT-${todayInShanghai().slice(0, 4)}-`;
  const [row] = await tx
    .select({ n: sql<number | null>`max(substring(${contracts.code} from ${prefix.length + 1}::int)::int)` })
    .from(contracts)
    .where(sql`${contracts.code} like ${`${prefix}%`}`);
  return `${prefix}${String((Number(row?.n) || 0) + 1).padStart(4, '0')}`;
}

/** The buyer drafts the contract of an approved award; terms default from the award, call and proposal. */
export async function createContract(
  db: Db,
  actor: SignedIn,
  awardId: string,
  input: z.infer<typeof contractCreateBody>,
) {
  const ctx = await awardContext(db, awardId);
  authorize(actor.user, contractPolicy, 'create', partiesOf(ctx));
  if (ctx.award.status !== 'approved') {
    throw conflict(`该项目${awardStatusLabels[ctx.award.status]}，不能签订合同`, {
      awardStatus: ctx.award.status,
    });
  }
  const amountFen = input.amountFen ?? ctx.award.amountFen;
  const terms: Terms = {
    amountFen,
    periodStart: input.periodStart ?? ctx.call.servicePeriodStart,
    periodEnd: input.periodEnd ?? ctx.call.servicePeriodEnd,
    indicators: input.indicators ?? ctx.proposalIndicators,
    milestones: milestoneAmounts(amountFen, input.milestones ?? defaultMilestones()),
  };
  const changed = !sameIndicators(terms.indicators, ctx.proposalIndicators);
  const reason = changed ? (input.indicatorChangeReason ?? null) : null;
  const problems = termProblems(terms, ctx, reason);
  if (problems.length) throw validationError(problems);

  const id = await db.transaction(async (tx) => {
    // One contract per award, even for two simultaneous requests: the second waits here, then finds the first.
    const [award] = await tx.select().from(awards).where(eq(awards.id, awardId)).for('update');
    if (award.status !== 'approved') throw conflict(`该项目${awardStatusLabels[award.status]}，不能签订合同`);
    const [existing] = await tx
      .select({ code: contracts.code })
      .from(contracts)
      .where(eq(contracts.awardId, awardId));
    if (existing) throw conflict(`该项目已有合同（${existing.code}）`);
    const code = await nextCode(tx);
    const [row] = await tx
      .insert(contracts)
      .values({
        code,
        awardId,
        callId: ctx.call.id,
        buyerOrgId: ctx.call.buyerOrgId,
        providerOrgId: ctx.providerOrgId,
        ...terms,
        indicatorChangeReason: reason,
      })
      .returning();
    await appendAudit(tx, actor, {
      action: 'contract.created',
      targetType: 'contract',
      targetId: row.id,
      summary: {
        code,
        awardId,
        callId: ctx.call.id,
        ...terms,
        indicatorsChanged: changed,
        indicatorChangeReason: reason,
      },
    });
    await notify(tx, await usersOfOrg(tx, ctx.providerOrgId, 'provider'), {
      kind: 'contract.drafted',
      title: '合同草稿待确认',
      body: `项目“${ctx.projectTitle}”的合同（${code}）已起草，请核对后确认。`,
      link: `/app/contracts/${row.id}`,
    });
    return row.id;
  });
  return getContract(db, actor.user, id);
}

async function lockContract(tx: Tx, id: string) {
  const [row] = await tx.select().from(contracts).where(eq(contracts.id, id)).for('update');
  if (!row) throw notFound('合同');
  return row;
}

/** Edits a draft; any real change clears both confirmations, which must then be given again. */
export async function updateContract(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof contractUpdateBody>,
) {
  const before = await findById(db, contracts, id, '合同');
  authorize(actor.user, contractPolicy, 'update', before);
  if (before.status !== 'draft') throw conflict('合同已签订，如需调整请办理合同变更');
  if (input.version !== undefined && input.version !== before.version) throw staleVersion();
  const ctx = await awardContext(db, before.awardId);
  const amountFen = input.amountFen ?? before.amountFen;
  const terms: Terms = {
    amountFen,
    periodStart: input.periodStart ?? before.periodStart,
    periodEnd: input.periodEnd ?? before.periodEnd,
    indicators: input.indicators ?? before.indicators,
    milestones: milestoneAmounts(amountFen, input.milestones ?? shares(before.milestones)),
  };
  const changedIndicators = !sameIndicators(terms.indicators, ctx.proposalIndicators);
  const reason = changedIndicators ? (input.indicatorChangeReason ?? before.indicatorChangeReason) : null;
  const problems = termProblems(terms, ctx, reason);
  if (problems.length) throw validationError(problems);
  const after = { ...terms, indicatorChangeReason: reason };
  const changes = changedFields(before, after);
  if (Object.keys(changes).length === 0) return getContract(db, actor.user, id);

  await db.transaction(async (tx) => {
    const current = await lockContract(tx, id);
    if (current.version !== before.version) throw staleVersion();
    if (current.status !== 'draft') throw conflict('合同已签订，如需调整请办理合同变更');
    const hadConfirmation = !!(current.buyerConfirmedAt || current.providerConfirmedAt);
    await tx
      .update(contracts)
      .set({
        ...after,
        buyerConfirmedAt: null,
        providerConfirmedAt: null,
        version: sql`${contracts.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(contracts.id, id));
    await appendAudit(tx, actor, {
      action: 'contract.updated',
      targetType: 'contract',
      targetId: id,
      summary: { code: current.code, changes, confirmationsCleared: hadConfirmation },
    });
    if (current.providerConfirmedAt) {
      await notify(tx, await usersOfOrg(tx, current.providerOrgId, 'provider'), {
        kind: 'contract.changed',
        title: '合同草稿已修改，请重新确认',
        body: `合同${current.code}在您确认后被修改，请重新核对并确认。`,
        link: `/app/contracts/${id}`,
      });
    }
  });
  return getContract(db, actor.user, id);
}

// ---------- signing ----------

/**
 * A party confirms the terms it saw (by their digest). When both have confirmed the contract
 * is signed, its public facts go on the project's timeline, and once every approved award of
 * the call has a signed contract the call moves to 已签约 (contracted).
 */
export async function confirmContract(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof contractConfirmBody>,
) {
  const seen = await findById(db, contracts, id, '合同');
  authorize(actor.user, contractPolicy, 'confirm', seen);
  const side = sideOf(actor.user, seen);
  if (!side) throw forbidden();

  await db.transaction(async (tx) => {
    // Serializes the two sides: the second to confirm sees the first's confirmation and signs.
    const c = await lockContract(tx, id);
    if (c.status === 'signed') throw conflict('合同已签订');
    if (c.status !== 'draft') throw conflict('合同已终止或结项，不能确认');
    if (termsDigest(c) !== input.termsDigest) throw conflict('合同内容已更新，请重新查看后确认');
    if ((side === 'buyer' ? c.buyerConfirmedAt : c.providerConfirmedAt) !== null)
      throw conflict('您方已确认，等待对方确认');
    const now = new Date();
    const signs = side === 'buyer' ? c.providerConfirmedAt !== null : c.buyerConfirmedAt !== null;
    const confirmed = side === 'buyer' ? { buyerConfirmedAt: now } : { providerConfirmedAt: now };
    const audit = {
      action: 'contract.confirmed',
      targetType: 'contract',
      targetId: id,
      summary: { code: c.code, side, termsDigest: input.termsDigest },
    };
    // The second side's confirmation signs the contract: that is its one status change.
    if (signs) {
      await transition(tx, actor, contractMachine, contracts, c, 'sign', {
        set: { ...confirmed, signedAt: now },
        audit,
      });
    } else {
      await tracedWrite(tx, actor, audit, () =>
        tx
          .update(contracts)
          .set({ ...confirmed, version: sql`${contracts.version} + 1`, updatedAt: now })
          .where(eq(contracts.id, id)),
      );
    }
    const other =
      side === 'buyer'
        ? { orgId: c.providerOrgId, role: 'provider' as const }
        : { orgId: c.buyerOrgId, role: 'buyer' as const };
    if (!signs) {
      await notify(tx, await usersOfOrg(tx, other.orgId, other.role), {
        kind: 'contract.confirmed',
        title: '对方已确认合同，请确认签订',
        body: `合同${c.code}已由${side === 'buyer' ? '购买方' : '承接方'}确认。`,
        link: `/app/contracts/${id}`,
      });
      return;
    }
    await recordSigning(tx, actor, c);
  });
  return getContract(db, actor.user, id);
}

async function recordSigning(tx: Tx, actor: SignedIn, c: ContractRow) {
  const [row] = await selectContracts(tx).where(eq(contracts.id, c.id));
  const facts = {
    contractId: c.id,
    contractCode: c.code,
    projectTitle: row.projectTitle,
    buyerName: row.buyerName,
    providerName: row.providerName,
    amountFen: c.amountFen,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    milestones: c.milestones.map((m) => ({ label: m.label, shareBp: m.shareBp, amountFen: m.amountFen })),
  };
  await appendAudit(tx, actor, {
    action: 'contract.signed',
    targetType: 'contract',
    targetId: c.id,
    summary: facts,
    visibility: 'public',
  });
  await appendTimeline(tx, c.callId, {
    kind: 'contract.signed',
    title: `合同签订：${row.projectTitle}`,
    detail: facts,
  });
  const parties = [
    ...(await usersOfOrg(tx, c.buyerOrgId, 'buyer')),
    ...(await usersOfOrg(tx, c.providerOrgId, 'provider')),
  ];
  await notify(tx, parties, {
    kind: 'contract.signed',
    title: '合同已签订',
    body: `合同${c.code}（${row.projectTitle}）已经双方确认签订。`,
    link: `/app/contracts/${c.id}`,
  });

  // The call is contracted when every approved award has a signed contract and none is still pending.
  const [call] = await tx.select().from(calls).where(eq(calls.id, c.callId)).for('update');
  if (call.status !== 'approved') return;
  const callAwards = await tx
    .select({ id: awards.id, status: awards.status })
    .from(awards)
    .where(eq(awards.callId, c.callId));
  if (callAwards.some((a) => a.status === 'proposed' || a.status === 'in_publicity')) return;
  const approved = callAwards.filter((a) => a.status === 'approved').map((a) => a.id);
  if (approved.length === 0) return;
  const [{ signed }] = await tx
    .select({ signed: count() })
    .from(contracts)
    .where(and(inArray(contracts.awardId, approved), eq(contracts.status, 'signed')));
  if (signed < approved.length) return;
  await transitionCall(tx, actor, call, 'contract', {
    detail: { contracts: signed },
    timelineTitle: `合同全部签订（${signed}份）`,
  });
}

// ---------- amendments ----------

/**
 * Changes a signed contract. Takes effect when the buyer records it (the provider is notified);
 * before and after are kept, and raising the value is flagged for supervisors.
 */
export async function amendContract(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof amendmentBody>,
) {
  const seen = await findById(db, contracts, id, '合同');
  authorize(actor.user, contractPolicy, 'amend', seen);
  if (seen.status !== 'signed') throw conflict('只有已签订的合同可以变更；草稿请直接修改');

  await db.transaction(async (tx) => {
    const c = await lockContract(tx, id);
    if (c.status !== 'signed') throw conflict('只有已签订的合同可以变更；草稿请直接修改');
    const { changes } = input;
    const amountFen = changes.amountFen ?? c.amountFen;
    const periodEnd = changes.periodEnd ?? c.periodEnd;
    if (periodEnd < c.periodStart)
      throw fieldError('changes.periodEnd', `服务期结束日期不能早于开始日期${c.periodStart}`);
    const after: Terms = {
      amountFen,
      periodStart: c.periodStart,
      periodEnd,
      indicators: changes.indicators ?? c.indicators,
      milestones: milestoneAmounts(amountFen, changes.milestones ?? shares(c.milestones)),
    };
    const diff = changedFields(c, after);
    if (Object.keys(diff).length === 0) throw fieldError('changes', '变更内容与现合同相同');
    const before = Object.fromEntries(Object.entries(diff).map(([k, v]) => [k, v.before]));
    const afterValues = Object.fromEntries(Object.entries(diff).map(([k, v]) => [k, v.after]));
    const raisesValue =
      amountFen > c.amountFen
        ? `合同金额由${formatFen(c.amountFen)}增加至${formatFen(amountFen)}（增加${formatFen(amountFen - c.amountFen)}）`
        : null;
    const [{ last }] = await tx
      .select({ last: sql<number | null>`max(${contractAmendments.number})` })
      .from(contractAmendments)
      .where(eq(contractAmendments.contractId, id));
    const number = (Number(last) || 0) + 1;
    const [amendment] = await tx
      .insert(contractAmendments)
      .values({
        contractId: id,
        number,
        reason: input.reason,
        before,
        after: afterValues,
        raisesValue,
        createdBy: actor.user.id,
      })
      .returning();
    await tx
      .update(contracts)
      .set({ ...after, version: sql`${contracts.version} + 1`, updatedAt: new Date() })
      .where(eq(contracts.id, id));
    await appendAudit(tx, actor, {
      action: 'contract.amended',
      targetType: 'contract',
      targetId: id,
      summary: {
        code: c.code,
        amendmentId: amendment.id,
        number,
        reason: input.reason,
        changes: diff,
        ...(raisesValue ? { flagged: true, flag: 'raises_value', raisesValue } : {}),
      },
    });
    await appendTimeline(tx, c.callId, {
      kind: 'contract.amended',
      title: `合同变更：${c.code} 第${number}次变更`,
      detail: {
        contractId: id,
        contractCode: c.code,
        number,
        reason: input.reason,
        before,
        after: afterValues,
        raisesValue,
      },
    });
    await notify(tx, await usersOfOrg(tx, c.providerOrgId, 'provider'), {
      kind: 'contract.amended',
      title: '合同已变更',
      body: `合同${c.code}第${number}次变更：${input.reason}`,
      link: `/app/contracts/${id}`,
    });
  });
  return getContract(db, actor.user, id);
}
