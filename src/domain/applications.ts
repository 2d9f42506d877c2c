import { z } from 'zod';
import { type CreditList, creditListLabels } from './credit.js';
import { GRADES } from './enums.js';
import { APPLICATION_STATES } from './lifecycle.js';

const id = z.string().uuid();
const text = (max: number) => z.string().max(max, `不能超过${max}个字`);

export const partner = z.object({
  name: z.string().trim().min(1, '请填写参与力量名称').max(100),
  kind: z.enum(['volunteer_team', 'community_org', 'other'], { error: '请选择参与力量类型' }),
  headcount: z.number().int('人数应为整数').min(1, '人数至少为1').max(100_000),
});
export const indicator = z.object({
  kind: z.enum(['output', 'outcome'], { error: '请选择指标类型' }),
  name: z.string().trim().min(1, '请填写指标名称').max(100),
  target: z.number().min(0, '目标值不能为负').max(1e9),
  unit: z.string().trim().min(1, '请填写单位').max(20),
});
export const BUDGET_CATEGORIES = [
  'personnel',
  'activities',
  'materials',
  'travel',
  'training',
  'management',
  'other',
] as const;
export const budgetCategoryLabels: Record<(typeof BUDGET_CATEGORIES)[number], string> = {
  personnel: '人员经费',
  activities: '活动经费',
  materials: '物资耗材',
  travel: '交通差旅',
  training: '培训督导',
  management: '管理费用',
  other: '其他',
};
export const budgetLine = z.object({
  category: z.enum(BUDGET_CATEGORIES, { error: '请选择预算类别' }),
  item: z.string().trim().min(1, '请填写预算项目').max(100),
  amountFen: z.number().int('金额应为以分为单位的整数').min(1, '金额必须大于0').max(1e12),
});
export const proposal = z.object({
  title: text(100).default(''),
  needAssessment: text(5000).default(''),
  objectives: text(3000).default(''),
  activities: text(5000).default(''),
  indicators: z.array(indicator).max(50).default([]),
  budget: z.array(budgetLine).max(100).default([]),
  timeline: z
    .array(z.object({ period: text(50), work: text(500) }))
    .max(50)
    .default([]),
  team: z
    .array(z.object({ name: text(50), role: text(50), qualification: text(100) }))
    .max(50)
    .default([]),
});
export type ProposalInput = z.infer<typeof proposal>;

/** A draft is saved as it is typed (auto-save): only shapes are checked; completeness at submission. */
export const applicationDraft = z.object({
  communityRegionId: id.nullable().optional(),
  socialWorkerName: text(50).optional(),
  socialWorkerCertificate: z
    .string()
    .trim()
    .max(30)
    .regex(/^[A-Za-z0-9-]*$/, '证书编号只能包含字母、数字和短横线')
    .optional(),
  partners: z.array(partner).max(20).optional(),
  proposal: proposal.optional(),
  version: z.number().int().optional(),
});
export const applicationCreate = applicationDraft.extend({ callId: id });

export const eligibilityOverride = z.object({
  eligible: z.boolean({ error: '请选择审查结论' }),
  reason: z.string().trim().min(5, '请填写至少5个字的理由').max(1000),
});
export const explanationBody = z.object({
  explanation: z.string().trim().min(5, '请填写至少5个字的说明').max(2000),
});

export const applicationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  callId: id.optional(),
  status: z.enum(APPLICATION_STATES).optional(),
});

export const eligibilityCheck = z.object({ rule: z.string(), passed: z.boolean(), message: z.string() });

