import { CONTRACT_STATUSES, contractStatusLabels } from '../../../domain/contracts';
import { EVALUATION_GRADES, gradeLabels } from '../../../domain/evaluations';
import { CALL_STATES, callStateLabels } from '../../../domain/lifecycle';
import { PROJECT_STATES, projectStateLabels } from '../../../domain/projects';

/** The states of every step of a project's life, as the search takes them ('call:open', …). */
export const STATE_OPTIONS = [
  ...CALL_STATES.map((s) => ({ value: `call:${s}`, label: `征集：${callStateLabels[s]}` })),
  ...CONTRACT_STATUSES.map((s) => ({ value: `contract:${s}`, label: `合同：${contractStatusLabels[s]}` })),
  ...PROJECT_STATES.map((s) => ({ value: `project:${s}`, label: `实施：${projectStateLabels[s]}` })),
];
export const GRADE_OPTIONS = EVALUATION_GRADES.map((g) => ({ value: g, label: gradeLabels[g] }));
export const inspectionStateLabels: Record<string, string> = {
  open: '待答复',
  answered: '已答复',
  closed: '已办结',
};
export const inspectionStateColors: Record<string, string> = {
  open: 'orange',
  answered: 'blue',
  closed: 'green',
};
