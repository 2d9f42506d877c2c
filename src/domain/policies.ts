/** 政策法规: the policy library's shapes, labels and lifecycle, shared by the server and the browser. */
import { z } from 'zod';
import { patchOf } from './api.js';
import { calendarDate } from './dates.js';
import type { StateMachine, Transition } from './lifecycle.js';

export const POLICY_LEVELS = ['central', 'province', 'city', 'district'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];
export const policyLevelLabels: Record<PolicyLevel, string> = {
  central: '中央',
  province: '省级',
  city: '市级',
  district: '区级',
};

export const POLICY_STATUSES = ['current', 'revised', 'repealed'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];
export const policyStatusLabels: Record<PolicyStatus, string> = {
  current: '现行有效',
  revised: '已修订',
  repealed: '已废止',
};

/** The library's shelves; an administrator picks one per document. */
export const POLICY_CATEGORIES = [
  '政府购买服务',
  '社会工作',
  '社会组织管理',
  '慈善与志愿服务',
  '基层治理',
  '民生保障',
  '财政资金管理',
] as const;

const text = (max: number, label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过${max}个字`);
const optional = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .nullish()
    .transform((v) => v || null);

const policyFields = z.object({
  title: text(200, '标题'),
  level: z.enum(POLICY_LEVELS, { error: '请选择层级（中央、省级、市级、区级）' }),
  issuer: text(100, '发布机关'),
  docNumber: optional(60, '文号'),
  issuedOn: calendarDate(),
  effectiveOn: calendarDate()
    .nullish()
    .transform((v) => v ?? null),
  category: z.enum(POLICY_CATEGORIES, { error: `请选择分类（${POLICY_CATEGORIES.join('、')}）` }),
  summary: z.string().trim().max(2000, '摘要不能超过2000个字').default(''),
  body: z.string().trim().max(200_000, '正文不能超过20万字').default(''),
});
const effectiveNotBeforeIssue = (v: { issuedOn?: string; effectiveOn?: string | null }) =>
  !v.issuedOn || !v.effectiveOn || v.effectiveOn >= v.issuedOn;
const effectiveMessage = { message: '施行日期不能早于发布日期', path: ['effectiveOn'] };

export const policyCreate = policyFields.refine(effectiveNotBeforeIssue, effectiveMessage);
export const policyUpdate = patchOf(policyFields)
  .extend({ version: z.number({ error: '缺少版本号' }).int().min(1) })
  .refine(effectiveNotBeforeIssue, effectiveMessage);
export const policyRetire = z.object({
  status: z.enum(['revised', 'repealed'], { error: '请选择“已修订”或“已废止”' }),
  reason: text(500, '原因'),
  version: z.number({ error: '缺少版本号' }).int().min(1),
});

export const policyQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  q: z.string().trim().max(100).optional(),
  level: z.enum(POLICY_LEVELS).optional(),
  status: z.enum(POLICY_STATUSES).optional(),
  category: z.enum(POLICY_CATEGORIES).optional(),
  year: z.coerce.number().int().min(1900).max(2999).optional(),
});

export const policySummary = z.object({
  id: z.string(),
  title: z.string(),
  level: z.enum(POLICY_LEVELS),
  issuer: z.string(),
  docNumber: z.string().nullable(),
  issuedOn: z.string(),
  effectiveOn: z.string().nullable(),
  status: z.enum(POLICY_STATUSES),
  category: z.string(),
  summary: z.string(),
});
export type PolicySummary = z.infer<typeof policySummary>;

export const policyList = z.object({
  items: z.array(policySummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Every year a document was issued in, for the year filter. */
  years: z.array(z.number().int()),
});

export const policyDetail = policySummary.extend({
  body: z.string(),
  statusReason: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
  attachments: z.array(z.object({ id: z.string(), name: z.string(), size: z.number(), mime: z.string() })),
});
export type PolicyDetail = z.infer<typeof policyDetail>;

const policyTransitions = {
  revise: {
    from: ['current'],
    to: 'revised',
    roles: ['admin'],
    public: false,
    label: '标记为已修订',
    needsReason: true,
  },
  repeal: {
    from: ['current', 'revised'],
    to: 'repealed',
    roles: ['admin'],
    public: false,
    label: '废止',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<PolicyStatus>>;

export const policyMachine: StateMachine<PolicyStatus, keyof typeof policyTransitions> = {
  entity: 'policy',
  noun: '政策文件',
  states: policyStatusLabels,
  transitions: policyTransitions,
};

/** Spreadsheet columns of the import template, in order. */
export const POLICY_IMPORT_HEADERS = {
  title: '标题',
  level: '层级',
  issuer: '发布机关',
  docNumber: '文号',
  issuedOn: '发布日期',
  effectiveOn: '施行日期',
  category: '分类',
  summary: '摘要',
  body: '正文',
} as const;
