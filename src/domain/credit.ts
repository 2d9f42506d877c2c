/**
 * 红黑榜 (credit lists): the platform's red and black lists and the two national lists the
 * registration authorities keep (民政部令第60号《社会组织信用信息管理办法》), in one model. Whether an
 * entry is in force follows from its dates (and a recorded removal), never from a flag.
 */
import { z } from 'zod';
import { calendarDate } from './dates.js';
import type { StateMachine, Transition } from './lifecycle.js';
import { addDays } from './working-days.js';

/** The stored values of the two national lists keep the names the table had before this module. */
export const CREDIT_LISTS = ['red', 'black', 'black_abnormal', 'black_dishonest'] as const;
export type CreditList = (typeof CREDIT_LISTS)[number];
export const creditListLabels: Record<CreditList, string> = {
  red: '红榜',
  black: '黑榜',
  black_abnormal: '活动异常名录',
  black_dishonest: '严重违法失信名单',
};
/** Kept by the registration authority: the platform records its decisions, it does not propose them. */
export const NATIONAL_LISTS = ['black_abnormal', 'black_dishonest'] as const satisfies readonly CreditList[];
/** An active entry of these kinds refuses the organization's applications. */
export const BARRING_LISTS = ['black', 'black_dishonest'] as const satisfies readonly CreditList[];
/** An active entry of these kinds is shown to the buyer as a warning. */
export const WARNING_LISTS = ['black_abnormal'] as const satisfies readonly CreditList[];
export const isBarring = (list: CreditList) => (BARRING_LISTS as readonly string[]).includes(list);

/** The reasons of each kind (a code from this list plus the decision's own text). */
export const CREDIT_REASONS = {
  red: {
    excellent_evaluation: '末期评估优秀，信用记录良好',
    other: '其他',
  },
  black: {
    failed_evaluation: '末期评估不合格',
    termination: '项目被终止',
    recovery_unsettled: '应追回资金逾期未退回',
    fraud: '弄虚作假、骗取资金',
    duplicate_funding: '重复申报、重复获得资助',
    breach_of_contract: '违反合同约定',
    other: '其他',
  },
  black_abnormal: {
    annual_report: '未按规定报送年度工作报告',
    rectification_overdue: '未按期完成整改',
    minor_penalty: '受到警告或不满五万元罚款',
    unreachable: '通过登记的住所无法取得联系',
    other: '其他',
  },
  black_dishonest: {
    abnormal_two_years: '被列入活动异常名录满2年',
    ordered_to_stop: '被责令停止活动',
    major_fine: '受到五万元以上罚款',
    repeated_penalties: '3年内2次以上受到警告或不满五万元罚款',
    court_dishonest: '被列入失信被执行人名单',
    registration_revoked: '被撤销登记或吊销登记证书',
    other: '其他',
  },
} as const satisfies Record<CreditList, Record<string, string>>;
export const reasonLabel = (list: CreditList, code: string) =>
  (CREDIT_REASONS[list] as Record<string, string>)[code] ?? code;

// ---------- periods ----------

/** How long each kind stays listed when a decision names no end date (configurable). */
export interface CreditPeriods {
  redYears: number;
  blackYears: number;
  abnormalMonths: number;
  dishonestYears: number;
}
export const DEFAULT_CREDIT_PERIODS: CreditPeriods = {
  redYears: 2,
  blackYears: 3,
  abnormalMonths: 6,
  dishonestYears: 2,
};

/** The same day `months` later; a day the month lacks becomes its last (01-31 + 1 month → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

/** The last day of a listing that starts on `startsOn` (both days count). */
export function defaultEndsOn(list: CreditList, startsOn: string, periods: CreditPeriods): string {
  const months = {
    red: periods.redYears * 12,
    black: periods.blackYears * 12,
    black_abnormal: periods.abnormalMonths,
    black_dishonest: periods.dishonestYears * 12,
  }[list];
  return addDays(addMonths(startsOn, months), -1);
}

// ---------- standing ----------

