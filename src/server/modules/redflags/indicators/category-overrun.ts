import { formatFen } from '../../../../domain/money.js';
import { percent, type RedFlagIndicator } from './types.js';

/** A budget category spent beyond its budget by more than the tolerance (default 10%). */
export const categoryOverrun: RedFlagIndicator<{ toleranceBp: number }> = {
  id: 'category_overrun',
  name: '预算科目超支',
  settings: { toleranceBp: 1000 },
  thresholds: { toleranceBp: { label: '超出科目预算的容差', min: 0, max: 10_000 } },
  findings: (facts, { toleranceBp }) =>
    facts.budget
      // actual > budget × (1 + tolerance), compared in integers.
      .filter((b) => b.actualFen * 10_000 > b.budgetFen * (10_000 + toleranceBp))
      .map((b) => {
        const overBp =
          b.budgetFen > 0 ? Math.floor(((b.actualFen - b.budgetFen) * 10_000) / b.budgetFen) : null;
        return {
          subject: `category:${b.category}`,
          message: `“${b.label}”支出${formatFen(b.actualFen)}，超出预算${formatFen(b.budgetFen)}${overBp === null ? '' : `的${percent(overBp)}`}（容差${percent(toleranceBp)}）`,
          evidence: {
            category: b.category,
            budgetFen: b.budgetFen,
            actualFen: b.actualFen,
            overBp,
            toleranceBp,
          },
        };
      }),
};
