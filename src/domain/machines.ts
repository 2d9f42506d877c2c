/**
 * The lifecycles of the pipeline's other entities (calls and applications are in lifecycle.ts).
 * Steps that happen as a consequence of another one (the last score sheet completes a review)
 * are made by 'system'.
 */
import { type ContractStatus, contractStatusLabels } from './contracts.js';
import { type EvaluationState, evaluationStateLabels } from './evaluations.js';
import {
  type AdjustmentState,
  adjustmentStateLabels,
  type PaymentState,
  paymentStateLabels,
} from './funds.js';
import { type ActivityState, activityStateLabels } from './implementation.js';
import type { StateMachine, Transition } from './lifecycle.js';
import {
  type ProjectState,
  projectStateLabels,
  type RecoveryState,
  type RectificationState,
  RUNNING_PROJECT_STATES,
  recoveryStateLabels,
  rectificationStateLabels,
} from './projects.js';
import {
  type AWARD_STATUSES,
  awardStatusLabels,
  type OBJECTION_STATUSES,
  objectionStatusLabels,
} from './publicity.js';
import { type AlertState, alertStateLabels } from './redflags.js';
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

const projectTransitions = {
  start: {
    from: ['contracted'],
    to: 'in_implementation',
    roles: ['provider', 'buyer'],
    public: true,
    label: '开始实施',
  },
  recordMidterm: {
    from: ['in_implementation'],
    to: 'midterm_evaluated',
    roles: ['system'],
    public: true,
    label: '中期评估完成',
  },
  startFinal: {
    from: ['in_implementation', 'midterm_evaluated'],
    to: 'final_evaluation',
    roles: ['system'],
    public: true,
    label: '进入末期评估',
  },
  openResultsPublicity: {
    from: ['final_evaluation'],
    to: 'results_publicity',
    roles: ['system'],
    public: true,
    label: '评估结果公示',
  },
  /** An upheld objection sent the final evaluation back: the results are publicized again later. */
  reopenFinal: {
    from: ['results_publicity'],
    to: 'final_evaluation',
    roles: ['system'],
    public: true,
    label: '评估结果退回重评',
  },
  close: {
    from: ['results_publicity', 'terminated'],
    to: 'closed',
    roles: ['buyer'],
    public: true,
    label: '结项',
  },
  terminate: {
    from: RUNNING_PROJECT_STATES,
    to: 'terminated',
    roles: ['buyer'],
    public: true,
    label: '终止项目',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<ProjectState>>;
export type ProjectTransition = keyof typeof projectTransitions;
export const projectMachine: StateMachine<ProjectState, ProjectTransition> = {
  entity: 'project',
  noun: '项目',
  states: projectStateLabels,
  transitions: projectTransitions,
};

const rectificationTransitions = {
  submit: {
    from: ['open'],
    to: 'submitted',
    roles: ['provider'],
    public: false,
    label: '提交整改材料',
  },
  pass: {
    from: ['submitted'],
    to: 'passed',
    roles: ['evaluator'],
    public: true,
    label: '整改复核合格',
    action: 'rectification.checked',
  },
  fail: {
    from: ['submitted'],
    to: 'failed',
    roles: ['evaluator'],
    public: true,
    label: '整改复核不合格',
    action: 'rectification.checked',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<RectificationState>>;
export const rectificationMachine: StateMachine<RectificationState, keyof typeof rectificationTransitions> = {
  entity: 'rectification',
  noun: '整改',
  states: rectificationStateLabels,
  transitions: rectificationTransitions,
};

const recoveryTransitions = {
  settle: {
    from: ['open'],
    to: 'settled',
    roles: ['system'],
    public: true,
    label: '追回款项已结清',
  },
} as const satisfies Record<string, Transition<RecoveryState>>;
export const recoveryMachine: StateMachine<RecoveryState, keyof typeof recoveryTransitions> = {
  entity: 'recovery',
  noun: '追回',
  states: recoveryStateLabels,
  transitions: recoveryTransitions,
};

const evaluationTransitions = {
  submit: {
    from: ['commissioned', 'returned'],
    to: 'submitted',
    roles: ['evaluator'],
    public: false,
    label: '提交评估报告',
  },
  accept: {
    from: ['submitted'],
    to: 'accepted',
    roles: ['buyer'],
    public: true,
    label: '确认评估结果',
  },
  return: {
    from: ['submitted'],
    to: 'returned',
    roles: ['buyer'],
    public: false,
    label: '退回评估报告',
    needsReason: true,
  },
  /** The results publicity closed without an upheld objection: the grade is final. */
  finalize: {
    from: ['accepted'],
    to: 'final',
    roles: ['buyer', 'system'],
    public: true,
    label: '评估结果生效',
  },
  /** An upheld objection in the results publicity sends the report back to the evaluator. */
  reopen: {
    from: ['accepted'],
    to: 'returned',
    roles: ['buyer', 'system'],
    public: true,
    label: '异议成立，评估结果退回重评',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<EvaluationState>>;
export const evaluationMachine: StateMachine<EvaluationState, keyof typeof evaluationTransitions> = {
  entity: 'evaluation',
  noun: '评估',
  states: evaluationStateLabels,
  transitions: evaluationTransitions,
};

const paymentTransitions = {
  approve: {
    from: ['requested'],
    to: 'approved',
    roles: ['buyer'],
    public: false,
    label: '批准拨付',
  },
  reject: {
    from: ['requested'],
    to: 'rejected',
    roles: ['buyer'],
    public: false,
    label: '驳回拨付申请',
    needsReason: true,
  },
  pay: {
    from: ['approved'],
    to: 'paid',
    roles: ['buyer'],
    public: true,
    label: '资金已拨付',
  },
} as const satisfies Record<string, Transition<PaymentState>>;
export const paymentMachine: StateMachine<PaymentState, keyof typeof paymentTransitions> = {
  entity: 'payment',
  noun: '拨付申请',
  states: paymentStateLabels,
  transitions: paymentTransitions,
};

const adjustmentTransitions = {
  approve: {
    from: ['requested'],
    to: 'approved',
    roles: ['buyer'],
    public: false,
    label: '批准预算调整',
    action: 'budget_adjustment.decided',
  },
  reject: {
    from: ['requested'],
    to: 'rejected',
    roles: ['buyer'],
    public: false,
    label: '不批准预算调整',
    action: 'budget_adjustment.decided',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<AdjustmentState>>;
export const adjustmentMachine: StateMachine<AdjustmentState, keyof typeof adjustmentTransitions> = {
  entity: 'budget_adjustment',
  noun: '预算调整',
  states: adjustmentStateLabels,
  transitions: adjustmentTransitions,
};

const alertTransitions = {
  acknowledge: {
    from: ['raised'],
    to: 'acknowledged',
    roles: ['buyer', 'supervisor'],
    public: false,
    label: '确认知悉预警',
  },
  resolve: {
    from: ['raised', 'acknowledged'],
    to: 'resolved',
    roles: ['system'],
    public: false,
    label: '预警消除',
  },
} as const satisfies Record<string, Transition<AlertState>>;
export const alertMachine: StateMachine<AlertState, keyof typeof alertTransitions> = {
  entity: 'alert',
  noun: '预警',
  states: alertStateLabels,
  transitions: alertTransitions,
};

const activityTransitions = {
  confirm: {
    from: ['reported'],
    to: 'confirmed',
    roles: ['community'],
    public: false,
    label: '社区确认活动',
    action: 'activity.checked',
  },
  dispute: {
    from: ['reported'],
    to: 'disputed',
    roles: ['community'],
    public: false,
    label: '社区对活动提出异议',
    action: 'activity.checked',
    needsReason: true,
  },
} as const satisfies Record<string, Transition<ActivityState>>;
export const activityMachine: StateMachine<ActivityState, keyof typeof activityTransitions> = {
  entity: 'activity',
  noun: '活动记录',
  states: activityStateLabels,
  transitions: activityTransitions,
};
