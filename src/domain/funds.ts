/**
 * 资金动态监管: payment requests from the contract's milestones, expenses against budget
 * categories, budget adjustments. Every amount is integer fen.
 */
import { z } from 'zod';
import { BUDGET_CATEGORIES, budgetCategoryLabels } from './applications.js';
import { amountFen } from './contracts.js';
import { calendarDate } from './dates.js';

export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];
export { BUDGET_CATEGORIES, budgetCategoryLabels };

export const PAYMENT_STATES = ['requested', 'approved', 'paid', 'rejected'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];
export const paymentStateLabels: Record<PaymentState, string> = {
  requested: '待审核',
  approved: '已批准，待拨付',
  paid: '已拨付',
  rejected: '已驳回',
};

export const ADJUSTMENT_STATES = ['requested', 'approved', 'rejected'] as const;
export type AdjustmentState = (typeof ADJUSTMENT_STATES)[number];
export const adjustmentStateLabels: Record<AdjustmentState, string> = {
  requested: '待审批',
  approved: '已批准',
  rejected: '未批准',
};

/** What must hold before a milestone is paid. */
export const PAYMENT_CONDITIONS = ['signing', 'midterm', 'final'] as const;
export type PaymentCondition = (typeof PAYMENT_CONDITIONS)[number];
export const paymentConditionLabels: Record<PaymentCondition, string> = {
  signing: '合同已签订',
  midterm: '中期评估合格',
  final: '末期评估合格',
};

/**
 * A milestone's condition: the default keys name it; custom milestones are read from their label
 * (中期 → mid-term, 末期/结项/验收 → final, anything else → signing).
 */
export function conditionOf(milestone: { key: string; label: string }): PaymentCondition {
  if ((PAYMENT_CONDITIONS as readonly string[]).includes(milestone.key))
    return milestone.key as PaymentCondition;
  if (/中期/.test(milestone.label)) return 'midterm';
  if (/末期|结项|验收|终期/.test(milestone.label)) return 'final';
  return 'signing';
}

/**
 * Splits the contract value over the proposal's budget categories in proportion to their
 * amounts: each share rounded down, the remainder to the largest category, so the budget adds up
 * to the contract value exactly.
 */
export function budgetByCategory(
  contractFen: number,
  lines: readonly { category: BudgetCategory; amountFen: number }[],
): Map<BudgetCategory, number> {
  const sums = new Map<BudgetCategory, number>();
  for (const l of lines) sums.set(l.category, (sums.get(l.category) ?? 0) + l.amountFen);
  const total = [...sums.values()].reduce((a, b) => a + b, 0);
  const result = new Map<BudgetCategory, number>();
  if (total === 0) {
    result.set('other', contractFen);
    return result;
  }
  let given = 0;
  for (const [category, sum] of sums) {
    const share = Number((BigInt(contractFen) * BigInt(sum)) / BigInt(total));
    result.set(category, share);
    given += share;
  }
  const largest = [...sums.entries()].sort((a, b) => b[1] - a[1])[0][0];
  result.set(largest, (result.get(largest) ?? 0) + contractFen - given);
  return result;
}

// ---------- requests ----------

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const version = z.number({ error: '缺少版本号' }).int().optional();
const category = z.enum(BUDGET_CATEGORIES, { error: '请选择预算类别' });

export const paymentRequestBody = z.object({
  milestoneKey: z.string({ error: '请选择付款节点' }).min(1, '请选择付款节点').max(32),
});
export const paymentApproveBody = z.object({
  /** Approves although the milestone's condition does not hold: recorded, and raises an alert. */
  overrideReason: text('越过付款条件的理由', 10, 1000).optional(),
  version,
});
export const paymentRejectBody = z.object({ reason: text('驳回原因', 5, 1000), version });
export const paymentPaidBody = z.object({
  paidOn: calendarDate(),
  amountFen,
  voucherNo: text('凭证号', 1, 50),
  version,
});
export const expenseBody = z.object({
  category,
  amountFen,
  spentOn: calendarDate(),
  invoiceNo: text('发票号码', 1, 50),
  payee: text('收款方', 1, 100),
  description: z.string().trim().max(500, '说明不能超过500个字').default(''),
});
export const adjustmentBody = z
  .object({ fromCategory: category, toCategory: category, amountFen, reason: text('调整理由', 5, 1000) })
  .refine((b) => b.fromCategory !== b.toCategory, {
    message: '调出和调入的预算类别不能相同',
    path: ['toCategory'],
  });
export const adjustmentDecisionBody = z.object({
  decision: z.enum(['approved', 'rejected'], { error: '请选择是否批准' }),
  note: z.string().trim().max(1000).default(''),
  version,
});

// ---------- responses ----------

const id = z.string().uuid();
const actions = z.array(z.string());

export const payment = z.object({
  id,
  milestoneKey: z.string(),
  label: z.string(),
  condition: z.enum(PAYMENT_CONDITIONS),
  amountFen: z.number().int(),
  status: z.enum(PAYMENT_STATES),
  /** Why the condition does not hold now, or null when it does. */
  blockedBy: z.string().nullable(),
  overrideReason: z.string().nullable(),
  rejectReason: z.string().nullable(),
  requestedAt: z.string(),
  approvedAt: z.string().nullable(),
  paidOn: z.string().nullable(),
  paidFen: z.number().int().nullable(),
  voucherNo: z.string().nullable(),
  version: z.number().int(),
  actions,
});
export type Payment = z.infer<typeof payment>;

export const expense = z.object({
  id,
  category,
  categoryLabel: z.string(),
  amountFen: z.number().int(),
  spentOn: z.string(),
  invoiceNo: z.string(),
  payee: z.string(),
  description: z.string(),
  receipt: z.object({ id, name: z.string(), url: z.string() }).nullable(),
  createdAt: z.string(),
  actions,
});
export const adjustment = z.object({
  id,
  fromCategory: category,
  toCategory: category,
  amountFen: z.number().int(),
  reason: z.string(),
  status: z.enum(ADJUSTMENT_STATES),
  before: z.record(z.string(), z.number()),
  after: z.record(z.string(), z.number()),
  note: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
  actions,
});
export const budgetLineStatus = z.object({
  category,
  label: z.string(),
  budgetFen: z.number().int(),
  actualFen: z.number().int(),
  /** actual / budget in basis points (10000 = 100%); null without a budget. */
  usedBp: z.number().int().nullable(),
});
export const funds = z.object({
  projectId: id,
  contractFen: z.number().int(),
  paidFen: z.number().int(),
  spentFen: z.number().int(),
  budget: z.array(budgetLineStatus),
  payments: z.array(payment),
  /** Milestones without a request yet, for the provider's 申请拨付 button. */
  openMilestones: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      amountFen: z.number().int(),
      condition: z.enum(PAYMENT_CONDITIONS),
    }),
  ),
  expenses: z.array(expense),
  adjustments: z.array(adjustment),
  actions,
});
export type Funds = z.infer<typeof funds>;
