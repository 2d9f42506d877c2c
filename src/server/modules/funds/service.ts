import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import type { z } from 'zod';
import { isPassing } from '../../../domain/evaluations.js';
import {
  type adjustmentBody,
  type adjustmentDecisionBody,
  budgetCategoryLabels,
  conditionOf,
  type expenseBody,
  type Funds,
  type Payment,
  type PaymentCondition,
  type paymentApproveBody,
  type paymentPaidBody,
  type paymentRejectBody,
  type paymentRequestBody,
} from '../../../domain/funds.js';
import { adjustmentMachine, paymentMachine } from '../../../domain/machines.js';
import { formatFen } from '../../../domain/money.js';
import { projectStateLabels } from '../../../domain/projects.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db, Executor } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, forbidden, notFound } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { evaluations } from '../evaluations/schema.js';
import { attachmentsOf, storeAttachment, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { ownBuyer, ownProvider, projectPolicy } from '../projects/policy.js';
import { projects, rectifications } from '../projects/schema.js';
import {
  type AfterWrite,
  type CloseCheck,
  checkVersion,
  ensureProjectRow,
  findProject,
  isUnderWay,
  noAfterWrite,
  type ProjectRecord,
  partiesOf,
  type SignedIn,
  underWayProject,
  viewProject,
} from '../projects/service.js';
import { budgetOf, budgetStatus } from './budget.js';
import { budgetAdjustments, expenses, payments } from './schema.js';

type PaymentRow = typeof payments.$inferSelect;
const link = (projectId: string) => `/app/projects/${projectId}`;

// ---------- conditions ----------

/**
 * Why a milestone may not be paid now, or null. `hard` reasons cannot be overridden (the project
 * ended); the others can, with a recorded reason. A failed mid-term evaluation stops every
 * further payment until its rectification passes the re-check.
 */
export async function paymentBlock(
  db: Executor,
  projectId: string,
  condition: PaymentCondition,
): Promise<{ reason: string; hard: boolean } | null> {
  const [project] = await db
    .select({ status: projects.status })
    .from(projects)
    .where(eq(projects.id, projectId));
  const state = project?.status ?? 'contracted';
  if (state === 'terminated' || state === 'closed')
    return { reason: `项目${projectStateLabels[state]}，不能拨付`, hard: true };
  const decided = await db
    .select()
    .from(evaluations)
    .where(and(eq(evaluations.projectId, projectId), inArray(evaluations.status, ['accepted', 'final'])))
    .orderBy(desc(evaluations.acceptedAt));
  const passedChecks = await db
    .select({ evaluationId: rectifications.evaluationId })
    .from(rectifications)
    .where(and(eq(rectifications.projectId, projectId), eq(rectifications.status, 'passed')));
  const rectified = new Set(passedChecks.map((r) => r.evaluationId));
  const midterm = decided.find((e) => e.stage === 'midterm');
  const midtermOk = !!midterm && (isPassing(midterm.grade) || rectified.has(midterm.id));
  if (midterm && !midtermOk) return { reason: '中期评估不合格，整改复核合格前暂停拨付', hard: false };
  if (condition === 'midterm' && !midtermOk) return { reason: '付款条件“中期评估合格”尚未满足', hard: false };
  if (condition === 'final') {
    const final = decided.find((e) => e.stage === 'final');
    if (!final || !isPassing(final.grade)) return { reason: '付款条件“末期评估合格”尚未满足', hard: false };
  }
  return null;
}

// ---------- reading ----------

function paymentActions(viewer: CurrentUser | null, p: PaymentRow, record: ProjectRecord) {
  if (!viewer || !ownBuyer(viewer, partiesOf(record))) return [];
  if (p.status === 'requested') return ['approve', 'reject'];
  if (p.status === 'approved') return ['pay'];
  return [];
}

export async function getFunds(db: Db, viewer: CurrentUser | null, projectId: string): Promise<Funds> {
  const record = await viewProject(db, viewer, projectId);
  const [paymentRows, expenseRows, adjustmentRows, budget] = await Promise.all([
    db.select().from(payments).where(eq(payments.projectId, projectId)).orderBy(asc(payments.createdAt)),
    db
      .select()
      .from(expenses)
      .where(eq(expenses.projectId, projectId))
      .orderBy(asc(expenses.spentOn), asc(expenses.createdAt)),
    db
      .select()
      .from(budgetAdjustments)
      .where(eq(budgetAdjustments.projectId, projectId))
      .orderBy(asc(budgetAdjustments.createdAt)),
    budgetStatus(db, projectId),
  ]);
  const receipts = await attachmentsOf(
    db,
    'expense',
    expenseRows.map((e) => e.id),
  );
  const blocks = new Map<PaymentCondition, string | null>();
  for (const c of ['signing', 'midterm', 'final'] as const)
    blocks.set(c, (await paymentBlock(db, projectId, c))?.reason ?? null);
  const live = paymentRows.filter((p) => p.status !== 'rejected');
  const parties = partiesOf(record);
  const isProvider = !!viewer && ownProvider(viewer, parties);
  const isBuyer = !!viewer && ownBuyer(viewer, parties);
  const state = record.project?.status ?? 'contracted';
  const running = isUnderWay(state);
  const presentPayment = (p: PaymentRow): Payment => ({
    id: p.id,
    milestoneKey: p.milestoneKey,
    label: p.label,
    condition: p.condition,
    amountFen: p.amountFen,
    status: p.status,
    blockedBy: p.status === 'requested' ? (blocks.get(p.condition) ?? null) : null,
    overrideReason: p.overrideReason,
    rejectReason: p.rejectReason,
    requestedAt: p.createdAt.toISOString(),
    approvedAt: p.approvedAt?.toISOString() ?? null,
    paidOn: p.paidOn,
    paidFen: p.paidFen,
    voucherNo: p.voucherNo,
    version: p.version,
    actions: paymentActions(viewer, p, record),
  });
  return {
    projectId,
    contractFen: record.contract.amountFen,
    paidFen: paymentRows.reduce((s, p) => s + (p.status === 'paid' ? (p.paidFen ?? 0) : 0), 0),
    spentFen: expenseRows.reduce((s, e) => s + e.amountFen, 0),
    budget,
    payments: paymentRows.map(presentPayment),
    openMilestones: record.contract.milestones
      .filter((m) => !live.some((p) => p.milestoneKey === m.key))
      .map((m) => ({ key: m.key, label: m.label, amountFen: m.amountFen, condition: conditionOf(m) })),
    expenses: expenseRows.map((e) => {
      const receipt = receipts.filter((r) => r.ownerId === e.id).at(-1);
      return {
        id: e.id,
        category: e.category,
        categoryLabel: budgetCategoryLabels[e.category],
        amountFen: e.amountFen,
        spentOn: e.spentOn,
        invoiceNo: e.invoiceNo,
        payee: e.payee,
        description: e.description,
        receipt: receipt ? { id: receipt.id, name: receipt.name, url: receipt.url } : null,
        createdAt: e.createdAt.toISOString(),
        actions: isProvider && !receipt ? ['attachReceipt'] : [],
      };
    }),
    adjustments: adjustmentRows.map((a) => ({
      id: a.id,
      fromCategory: a.fromCategory,
      toCategory: a.toCategory,
      amountFen: a.amountFen,
      reason: a.reason,
      status: a.status,
      before: a.before ?? {},
      after: a.after ?? {},
      note: a.note,
      createdAt: a.createdAt.toISOString(),
      version: a.version,
      actions: isBuyer && a.status === 'requested' ? ['decide'] : [],
    })),
    actions: [
      ...(isProvider && state !== 'terminated' && state !== 'closed' ? ['requestPayment'] : []),
      ...(isProvider && running ? ['addExpense', 'requestAdjustment'] : []),
    ],
  };
}

// ---------- payments ----------

function requireProvider(user: CurrentUser, record: ProjectRecord) {
  if (!ownProvider(user, partiesOf(record))) throw forbidden();
}
function requireBuyer(user: CurrentUser, record: ProjectRecord) {
  if (!ownBuyer(user, partiesOf(record))) throw forbidden();
}

/** The provider requests the payment of one milestone of the contract. */
export async function requestPayment(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof paymentRequestBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const record = await viewProject(db, actor.user, projectId);
  requireProvider(actor.user, record);
  const milestone = record.contract.milestones.find((m) => m.key === input.milestoneKey);
  if (!milestone) throw fieldError('milestoneKey', '合同中没有这个付款节点');
  await db.transaction(async (tx) => {
    const project = await ensureProjectRow(tx, record);
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
    if (project.status === 'terminated' || project.status === 'closed')
      throw conflict(`项目${projectStateLabels[project.status]}，不能申请拨付`);
    const [live] = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          eq(payments.projectId, projectId),
          eq(payments.milestoneKey, milestone.key),
          ne(payments.status, 'rejected'),
        ),
      );
    if (live) throw conflict(`付款节点“${milestone.label}”已申请拨付`);
    const [row] = await tx
      .insert(payments)
      .values({
        projectId,
        milestoneKey: milestone.key,
        label: milestone.label,
        condition: conditionOf(milestone),
        amountFen: milestone.amountFen,
        requestedBy: actor.user.id,
      })
      .returning();
    await appendAudit(tx, actor, {
      action: 'payment.requested',
      targetType: 'payment',
      targetId: row.id,
      summary: {
        projectId,
        milestoneKey: milestone.key,
        label: milestone.label,
        amountFen: milestone.amountFen,
      },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.buyerOrgId, 'buyer'), {
      kind: 'payment.requested',
      title: '拨付申请待审核',
      body: `项目“${record.projectTitle}”申请拨付“${milestone.label}”${formatFen(milestone.amountFen)}。`,
      link: link(projectId),
    });
    await afterWrite(tx, actor, projectId);
  });
  return getFunds(db, actor.user, projectId);
}

