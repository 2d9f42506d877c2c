/**
 * 预警 (red flags): alerts computed from a project's data, each with its evidence, kept with its
 * history (raised → acknowledged with a note → resolved when the data no longer shows it).
 */
import { z } from 'zod';

export const ALERT_STATES = ['raised', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const alertStateLabels: Record<AlertState, string> = {
  raised: '待处理',
  acknowledged: '已知悉',
  resolved: '已消除',
};

export const alertAcknowledgeBody = z.object({
  note: z
    .string({ error: '请填写处理意见' })
    .trim()
    .min(5, '处理意见不少于5个字')
    .max(1000, '处理意见不能超过1000个字'),
  version: z.number().int().optional(),
});
export const alertQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(ALERT_STATES).optional(),
  /** Only alerts still open (raised or acknowledged). */
  open: z.enum(['1', 'true', '0', 'false']).optional(),
});

export const alert = z.object({
  id: z.string().uuid(),
  projectId: z.string().uuid(),
  projectTitle: z.string(),
  indicatorId: z.string(),
  indicatorName: z.string(),
  /** What the finding is about within the project (a category, a payment, …). */
  subject: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  status: z.enum(ALERT_STATES),
  raisedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgeNote: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type Alert = z.infer<typeof alert>;

/** An indicator's thresholds in basis points (1000 = 10%), as an administrator sets them. */
export const alertSettingsBody = z.object({
  settings: z
    .record(z.string().max(50), z.number({ error: '阈值应为数字' }).int('阈值应为整数（单位：万分之一）'))
    .refine((s) => Object.keys(s).length > 0, '请至少填写一项阈值'),
  version: z.number().int().optional(),
});
export const alertSettingsParams = z.object({ indicatorId: z.string().max(100) });

export const indicatorSettings = z.object({
  indicatorId: z.string(),
  name: z.string(),
  thresholds: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      /** Basis points: 1000 = 10%. */
      value: z.number().int(),
      defaultValue: z.number().int(),
      min: z.number().int(),
      max: z.number().int(),
    }),
  ),
  updatedAt: z.string().nullable(),
  /** 0 while the defaults are in force. */
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type IndicatorSettings = z.infer<typeof indicatorSettings>;
