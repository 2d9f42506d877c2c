/** Every red-flag indicator, in one explicit list: a new one is a new file and one line here. */
import { categoryOverrun } from './category-overrun.js';
import { failedEvaluationPayments } from './failed-evaluation-payments.js';
import { managementCap } from './management-cap.js';
import { paymentBeforeMilestone } from './payment-before-milestone.js';
import { spendingAhead } from './spending-ahead.js';
import type { RedFlagIndicator } from './types.js';

export const INDICATORS: readonly RedFlagIndicator[] = [
  paymentBeforeMilestone,
  categoryOverrun,
  managementCap,
  spendingAhead,
  failedEvaluationPayments,
];
