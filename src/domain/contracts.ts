/**
 * 合同: request/response shapes, and the exact money arithmetic of payment milestones.
 * Amounts are integer fen; shares are basis points (1 bp = 0.01%, 10000 bp = 100%).
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';
import { DEFAULT_MILESTONES } from './lifecycle.js';
import { formatFen } from './money.js';

export const BP_TOTAL = 10_000;
export const MILESTONES_MAX = 12;
export const MILESTONE_SUM_MESSAGE = '付款节点比例合计必须为100%';

export type MilestoneShare = { key: string; label: string; shareBp: number };
export type MilestoneAmount = MilestoneShare & { amountFen: number };

/**
 * Splits `totalFen` by shares in basis points that add up to 10000: each part is rounded
 * down and the remainder goes to the last part, so the parts always add up to the total.
 * Uses BigInt so that amount × share never loses precision.
 */
export function splitByBasisPoints(totalFen: number, sharesBp: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0)
    throw new RangeError(`totalFen must be a non-negative integer: ${totalFen}`);
  if (sharesBp.length === 0) throw new RangeError('at least one share');
  if (sharesBp.some((s) => !Number.isInteger(s) || s < 0))
    throw new RangeError('shares must be non-negative integers');
  const sum = sharesBp.reduce((a, b) => a + b, 0);
  if (sum !== BP_TOTAL) throw new RangeError(`shares add up to ${sum}, not ${BP_TOTAL}`);
  const total = BigInt(totalFen);
  const parts = sharesBp.map((s) => Number((total * BigInt(s)) / BigInt(BP_TOTAL)));
  const allButLast = parts.slice(0, -1).reduce((a, b) => a + b, 0);
  parts[parts.length - 1] = totalFen - allButLast;
  return parts;
}

/** Milestones with their amounts for a contract value. */
export function milestoneAmounts(totalFen: number, milestones: readonly MilestoneShare[]): MilestoneAmount[] {
  const amounts = splitByBasisPoints(
    totalFen,
    milestones.map((m) => m.shareBp),
  );
  return milestones.map((m, i) => ({
    key: m.key,
    label: m.label,
    shareBp: m.shareBp,
    amountFen: amounts[i],
  }));
}

export const defaultMilestones = (): MilestoneShare[] => DEFAULT_MILESTONES.map((m) => ({ ...m }));

/** "40%" or "33.33%" from basis points, for labels. */
export const formatBp = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;

export const CONTRACT_STATUSES = ['draft', 'signed', 'terminated', 'closed'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
export const contractStatusLabels: Record<ContractStatus, string> = {
  draft: '待签订',
  signed: '已签订',
  terminated: '已终止',
  closed: '已结项',
};

const id = z.string().uuid();
const isoDate = calendarDate();
const actions = z.array(z.string());

export const amountFen = z
  .number({ error: '金额应为整数（单位：分）' })
  .int('金额应为整数（单位：分）')
  .positive('金额必须大于0');

export const contractIndicator = z.object({
  kind: z.enum(['output', 'outcome'], { error: '指标类型应为产出或成效' }),
  name: z
    .string({ error: '请填写指标名称' })
    .trim()
    .min(1, '请填写指标名称')
    .max(100, '指标名称不能超过100个字'),
  target: z.number({ error: '目标值应为数字' }).finite().min(0, '目标值不能为负数'),
  unit: z.string({ error: '请填写单位' }).trim().min(1, '请填写单位').max(20, '单位不能超过20个字'),
});
export type ContractIndicator = z.infer<typeof contractIndicator>;

export const milestoneInput = z.object({
  /** Stable key (signing, midterm, final, …); generated from the position when omitted. */
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, '节点标识应为小写字母开头的字母、数字、下划线或短横线')
    .optional(),
  label: z
    .string({ error: '请填写付款条件' })
    .trim()
    .min(1, '请填写付款条件')
    .max(50, '付款条件不能超过50个字'),
  shareBp: z
    .number({ error: '比例应为整数（万分之一）' })
    .int('比例应为整数（万分之一）')
    .min(1, '每个付款节点的比例必须大于0')
    .max(BP_TOTAL, '比例不能超过100%'),
});

export const milestonesInput = z
  .array(milestoneInput)
  .min(1, '至少设置一个付款节点')
  .max(MILESTONES_MAX, `付款节点不能超过${MILESTONES_MAX}个`)
  .superRefine((list, ctx) => {
    if (list.reduce((s, m) => s + m.shareBp, 0) !== BP_TOTAL)
      ctx.addIssue({ code: 'custom', message: MILESTONE_SUM_MESSAGE });
    const keys = list.map((m) => m.key).filter(Boolean);
    if (new Set(keys).size !== keys.length) ctx.addIssue({ code: 'custom', message: '付款节点标识不能重复' });
  })
  .transform((list): MilestoneShare[] => {
    const used = new Set(list.map((m) => m.key).filter(Boolean));
    return list.map((m, i) => {
      if (m.key) return { key: m.key, label: m.label, shareBp: m.shareBp };
      let key = `m${i + 1}`;
      for (let n = i + 1; used.has(key); n++) key = `m${n}_${i + 1}`;
      used.add(key);
      return { key, label: m.label, shareBp: m.shareBp };
    });
  });

const reasonText = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);

const termsFields = {
  /** At most the award's amount. */
  amountFen: amountFen.optional(),
  /** Within the call's service period. */
  periodStart: isoDate.optional(),
  periodEnd: isoDate.optional(),
  indicators: z
    .array(contractIndicator)
    .min(1, '至少保留一项绩效指标')
    .max(50, '绩效指标不能超过50项')
    .optional(),
  /** Required when the indicators differ from the proposal's. */
  indicatorChangeReason: reasonText('指标调整原因', 5, 500).optional(),
  milestones: milestonesInput.optional(),
};

