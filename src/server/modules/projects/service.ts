import { and, asc, count, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { projectMachine, recoveryMachine, rectificationMachine } from '../../../domain/machines.js';
import { formatFen } from '../../../domain/money.js';
import {
  type Project,
  type ProjectState,
  type projectQuery,
  projectStateLabels,
  RECTIFICATION_DEFAULT_WORKING_DAYS,
  type Recovery,
  type Rectification,
  RUNNING_PROJECT_STATES,
  type recoveryOpenBody,
  type rectificationCheckBody,
  type rectificationOpenBody,
  type rectificationSubmitBody,
  type repaymentBody,
  repaymentProblem,
  type terminateBody,
} from '../../../domain/projects.js';
import {
  todayInShanghai,
  type WorkingDayCalendar,
  workingDayDeadline,
} from '../../../domain/working-days.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { type Actor, type CurrentUser, hasRole } from '../../http/current-user.js';
import { conflict, fieldError, forbidden, notFound, staleVersion } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { expenses, payments } from '../funds/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { appendTimeline } from '../timeline/service.js';
import { mayCheckRectification, type ProjectParties, projectPolicy } from './policy.js';
import { projects, recoveries, recoveryRepayments, rectifications } from './schema.js';

export type SignedIn = Actor & { user: CurrentUser };
/**
 * Runs inside the transaction of a write that changes a project's data (the red flags recompute
 * their alerts); handed down from app.ts by the later module that needs it.
 */
export type AfterWrite = (tx: Tx, actor: Actor, projectId: string) => Promise<void>;
export const noAfterWrite: AfterWrite = async () => {};
type RectificationRow = typeof rectifications.$inferSelect;
type RecoveryRow = typeof recoveries.$inferSelect;

/** The evaluation organizations assigned to each of these projects: commissions and re-checks. */
async function evaluatorOrgsOf(db: Executor, ids: string[]) {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectDistinct({ projectId: rectifications.projectId, orgId: rectifications.evaluatorOrgId })
    .from(rectifications)
    .where(inArray(rectifications.projectId, ids))
    .union(
      db
        .selectDistinct({ projectId: evaluations.projectId, orgId: evaluations.evaluatorOrgId })
        .from(evaluations)
        .where(inArray(evaluations.projectId, ids)),
    );
  for (const r of rows) map.set(r.projectId, [...(map.get(r.projectId) ?? []), r.orgId]);
  return map;
}

/** The projects an evaluation organization is assigned to. */
const assignedTo = (orgId: string) =>
  or(
    sql`${contracts.id} in (select ${rectifications.projectId} from ${rectifications} where ${rectifications.evaluatorOrgId} = ${orgId})`,
    sql`${contracts.id} in (select ${evaluations.projectId} from ${evaluations} where ${evaluations.evaluatorOrgId} = ${orgId})`,
  )!;

// ---------- reading ----------

const buyerOrg = alias(orgs, 'buyer_org');
const providerOrg = alias(orgs, 'provider_org');

/** Signed contracts with their project row, when it exists yet. */
const selectProjects = (db: Executor) =>
  db
    .select({
      contract: {
        id: contracts.id,
        code: contracts.code,
        callId: contracts.callId,
        buyerOrgId: contracts.buyerOrgId,
        providerOrgId: contracts.providerOrgId,
        amountFen: contracts.amountFen,
        periodStart: contracts.periodStart,
        periodEnd: contracts.periodEnd,
        milestones: contracts.milestones,
      },
      project: projects,
      projectTitle: sql<string>`${applications.proposal}->>'title'`,
      buyerName: buyerOrg.name,
      providerName: providerOrg.name,
    })
    .from(contracts)
    .leftJoin(projects, eq(projects.id, contracts.id))
    .innerJoin(awards, eq(awards.id, contracts.awardId))
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .innerJoin(buyerOrg, eq(buyerOrg.id, contracts.buyerOrgId))
    .innerJoin(providerOrg, eq(providerOrg.id, contracts.providerOrgId));
export type ProjectRecord = Awaited<ReturnType<ReturnType<typeof selectProjects>['where']>>[number] & {
  evaluatorOrgIds: string[];
};

const signed = eq(contracts.status, 'signed');

/** The project of a signed contract, with its parties; 404 when there is none. */
export async function findProject(db: Executor, id: string): Promise<ProjectRecord> {
  const [row] = await selectProjects(db).where(and(eq(contracts.id, id), signed));
  if (!row) throw notFound('项目');
  const evaluatorOrgIds = (await evaluatorOrgsOf(db, [id])).get(id) ?? [];
  return { ...row, evaluatorOrgIds };
}

export const partiesOf = (r: ProjectRecord): ProjectParties => ({
  buyerOrgId: r.contract.buyerOrgId,
  providerOrgId: r.contract.providerOrgId,
  evaluatorOrgIds: r.evaluatorOrgIds,
});

export const stateOf = (r: ProjectRecord): ProjectState => r.project?.status ?? 'contracted';

/**
 * Loads a project the viewer may see. An evaluator who is not assigned to it learns nothing,
 * not even that it exists (404); other roles that may not see it get 403.
 */
export async function viewProject(db: Executor, viewer: CurrentUser | null, id: string) {
  const record = await findProject(db, id);
  if (viewer && hasRole(viewer, 'evaluator') && !projectPolicy.view(viewer, partiesOf(record)))
    throw notFound('项目');
  authorize(viewer, projectPolicy, 'view', partiesOf(record));
  return record;
}

/** Paid and spent so far per project, in fen (0 for a project without payments or expenses). */
async function moneyOf(db: Executor, ids: string[]) {
  const money = new Map(ids.map((id) => [id, { paidFen: 0, spentFen: 0 }]));
  if (ids.length === 0) return money;
  const [paid, spent] = await Promise.all([
    db
      .select({ id: payments.projectId, fen: sql<string>`sum(${payments.paidFen})` })
      .from(payments)
      .where(and(inArray(payments.projectId, ids), eq(payments.status, 'paid')))
      .groupBy(payments.projectId),
    db
      .select({ id: expenses.projectId, fen: sql<string>`sum(${expenses.amountFen})` })
      .from(expenses)
      .where(inArray(expenses.projectId, ids))
      .groupBy(expenses.projectId),
  ]);
  for (const r of paid) money.get(r.id)!.paidFen = Number(r.fen);
  for (const r of spent) money.get(r.id)!.spentFen = Number(r.fen);
  return money;
}

function listFields(r: ProjectRecord, money: { paidFen: number; spentFen: number }) {
  return {
    id: r.contract.id,
    contractCode: r.contract.code,
    callId: r.contract.callId,
    projectTitle: r.projectTitle,
    buyerOrgId: r.contract.buyerOrgId,
    buyerName: r.buyerName,
    providerOrgId: r.contract.providerOrgId,
    providerName: r.providerName,
    amountFen: r.contract.amountFen,
    periodStart: r.contract.periodStart,
    periodEnd: r.contract.periodEnd,
    status: stateOf(r),
    // A project without its row yet is created at version 1 by its first step.
    version: r.project?.version ?? 1,
    ...money,
  };
}

function projectActions(viewer: CurrentUser | null, r: ProjectRecord, open: { rectification: boolean }) {
  const state = stateOf(r);
  const allowed = permittedActions(viewer, projectPolicy, partiesOf(r), [
    'start',
    'terminate',
    'close',
    'rectify',
    'recover',
  ]);
  const result: string[] = [];
  if (state === 'contracted' && allowed.includes('start')) result.push('start');
  const running = (RUNNING_PROJECT_STATES as readonly string[]).includes(state);
  if (running && allowed.includes('terminate')) result.push('terminate');
  if (running && allowed.includes('rectify') && !open.rectification) result.push('rectify');
  if (state === 'terminated' && allowed.includes('recover')) result.push('recover');
  if ((state === 'results_publicity' || state === 'terminated') && allowed.includes('close'))
    result.push('close');
  return result;
}

function presentRectification(
  viewer: CurrentUser | null,
  r: RectificationRow,
  names: Map<string, string>,
  parties: ProjectParties,
): Rectification {
  const actions: string[] = [];
  if (viewer && r.status === 'open' && projectPolicy.submitRectification(viewer, parties))
    actions.push('submit');
  if (viewer && r.status === 'submitted' && mayCheckRectification(viewer, r.evaluatorOrgId))
    actions.push('check');
  return {
    id: r.id,
    status: r.status,
    origin: r.origin,
    evaluationId: r.evaluationId,
    reason: r.reason,
    workingDays: r.workingDays,
    openedOn: r.openedOn,
    dueOn: r.dueOn,
    dueOnEstimated: r.dueOnEstimated && r.status === 'open',
    evaluatorOrgId: r.evaluatorOrgId,
    evaluatorName: names.get(r.evaluatorOrgId) ?? '',
    plan: r.plan,
    evidence: r.evidence,
    submittedAt: r.submittedAt?.toISOString() ?? null,
    checkNote: r.checkNote,
    checkedAt: r.checkedAt?.toISOString() ?? null,
    version: r.version,
    actions,
  };
}

function presentRecovery(
  viewer: CurrentUser | null,
  r: RecoveryRow,
  repayments: (typeof recoveryRepayments.$inferSelect)[],
  parties: ProjectParties,
): Recovery {
  const repaidFen = repayments.reduce((s, p) => s + p.amountFen, 0);
  return {
    id: r.id,
    status: r.status,
    amountFen: r.amountFen,
    repaidFen,
    outstandingFen: r.amountFen - repaidFen,
    reason: r.reason,
    dueOn: r.dueOn,
    settledAt: r.settledAt?.toISOString() ?? null,
    repayments: repayments.map((p) => ({
      id: p.id,
      amountFen: p.amountFen,
      paidOn: p.paidOn,
      voucherNo: p.voucherNo,
      createdAt: p.createdAt.toISOString(),
    })),
    actions: viewer && r.status === 'open' && projectPolicy.recover(viewer, parties) ? ['repay'] : [],
  };
}

export async function getProject(db: Db, viewer: CurrentUser | null, id: string): Promise<Project> {
  const record = await viewProject(db, viewer, id);
  const [rectRows, recoveryRows, money] = await Promise.all([
    db
      .select()
      .from(rectifications)
      .where(eq(rectifications.projectId, id))
      .orderBy(asc(rectifications.createdAt)),
    db.select().from(recoveries).where(eq(recoveries.projectId, id)).orderBy(asc(recoveries.createdAt)),
    moneyOf(db, [id]),
  ]);
  const repayments = recoveryRows.length
    ? await db
        .select()
        .from(recoveryRepayments)
        .where(
          inArray(
            recoveryRepayments.recoveryId,
            recoveryRows.map((r) => r.id),
          ),
        )
        .orderBy(asc(recoveryRepayments.paidOn), asc(recoveryRepayments.createdAt))
    : [];
  const orgIds = [...new Set(rectRows.map((r) => r.evaluatorOrgId))];
  const names = new Map(
    orgIds.length
      ? (await db.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, orgIds))).map(
          (o) => [o.id, o.name],
        )
      : [],
  );
  const parties = partiesOf(record);
  const p = record.project;
  return {
    ...listFields(record, money.get(id)!),
    terminationReason: p?.terminationReason ?? null,
    terminatedAt: p?.terminatedAt?.toISOString() ?? null,
    closedAt: p?.closedAt?.toISOString() ?? null,
    rectifications: rectRows.map((r) => presentRectification(viewer, r, names, parties)),
    recoveries: recoveryRows.map((r) =>
      presentRecovery(
        viewer,
        r,
        repayments.filter((p) => p.recoveryId === r.id),
        parties,
      ),
    ),
    actions: projectActions(viewer, record, {
      rectification: rectRows.some((r) => r.status === 'open' || r.status === 'submitted'),
    }),
  };
}