async function paymentWithProject(db: Db, user: CurrentUser | null, id: string) {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  if (!row) throw notFound('拨付申请');
  const record = await viewProject(db, user, row.projectId);
  return { row, record };
}

/**
 * The buyer approves only when the milestone's condition holds, else 409 with the reason;
 * an override with a recorded reason approves anyway and is flagged (the red flags find it).
 */
export async function approvePayment(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof paymentApproveBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const { row, record } = await paymentWithProject(db, actor.user, id);
  requireBuyer(actor.user, record);
  checkVersion(row, input.version);
  await db.transaction(async (tx) => {
    // Holds the project: an evaluation result or termination cannot change the condition meanwhile.
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, row.projectId)).for('update');
    const block = await paymentBlock(tx, row.projectId, row.condition);
    if (block && (block.hard || !input.overrideReason))
      throw conflict(block.hard ? block.reason : `${block.reason}，不能批准拨付`, {
        reason: block.reason,
        overridable: !block.hard,
      });
    await transition(tx, actor, paymentMachine, payments, row, 'approve', {
      set: {
        approvedAt: new Date(),
        overrideReason: block ? input.overrideReason : null,
        overriddenCondition: block ? block.reason : null,
      },
      detail: {
        projectId: row.projectId,
        label: row.label,
        amountFen: row.amountFen,
        ...(block
          ? {
              flagged: true,
              flag: 'payment_before_milestone',
              condition: block.reason,
              overrideReason: input.overrideReason,
            }
          : {}),
      },
    });
    await afterWrite(tx, actor, row.projectId);
  });
  return getFunds(db, actor.user, row.projectId);
}

