/**
 * 实施动态: activities (confirmed or disputed by the community of their area) and progress on
 * the contract's indicators, rolled up per project (the Decidim accountability model: each
 * indicator's progress capped at 100%, the project's the average of its indicators, equally weighted).
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';

export const ACTIVITY_TYPES = ['visit', 'group', 'community_event', 'training', 'case', 'other'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export const activityTypeLabels: Record<ActivityType, string> = {
  visit: '入户探访',
  group: '小组活动',
  community_event: '社区活动',
  training: '培训督导',
  case: '个案服务',
  other: '其他',
};

export const ACTIVITY_STATES = ['reported', 'confirmed', 'disputed'] as const;
export type ActivityState = (typeof ACTIVITY_STATES)[number];
export const activityStateLabels: Record<ActivityState, string> = {
  reported: '待社区确认',
  confirmed: '社区已确认',
  disputed: '社区有异议',
};

/** Photos per activity; each is kept at most PHOTO_MAX_PX on its longer side, with a thumbnail. */
export const MAX_ACTIVITY_PHOTOS = 9;
export const PHOTO_MAX_PX = 1600;
export const THUMBNAIL_MAX_PX = 320;
/** A photographed sign-in sheet is kept larger, so that its handwriting stays legible. */
export const SIGNIN_MAX_PX = 2400;

export const BP_FULL = 10_000;

/** One indicator's progress in basis points, capped at 100%. */
export function indicatorProgressBp(achieved: number, target: number): number {
  if (target <= 0) return achieved > 0 ? BP_FULL : 0;
  return Math.min(BP_FULL, Math.floor((achieved / target) * BP_FULL));
}

/** The project's progress: the mean of its indicators' (0 without indicators). */
export function rollUpBp(progress: readonly number[]): number {
  if (progress.length === 0) return 0;
  return Math.floor(progress.reduce((a, b) => a + b, 0) / progress.length);
}

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const count = (label: string) =>
  z
    .number({ error: `${label}应为整数` })
    .int(`${label}应为整数`)
    .min(0, `${label}不能为负数`)
    .max(100_000);

export const activityBody = z.object({
  heldOn: calendarDate(),
  place: text('活动地点', 2, 100),
  communityRegionId: z.string().uuid('请选择服务社区'),
  type: z.enum(ACTIVITY_TYPES, { error: '请选择活动类型' }),
  participants: z
    .array(z.object({ group: text('服务对象类别', 1, 30), count: count('参与人数') }))
    .min(1, '请填写参与人数')
    .max(20),
  volunteers: count('志愿者人数').default(0),
  /** Volunteer hours, one decimal. */
  volunteerHours: z
    .number({ error: '志愿服务时长应为数字' })
    .min(0, '志愿服务时长不能为负数')
    .max(1_000_000)
    .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6, '志愿服务时长最多保留一位小数')
    .default(0),
  description: text('活动内容', 10, 2000),
});
export const activityConfirmBody = z
  .object({
    decision: z.enum(['confirmed', 'disputed'], { error: '请选择确认或提出异议' }),
    reason: z.string().trim().max(1000, '异议理由不能超过1000个字').default(''),
    version: z.number().int().optional(),
  })
  .refine((b) => b.decision === 'confirmed' || b.reason.length >= 5, {
    message: '提出异议时请填写不少于5个字的理由',
    path: ['reason'],
  });
export const progressBody = z.object({
  /** The indicator's position in the contract's list. */
  indicatorIndex: z.number({ error: '请选择绩效指标' }).int().min(0).max(49),
  achieved: z.number({ error: '完成值应为数字' }).finite().min(0, '完成值不能为负数').max(1e9),
  evidence: text('佐证说明', 5, 1000),
});

/** What the activity form offers: the communities of the contract's service area, the call's target groups. */
export const activityOptions = z.object({
  communities: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
  targetGroups: z.array(z.string()),
});
export type ActivityOptions = z.infer<typeof activityOptions>;

export const activityPhoto = z.object({
  id: z.string().uuid(),
  name: z.string(),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
});
/** 签到表: a PDF or an image; it holds residents' names, so it is never public. */
export const signinSheet = z.object({
  id: z.string().uuid(),
  name: z.string(),
  mime: z.string(),
  url: z.string(),
});

export const activity = z.object({
  id: z.string().uuid(),
  projectId: z.string().uuid(),
  heldOn: z.string(),
  place: z.string(),
  communityRegionId: z.string().uuid(),
  communityName: z.string(),
  type: z.enum(ACTIVITY_TYPES),
  typeLabel: z.string(),
  participants: z.array(z.object({ group: z.string(), count: z.number().int() })),
  participantCount: z.number().int(),
  volunteers: z.number().int(),
  volunteerHours: z.number(),
  description: z.string(),
  status: z.enum(ACTIVITY_STATES),
  disputeReason: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  photos: z.array(activityPhoto),
  signinSheet: signinSheet.nullable(),
  version: z.number().int(),
  /** confirm, dispute (the community of its area), addPhoto, attachSignin (the provider). */
  actions: z.array(z.string()),
});
export type Activity = z.infer<typeof activity>;
/** A project's activities; `actions`: record, reportProgress (its provider, while under way). */
export const activityList = z.object({ items: z.array(activity), actions: z.array(z.string()) });
export type ActivityList = z.infer<typeof activityList>;
/** In the community's confirmation queue: which project and provider it is from. */
export const pendingActivity = activity.extend({ projectTitle: z.string(), providerName: z.string() });
export type PendingActivity = z.infer<typeof pendingActivity>;

export const indicatorProgress = z.object({
  index: z.number().int(),
  kind: z.string(),
  name: z.string(),
  unit: z.string(),
  target: z.number(),
  achieved: z.number(),
  progressBp: z.number().int(),
  evidence: z.string().nullable(),
  reportedOn: z.string().nullable(),
});
export const progress = z.object({
  projectId: z.string().uuid(),
  indicators: z.array(indicatorProgress),
  progressBp: z.number().int(),
});
export type Progress = z.infer<typeof progress>;

/** A confirmed activity in public: its photos' thumbnails only, no sign-in sheet. */
export const publicActivity = activity
  .omit({ actions: true, version: true, disputeReason: true, photos: true, signinSheet: true })
  .extend({ photos: z.array(z.object({ id: z.string().uuid(), thumbnailUrl: z.string() })) });
export type PublicActivity = z.infer<typeof publicActivity>;

/** The public project page: progress and the activities the community confirmed (no residents' names exist here). */
export const publicImplementation = progress.extend({
  projectTitle: z.string(),
  /** The call, whose public page carries the project's timeline. */
  callId: z.string().uuid(),
  status: z.string(),
  activities: z.array(publicActivity),
  paidFen: z.number().int(),
  contractFen: z.number().int(),
});
export type PublicImplementation = z.infer<typeof publicImplementation>;