type ProjectQuery = z.infer<typeof projectQuery>;

/** Parties see their own organization's projects, evaluators those assigned to them, overseers all. */
export async function listProjects(db: Db, viewer: CurrentUser | null, query: ProjectQuery) {
  authorize(viewer, projectPolicy, 'list', null);
  const conditions: (SQL | undefined)[] = [signed];
  if (!hasRole(viewer, 'admin', 'supervisor')) {
    const orgId = viewer.org?.id;
    if (!orgId) return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    const own: SQL[] = [];
    if (hasRole(viewer, 'buyer')) own.push(eq(contracts.buyerOrgId, orgId));
    if (hasRole(viewer, 'provider')) own.push(eq(contracts.providerOrgId, orgId));
    if (hasRole(viewer, 'evaluator')) own.push(assignedTo(orgId));
    conditions.push(or(...own));
  }
  if (query.status) {
    conditions.push(
      query.status === 'contracted'
        ? sql`coalesce(${projects.status}, 'contracted') = 'contracted'`
        : eq(projects.status, query.status),
    );
  }
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    selectProjects(db)
      .where(where)
      .orderBy(desc(contracts.signedAt), desc(contracts.code))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(contracts)
      .leftJoin(projects, eq(projects.id, contracts.id))
      .where(where),
  ]);
  const money = await moneyOf(
    db,
    rows.map((r) => r.contract.id),
  );
  return {
    items: rows.map((r) => listFields({ ...r, evaluatorOrgIds: [] }, money.get(r.contract.id)!)),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

// ---------- steps ----------

/**
 * The project's row, created with its first step after signing (as 已签约), so that every step,
 * the first one too, is a transition from a stored state and version.
 */
export async function ensureProjectRow(tx: Tx, record: ProjectRecord) {
  await tx
    .insert(projects)
    .values({ id: record.contract.id, callId: record.contract.callId })
    .onConflictDoNothing();
  const [row] = await tx.select().from(projects).where(eq(projects.id, record.contract.id));
  return row;
}

/** 409 when the client's version of a row is not the stored one. */
export function checkVersion(row: { version: number }, version: number | undefined) {
  if (version !== undefined && version !== row.version) throw staleVersion();
}

/** The states in which a project is carried out: activities, progress and spending are recorded. */
const UNDER_WAY: readonly string[] = ['in_implementation', 'midterm_evaluated', 'final_evaluation'];
export const isUnderWay = (state: string) => UNDER_WAY.includes(state);

/** The project's row inside a transaction, or 409 when it is not under way (not started, or ended). */
export async function underWayProject(tx: Tx, record: ProjectRecord, what: string) {
  const project = await ensureProjectRow(tx, record);
  if (!isUnderWay(project.status))
    throw conflict(`当前状态为“${projectStateLabels[project.status]}”，不能${what}`, {
      state: project.status,
    });
  return project;
}

/** One step of the project's machine, on the call's public timeline when public. */
export async function stepProject(
  tx: Tx,
  actor: Actor,
  record: ProjectRecord,
  name: keyof typeof projectMachine.transitions,
  options: Parameters<typeof transition>[6] & { version?: number } = {},
) {
  const row = await ensureProjectRow(tx, record);
  checkVersion(row, options.version);
  return transition(tx, actor, projectMachine, projects, row, name, {
    timelineCallId: record.contract.callId,
    timelineTitle: `${projectMachine.transitions[name].label}：${record.projectTitle}`,
    ...options,
    detail: { projectId: record.contract.id, contractCode: record.contract.code, ...options.detail },
  });
}

const partyUsers = async (tx: Tx, record: ProjectRecord) => [
  ...(await usersOfOrg(tx, record.contract.buyerOrgId, 'buyer')),
  ...(await usersOfOrg(tx, record.contract.providerOrgId, 'provider')),
];
const link = (record: ProjectRecord) => `/app/projects/${record.contract.id}`;

/** 开始实施: the provider (or the buyer) starts a signed contract's implementation. */
export async function startProject(db: Db, actor: SignedIn, id: string, version?: number) {
  const record = await viewProject(db, actor.user, id);
  authorize(actor.user, projectPolicy, 'start', partiesOf(record));
  await db.transaction(async (tx) => {
    await stepProject(tx, actor, record, 'start', { version });
    await notify(tx, await partyUsers(tx, record), {
      kind: 'project.started',
      title: '项目开始实施',
      body: `项目“${record.projectTitle}”（合同${record.contract.code}）已开始实施。`,
      link: link(record),
    });
  });
  return getProject(db, actor.user, id);
}

/** 终止: the buyer ends a running project, with its reason (public). */
export async function terminateProject(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof terminateBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const record = await viewProject(db, actor.user, id);
  authorize(actor.user, projectPolicy, 'terminate', partiesOf(record));
  await db.transaction(async (tx) => {
    await stepProject(tx, actor, record, 'terminate', {
      version: input.version,
      reason: input.reason,
      set: { terminationReason: input.reason, terminatedAt: new Date() },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
      kind: 'project.terminated',
      title: '项目已终止',
      body: `项目“${record.projectTitle}”已被购买方终止：${input.reason}`,
      link: link(record),
    });
    await afterWrite(tx, actor, id);
  });
  return getProject(db, actor.user, id);
}

/**
 * What still keeps a project from closing, one sentence per reason (none: it may close). Later
 * modules add theirs (the final evaluation made final, every payment settled) through app.ts.
 */
export type CloseCheck = (db: Executor, record: ProjectRecord) => Promise<string[]>;

async function recoveriesOpen(db: Executor, record: ProjectRecord) {
  const [{ n }] = await db
    .select({ n: count() })
    .from(recoveries)
    .where(and(eq(recoveries.projectId, record.contract.id), eq(recoveries.status, 'open')));
  return n > 0 ? [`尚有${n}笔追回款项未结清`] : [];
}

/**
 * 结项: after the results publicity (when the later modules' checks pass), or after a termination
 * once every recovery is settled.
 */
export async function closeProject(
  db: Db,
  actor: SignedIn,
  id: string,
  version: number | undefined,
  checks: readonly CloseCheck[],
) {
  const record = await viewProject(db, actor.user, id);
  authorize(actor.user, projectPolicy, 'close', partiesOf(record));
  await db.transaction(async (tx) => {
    const row = await ensureProjectRow(tx, record);
    // Holds the project while its conditions are checked: a repayment or payment cannot slip in between.
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, id)).for('update');
    const state = row.status;
    if (state !== 'results_publicity' && state !== 'terminated') {
      throw conflict(`当前状态为“${projectStateLabels[state]}”，不能结项`, { state });
    }
    const applicable = state === 'terminated' ? [recoveriesOpen] : checks;
    const problems = (await Promise.all(applicable.map((check) => check(tx, record)))).flat();
    if (problems.length) throw conflict(`不能结项：${problems.join('；')}`, { problems });
    await stepProject(tx, actor, record, 'close', { version, set: { closedAt: new Date() } });
    await notify(tx, await partyUsers(tx, record), {
      kind: 'project.closed',
      title: '项目已结项',
      body: `项目“${record.projectTitle}”已结项。`,
      link: link(record),
    });
  });
  return getProject(db, actor.user, id);
}

