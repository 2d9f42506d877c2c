import type { StateMachine } from '../../../domain/lifecycle.js';

export type InspectionState = 'open' | 'answered' | 'closed';

/** An inspection waits for the buyer's answer (which it may revise) until its supervisor closes it. */
export const inspectionMachine: StateMachine<InspectionState, 'answer' | 'close'> = {
  entity: 'inspection',
  noun: '检查记录',
  states: { open: '待答复', answered: '已答复', closed: '已办结' },
  transitions: {
    answer: {
      from: ['open', 'answered'],
      to: 'answered',
      roles: ['buyer'],
      public: false,
      label: '答复检查',
      action: 'inspection.answered',
    },
    close: {
      from: ['open', 'answered'],
      to: 'closed',
      roles: ['supervisor'],
      public: false,
      label: '办结检查',
      action: 'inspection.closed',
    },
  },
};