export const CREDIT_ENTRY_STATES = ['proposed', 'declined', 'listed', 'removed'] as const;
export type CreditEntryState = (typeof CREDIT_ENTRY_STATES)[number];
export const creditEntryStateLabels: Record<CreditEntryState, string> = {
  proposed: '待确认',
  declined: '未采纳',
  listed: '已列入',
  removed: '已移出',
};

/** Where an entry stands on a day: what the lists and eligibility go by. */
export const CREDIT_STANDINGS = ['proposed', 'declined', 'pending', 'active', 'expired', 'removed'] as const;
export type CreditStanding = (typeof CREDIT_STANDINGS)[number];
export const creditStandingLabels: Record<CreditStanding, string> = {
  proposed: '待确认',
  declined: '未采纳',
  pending: '未开始',
  active: '公示中',
  expired: '已到期',
  removed: '已移出',
};

export interface EntryDates {
  status: CreditEntryState;
  startsOn: string;
  endsOn: string;
  /** The Shanghai day a removal took effect (it is not in force from that day on). */
  removedOn: string | null;
}

/**
 * The standing of an entry on `today` (a Shanghai calendar day, 'YYYY-MM-DD'): in force from its
 * start day through its end day, both included, unless removed on or before `today`.
 */
export function creditStanding(entry: EntryDates, today: string): CreditStanding {
  if (entry.status === 'proposed' || entry.status === 'declined') return entry.status;
  if (entry.removedOn && entry.removedOn <= today) return 'removed';
  if (today < entry.startsOn) return 'pending';
  if (today > entry.endsOn) return 'expired';
  return 'active';
}
export const isActiveEntry = (entry: EntryDates, today: string) => creditStanding(entry, today) === 'active';

// ---------- proposals ----------

/** What the system knows about a project when it proposes entries. */
export interface ProjectCreditFacts {
  /** The final evaluation, once accepted (`accepted`) or made final after its publicity (`final`). */
  finalEvaluation: { status: 'accepted' | 'final'; grade: 'excellent' | 'good' | 'pass' | 'fail' } | null;
  terminated: boolean;
  terminationReason: string | null;
  openRectifications: number;
  unresolvedAlerts: number;
  /** Recoveries still open after their due date. */
  overdueRecoveries: number;
}

export interface CreditProposal {
  list: 'red' | 'black';
  reasonCode: string;
  reason: string;
}

/**
 * The entries the facts of one project call for: a red entry for a final 优秀 with a clean record
 * (no open rectification, no alert left unresolved), black entries for a final 不合格, a
 * termination, or a recovery not settled by its due date. An admin confirms or declines each.
 */
export function creditProposalsFor(facts: ProjectCreditFacts, projectTitle: string): CreditProposal[] {
  const found: CreditProposal[] = [];
  const final = facts.finalEvaluation;
  if (
    final?.status === 'final' &&
    final.grade === 'excellent' &&
    !facts.terminated &&
    facts.openRectifications === 0 &&
    facts.unresolvedAlerts === 0
  ) {
    found.push({
      list: 'red',
      reasonCode: 'excellent_evaluation',
      reason: `承接项目“${projectTitle}”末期评估等级为优秀，无未完成的整改和未消除的预警`,
    });
  }
  if (final?.grade === 'fail')
    found.push({
      list: 'black',
      reasonCode: 'failed_evaluation',
      reason: `承接项目“${projectTitle}”末期评估等级为不合格`,
    });
  if (facts.terminated)
    found.push({
      list: 'black',
      reasonCode: 'termination',
      reason: `承接项目“${projectTitle}”被购买主体终止${facts.terminationReason ? `：${facts.terminationReason}` : ''}`,
    });
  if (facts.overdueRecoveries > 0)
    found.push({
      list: 'black',
      reasonCode: 'recovery_unsettled',
      reason: `承接项目“${projectTitle}”有${facts.overdueRecoveries}笔应追回资金逾期未退回`,
    });
  return found;
}

/**
 * 法人类型 from the credit code (GB 32100-2015: the first character is the registering
 * authority, 5 = civil affairs; the second the organization's category).
 */
export function legalFormOf(creditCode: string | null): string | null {
  if (creditCode?.length !== 18) return null;
  if (creditCode[0] !== '5') return creditCode[0] === '9' ? '企业' : null;
  return (
    ({ '1': '社会团体', '2': '民办非企业单位（社会服务机构）', '3': '基金会' } as Record<string, string>)[
      creditCode[1]
    ] ?? '其他社会组织'
  );
}