// ---------- rectification ----------

async function evaluatorOrg(db: Executor, orgId: string) {
  const [org] = await db.select().from(orgs).where(eq(orgs.id, orgId));
  if (org?.kind !== 'evaluator' || !org.active)
    throw fieldError('evaluatorOrgId', '请选择一家在册的第三方评估机构');
  return org;
}

/**
 * Opens a rectification inside the caller's transaction: due `workingDays` working days from
 * today, re-checked by `evaluatorOrgId`. One at a time per project (409 otherwise). Used by the
 * buyer's route and by a failed evaluation.
 */
export async function openRectificationIn(
  tx: Tx,
  actor: Actor,
  record: ProjectRecord,
  input: {
    reason: string;
    workingDays: number;
    evaluatorOrgId: string;
    origin: 'evaluation' | 'buyer';
    evaluationId?: string;
  },
  calendar: WorkingDayCalendar,
) {
  await ensureProjectRow(tx, record);
  const [project] = await tx.select().from(projects).where(eq(projects.id, record.contract.id)).for('update');
  if (!(RUNNING_PROJECT_STATES as readonly string[]).includes(project.status))
    throw conflict(`当前状态为“${projectStateLabels[project.status]}”，不能要求整改`, {
      state: project.status,
    });
  const [{ pending }] = await tx
    .select({ pending: count() })
    .from(rectifications)
    .where(
      and(eq(rectifications.projectId, project.id), inArray(rectifications.status, ['open', 'submitted'])),
    );
  if (pending > 0) throw conflict('该项目已有未完成的整改');
  const openedOn = todayInShanghai();
  const { date: dueOn, estimated } = workingDayDeadline(openedOn, input.workingDays, calendar);
  const [row] = await tx
    .insert(rectifications)
    .values({
      projectId: project.id,
      origin: input.origin,
      evaluationId: input.evaluationId ?? null,
      reason: input.reason,
      workingDays: input.workingDays,
      openedOn,
      dueOn,
      dueOnEstimated: estimated,
      evaluatorOrgId: input.evaluatorOrgId,
    })
    .returning();
  const facts = {
    projectId: project.id,
    rectificationId: row.id,
    reason: input.reason,
    workingDays: input.workingDays,
    dueOn,
    origin: input.origin,
  };
  await appendAudit(tx, actor, {
    action: 'rectification.opened',
    targetType: 'rectification',
    targetId: row.id,
    summary: { ...facts, evaluatorOrgId: input.evaluatorOrgId, evaluationId: input.evaluationId },
    visibility: 'public',
  });
  await appendTimeline(tx, record.contract.callId, {
    kind: 'rectification.opened',
    title: `要求整改：${record.projectTitle}（${input.workingDays}个工作日内，至${dueOn}）`,
    detail: facts,
  });
  await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
    kind: 'rectification.opened',
    title: '项目需要整改',
    body: `项目“${record.projectTitle}”需在${dueOn}前提交整改方案和整改情况：${input.reason}`,
    link: link(record),
  });
  return row;
}

