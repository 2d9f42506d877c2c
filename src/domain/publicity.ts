/**
 * 立项公示 and 异议: request/response shapes shared by the server and the browser, the
 * configurable numbers.
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';

/**
 * Default length of a publicity, in working days (DOMAIN.md: 5). The server's number is the
 * PUBLICITY_WORKING_DAYS setting (default 5), which is also the shortest a buyer may choose.
 */
export const PUBLICITY_DEFAULT_WORKING_DAYS = 5;
export const PUBLICITY_MAX_WORKING_DAYS = 30;
/** How far ahead a publicity may be scheduled, in calendar days. */
export const PUBLICITY_MAX_DAYS_AHEAD = 30;
/** Objections per IP address and time window (the route's @fastify/rate-limit settings). */
export const OBJECTION_RATE_LIMIT = { max: 5, timeWindow: 60 * 60_000 } as const;

export const PUBLICITY_STATUSES = ['open', 'closed'] as const;
/** Derived from the dates: not yet started, running, period over but not closed, closed. */
export const PUBLICITY_PHASES = ['upcoming', 'open', 'ended', 'closed'] as const;
export type PublicityPhase = (typeof PUBLICITY_PHASES)[number];
export const publicityPhaseLabels: Record<PublicityPhase, string> = {
  upcoming: '即将公示',
  open: '公示中',
  ended: '公示期满，待结束',
  closed: '公示结束',
};

export function publicityPhase(
  p: { status: string; opensOn: string; closesOn: string },
  today: string,
): PublicityPhase {
  if (p.status === 'closed') return 'closed';
  if (today < p.opensOn) return 'upcoming';
  return today <= p.closesOn ? 'open' : 'ended';
}

export const OBJECTION_STATUSES = ['open', 'upheld', 'rejected'] as const;
export const objectionStatusLabels: Record<(typeof OBJECTION_STATUSES)[number], string> = {
  open: '待答复',
  upheld: '异议成立',
  rejected: '异议不成立',
};
export const AWARD_STATUSES = ['proposed', 'in_publicity', 'approved', 'revoked'] as const;
export const awardStatusLabels: Record<(typeof AWARD_STATUSES)[number], string> = {
  proposed: '拟立项',
  in_publicity: '公示中',
  approved: '已立项',
  revoked: '已撤销',
};

/** Public text is masked with the one function in personal-data.ts. */
export { maskPersonalData } from './personal-data.js';

const id = z.string().uuid();
const isoDate = calendarDate();
const actions = z.array(z.string());

// ---------- requests ----------
export const publicityOpenBody = z.object({
  /** Defaults to the deployment's PUBLICITY_WORKING_DAYS, which is also the minimum. */
  workingDays: z
    .number({ error: '公示天数应为整数' })
    .int('公示天数应为整数')
    .min(1, '公示期至少1个工作日')
    .max(PUBLICITY_MAX_WORKING_DAYS, `公示期不能超过${PUBLICITY_MAX_WORKING_DAYS}个工作日`)
    .optional(),
  opensOn: isoDate.optional(),
});
export type PublicityOpenBody = z.input<typeof publicityOpenBody>;

export const publicityQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(PUBLICITY_STATUSES).optional(),
  callId: id.optional(),
  /** Words of the project's title, text or buyer (Chinese full-text, as for calls), or its number. */
  q: z.string().trim().max(100).optional(),
  /** The call's year. */
  year: z.coerce.number().int().min(1900).max(2999).optional(),
  buyerId: id.optional(),
});

/** A mobile or landline number, or an e-mail address. */
export const objectorContact = z
  .string({ error: '请填写联系方式' })
  .trim()
  .min(1, '请填写联系方式')
  .max(100, '联系方式不能超过100个字符')
  .refine(
    (v) => /^1[3-9]\d{9}$/.test(v) || /^0\d{2,3}-?\d{7,8}$/.test(v) || z.email().safeParse(v).success,
    '请填写有效的手机号、座机号或电子邮箱',
  );

