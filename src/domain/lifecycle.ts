/**
 * The lifecycle of a project (one call for applications and what comes of it) and of an
 * application: states, transitions, who may make each, and whether it is a public step.
 * The server enforces these inside a transaction; the UI reads them to show what is possible.
 */
import type { Role } from './enums.js';

export const CALL_STATES = [
  'draft',
  'published',
  'closed',
  'in_review',
  'awarded',
  'in_publicity',
  'approved',
  'contracted',
  'cancelled',
  'failed',
] as const;
export type CallState = (typeof CALL_STATES)[number];
export const callStateLabels: Record<CallState, string> = {
  draft: '计划中',
  published: '征集中',
  closed: '征集截止',
  in_review: '评审中',
  awarded: '拟立项',
  in_publicity: '立项公示中',
  approved: '已立项',
  contracted: '已签约',
  cancelled: '已取消',
  failed: '流标',
};

export const APPLICATION_STATES = [
  'draft',
  'submitted',
  'withdrawn',
  'ineligible',
  'eligible',
  'scored',
  'awarded',
  'not_awarded',
  'revoked',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
export const applicationStateLabels: Record<ApplicationState, string> = {
  draft: '草稿',
  submitted: '已提交',
  withdrawn: '已撤回',
  ineligible: '资格审查未通过',
  eligible: '资格审查通过',
  scored: '已评分',
  awarded: '拟立项',
  not_awarded: '未入选',
  revoked: '已撤销',
};

export interface Transition<S extends string> {
  from: readonly S[];
  to: S;
  roles: readonly (Role | 'system')[];
  /** Public steps appear on the project's public timeline. */
  public: boolean;
  label: string;
  /** A reason must be given (cancellation, overrides, revocation). */
  needsReason?: boolean;
  /** The audit action, when it is not `<entity>.<transition name>`. */
  action?: string;
}

/**
 * One entity's lifecycle: every change of its `status` column is one of these transitions,
 * applied by the server's `transition()` (src/server/lifecycle/transitions.ts).
 */
export interface StateMachine<S extends string = string, K extends string = string> {
  /** Audit target type and the default prefix of audit actions, e.g. `call`. */
  entity: string;
  /** What a conflict message calls a row, e.g. 项目. */
  noun: string;
  states: Record<S, string>;
  transitions: Record<K, Transition<S>>;
}

export const callTransitions = {
  publish: { from: ['draft'], to: 'published', roles: ['buyer'], public: true, label: '发布征集' },
  close: { from: ['published'], to: 'closed', roles: ['buyer', 'system'], public: true, label: '截止征集' },
  startReview: { from: ['closed'], to: 'in_review', roles: ['buyer'], public: true, label: '开始评审' },
  award: {
    from: ['in_review', 'approved'],
    to: 'awarded',
    roles: ['buyer'],
    public: false,
    label: '确定拟立项',
  },
  openPublicity: {
    from: ['awarded'],
    to: 'in_publicity',
    roles: ['buyer'],
    public: true,
    label: '开始立项公示',
  },
  closePublicity: {
    from: ['in_publicity'],
    to: 'approved',
    roles: ['buyer', 'system'],
    public: true,
    label: '公示结束，立项',
  },
  contract: {
    from: ['approved'],
    to: 'contracted',
    roles: ['buyer', 'provider', 'system'],
    public: true,
    label: '合同签订',
  },
  cancel: {
    from: ['draft', 'published', 'closed', 'in_review'],
    to: 'cancelled',
    roles: ['buyer'],
    public: true,
    label: '取消项目',
    needsReason: true,
  },
  fail: {
    from: ['closed', 'in_review', 'in_publicity'],
    to: 'failed',
    roles: ['buyer'],
    public: true,
    label: '流标',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<CallState>>;
export type CallTransition = keyof typeof callTransitions;

export const applicationTransitions = {
  submit: {
    from: ['draft', 'withdrawn'],
    to: 'submitted',
    roles: ['provider'],
    public: false,
    label: '提交申报',
  },
  withdraw: {
    from: ['submitted', 'eligible', 'ineligible'],
    to: 'withdrawn',
    roles: ['provider'],
    public: false,
    label: '撤回申报',
  },
  pass: {
    from: ['submitted', 'ineligible'],
    to: 'eligible',
    roles: ['system', 'buyer'],
    public: false,
    label: '资格审查通过',
  },
  reject: {
    from: ['submitted', 'eligible'],
    to: 'ineligible',
    roles: ['system', 'buyer'],
    public: false,
    label: '资格审查不通过',
  },
  score: { from: ['eligible'], to: 'scored', roles: ['system'], public: false, label: '评分完成' },
  award: { from: ['scored', 'not_awarded'], to: 'awarded', roles: ['buyer'], public: true, label: '拟立项' },
  notAward: { from: ['scored'], to: 'not_awarded', roles: ['buyer'], public: false, label: '未入选' },
  revoke: {
    from: ['awarded'],
    to: 'revoked',
    roles: ['buyer'],
    public: true,
    label: '撤销立项',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<ApplicationState>>;
export type ApplicationTransition = keyof typeof applicationTransitions;

export const callMachine: StateMachine<CallState, CallTransition> = {
  entity: 'call',
  noun: '项目',
  states: callStateLabels,
  transitions: callTransitions,
};

export const applicationMachine: StateMachine<ApplicationState, ApplicationTransition> = {
  entity: 'application',
  noun: '申报',
  states: applicationStateLabels,
  transitions: applicationTransitions,
};

export function canTransition<S extends string>(
  transition: Transition<S>,
  state: S,
  roles: readonly (Role | 'system')[],
): boolean {
  return transition.from.includes(state) && transition.roles.some((r) => roles.includes(r));
}

/** The transitions open from a state to a set of roles, for the UI's buttons. */
export function availableTransitions<S extends string, K extends string>(
  table: Record<K, Transition<S>>,
  state: S,
  roles: readonly (Role | 'system')[],
): K[] {
  return (Object.keys(table) as K[]).filter((k) => canTransition(table[k], state, roles));
}

/** Default scoring rubric (DOMAIN.md): weights add up to 100. */
export const DEFAULT_RUBRIC = [
  { key: 'need', label: '需求分析', weight: 20 },
  { key: 'design', label: '目标与设计', weight: 25 },
  { key: 'method', label: '专业方法', weight: 20 },
  { key: 'team', label: '团队与合作', weight: 15 },
  { key: 'budget', label: '预算合理性', weight: 20 },
] as const;

/** Default payment milestones in basis points of the contract value (40% / 30% / 30%). */
export const DEFAULT_MILESTONES = [
  { key: 'signing', label: '合同签订后', shareBp: 4000 },
  { key: 'midterm', label: '中期评估合格后', shareBp: 3000 },
  { key: 'final', label: '末期评估合格后', shareBp: 3000 },
] as const;