export async function rejectPayment(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof paymentRejectBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const { row, record } = await paymentWithProject(db, actor.user, id);
  requireBuyer(actor.user, record);
  checkVersion(row, input.version);
  await db.transaction(async (tx) => {
    await transition(tx, actor, paymentMachine, payments, row, 'reject', {
      reason: input.reason,
      set: { rejectReason: input.reason },
      detail: { projectId: row.projectId, label: row.label },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
      kind: 'payment.rejected',
      title: '拨付申请被驳回',
      body: `“${row.label}”拨付申请被驳回：${input.reason}`,
      link: link(row.projectId),
    });
    await afterWrite(tx, actor, row.projectId);
  });
  return getFunds(db, actor.user, row.projectId);
}

/** The buyer records an approved payment as paid: the date, the exact amount, the voucher number. */
export async function recordPaid(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof paymentPaidBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const { row, record } = await paymentWithProject(db, actor.user, id);
  requireBuyer(actor.user, record);
  checkVersion(row, input.version);
  if (input.amountFen !== row.amountFen)
    throw fieldError('amountFen', `拨付金额应为该节点金额${formatFen(row.amountFen)}`);
  if (input.paidOn > todayInShanghai()) throw fieldError('paidOn', '拨付日期不能晚于今天');
  await db.transaction(async (tx) => {
    await transition(tx, actor, paymentMachine, payments, row, 'pay', {
      set: { paidOn: input.paidOn, paidFen: input.amountFen, voucherNo: input.voucherNo },
      detail: {
        projectId: row.projectId,
        label: row.label,
        amountFen: input.amountFen,
        paidOn: input.paidOn,
      },
      audit: {
        summary: {
          from: row.status,
          to: 'paid',
          projectId: row.projectId,
          label: row.label,
          amountFen: input.amountFen,
          paidOn: input.paidOn,
          voucherNo: input.voucherNo,
        },
      },
      timelineCallId: record.contract.callId,
      timelineTitle: `拨付资金${formatFen(input.amountFen)}（${row.label}）：${record.projectTitle}`,
    });
    await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
      kind: 'payment.paid',
      title: '项目资金已拨付',
      body: `“${row.label}”${formatFen(input.amountFen)}已于${input.paidOn}拨付（凭证号${input.voucherNo}）。`,
      link: link(row.projectId),
    });
    await afterWrite(tx, actor, row.projectId);
  });
  return getFunds(db, actor.user, row.projectId);
}

