import { percent, type RedFlagIndicator } from './types.js';

/**
 * Spending ahead of indicator progress by more than the margin (default 30 points): the share of
 * the contract spent against the weighted progress of its indicators. Silent while the project
 * reports no progress.
 */
export const spendingAhead: RedFlagIndicator<{ marginBp: number }> = {
  id: 'spending_ahead_of_progress',
  name: '支出进度快于绩效进度',
  settings: { marginBp: 3000 },
  thresholds: { marginBp: { label: '支出进度可领先绩效进度', min: 0, max: 10_000 } },
  findings: (facts, { marginBp }) => {
    if (facts.progressBp === null || facts.contractFen === 0) return [];
    const spentBp = Math.floor((facts.spentFen * 10_000) / facts.contractFen);
    if (spentBp - facts.progressBp <= marginBp) return [];
    return [
      {
        subject: 'project',
        message: `已支出合同金额的${percent(spentBp)}，绩效指标完成${percent(facts.progressBp)}，相差超过${marginBp / 100}个百分点`,
        evidence: {
          spentFen: facts.spentFen,
          contractFen: facts.contractFen,
          spentBp,
          progressBp: facts.progressBp,
          marginBp,
        },
      },
    ];
  },
};