const periodInOrder = (v: { periodStart?: string; periodEnd?: string }) =>
  !v.periodStart || !v.periodEnd || v.periodStart <= v.periodEnd;

/** Creating the draft: every field defaults from the award, the call and the proposal. */
export const contractCreateBody = z
  .object(termsFields)
  .refine(periodInOrder, { message: '服务期结束日期不能早于开始日期', path: ['periodEnd'] });
export type ContractCreateBody = z.input<typeof contractCreateBody>;

export const contractUpdateBody = z
  .object({ ...termsFields, version: z.number().int().optional() })
  .refine(periodInOrder, { message: '服务期结束日期不能早于开始日期', path: ['periodEnd'] });
export type ContractUpdateBody = z.input<typeof contractUpdateBody>;

/** A side confirms the terms it has seen: `termsDigest` from the contract it was shown. */
export const contractConfirmBody = z.object({
  termsDigest: z
    .string({ error: '缺少合同内容摘要，请刷新页面后重试' })
    .min(1, '缺少合同内容摘要，请刷新页面后重试'),
});

export const amendmentBody = z.object({
  reason: reasonText('变更原因', 5, 1000),
  changes: z
    .object({
      amountFen: amountFen.optional(),
      periodEnd: isoDate.optional(),
      milestones: milestonesInput.optional(),
      indicators: z
        .array(contractIndicator)
        .min(1, '至少保留一项绩效指标')
        .max(50, '绩效指标不能超过50项')
        .optional(),
    })
    .refine((c) => Object.values(c).some((v) => v !== undefined), { message: '请至少变更一项内容' }),
});
export type AmendmentBody = z.input<typeof amendmentBody>;

export const contractQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  callId: id.optional(),
  status: z.enum(CONTRACT_STATUSES).optional(),
  /** Only contracts where the viewer's own organization is a party. */
  mine: z.enum(['1', 'true', '0', 'false']).optional(),
});

const milestone = z.object({
  key: z.string(),
  label: z.string(),
  shareBp: z.number().int(),
  amountFen: z.number().int(),
});

export const amendment = z.object({
  id,
  number: z.number().int(),
  reason: z.string(),
  before: z.record(z.string(), z.unknown()),
  after: z.record(z.string(), z.unknown()),
  /** Set (a sentence) when the amendment raised the contract value: a red flag for supervisors. */
  raisesValue: z.string().nullable(),
  createdAt: z.string(),
});
export type Amendment = z.infer<typeof amendment>;

export const contract = z.object({
  id,
  code: z.string(),
  awardId: id,
  callId: id,
  callCode: z.string(),
  callTitle: z.string(),
  projectTitle: z.string(),
  buyerOrgId: id,
  buyerName: z.string(),
  providerOrgId: id,
  providerName: z.string(),
  awardAmountFen: z.number().int(),
  amountFen: z.number().int(),
  periodStart: z.string(),
  periodEnd: z.string(),
  /** The call's service period: the bounds of the contract's. */
  servicePeriodStart: z.string(),
  servicePeriodEnd: z.string(),
  indicators: z.array(contractIndicator),
  indicatorsChanged: z.boolean(),
  indicatorChangeReason: z.string().nullable(),
  milestones: z.array(milestone),
  status: z.enum(CONTRACT_STATUSES),
  buyerConfirmedAt: z.string().nullable(),
  providerConfirmedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
  /** Echo it to confirm: it changes whenever the terms change. */
  termsDigest: z.string(),
  version: z.number().int(),
  amendments: z.array(amendment),
  actions,
});
export type Contract = z.infer<typeof contract>;

export const contractListItem = contract.omit({ amendments: true, indicators: true });
export type ContractListItem = z.infer<typeof contractListItem>;

// ---------- terms: checked by the server and, before sending, by the browser ----------

export type ContractTerms = {
  amountFen: number;
  periodStart: string;
  periodEnd: string;
  indicators: ContractIndicator[];
  milestones: MilestoneAmount[];
};

/** What the terms are checked against: the award, the call's service period, the proposal. */
export interface TermLimits {
  awardFen: number;
  servicePeriodStart: string;
  servicePeriodEnd: string;
  proposalIndicators: readonly ContractIndicator[];
}

export const sameIndicators = (a: readonly ContractIndicator[], b: readonly ContractIndicator[]) =>
  JSON.stringify(a.map((i) => [i.kind, i.name, i.target, i.unit])) ===
  JSON.stringify(b.map((i) => [i.kind, i.name, i.target, i.unit]));

/** Every problem with the terms at once, as field messages. */
export function contractTermProblems(
  t: ContractTerms,
  limits: TermLimits,
  indicatorChangeReason: string | null,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (t.amountFen > limits.awardFen) {
    problems.push({ path: 'amountFen', message: `合同金额不能高于立项金额${formatFen(limits.awardFen)}` });
  }
  if (t.periodStart < limits.servicePeriodStart) {
    problems.push({
      path: 'periodStart',
      message: `服务期不能早于项目服务期开始日期${limits.servicePeriodStart}`,
    });
  }
  if (t.periodEnd > limits.servicePeriodEnd) {
    problems.push({
      path: 'periodEnd',
      message: `服务期不能晚于项目服务期结束日期${limits.servicePeriodEnd}`,
    });
  }
  if (t.periodStart > t.periodEnd)
    problems.push({ path: 'periodEnd', message: '服务期结束日期不能早于开始日期' });
  if (!sameIndicators(t.indicators, limits.proposalIndicators) && !indicatorChangeReason) {
    problems.push({ path: 'indicatorChangeReason', message: '绩效指标与申报书不一致，请填写调整原因' });
  }
  return problems;
}
