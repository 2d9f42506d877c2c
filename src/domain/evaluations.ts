/**
 * 项目评估: indicator systems (templates), grade bands, scoring arithmetic, and the shapes of
 * the evaluation requests and responses. Scores are kept in tenths of a point (integers), so a
 * total is exact; each indicator is scored from 0 to its weight, and the weights add up to 100.
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';

export const EVALUATION_STAGES = ['midterm', 'final'] as const;
export type EvaluationStage = (typeof EVALUATION_STAGES)[number];
export const evaluationStageLabels: Record<EvaluationStage, string> = {
  midterm: '中期评估',
  final: '末期评估',
};

export const EVALUATION_STATES = ['commissioned', 'submitted', 'returned', 'accepted', 'final'] as const;
export type EvaluationState = (typeof EVALUATION_STATES)[number];
export const evaluationStateLabels: Record<EvaluationState, string> = {
  commissioned: '评估中',
  submitted: '已提交，待确认',
  returned: '已退回修改',
  accepted: '已确认',
  final: '结果已生效',
};

export const EVALUATION_GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];
export const gradeLabels: Record<EvaluationGrade, string> = {
  excellent: '优秀',
  good: '良好',
  pass: '合格',
  fail: '不合格',
};
export const isPassing = (grade: EvaluationGrade | null | undefined) => !!grade && grade !== 'fail';

/** The lowest total (in points) of each grade; 不合格 is everything below 合格. */
export type GradeBands = { excellent: number; good: number; pass: number };
export const DEFAULT_GRADE_BANDS: GradeBands = { excellent: 90, good: 80, pass: 60 };

export type TemplateIndicator = { key: string; name: string; weight: number; guidance: string };
export type TemplateDimension = { name: string; indicators: TemplateIndicator[] };

export const DEFAULT_TEMPLATE_NAME = '社会工作服务项目评估指标体系（默认）';
/** The default indicator system (DOMAIN.md step 8; MZ/T 059-2014 in spirit). */
export const DEFAULT_DIMENSIONS: TemplateDimension[] = [
  {
    name: '项目管理',
    indicators: [
      { key: 'plan', name: '实施计划与进度', weight: 10, guidance: '按计划推进，台账完整，重大变更有报备' },
      { key: 'team', name: '团队配置', weight: 5, guidance: '项目社工持证上岗、人员稳定' },
    ],
  },
  {
    name: '服务成效',
    indicators: [
      { key: 'outputs', name: '产出指标完成', weight: 20, guidance: '合同产出指标完成率' },
      { key: 'outcomes', name: '成效指标达成', weight: 15, guidance: '服务对象改变、问题缓解的证据' },
    ],
  },
  {
    name: '专业性',
    indicators: [
      { key: 'method', name: '专业方法运用', weight: 10, guidance: '个案、小组、社区工作方法运用得当' },
      { key: 'records', name: '专业记录', weight: 5, guidance: '服务记录、评估记录规范' },
    ],
  },
  {
    name: '财务管理',
    indicators: [
      { key: 'budget', name: '预算执行', weight: 10, guidance: '按预算科目支出，调整经审批' },
      { key: 'receipts', name: '票据合规', weight: 10, guidance: '支出凭证真实、完整、合规' },
    ],
  },
  {
    name: '满意度',
    indicators: [
      { key: 'residents', name: '服务对象满意度', weight: 10, guidance: '服务对象满意度调查结果' },
      { key: 'partners', name: '社区及购买方满意度', weight: 5, guidance: '社区、购买方评价' },
    ],
  },
];

export const WEIGHT_TOTAL = 100;
export const templateIndicators = (dimensions: readonly TemplateDimension[]) =>
  dimensions.flatMap((d) => d.indicators);

/** The grade of a total in tenths of a point. */
export function gradeOf(totalDeci: number, bands: GradeBands): EvaluationGrade {
  if (totalDeci >= bands.excellent * 10) return 'excellent';
  if (totalDeci >= bands.good * 10) return 'good';
  if (totalDeci >= bands.pass * 10) return 'pass';
  return 'fail';
}