/** The buyer requires a rectification of a running project. */
export async function openRectification(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof rectificationOpenBody>,
  calendar: WorkingDayCalendar,
) {
  const record = await viewProject(db, actor.user, id);
  authorize(actor.user, projectPolicy, 'rectify', partiesOf(record));
  await evaluatorOrg(db, input.evaluatorOrgId);
  await db.transaction((tx) =>
    openRectificationIn(
      tx,
      actor,
      record,
      {
        reason: input.reason,
        workingDays: input.workingDays ?? RECTIFICATION_DEFAULT_WORKING_DAYS,
        evaluatorOrgId: input.evaluatorOrgId,
        origin: 'buyer',
      },
      calendar,
    ),
  );
  return getProject(db, actor.user, id);
}

async function rectificationWithProject(db: Db, viewer: CurrentUser | null, rectificationId: string) {
  const [row] = await db.select().from(rectifications).where(eq(rectifications.id, rectificationId));
  if (!row) throw notFound('整改');
  const record = await viewProject(db, viewer, row.projectId);
  return { row, record };
}

/** The provider submits its plan and what it did; the evaluator is asked to re-check. */
export async function submitRectification(
  db: Db,
  actor: SignedIn,
  rectificationId: string,
  input: z.infer<typeof rectificationSubmitBody>,
) {
  const { row, record } = await rectificationWithProject(db, actor.user, rectificationId);
  authorize(actor.user, projectPolicy, 'submitRectification', partiesOf(record));
  checkVersion(row, input.version);
  await db.transaction(async (tx) => {
    await transition(tx, actor, rectificationMachine, rectifications, row, 'submit', {
      set: { plan: input.plan, evidence: input.evidence, submittedAt: new Date() },
      detail: { projectId: record.contract.id, late: todayInShanghai() > row.dueOn },
    });
    await notify(tx, await usersOfOrg(tx, row.evaluatorOrgId, 'evaluator'), {
      kind: 'rectification.submitted',
      title: '整改材料待复核',
      body: `项目“${record.projectTitle}”已提交整改材料，请复核。`,
      link: link(record),
    });
  });
  return getProject(db, actor.user, record.contract.id);
}