export const objectionBody = z.object({
  awardId: id.nullish().transform((v) => v ?? null),
  name: z.string({ error: '请填写姓名' }).trim().min(1, '请填写姓名').max(50, '姓名不能超过50个字符'),
  contact: objectorContact,
  reason: z
    .string({ error: '请填写异议理由' })
    .trim()
    .min(10, '异议理由不少于10个字')
    .max(2000, '异议理由不能超过2000个字'),
});
export type ObjectionBody = z.input<typeof objectionBody>;

export const objectionAnswerBody = z.object({
  decision: z.enum(['upheld', 'rejected'], { error: '请选择异议是否成立' }),
  answer: z
    .string({ error: '请填写答复意见' })
    .trim()
    .min(5, '答复意见不少于5个字')
    .max(2000, '答复意见不能超过2000个字'),
  /** For an objection that named no project: the award an upheld objection revokes. */
  awardId: id.optional(),
});
export type ObjectionAnswerBody = z.input<typeof objectionAnswerBody>;

// ---------- responses ----------
export const publicAward = z.object({
  id,
  applicationId: id,
  projectTitle: z.string(),
  providerName: z.string(),
  amountFen: z.number().int(),
  /** Aggregated review score in hundredths of a point. */
  scoreCenti: z.number().int(),
  rank: z.number().int(),
  status: z.enum(AWARD_STATUSES),
  revokedReason: z.string().nullable(),
});
export type PublicAward = z.infer<typeof publicAward>;

/** What everybody sees of an objection: never the objector's name, contact or address. */
export const publicObjection = z.object({
  id,
  awardId: id.nullable(),
  projectTitle: z.string().nullable(),
  reason: z.string(),
  status: z.enum(OBJECTION_STATUSES),
  answer: z.string().nullable(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
});
export type PublicObjection = z.infer<typeof publicObjection>;

/** The buyer's (and supervisors') view adds who objected and how to reach them. */
export const internalObjection = publicObjection.extend({
  objectorName: z.string(),
  objectorContact: z.string(),
  /** The unmasked reason. */
  reason: z.string(),
  /** Evidence the objector attached (never public). */
  attachments: z.array(
    z.object({ id, name: z.string(), size: z.number(), mime: z.string(), url: z.string() }),
  ),
  actions,
});
export type InternalObjection = z.infer<typeof internalObjection>;

const publicityFields = {
  id,
  callId: id,
  callCode: z.string(),
  callTitle: z.string(),
  buyerName: z.string(),
  opensOn: z.string(),
  closesOn: z.string(),
  /** Counted as Monday–Friday over a year whose holidays are not loaded yet (预计). */
  closesOnEstimated: z.boolean(),
  workingDays: z.number().int(),
  status: z.enum(PUBLICITY_STATUSES),
  phase: z.enum(PUBLICITY_PHASES),
  closedAt: z.string().nullable(),
};

export const publicityListItem = z.object({
  ...publicityFields,
  awardCount: z.number().int(),
  objectionCount: z.number().int(),
  openObjectionCount: z.number().int(),
});
export type PublicityListItem = z.infer<typeof publicityListItem>;

export const publicPublicity = z.object({
  ...publicityFields,
  awards: z.array(publicAward),
  objections: z.array(publicObjection),
  /** 'object' while objections are accepted; 'answer' / 'close' for the call's buyer. */
  actions,
});
export type PublicPublicity = z.infer<typeof publicPublicity>;

export const internalPublicity = publicPublicity.extend({ objections: z.array(internalObjection) });
export type InternalPublicity = z.infer<typeof internalPublicity>;

export const objectionReceipt = z.object({
  id,
  status: z.enum(OBJECTION_STATUSES),
  createdAt: z.string(),
  /** Lets the objector (who has no account) attach evidence for an hour: POST /api/public/objections/:id/attachments?token=… */
  attachmentToken: z.string(),
});

export const holidayCalendarResponse = z.object({
  years: z.array(z.number().int()),
  arrangements: z.array(
    z.object({
      year: z.number().int(),
      name: z.string(),
      off: z.object({ from: z.string(), to: z.string() }),
      workdays: z.array(z.string()),
    }),
  ),
});
