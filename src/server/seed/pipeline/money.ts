/**
 * The money of the demo's projects (资金动态监管): the contract's milestones requested, approved
 * and paid with voucher numbers; expenses against the budget categories with their receipts'
 * data (invoice number, date, payee, amount; no receipt files); the recovery of a terminated
 * project repaid until settled — the rows and public steps funds/service.ts and
 * projects/service.ts would write. Every amount is integer fen.
 */
import { randomUUID } from 'node:crypto';
import type { BudgetCategory } from '../../../domain/funds.js';
import { budgetByCategory, conditionOf } from '../../../domain/funds.js';
import { formatFen } from '../../../domain/money.js';
import { addDays } from '../../../domain/working-days.js';
import type { Proposal } from '../../db/schema.js';
import type { PipelineBuilder } from './builder.js';
import { daysBetween } from './dates.js';
import type { ProjectCtx } from './types.js';

/** The budget per category as funds/budget.ts computes it (no adjustments in the demo). */
export const budgetOf = (ctx: ProjectCtx) =>
  budgetByCategory(
    ctx.contract.amountFen,
    (ctx.winner.row.proposal as Proposal).budget as { category: BudgetCategory; amountFen: number }[],
  );

export interface PaymentPlan {
  request: string;
  approve: string;
  pay: string;
}

export function paymentPlan(b: PipelineBuilder, request: string): PaymentPlan {
  const approve = addDays(request, b.random.int(1, 4));
  return { request, approve, pay: addDays(approve, b.random.int(1, 6)) };
}

/** Writes the milestone's payment as far as `today` reached it; returns the fen paid. */
export function addPayment(b: PipelineBuilder, ctx: ProjectCtx, index: number, plan: PaymentPlan) {
  const done = (d: string) => d < b.today;
  if (!done(plan.request)) return 0;
  const milestone = ctx.contract.milestones[index];
  const approved = done(plan.approve);
  const paid = approved && done(plan.pay);
  const at = ctx.at;
  const voucherNo = `GDCZ${plan.pay.slice(0, 4)}${String(++b.voucherSeq).padStart(6, '0')}`;
  const id = randomUUID();
  b.paymentRows.push({
    id,
    projectId: ctx.contract.id,
    milestoneKey: milestone.key,
    label: milestone.label,
    condition: conditionOf(milestone),
    amountFen: milestone.amountFen,
    status: paid ? 'paid' : approved ? 'approved' : 'requested',
    requestedBy: ctx.providerUser,
    approvedAt: approved ? at(plan.approve, 11) : null,
    paidOn: paid ? plan.pay : null,
    paidFen: paid ? milestone.amountFen : null,
    voucherNo: paid ? voucherNo : null,
    version: 1 + (approved ? 1 : 0) + (paid ? 1 : 0),
    createdAt: at(plan.request, 10),
    updatedAt: paid ? at(plan.pay, 15) : approved ? at(plan.approve, 11) : at(plan.request, 10),
  });
  if (paid)
    ctx.event(
      at(plan.pay, 15),
      'payment.pay',
      `拨付资金${formatFen(milestone.amountFen)}（${milestone.label}）：${ctx.title}`,
      {
        from: 'approved',
        to: 'paid',
        projectId: ctx.contract.id,
        label: milestone.label,
        amountFen: milestone.amountFen,
        paidOn: plan.pay,
      },
    );
  else if (!approved && ctx.buyerUsername)
    b.notify(ctx.buyerUsername, {
      kind: 'payment.requested',
      title: '拨付申请待审核',
      body: `项目“${ctx.title}”申请拨付“${milestone.label}”${formatFen(milestone.amountFen)}。`,
      link: `/app/projects/${ctx.contract.id}`,
      createdAt: at(plan.request, 10),
    });
  return paid ? milestone.amountFen : 0;
}

const PAYEES: Record<BudgetCategory, readonly string[]> = {
  personnel: ['项目社工工资发放', '督导专家劳务费'],
  activities: ['昆明春城会务服务有限公司', '官渡区螺蛳湾文化传播有限公司', '昆明滇池餐饮管理有限公司'],
  materials: ['昆明恒信文化用品有限公司', '云南立达印务有限公司', '昆明金马商贸有限公司'],
  travel: ['昆明公交集团有限责任公司', '云南腾达交通服务有限公司'],
  training: ['云南大学继续教育学院', '昆明市社会工作协会'],
  management: ['中国电信昆明分公司', '昆明某财务咨询有限公司'],
  other: ['昆明某商贸有限公司'],
};
const ITEMS: Record<BudgetCategory, string> = {
  personnel: '项目社工及督导人员经费',
  activities: '服务活动场地、餐饮及组织费用',
  materials: '活动物资及宣传品',
  travel: '入户走访交通费用',
  training: '志愿者培训及专业督导',
  management: '通讯、办公及财务管理费用',
  other: '其他费用',
};

/**
 * Spending against the budget, spread over the service period: by the end each category near
 * its budget (`share` of it), personnel in quarterly instalments, the others in a few payments.
 * `over` overspends one category by that share of its budget, whatever the date. Only expenses
 * before today are written.
 */
