import { formatFen } from '../../../../domain/money.js';
import { percent, type RedFlagIndicator } from './types.js';

/** Management costs above their cap, a share of the contract value (default 10%). */
export const managementCap: RedFlagIndicator<{ capBp: number }> = {
  id: 'management_cap',
  name: '管理费用超过上限',
  settings: { capBp: 1000 },
  thresholds: { capBp: { label: '管理费用上限（占合同金额）', min: 0, max: 10_000 } },
  findings: (facts, { capBp }) => {
    const spent = facts.budget.find((b) => b.category === 'management')?.actualFen ?? 0;
    if (spent * 10_000 <= facts.contractFen * capBp) return [];
    const capFen = Math.floor((facts.contractFen * capBp) / 10_000);
    return [
      {
        subject: 'category:management',
        message: `管理费用${formatFen(spent)}超过合同金额的${percent(capBp)}（${formatFen(capFen)}）`,
        evidence: { managementFen: spent, contractFen: facts.contractFen, capBp, capFen },
      },
    ];
  },
};