export type IndicatorScore = { key: string; scoreDeci: number; note: string };

/** Every problem with a set of scores against the indicators, or the total when complete. */
export function scoreProblems(
  dimensions: readonly TemplateDimension[],
  scores: readonly IndicatorScore[],
): { path: string; message: string }[] {
  const indicators = new Map(templateIndicators(dimensions).map((i) => [i.key, i]));
  const problems: { path: string; message: string }[] = [];
  for (const [n, s] of scores.entries()) {
    const indicator = indicators.get(s.key);
    if (!indicator) problems.push({ path: `scores.${n}.key`, message: `没有指标“${s.key}”` });
    else if (s.scoreDeci > indicator.weight * 10)
      problems.push({
        path: `scores.${n}.score`,
        message: `“${indicator.name}”得分不能超过${indicator.weight}分`,
      });
  }
  if (new Set(scores.map((s) => s.key)).size !== scores.length)
    problems.push({ path: 'scores', message: '同一指标只能评分一次' });
  return problems;
}

export const missingScores = (dimensions: readonly TemplateDimension[], scores: readonly IndicatorScore[]) =>
  templateIndicators(dimensions).filter((i) => !scores.some((s) => s.key === i.key));

export const totalOf = (scores: readonly IndicatorScore[]) => scores.reduce((sum, s) => sum + s.scoreDeci, 0);

// ---------- requests ----------

const id = z.string().uuid();
const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const version = z.number({ error: '缺少版本号' }).int().optional();

const indicatorInput = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, '指标标识应为小写字母开头的字母、数字或下划线'),
  name: text('指标名称', 1, 50),
  weight: z
    .number({ error: '权重应为整数' })
    .int('权重应为整数')
    .min(1, '每项指标权重至少为1')
    .max(WEIGHT_TOTAL, '权重不能超过100'),
  guidance: z.string().trim().max(500, '评分说明不能超过500个字').default(''),
});
const dimensionsInput = z
  .array(
    z.object({
      name: text('维度名称', 1, 30),
      indicators: z.array(indicatorInput).min(1, '每个维度至少一项指标').max(20, '每个维度最多20项指标'),
    }),
  )
  .min(1, '至少一个评估维度')
  .max(10, '评估维度不能超过10个')
  .superRefine((dims, ctx) => {
    const all = dims.flatMap((d) => d.indicators);
    const sum = all.reduce((s, i) => s + i.weight, 0);
    if (sum !== WEIGHT_TOTAL)
      ctx.addIssue({ code: 'custom', message: `指标权重合计必须为100（当前为${sum}）` });
    if (new Set(all.map((i) => i.key)).size !== all.length)
      ctx.addIssue({ code: 'custom', message: '指标标识不能重复' });
  });
const bandPoint = (label: string) =>
  z
    .number({ error: `${label}分数线应为整数` })
    .int(`${label}分数线应为整数`)
    .min(1)
    .max(WEIGHT_TOTAL);
const bandsInput = z
  .object({ excellent: bandPoint('优秀'), good: bandPoint('良好'), pass: bandPoint('合格') })
  .refine((b) => b.excellent > b.good && b.good > b.pass, { message: '分数线应为 优秀 > 良好 > 合格' });

export const templateBody = z.object({
  name: text('模板名称', 2, 50),
  dimensions: dimensionsInput,
  bands: bandsInput.default(DEFAULT_GRADE_BANDS),
});
export const templateUpdateBody = templateBody.partial().extend({
  active: z.boolean().optional(),
  version,
});

export const commissionBody = z.object({
  stage: z.enum(EVALUATION_STAGES, { error: '请选择中期或末期评估' }),
  evaluatorOrgId: id,
  dueOn: calendarDate(),
  /** The indicator system; the default one when omitted. Copied into the evaluation. */
  templateId: id.optional(),
});

