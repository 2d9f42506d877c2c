/**
 * The lifecycles of the pipeline's other entities (calls and applications are in lifecycle.ts).
 * Steps that happen as a consequence of another one (the last score sheet completes a review)
 * are made by 'system'.
 */
import { type ContractStatus, contractStatusLabels } from './contracts.js';
import type { StateMachine, Transition } from './lifecycle.js';
import {
  type AWARD_STATUSES,
  awardStatusLabels,
  type OBJECTION_STATUSES,
  objectionStatusLabels,
} from './publicity.js';
import {
  type PanelMemberState,
  panelMemberStateLabels,
  type ReviewSessionState,
  reviewSessionStateLabels,
} from './reviews.js';

type AwardState = (typeof AWARD_STATUSES)[number];
type ObjectionState = (typeof OBJECTION_STATUSES)[number];
type PublicityState = 'open' | 'closed';

const awardTransitions = {
  openPublicity: {
    from: ['proposed'],
    to: 'in_publicity',
    roles: ['buyer'],
    public: false,
    label: '进入立项公示',
  },
  approve: {
    from: ['in_publicity'],
    to: 'approved',
    roles: ['buyer', 'system'],
    public: false,
    label: '公示期满立项',
  },
  revoke: {
    from: ['in_publicity'],
    to: 'revoked',
    roles: ['buyer'],
    public: false,
    label: '撤销拟立项',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<AwardState>>;
export const awardMachine: StateMachine<AwardState, keyof typeof awardTransitions> = {
  entity: 'award',
  noun: '拟立项项目',
  states: awardStatusLabels,
  transitions: awardTransitions,
};

const publicityTransitions = {
  close: { from: ['open'], to: 'closed', roles: ['buyer', 'system'], public: false, label: '结束公示' },
} as const satisfies Record<string, Transition<PublicityState>>;
export const publicityMachine: StateMachine<PublicityState, keyof typeof publicityTransitions> = {
  entity: 'publicity',
  noun: '公示',
  states: { open: '公示中', closed: '已结束' },
  transitions: publicityTransitions,
};

const objectionTransitions = {
  uphold: {
    from: ['open'],
    to: 'upheld',
    roles: ['buyer'],
    public: true,
    label: '答复异议：成立',
    action: 'objection.answered',
  },
  reject: {
    from: ['open'],
    to: 'rejected',
    roles: ['buyer'],
    public: true,
    label: '答复异议：不成立',
    action: 'objection.answered',
  },
} as const satisfies Record<string, Transition<ObjectionState>>;
export const objectionMachine: StateMachine<ObjectionState, keyof typeof objectionTransitions> = {
  entity: 'objection',
  noun: '异议',
  states: objectionStatusLabels,
  transitions: objectionTransitions,
};

const reviewSessionTransitions = {
  openScoring: {
    from: ['drawing'],
    to: 'scoring',
    roles: ['system'],
    public: false,
    label: '专家组齐，开始评分',
    action: 'review.scoring_opened',
  },
  complete: {
    from: ['scoring'],
    to: 'completed',
    roles: ['system'],
    public: true,
    label: '路演评审评分完成',
    action: 'review.completed',
  },
} as const satisfies Record<string, Transition<ReviewSessionState>>;
export const reviewSessionMachine: StateMachine<ReviewSessionState, keyof typeof reviewSessionTransitions> = {
  entity: 'review_session',
  noun: '评审',
  states: reviewSessionStateLabels,
  transitions: reviewSessionTransitions,
};

const panelMemberTransitions = {
  accept: {
    from: ['invited'],
    to: 'accepted',
    roles: ['expert'],
    public: false,
    label: '接受评审邀请',
    action: 'review.accepted',
  },
  decline: {
    from: ['invited'],
    to: 'declined',
    roles: ['expert'],
    public: false,
    label: '声明回避',
    action: 'review.declined',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<PanelMemberState>>;
export const panelMemberMachine: StateMachine<PanelMemberState, keyof typeof panelMemberTransitions> = {
  entity: 'panel_member',
  noun: '评审邀请',
  states: panelMemberStateLabels,
  transitions: panelMemberTransitions,
};

const contractTransitions = {
  sign: {
    from: ['draft'],
    to: 'signed',
    roles: ['buyer', 'provider'],
    public: false,
    label: '双方确认，合同签订',
    action: 'contract.confirmed',
  },
} as const satisfies Record<string, Transition<ContractStatus>>;
export const contractMachine: StateMachine<ContractStatus, keyof typeof contractTransitions> = {
  entity: 'contract',
  noun: '合同',
  states: contractStatusLabels,
  transitions: contractTransitions,
};
