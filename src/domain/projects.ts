/**
 * A project's implementation after its contract is signed (DOMAIN.md steps 7–10): its states,
 * rectification (整改), termination (终止) and recovery of funds (追回), and the shapes of their
 * requests and responses. Amounts are integer fen.
 */
import { z } from 'zod';
import { amountFen } from './contracts.js';
import { calendarDate } from './dates.js';
import { formatFen } from './money.js';

export const PROJECT_STATES = [
  'contracted',
  'in_implementation',
  'midterm_evaluated',
  'final_evaluation',
  'results_publicity',
  'closed',
  'terminated',
] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];
export const projectStateLabels: Record<ProjectState, string> = {
  contracted: '已签约',
  in_implementation: '实施中',
  midterm_evaluated: '中期评估完成',
  final_evaluation: '末期评估中',
  results_publicity: '评估结果公示中',
  closed: '已结项',
  terminated: '已终止',
};
/** States in which the project still runs: it may be terminated, rectification may be opened. */
export const RUNNING_PROJECT_STATES = [
  'contracted',
  'in_implementation',
  'midterm_evaluated',
  'final_evaluation',
] as const satisfies readonly ProjectState[];

export const RECTIFICATION_STATES = ['open', 'submitted', 'passed', 'failed'] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];
export const rectificationStateLabels: Record<RectificationState, string> = {
  open: '整改中',
  submitted: '已提交，待复核',
  passed: '复核合格',
  failed: '复核不合格',
};
/** Default rectification period, in working days, when the buyer names none. */
export const RECTIFICATION_DEFAULT_WORKING_DAYS = 15;
export const RECTIFICATION_MAX_WORKING_DAYS = 60;

export const RECOVERY_STATES = ['open', 'settled'] as const;
export type RecoveryState = (typeof RECOVERY_STATES)[number];
export const recoveryStateLabels: Record<RecoveryState, string> = {
  open: '追回中',
  settled: '已追回',
};

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const id = z.string().uuid();
const isoDate = calendarDate();
const actions = z.array(z.string());
const version = z.number({ error: '缺少版本号' }).int().optional();

// ---------- requests ----------

export const projectVersionBody = z.object({ version });
export const terminateBody = z.object({ reason: text('终止原因', 5, 1000), version });
export const rectificationOpenBody = z.object({
  reason: text('整改要求', 5, 2000),
  workingDays: z
    .number({ error: '整改期限应为工作日天数' })
    .int('整改期限应为整数个工作日')
    .min(1, '整改期限至少1个工作日')
    .max(RECTIFICATION_MAX_WORKING_DAYS, `整改期限不能超过${RECTIFICATION_MAX_WORKING_DAYS}个工作日`)
    .optional(),
  /** The evaluation organization that re-checks the rectification. */
  evaluatorOrgId: id,
});
export const rectificationSubmitBody = z.object({
  plan: text('整改方案', 10, 5000),
  evidence: text('整改情况说明', 10, 5000),
  version,
});
export const rectificationCheckBody = z
  .object({
    decision: z.enum(['passed', 'failed'], { error: '请选择复核结论' }),
    note: z.string().trim().max(2000, '复核意见不能超过2000个字').default(''),
    version,
  })
  .refine((b) => b.decision === 'passed' || b.note.length >= 5, {
    message: '复核不合格时请填写不少于5个字的意见',
    path: ['note'],
  });
export const recoveryOpenBody = z.object({
  amountFen,
  reason: text('追回原因', 5, 1000),
  dueOn: isoDate,
});
export const repaymentBody = z.object({
  amountFen,
  paidOn: isoDate,
  voucherNo: text('凭证号', 1, 50),
});
export const projectQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(PROJECT_STATES).optional(),
});

// ---------- responses ----------

export const rectification = z.object({
  id,
  status: z.enum(RECTIFICATION_STATES),
  /** `evaluation` when a failed evaluation opened it, `buyer` when the buyer did. */
  origin: z.enum(['evaluation', 'buyer']),
  evaluationId: id.nullable(),
  reason: z.string(),
  workingDays: z.number().int(),
  openedOn: z.string(),
  dueOn: z.string(),
  /** Counted as Monday–Friday over a year whose holidays are not loaded yet (预计). */
  dueOnEstimated: z.boolean(),
  evaluatorOrgId: id,
  evaluatorName: z.string(),
  plan: z.string().nullable(),
  evidence: z.string().nullable(),
  submittedAt: z.string().nullable(),
  checkNote: z.string().nullable(),
  checkedAt: z.string().nullable(),
  version: z.number().int(),
  actions,
});
export type Rectification = z.infer<typeof rectification>;

export const repayment = z.object({
  id,
  amountFen: z.number().int(),
  paidOn: z.string(),
  voucherNo: z.string(),
  createdAt: z.string(),
});
export const recovery = z.object({
  id,
  status: z.enum(RECOVERY_STATES),
  amountFen: z.number().int(),
  repaidFen: z.number().int(),
  outstandingFen: z.number().int(),
  reason: z.string(),
  dueOn: z.string(),
  settledAt: z.string().nullable(),
  repayments: z.array(repayment),
  actions,
});
export type Recovery = z.infer<typeof recovery>;

export const projectListItem = z.object({
  /** The contract's id: a project is its contract's implementation. */
  id,
  contractCode: z.string(),
  callId: id,
  projectTitle: z.string(),
  buyerOrgId: id,
  buyerName: z.string(),
  providerOrgId: id,
  providerName: z.string(),
  amountFen: z.number().int(),
  periodStart: z.string(),
  periodEnd: z.string(),
  status: z.enum(PROJECT_STATES),
  version: z.number().int(),
  /** Paid to the provider so far (payments recorded as paid), fen. */
  paidFen: z.number().int(),
  /** Spent by the provider so far (expenses recorded), fen. */
  spentFen: z.number().int(),
});
export const project = projectListItem.extend({
  terminationReason: z.string().nullable(),
  terminatedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  rectifications: z.array(rectification),
  recoveries: z.array(recovery),
  actions,
});
export type Project = z.infer<typeof project>;

// ---------- rules ----------

/** Which part of a repayment is too much: a repayment may not exceed what is still owed. */
export function repaymentProblem(amountFen: number, repaidFen: number, repaymentFen: number): string | null {
  const outstanding = amountFen - repaidFen;
  if (repaymentFen > outstanding) return `还款金额超过待追回金额${formatFen(outstanding)}`;
  return null;
}
