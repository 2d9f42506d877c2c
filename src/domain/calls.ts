import { z } from 'zod';
import { calendarDate, isoDateTime } from './dates.js';
import { GRADES, SERVICE_CATEGORIES } from './enums.js';
import { CALL_STATES } from './lifecycle.js';

const id = z.string().uuid();
const isoDate = calendarDate();
const dateTime = isoDateTime();
const fen = (label: string) =>
  z
    .number({ error: `请填写${label}` })
    .int(`${label}应以分为单位的整数`)
    .min(1, `${label}必须大于0`)
    .max(1e13, `${label}过大`);

export const rubricCriterion = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, '评分项代码为小写字母开头的字母、数字或下划线'),
  label: z.string().trim().min(1, '请填写评分项名称').max(50),
  weight: z.number().int('权重应为整数').min(1, '权重至少为1').max(100),
});
export const rubric = z
  .array(rubricCriterion)
  .min(1, '至少需要一个评分项')
  .max(20)
  .refine((r) => r.reduce((s, c) => s + c.weight, 0) === 100, '评分项权重合计必须为100')
  .refine((r) => new Set(r.map((c) => c.key)).size === r.length, '评分项代码不能重复');

export const eligibilityRules = z.object({
  minGrade: z.enum(GRADES).nullable().default(null),
  minYearsRegistered: z.number().int().min(0).max(50).nullable().default(null),
});

const callFields = z.object({
  planLineId: id.nullable(),
  title: z.string().trim().min(4, '标题至少4个字').max(100, '标题不能超过100个字'),
  category: z.enum(SERVICE_CATEGORIES, { error: '请选择服务领域' }),
  regionId: id.nullable(),
  serviceAreaIds: z.array(id).min(1, '请选择服务区域'),
  targetGroups: z.array(z.string().trim().min(1).max(30)).max(10),
  budgetCapFen: fen('单个项目预算上限'),
  totalBudgetFen: fen('总预算'),
  servicePeriodStart: isoDate,
  servicePeriodEnd: isoDate,
  applicationOpensAt: dateTime,
  applicationClosesAt: dateTime,
  reviewMethod: z.enum(['roadshow', 'written']),
  aggregation: z.enum(['trimmed_mean', 'mean', 'zscore']),
  rubric: rubric,
  eligibility: eligibilityRules,
  descriptionHtml: z.string().max(50_000, '说明过长'),
});

/** Creation fills what is left out; an update (partial) must not, or it would overwrite. */
const creationDefaults = callFields.extend({
  planLineId: callFields.shape.planLineId.default(null),
  regionId: callFields.shape.regionId.default(null),
  targetGroups: callFields.shape.targetGroups.default([]),
  reviewMethod: callFields.shape.reviewMethod.default('roadshow'),
  aggregation: callFields.shape.aggregation.default('trimmed_mean'),
  rubric: rubric.optional(),
  eligibility: eligibilityRules.default({ minGrade: null, minYearsRegistered: null }),
  descriptionHtml: callFields.shape.descriptionHtml.default(''),
});

type CallShape = z.infer<typeof callFields>;
const consistent = (v: Partial<CallShape>, ctx: z.RefinementCtx) => {
  if (v.budgetCapFen && v.totalBudgetFen && v.budgetCapFen > v.totalBudgetFen) {
    ctx.addIssue({ code: 'custom', path: ['budgetCapFen'], message: '单个项目预算上限不能超过总预算' });
  }
  if (v.servicePeriodStart && v.servicePeriodEnd && v.servicePeriodStart > v.servicePeriodEnd) {
    ctx.addIssue({ code: 'custom', path: ['servicePeriodEnd'], message: '服务期结束日期不能早于开始日期' });
  }
  if (
    v.applicationOpensAt &&
    v.applicationClosesAt &&
    Date.parse(v.applicationOpensAt) >= Date.parse(v.applicationClosesAt)
  ) {
    ctx.addIssue({ code: 'custom', path: ['applicationClosesAt'], message: '申报截止时间必须晚于开始时间' });
  }
};
export const callCreate = creationDefaults.superRefine(consistent);
export const callUpdate = callFields
  .partial()
  .extend({ changeReason: z.string().trim().max(500).optional() })
  .superRefine(consistent);
export const reasonBody = z.object({
  reason: z.string().trim().min(2, '请填写原因').max(1000, '原因不能超过1000字'),
});

export const callQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  q: z.string().trim().max(50).optional(),
  status: z.enum(CALL_STATES).optional(),
  buyerId: id.optional(),
  category: z.enum(SERVICE_CATEGORIES).optional(),
  streetId: id.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const callSummary = z.object({
  id,
  code: z.string(),
  title: z.string(),
  year: z.number(),
  buyerId: id,
  buyerName: z.string(),
  category: z.enum(SERVICE_CATEGORIES),
  status: z.enum(CALL_STATES),
  budgetCapFen: z.number(),
  totalBudgetFen: z.number(),
  applicationOpensAt: z.string(),
  applicationClosesAt: z.string(),
  servicePeriodStart: z.string(),
  servicePeriodEnd: z.string(),
  streetNames: z.array(z.string()),
  publishedAt: z.string().nullable(),
});
export type CallSummary = z.infer<typeof callSummary>;

export const attachmentInfo = z.object({
  id,
  name: z.string(),
  size: z.number(),
  mime: z.string(),
  url: z.string(),
});

export const callDetail = callSummary.extend({
  planLineId: id.nullable(),
  regionId: id.nullable(),
  serviceAreas: z.array(z.object({ id, name: z.string(), level: z.string() })),
  targetGroups: z.array(z.string()),
  reviewMethod: z.string(),
  aggregation: z.string(),
  rubric: z.array(rubricCriterion),
  eligibility: z.object({ minGrade: z.string().nullable(), minYearsRegistered: z.number().nullable() }),
  descriptionHtml: z.string(),
  statusReason: z.string().nullable(),
  attachments: z.array(attachmentInfo),
  changes: z.array(z.object({ at: z.string(), changes: z.unknown(), reason: z.string().nullable() })),
  timeline: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      title: z.string(),
      detail: z.unknown(),
      /** The step's audit entry, whose inclusion in the transparency log the page verifies. */
      auditId: z.number().int().nullable(),
    }),
  ),
  applicationCount: z.number().int(),
});
export const callManaged = callDetail.extend({
  shortWindowFlag: z.string().nullable(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
