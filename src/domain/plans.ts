import { z } from 'zod';
import { patchOf } from './api.js';
import { SERVICE_CATEGORIES } from './enums.js';

export const planLineCreate = z.object({
  year: z.number({ error: '请填写年度' }).int().min(2000, '年度不正确').max(2100, '年度不正确'),
  title: z.string().trim().min(4, '项目名称至少4个字').max(100, '项目名称不能超过100个字'),
  category: z.enum(SERVICE_CATEGORIES, { error: '请选择服务领域' }),
  budgetFen: z
    .number({ error: '请填写预算' })
    .int('预算应为以分为单位的整数')
    .min(1, '预算必须大于0')
    .max(1e12, '预算过大'),
  plannedQuarter: z.number({ error: '请选择计划季度' }).int().min(1, '季度应为1到4').max(4, '季度应为1到4'),
  regionId: z.string().uuid().nullable().default(null),
  note: z
    .string()
    .trim()
    .max(500)
    .nullish()
    .transform((v) => v || null),
});
export const planLineUpdate = patchOf(planLineCreate);
export const planQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  buyerId: z.string().uuid().optional(),
});

export const planLine = z.object({
  id: z.string(),
  year: z.number(),
  title: z.string(),
  category: z.enum(SERVICE_CATEGORIES),
  budgetFen: z.number(),
  plannedQuarter: z.number(),
  buyerId: z.string(),
  buyerName: z.string(),
  regionName: z.string().nullable(),
  note: z.string().nullable(),
  callCount: z.number(),
  actions: z.array(z.string()),
});
const total = z.object({ key: z.string(), label: z.string(), count: z.number(), budgetFen: z.number() });
export const planOverview = z.object({
  year: z.number(),
  years: z.array(z.number()),
  lines: z.array(planLine),
  byBuyer: z.array(total),
  byCategory: z.array(total),
  total: z.object({ count: z.number(), budgetFen: z.number() }),
  actions: z.array(z.string()),
});