/**
 * The evaluator re-checks: 合格 ends the rectification (a mid-term rectification that passes lets
 * payments resume); 不合格, with a note, leaves the buyer to require another or terminate.
 */
export async function checkRectification(
  db: Db,
  actor: SignedIn,
  rectificationId: string,
  input: z.infer<typeof rectificationCheckBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const { row, record } = await rectificationWithProject(db, actor.user, rectificationId);
  if (!mayCheckRectification(actor.user, row.evaluatorOrgId)) throw forbidden();
  checkVersion(row, input.version);
  await db.transaction(async (tx) => {
    const passed = input.decision === 'passed';
    await transition(tx, actor, rectificationMachine, rectifications, row, passed ? 'pass' : 'fail', {
      reason: passed ? undefined : input.note,
      set: { checkNote: input.note || null, checkedAt: new Date(), checkedBy: actor.user.id },
      detail: { projectId: record.contract.id, decision: input.decision, note: input.note || undefined },
      timelineCallId: record.contract.callId,
      timelineTitle: `${passed ? '整改复核合格' : '整改复核不合格'}：${record.projectTitle}`,
    });
    await notify(tx, await partyUsers(tx, record), {
      kind: 'rectification.checked',
      title: passed ? '整改复核合格' : '整改复核不合格',
      body: `项目“${record.projectTitle}”的整改复核结论：${passed ? '合格' : `不合格（${input.note}）`}`,
      link: link(record),
    });
    await afterWrite(tx, actor, record.contract.id);
  });
  return getProject(db, actor.user, record.contract.id);
}