/** Closing needs every milestone paid (projects module's close). */
export const paymentsSettled: CloseCheck = async (db, record) => {
  const paid = await db
    .select({ key: payments.milestoneKey })
    .from(payments)
    .where(and(eq(payments.projectId, record.contract.id), eq(payments.status, 'paid')));
  const open = record.contract.milestones.filter((m) => !paid.some((p) => p.key === m.key));
  return open.length ? [`尚有${open.length}个付款节点未拨付（${open.map((m) => m.label).join('、')}）`] : [];
};

// ---------- expenses ----------

/** The provider records an expense against a budget category; the receipt file follows. */
export async function addExpense(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof expenseBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const record = await viewProject(db, actor.user, projectId);
  requireProvider(actor.user, record);
  if (input.spentOn > todayInShanghai()) throw fieldError('spentOn', '支出日期不能晚于今天');
  const id = await db.transaction(async (tx) => {
    await underWayProject(tx, record, '登记支出');
    const [row] = await tx
      .insert(expenses)
      .values({ projectId, ...input, createdBy: actor.user.id })
      .returning();
    await appendAudit(tx, actor, {
      action: 'expense.recorded',
      targetType: 'expense',
      targetId: row.id,
      summary: { projectId, ...input },
    });
    await afterWrite(tx, actor, projectId);
    return row.id;
  });
  return { id, funds: await getFunds(db, actor.user, projectId) };
}

export async function attachReceipt(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  expenseId: string,
  upload: Upload,
) {
  const [row] = await db.select().from(expenses).where(eq(expenses.id, expenseId));
  if (!row) throw notFound('支出');
  const record = await viewProject(db, actor.user, row.projectId);
  requireProvider(actor.user, record);
  await storeAttachment(db, storage, actor, { type: 'expense', id: expenseId }, upload);
  return getFunds(db, actor.user, row.projectId);
}

