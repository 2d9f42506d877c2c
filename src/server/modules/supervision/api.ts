/** Request and response shapes of the supervisors' console (检查监督). Amounts are integer fen. */
import { z } from 'zod';
import { pageQuery } from '../../../domain/api.js';
import { CONTRACT_STATUSES, contractStatusLabels } from '../../../domain/contracts.js';
import { calendarDate } from '../../../domain/dates.js';
import { EVALUATION_GRADES } from '../../../domain/evaluations.js';
import { CALL_STATES, callStateLabels } from '../../../domain/lifecycle.js';
import { PROJECT_STATES, projectStateLabels } from '../../../domain/projects.js';

/** A state of any step of a project's life: of its call, its contract, or its implementation. */
export const SEARCH_STATES = [
  ...CALL_STATES.map((s) => `call:${s}` as const),
  ...CONTRACT_STATUSES.map((s) => `contract:${s}` as const),
  ...PROJECT_STATES.map((s) => `project:${s}` as const),
];
export const searchStateLabels: Record<string, string> = Object.fromEntries([
  ...CALL_STATES.map((s) => [`call:${s}`, `征集：${callStateLabels[s]}`]),
  ...CONTRACT_STATUSES.map((s) => [`contract:${s}`, `合同：${contractStatusLabels[s]}`]),
  ...PROJECT_STATES.map((s) => [`project:${s}`, `实施：${projectStateLabels[s]}`]),
]);

const fen = (label: string) =>
  z.coerce
    .number({ error: `${label}应为金额（分）` })
    .int(`${label}应为整数（分）`)
    .min(0, `${label}不能为负数`)
    .max(Number.MAX_SAFE_INTEGER, `${label}过大`);

export const searchFilters = z
  .object({
    q: z.string().trim().max(100, '关键词不能超过100个字').optional(),
    buyerOrgId: z.string().uuid('购买主体编号格式不正确').optional(),
    streetId: z.string().uuid('街道编号格式不正确').optional(),
    year: z.coerce
      .number({ error: '年度应为数字' })
      .int('年度应为整数')
      .min(2000, '年度不正确')
      .max(2999, '年度不正确')
      .optional(),
    state: z.enum(SEARCH_STATES as [string, ...string[]], { error: '状态不正确' }).optional(),
    minFen: fen('最低金额').optional(),
    maxFen: fen('最高金额').optional(),
    alert: z.enum(['open', 'none'], { error: '预警筛选应为 open 或 none' }).optional(),
    grade: z.enum(EVALUATION_GRADES, { error: '评估等级不正确' }).optional(),
    sort: z.enum(['date', 'amount'], { error: '排序应为 date 或 amount' }).default('date'),
    order: z.enum(['asc', 'desc'], { error: '排序方向应为 asc 或 desc' }).default('desc'),
  })
  .refine((f) => f.minFen === undefined || f.maxFen === undefined || f.minFen <= f.maxFen, {
    path: ['maxFen'],
    message: '最高金额不能低于最低金额',
  });
export type SearchFilters = z.infer<typeof searchFilters>;
export const searchQuery = z.intersection(pageQuery.omit({ q: true }), searchFilters);
export type SearchQuery = z.infer<typeof searchQuery>;

const contractRow = z.object({
  id: z.string(),
  code: z.string(),
  providerName: z.string(),
  amountFen: z.number().int(),
  status: z.string(),
  projectStatus: z.string().nullable(),
});

export const searchItem = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  category: z.string(),
  year: z.number().int(),
  buyerOrgId: z.string(),
  buyerName: z.string(),
  callStatus: z.string(),
  state: z.string(),
  stateLabel: z.string(),
  amountFen: z.number().int(),
  date: z.string(),
  openAlerts: z.number().int(),
  grade: z.string().nullable(),
  contracts: z.array(contractRow),
});
export type SearchItem = z.infer<typeof searchItem>;

const longText = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const version = z.number({ error: '缺少版本号' }).int().optional();

export const inspectionBody = z.object({
  scope: longText('检查范围', 2, 1000),
  findings: longText('检查发现', 2, 4000),
  followUp: longText('整改要求', 2, 2000),
  dueOn: calendarDate(),
});
export const inspectionPatch = inspectionBody.partial().extend({ version });
export const inspectionAnswerBody = z.object({ answer: longText('答复', 2, 4000), version });
export const inspectionCloseBody = z.object({
  note: z.string().trim().max(1000, '结论不能超过1000个字').optional(),
  version,
});
export const inspectionQuery = pageQuery.omit({ q: true }).extend({
  callId: z.string().uuid('项目编号格式不正确').optional(),
  status: z.enum(['open', 'answered', 'closed'], { error: '状态不正确' }).optional(),
});

export const inspection = z.object({
  id: z.string(),
  callId: z.string(),
  callCode: z.string(),
  callTitle: z.string(),
  buyerOrgId: z.string(),
  buyerName: z.string(),
  supervisorName: z.string(),
  supervisorOrgName: z.string().nullable(),
  scope: z.string(),
  findings: z.string(),
  followUp: z.string(),
  dueOn: z.string(),
  status: z.enum(['open', 'answered', 'closed']),
  answer: z.string().nullable(),
  answerFileName: z.string().nullable(),
  answeredAt: z.string().nullable(),
  closeNote: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type Inspection = z.infer<typeof inspection>;