// ---------- recovery ----------

/** 追回: the buyer requires funds back from a terminated project. */
export async function openRecovery(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof recoveryOpenBody>,
) {
  const record = await viewProject(db, actor.user, id);
  authorize(actor.user, projectPolicy, 'recover', partiesOf(record));
  if (input.dueOn < todayInShanghai()) throw fieldError('dueOn', '追回期限不能早于今天');
  if (input.amountFen > record.contract.amountFen)
    throw fieldError('amountFen', `追回金额不能高于合同金额${formatFen(record.contract.amountFen)}`);
  await db.transaction(async (tx) => {
    const row = await ensureProjectRow(tx, record);
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, id)).for('update');
    if (row.status !== 'terminated') throw conflict('只有已终止的项目可以追回资金', { state: row.status });
    const [recovery] = await tx
      .insert(recoveries)
      .values({
        projectId: id,
        amountFen: input.amountFen,
        reason: input.reason,
        dueOn: input.dueOn,
        createdBy: actor.user.id,
      })
      .returning();
    const facts = {
      projectId: id,
      recoveryId: recovery.id,
      amountFen: input.amountFen,
      reason: input.reason,
      dueOn: input.dueOn,
    };
    await appendAudit(tx, actor, {
      action: 'recovery.opened',
      targetType: 'recovery',
      targetId: recovery.id,
      summary: facts,
      visibility: 'public',
    });
    await appendTimeline(tx, record.contract.callId, {
      kind: 'recovery.opened',
      title: `追回资金${formatFen(input.amountFen)}：${record.projectTitle}（期限${input.dueOn}）`,
      detail: facts,
    });
    await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
      kind: 'recovery.opened',
      title: '需退回项目资金',
      body: `项目“${record.projectTitle}”需在${input.dueOn}前退回${formatFen(input.amountFen)}：${input.reason}`,
      link: link(record),
    });
  });
  return getProject(db, actor.user, id);
}