/** Which expenses' receipts the user may open: whoever may see the project's funds. */
export async function viewableExpenses(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: expenses.id, projectId: expenses.projectId })
    .from(expenses)
    .where(inArray(expenses.id, ids));
  const result = new Set<string>();
  for (const r of rows)
    if (projectPolicy.view(user, partiesOf(await findProject(db, r.projectId)))) result.add(r.id);
  return result;
}

// ---------- budget adjustments ----------

export async function requestAdjustment(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof adjustmentBody>,
) {
  const record = await viewProject(db, actor.user, projectId);
  requireProvider(actor.user, record);
  await db.transaction(async (tx) => {
    await underWayProject(tx, record, '申请预算调整');
    const budget = await budgetOf(tx, record.contract.id);
    const available = budget.get(input.fromCategory) ?? 0;
    if (input.amountFen > available)
      throw fieldError(
        'amountFen',
        `调出金额不能超过“${budgetCategoryLabels[input.fromCategory]}”预算${formatFen(available)}`,
      );
    const [row] = await tx
      .insert(budgetAdjustments)
      .values({ projectId, ...input, createdBy: actor.user.id })
      .returning();
    await appendAudit(tx, actor, {
      action: 'budget_adjustment.requested',
      targetType: 'budget_adjustment',
      targetId: row.id,
      summary: { projectId, ...input },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.buyerOrgId, 'buyer'), {
      kind: 'budget_adjustment.requested',
      title: '预算调整待审批',
      body: `项目“${record.projectTitle}”申请从“${budgetCategoryLabels[input.fromCategory]}”调出${formatFen(input.amountFen)}至“${budgetCategoryLabels[input.toCategory]}”。`,
      link: link(projectId),
    });
  });
  return getFunds(db, actor.user, projectId);
}

/** The buyer approves (the two categories' budgets before and after are kept) or rejects with a note. */
export async function decideAdjustment(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof adjustmentDecisionBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const [row] = await db.select().from(budgetAdjustments).where(eq(budgetAdjustments.id, id));
  if (!row) throw notFound('预算调整');
  const record = await viewProject(db, actor.user, row.projectId);
  requireBuyer(actor.user, record);
  checkVersion(row, input.version);
  const approve = input.decision === 'approved';
  if (!approve && input.note.length < 5) throw fieldError('note', '不批准时请填写不少于5个字的理由');
  await db.transaction(async (tx) => {
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, row.projectId)).for('update');
    const budget = await budgetOf(tx, record.contract.id);
    const before = {
      [row.fromCategory]: budget.get(row.fromCategory) ?? 0,
      [row.toCategory]: budget.get(row.toCategory) ?? 0,
    };
    if (approve && row.amountFen > before[row.fromCategory])
      throw conflict(`“${budgetCategoryLabels[row.fromCategory]}”预算已不足${formatFen(row.amountFen)}`);
    const after = approve
      ? {
          [row.fromCategory]: before[row.fromCategory] - row.amountFen,
          [row.toCategory]: before[row.toCategory] + row.amountFen,
        }
      : before;
    await transition(tx, actor, adjustmentMachine, budgetAdjustments, row, approve ? 'approve' : 'reject', {
      reason: approve ? undefined : input.note,
      set: { before, after, note: input.note || null, decidedBy: actor.user.id, decidedAt: new Date() },
      detail: { projectId: row.projectId, decision: input.decision, before, after, amountFen: row.amountFen },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
      kind: 'budget_adjustment.decided',
      title: approve ? '预算调整已批准' : '预算调整未批准',
      body: `项目“${record.projectTitle}”的预算调整${approve ? '已批准' : `未批准：${input.note}`}`,
      link: link(row.projectId),
    });
    await afterWrite(tx, actor, row.projectId);
  });
  return getFunds(db, actor.user, row.projectId);
}