/** A score with at most one decimal, from 0 to the indicator's weight. */
const score = z
  .number({ error: '得分应为数字' })
  .min(0, '得分不能为负数')
  .max(WEIGHT_TOTAL)
  .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6, '得分最多保留一位小数');
export const scoresBody = z.object({
  scores: z
    .array(
      z.object({
        key: z.string().min(1),
        score,
        note: z.string().trim().max(1000, '评分说明不能超过1000个字').default(''),
      }),
    )
    .max(200),
  reportSummary: z.string().trim().max(2000, '报告摘要不能超过2000个字').optional(),
  version,
});
export const evaluationVersionBody = z.object({ version });
export const evaluationReturnBody = z.object({ reason: text('退回原因', 5, 1000), version });

// ---------- responses ----------

const templateIndicator = z.object({
  key: z.string(),
  name: z.string(),
  weight: z.number().int(),
  guidance: z.string(),
});
const templateDimension = z.object({ name: z.string(), indicators: z.array(templateIndicator) });
const bands = z.object({ excellent: z.number().int(), good: z.number().int(), pass: z.number().int() });

export const evaluationTemplate = z.object({
  id: id.nullable(),
  name: z.string(),
  dimensions: z.array(templateDimension),
  bands,
  active: z.boolean(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type EvaluationTemplate = z.infer<typeof evaluationTemplate>;

export const evaluation = z.object({
  id,
  projectId: id,
  stage: z.enum(EVALUATION_STAGES),
  status: z.enum(EVALUATION_STATES),
  evaluatorOrgId: id,
  evaluatorName: z.string(),
  dueOn: z.string(),
  templateName: z.string(),
  dimensions: z.array(templateDimension),
  bands,
  scores: z.array(z.object({ key: z.string(), score: z.number(), note: z.string() })),
  /** Points, one decimal. */
  total: z.number().nullable(),
  grade: z.enum(EVALUATION_GRADES).nullable(),
  gradeLabel: z.string().nullable(),
  reportSummary: z.string().nullable(),
  report: z.object({ id, name: z.string(), url: z.string() }).nullable(),
  returnReason: z.string().nullable(),
  submittedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  /** The results publicity (final evaluations), whose objections follow the approval publicity's. */
  publicityId: id.nullable(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type Evaluation = z.infer<typeof evaluation>;

/** What the public sees of an evaluation result during and after its publicity. */
export const publicEvaluationResult = z.object({
  evaluationId: id,
  publicityId: id,
  projectId: id,
  projectTitle: z.string(),
  providerName: z.string(),
  evaluatorName: z.string(),
  stage: z.enum(EVALUATION_STAGES),
  total: z.number(),
  grade: z.enum(EVALUATION_GRADES),
  gradeLabel: z.string(),
  reportSummary: z.string(),
  opensOn: z.string(),
  closesOn: z.string(),
  final: z.boolean(),
});

/** The viewer's evaluations: an evaluator its organization's, a buyer or provider its projects'. */
export const evaluationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  stage: z.enum(EVALUATION_STAGES).optional(),
  status: z.enum(EVALUATION_STATES).optional(),
  grade: z.enum(EVALUATION_GRADES).optional(),
  /** Only those still under way: commissioned, returned or submitted. */
  open: z.enum(['1', 'true', '0', 'false']).optional(),
});
export const OPEN_EVALUATION_STATES = ['commissioned', 'returned', 'submitted'] as const;

export const evaluationListItem = z.object({
  id,
  projectId: id,
  projectTitle: z.string(),
  contractCode: z.string(),
  buyerName: z.string(),
  providerName: z.string(),
  stage: z.enum(EVALUATION_STAGES),
  status: z.enum(EVALUATION_STATES),
  evaluatorOrgId: id,
  evaluatorName: z.string(),
  dueOn: z.string(),
  /** Points, one decimal; set on submission. */
  total: z.number().nullable(),
  grade: z.enum(EVALUATION_GRADES).nullable(),
  gradeLabel: z.string().nullable(),
  submittedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type EvaluationListItem = z.infer<typeof evaluationListItem>;