/** Records one repayment; the one that pays the rest settles the recovery. Never more than owed. */
export async function recordRepayment(
  db: Db,
  actor: SignedIn,
  recoveryId: string,
  input: z.infer<typeof repaymentBody>,
) {
  const [seen] = await db.select().from(recoveries).where(eq(recoveries.id, recoveryId));
  if (!seen) throw notFound('追回记录');
  const record = await viewProject(db, actor.user, seen.projectId);
  authorize(actor.user, projectPolicy, 'recover', partiesOf(record));
  if (input.paidOn > todayInShanghai()) throw fieldError('paidOn', '还款日期不能晚于今天');
  await db.transaction(async (tx) => {
    // Serializes repayments of one recovery: the sum is checked against what the others left.
    const [recovery] = await tx.select().from(recoveries).where(eq(recoveries.id, recoveryId)).for('update');
    if (recovery.status !== 'open') throw conflict('该追回款项已结清');
    const [{ repaid }] = await tx
      .select({ repaid: sql<string>`coalesce(sum(${recoveryRepayments.amountFen}), 0)` })
      .from(recoveryRepayments)
      .where(eq(recoveryRepayments.recoveryId, recoveryId));
    const repaidFen = Number(repaid);
    const problem = repaymentProblem(recovery.amountFen, repaidFen, input.amountFen);
    if (problem) throw fieldError('amountFen', problem);
    const [repayment] = await tx
      .insert(recoveryRepayments)
      .values({ recoveryId, ...input, createdBy: actor.user.id })
      .returning();
    const facts = {
      projectId: record.contract.id,
      recoveryId,
      repaymentId: repayment.id,
      amountFen: input.amountFen,
      paidOn: input.paidOn,
      repaidFen: repaidFen + input.amountFen,
      outstandingFen: recovery.amountFen - repaidFen - input.amountFen,
    };
    await appendAudit(tx, actor, {
      action: 'recovery.repaid',
      targetType: 'recovery',
      targetId: recoveryId,
      summary: { ...facts, voucherNo: input.voucherNo },
      visibility: 'public',
    });
    await appendTimeline(tx, record.contract.callId, {
      kind: 'recovery.repaid',
      title: `追回资金到账${formatFen(input.amountFen)}：${record.projectTitle}`,
      detail: facts,
    });
    if (facts.outstandingFen === 0) {
      await transition(tx, actor, recoveryMachine, recoveries, recovery, 'settle', {
        bySystem: true,
        set: { settledAt: new Date() },
        detail: { projectId: record.contract.id, amountFen: recovery.amountFen },
        timelineCallId: record.contract.callId,
        timelineTitle: `追回款项已结清（${formatFen(recovery.amountFen)}）：${record.projectTitle}`,
      });
    }
  });
  return getProject(db, actor.user, record.contract.id);
}