export const applicationView = z.object({
  id,
  callId: id,
  callCode: z.string(),
  callTitle: z.string(),
  providerOrgId: id,
  providerName: z.string(),
  communityRegionId: id.nullable(),
  communityName: z.string().nullable(),
  communityOrgName: z.string().nullable(),
  socialWorkerName: z.string(),
  socialWorkerCertificate: z.string().nullable(),
  partners: z.array(partner),
  proposal,
  requestedFen: z.number(),
  status: z.enum(APPLICATION_STATES),
  cosignedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  eligibility: z.array(eligibilityCheck),
  eligibilityOverrideReason: z.string().nullable(),
  duplicateExplanation: z.string().nullable(),
  /** What still stops submission, for the form. */
  missing: z.array(z.string()),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type ApplicationView = z.infer<typeof applicationView>;

// ---------- rules ----------
export interface ListingFacts {
  list: string;
  reason: string;
  decidedBy?: string;
  documentNo?: string | null;
  startsOn?: string;
  endsOn?: string;
}

/** 黑榜（昆明市官渡区民政局 官民社〔2026〕8号，2026-06-01至2029-05-31）：事由 */
export function describeListing(l: ListingFacts) {
  const label = creditListLabels[l.list as CreditList] ?? l.list;
  const decision = [l.decidedBy, l.documentNo].filter(Boolean).join(' ');
  const period = l.startsOn && l.endsOn ? `${l.startsOn}至${l.endsOn}` : '';
  const facts = [decision, period].filter(Boolean).join('，');
  return `${label}${facts ? `（${facts}）` : ''}：${l.reason}`;
}
export interface EligibilityInput {
  today: string;
  org: {
    creditCodeValid: boolean;
    active: boolean;
    grade: (typeof GRADES)[number] | null;
    registeredOn: string | null;
  };
  /** The 黑榜 or 严重违法失信名单 entry in force (credit module), named in the refusal. */
  blacklisted: ListingFacts | null;
  /** 活动异常名录 entries in force: a warning to the buyer, not a refusal. */
  warnings?: ListingFacts[];
  call: { budgetCapFen: number; minGrade: string | null; minYearsRegistered: number | null };
  requestedFen: number;
  insideServiceArea: boolean;
}

const yearsBetween = (from: string, to: string) => {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
};

/** The system's eligibility checks (资格审查) of a submitted application; each gives its reason. */
export function checkEligibility(input: EligibilityInput) {
  const checks: z.infer<typeof eligibilityCheck>[] = [];
  const add = (rule: string, passed: boolean, ok: string, fail: string) =>
    checks.push({ rule, passed, message: passed ? ok : fail });
  add(
    'credit_code',
    input.org.creditCodeValid && input.org.active,
    '统一社会信用代码有效',
    '申报单位统一社会信用代码无效或单位已停用',
  );
  add(
    'black_list',
    !input.blacklisted,
    '未列入黑榜或严重违法失信名单',
    input.blacklisted ? `申报单位在名单期内，不得申报：${describeListing(input.blacklisted)}` : '',
  );
  for (const warning of input.warnings ?? [])
    checks.push({
      rule: 'abnormal_list',
      passed: true,
      message: `提示：申报单位被列入${describeListing(warning)}`,
    });
  add(
    'service_area',
    input.insideServiceArea,
    '服务社区在征集服务区域内',
    '服务社区不在本次征集的服务区域内',
  );
  add(
    'budget_cap',
    input.requestedFen <= input.call.budgetCapFen,
    '申请金额未超过预算上限',
    `申请金额超过单个项目预算上限`,
  );
  if (input.call.minGrade) {
    const ok =
      !!input.org.grade && GRADES.indexOf(input.org.grade) >= GRADES.indexOf(input.call.minGrade as never);
    add(
      'grade',
      ok,
      `评估等级达到${input.call.minGrade}`,
      `评估等级须达到${input.call.minGrade}（当前：${input.org.grade ?? '无'}）`,
    );
  }
  if (input.call.minYearsRegistered) {
    const years = input.org.registeredOn ? yearsBetween(input.org.registeredOn, input.today) : 0;
    add(
      'registration_age',
      years >= input.call.minYearsRegistered,
      `登记满${input.call.minYearsRegistered}年`,
      `须登记满${input.call.minYearsRegistered}年（当前：${input.org.registeredOn ? `${years}年` : '无登记日期'}）`,
    );
  }
  return checks;
}

/** What a draft still lacks before it can be submitted. */
export function missingForSubmission(a: {
  communityRegionId: string | null;
  socialWorkerName: string;
  socialWorkerCertificate: string;
  proposal: ProposalInput;
  cosigned: boolean;
}) {
  const missing: string[] = [];
  if (!a.communityRegionId) missing.push('请选择服务社区');
  if (!a.socialWorkerName.trim()) missing.push('请填写项目社工姓名');
  if (!a.socialWorkerCertificate.trim()) missing.push('请填写项目社工证书编号');
  const p = a.proposal;
  if (!p.title.trim()) missing.push('请填写项目名称');
  if (!p.needAssessment.trim()) missing.push('请填写需求评估');
  if (!p.objectives.trim()) missing.push('请填写项目目标');
  if (!p.activities.trim()) missing.push('请填写服务活动');
  if (!p.indicators.some((i) => i.kind === 'output')) missing.push('至少填写一项产出指标');
  if (!p.indicators.some((i) => i.kind === 'outcome')) missing.push('至少填写一项成效指标');
  if (p.budget.length === 0) missing.push('请填写预算明细');
  if (!a.cosigned) missing.push('等待社区联合签章');
  return missing;
}