export function addExpenses(
  b: PipelineBuilder,
  ctx: ProjectCtx,
  opts: { until: string; share: number; over?: { category: BudgetCategory; share: number } },
) {
  const r = b.random;
  const start = ctx.start;
  const end = ctx.call.row.servicePeriodEnd as string;
  const span = Math.max(1, daysBetween(start, end));
  const stop = opts.until < b.today ? opts.until : addDays(b.today, -1);
  for (const [category, budgetFen] of budgetOf(ctx)) {
    if (budgetFen <= 0) continue;
    const over = opts.over?.category === category ? opts.over.share : null;
    const plannedFen = Math.floor(budgetFen * (over ?? opts.share * (0.93 + r.next() * 0.09)));
    const parts = category === 'personnel' ? (ctx.detailed ? 4 : 2) : ctx.detailed ? r.int(1, 3) : 1;
    let left = plannedFen;
    for (let i = 0; i < parts; i++) {
      // Overspending is recent: the overspent category's payments fall in the last weeks.
      const on = over
        ? addDays(stop, -r.int(3, 25))
        : addDays(start, Math.round(((i + 0.3 + r.next() * 0.6) / parts) * span));
      const amountFen = i === parts - 1 ? left : Math.floor((plannedFen / parts) * (0.85 + r.next() * 0.3));
      left -= amountFen;
      if (on > stop || on < start || amountFen <= 0) continue;
      b.expenseRows.push({
        id: randomUUID(),
        projectId: ctx.contract.id,
        category,
        amountFen,
        spentOn: on,
        invoiceNo: `2553200000${String(++b.invoiceSeq).padStart(10, '0')}`,
        payee: r.pick(PAYEES[category]),
        description: ITEMS[category],
        createdBy: ctx.providerUser,
        createdAt: ctx.at(addDays(on, r.int(0, 3)), 17),
      });
    }
  }
}

/** Management costs above the cap: extra office and financial costs lately, up to `shareOfContract`. */
export function addManagementOverspend(b: PipelineBuilder, ctx: ProjectCtx, shareOfContract: number) {
  const spent = b.expenseRows
    .filter((e) => e.projectId === ctx.contract.id && e.category === 'management')
    .reduce((s, e) => s + e.amountFen, 0);
  const extra = Math.floor(ctx.contract.amountFen * shareOfContract) - spent;
  if (extra <= 0) return;
  const on = addDays(b.today, -b.random.int(2, 12));
  b.expenseRows.push({
    id: randomUUID(),
    projectId: ctx.contract.id,
    category: 'management',
    amountFen: extra,
    spentOn: on,
    invoiceNo: `2553200000${String(++b.invoiceSeq).padStart(10, '0')}`,
    payee: '昆明某财务咨询有限公司',
    description: '财务审计及办公场地租赁费用',
    createdBy: ctx.providerUser,
    createdAt: ctx.at(on, 17),
  });
}

/**
 * 追回 after the termination: the buyer requires part of the money paid back by a deadline, and
 * the provider repays it in two instalments that settle it exactly.
 */
export function addRecovery(
  b: PipelineBuilder,
  ctx: ProjectCtx,
  on: string,
  amountFen: number,
  reason: string,
) {
  const r = b.random;
  const at = ctx.at;
  const id = randomUUID();
  const dueOn = addDays(on, 30);
  const firstOn = addDays(on, r.int(7, 12));
  const secondOn = addDays(firstOn, r.int(8, 15));
  const first = Math.round((amountFen * 0.6) / 100) * 100;
  const repayments = [
    { on: firstOn, amountFen: first },
    { on: secondOn, amountFen: amountFen - first },
  ];
  const openedAt = at(on, 15);
  const settledAt = at(secondOn, 11);
  b.recoveryRows.push({
    id,
    projectId: ctx.contract.id,
    amountFen,
    reason,
    dueOn,
    status: 'settled',
    settledAt,
    createdBy: ctx.buyerUser,
    version: 2,
    createdAt: openedAt,
    updatedAt: settledAt,
  });
  ctx.event(openedAt, 'recovery.opened', `追回资金${formatFen(amountFen)}：${ctx.title}（期限${dueOn}）`, {
    projectId: ctx.contract.id,
    recoveryId: id,
    amountFen,
    reason,
    dueOn,
  });
  let repaid = 0;
  for (const [i, p] of repayments.entries()) {
    repaid += p.amountFen;
    const paidAt = at(p.on, 11);
    b.repaymentRows.push({
      recoveryId: id,
      amountFen: p.amountFen,
      paidOn: p.on,
      voucherNo: `GDZH${p.on.slice(0, 4)}${String(++b.voucherSeq).padStart(6, '0')}`,
      createdBy: ctx.buyerUser,
      createdAt: paidAt,
    });
    ctx.event(paidAt, 'recovery.repaid', `追回资金到账${formatFen(p.amountFen)}：${ctx.title}`, {
      projectId: ctx.contract.id,
      recoveryId: id,
      amountFen: p.amountFen,
      paidOn: p.on,
      repaidFen: repaid,
      outstandingFen: amountFen - repaid,
    });
    if (i === repayments.length - 1)
      ctx.event(
        new Date(paidAt.getTime() + 1000),
        'recovery.settle',
        `追回款项已结清（${formatFen(amountFen)}）：${ctx.title}`,
        {
          from: 'open',
          to: 'settled',
          projectId: ctx.contract.id,
          amountFen,
        },
      );
  }
  return { settledOn: secondOn };
}
