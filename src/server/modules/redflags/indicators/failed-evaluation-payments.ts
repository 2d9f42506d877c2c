import { evaluationStageLabels, gradeLabels, isPassing } from '../../../../domain/evaluations.js';
import { formatFen } from '../../../../domain/money.js';
import type { RedFlagIndicator } from './types.js';

/**
 * A failed evaluation (not made good by a passed rectification) while payments are still
 * requested or approved and not paid.
 */
export const failedEvaluationPayments: RedFlagIndicator = {
  id: 'failed_evaluation_payments_scheduled',
  name: '评估不合格仍有待拨付款项',
  settings: {},
  thresholds: {},
  findings: (facts) => {
    const failed = facts.evaluations.filter(
      (e) => !isPassing(e.grade) && !facts.rectifiedEvaluationIds.has(e.id),
    );
    const scheduled = facts.payments.filter((p) => p.status === 'requested' || p.status === 'approved');
    if (failed.length === 0 || scheduled.length === 0) return [];
    return failed.map((e) => ({
      subject: `evaluation:${e.id}`,
      message: `${evaluationStageLabels[e.stage]}${gradeLabels[e.grade ?? 'fail']}，仍有${scheduled.length}笔款项待拨付（${formatFen(scheduled.reduce((s, p) => s + p.amountFen, 0))}）`,
      evidence: {
        evaluationId: e.id,
        stage: e.stage,
        grade: e.grade,
        total: e.totalDeci === null ? null : e.totalDeci / 10,
        payments: scheduled.map((p) => ({
          id: p.id,
          label: p.label,
          amountFen: p.amountFen,
          status: p.status,
        })),
      },
    }));
  },
};