// ---------- lifecycles ----------

const entryTransitions = {
  confirm: {
    from: ['proposed'],
    to: 'listed',
    roles: ['admin'],
    public: true,
    label: '确认列入',
    needsReason: true,
  },
  decline: {
    from: ['proposed'],
    to: 'declined',
    roles: ['admin'],
    public: false,
    label: '不予列入',
    needsReason: true,
  },
  remove: {
    from: ['listed'],
    to: 'removed',
    roles: ['admin', 'system'],
    public: true,
    label: '移出名单',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<CreditEntryState>>;
export const creditEntryMachine: StateMachine<CreditEntryState, keyof typeof entryTransitions> = {
  entity: 'credit_entry',
  noun: '名单记录',
  states: creditEntryStateLabels,
  transitions: entryTransitions,
};

export const APPEAL_STATES = ['open', 'upheld', 'rejected'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];
export const appealStateLabels: Record<AppealState, string> = {
  open: '待处理',
  upheld: '申诉成立',
  rejected: '申诉不成立',
};
const appealTransitions = {
  uphold: {
    from: ['open'],
    to: 'upheld',
    roles: ['admin'],
    public: true,
    label: '申诉成立',
    needsReason: true,
  },
  reject: {
    from: ['open'],
    to: 'rejected',
    roles: ['admin'],
    public: true,
    label: '申诉不成立',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<AppealState>>;
export const creditAppealMachine: StateMachine<AppealState, keyof typeof appealTransitions> = {
  entity: 'credit_appeal',
  noun: '申诉',
  states: appealStateLabels,
  transitions: appealTransitions,
};

// ---------- requests ----------

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(min, `${label}不少于${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
const id = z.string().uuid();
const isoDate = calendarDate();
const version = z.number({ error: '缺少版本号' }).int().optional();
const list = z.enum(CREDIT_LISTS, { error: '名单类型应为红榜、黑榜、活动异常名录或严重违法失信名单' });

/** What a decision holds (an entry an admin enters, or the confirmation of a proposal). */
const decision = {
  decidedBy: text('决定机关', 2, 100),
  documentNo: text('决定文号', 2, 100),
  decidedOn: isoDate,
  startsOn: isoDate,
  /** Unset: the configured period from the start day. */
  endsOn: isoDate.optional(),
};

export const entryCreateBody = z
  .object({
    orgId: id,
    list,
    reasonCode: z.string({ error: '请选择原因' }).min(1, '请选择原因').max(40),
    reason: text('事由', 5, 2000),
    projectId: id.nullable().optional(),
    ...decision,
  })
  .superRefine((v, ctx) => {
    if (!Object.hasOwn(CREDIT_REASONS[v.list], v.reasonCode))
      ctx.addIssue({
        code: 'custom',
        path: ['reasonCode'],
        message: `原因应为：${Object.values(CREDIT_REASONS[v.list]).join('、')}`,
      });
    checkDates(v, ctx);
  });
export type EntryCreateBody = z.infer<typeof entryCreateBody>;

function checkDates(
  v: { decidedOn?: string; startsOn?: string; endsOn?: string },
  ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void },
) {
  if (v.startsOn && v.endsOn && v.endsOn < v.startsOn)
    ctx.addIssue({ code: 'custom', path: ['endsOn'], message: '截止日期不能早于开始日期' });
  if (v.decidedOn && v.startsOn && v.startsOn < v.decidedOn)
    ctx.addIssue({ code: 'custom', path: ['startsOn'], message: '开始日期不能早于决定日期' });
}

export const entryConfirmBody = z
  .object({
    reason: text('确认意见', 5, 1000),
    decidedBy: decision.decidedBy.optional(),
    documentNo: decision.documentNo,
    decidedOn: isoDate.optional(),
    startsOn: isoDate.optional(),
    endsOn: isoDate.optional(),
    version,
  })
  .superRefine(checkDates);
export const entryReasonBody = (label: string) => z.object({ reason: text(label, 5, 1000), version });
export const entryDeclineBody = entryReasonBody('不予列入的理由');
export const entryRemoveBody = entryReasonBody('移出理由');

export const appealBody = z.object({ reasons: text('申诉理由', 10, 4000) });
export const appealDecisionBody = z.object({
  decision: z.enum(['upheld', 'rejected'], { error: '请选择申诉是否成立' }),
  reason: text('处理理由', 5, 2000),
  version,
});

export const entryQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  list: z.enum(CREDIT_LISTS).optional(),
  standing: z.enum(CREDIT_STANDINGS).optional(),
  orgId: id.optional(),
  q: z.string().trim().max(100).optional(),
});
export const publicEntryQuery = entryQuery.pick({ page: true, pageSize: true, list: true, q: true });
export const appealQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(APPEAL_STATES).optional(),
});

// ---------- responses ----------

const attachment = z.object({ id, name: z.string(), size: z.number(), url: z.string() });

export const appealView = z.object({
  id,
  entryId: id,
  orgName: z.string(),
  list: z.enum(CREDIT_LISTS),
  documentNo: z.string().nullable(),
  reasons: z.string(),
  status: z.enum(APPEAL_STATES),
  decisionReason: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  attachments: z.array(attachment),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type AppealView = z.infer<typeof appealView>;

export const entryView = z.object({
  id,
  orgId: id,
  orgName: z.string(),
  orgCreditCode: z.string().nullable(),
  list: z.enum(CREDIT_LISTS),
  reasonCode: z.string(),
  reasonLabel: z.string(),
  reason: z.string(),
  decidedBy: z.string(),
  documentNo: z.string().nullable(),
  decidedOn: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: z.enum(CREDIT_ENTRY_STATES),
  standing: z.enum(CREDIT_STANDINGS),
  /** Proposed by the system (the facts of a project), or entered by an admin. */
  origin: z.enum(['system', 'admin', 'import']),
  projectId: id.nullable(),
  projectTitle: z.string().nullable(),
  decisionNote: z.string().nullable(),
  removedOn: z.string().nullable(),
  removedReason: z.string().nullable(),
  attachments: z.array(attachment),
  appeals: z.array(appealView),
  version: z.number().int(),
  actions: z.array(z.string()),
});
export type EntryView = z.infer<typeof entryView>;

/** An appeal as the public sees it: the decision, not the organization's own text. */
const publicAppeal = z.object({
  id,
  status: z.enum(APPEAL_STATES),
  decisionReason: z.string().nullable(),
  decidedOn: z.string().nullable(),
});

/** An entry as the public sees it: the decision and its dates, without evidence or history. */
export const publicEntry = entryView
  .pick({
    id: true,
    orgId: true,
    orgName: true,
    orgCreditCode: true,
    list: true,
    reasonLabel: true,
    reason: true,
    decidedBy: true,
    documentNo: true,
    decidedOn: true,
    startsOn: true,
    endsOn: true,
    standing: true,
    projectTitle: true,
    removedOn: true,
    removedReason: true,
  })
  .extend({ appeals: z.array(publicAppeal) });
export type PublicEntry = z.infer<typeof publicEntry>;

export const publicOrgProfile = z.object({
  id,
  name: z.string(),
  creditCode: z.string().nullable(),
  grade: z.string().nullable(),
  registeredOn: z.string().nullable(),
  legalForm: z.string().nullable(),
  regionName: z.string().nullable(),
  projects: z.array(
    z.object({
      id,
      title: z.string(),
      buyerName: z.string(),
      year: z.number().int(),
      amountFen: z.number(),
      status: z.string(),
      grade: z.enum(['excellent', 'good', 'pass', 'fail']).nullable(),
    }),
  ),
  entries: z.array(publicEntry),
});
export type PublicOrgProfile = z.infer<typeof publicOrgProfile>;

/** The columns of the national-list import (活动异常名录 / 严重违法失信名单 as received). */
export const NATIONAL_IMPORT_HEADERS = [
  '统一社会信用代码',
  '名单类型',
  '列入原因',
  '事由',
  '决定机关',
  '决定文号',
  '决定日期',
  '列入日期',
  '截止日期',
] as const;
