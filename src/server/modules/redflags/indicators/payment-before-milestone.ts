import { formatFen } from '../../../../domain/money.js';
import type { RedFlagIndicator } from './types.js';

/** A payment approved although its milestone's condition did not hold (the buyer's override). */
export const paymentBeforeMilestone: RedFlagIndicator = {
  id: 'payment_before_milestone',
  name: '付款早于付款条件',
  settings: {},
  thresholds: {},
  findings: (facts) =>
    facts.payments
      .filter((p) => p.overrideReason && (p.status === 'approved' || p.status === 'paid'))
      .map((p) => ({
        subject: `payment:${p.id}`,
        message: `“${p.label}”${formatFen(p.amountFen)}在付款条件未满足时批准拨付（${p.overriddenCondition}）`,
        evidence: {
          paymentId: p.id,
          label: p.label,
          amountFen: p.amountFen,
          condition: p.overriddenCondition,
          overrideReason: p.overrideReason,
          approvedAt: p.approvedAt?.toISOString() ?? null,
          status: p.status,
        },
      })),
};
