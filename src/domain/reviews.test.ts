import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC } from './lifecycle.js';
import {
  aggregateScores,
  awardBody,
  competitionRanks,
  departsFromRanking,
  divideRounded,
  mean,
  respondBody,
  reviewCreateBody,
  type ScoreRow,
  scoreTenths,
  sheetBody,
  sheetProblems,
  sheetTotalCenti,
  trimmedMean,
  zscores,
} from './reviews.js';

/** Rows from a table of totals in points: one column per expert. */
const table = (experts: string[], rows: Record<string, number[]>): ScoreRow[] =>
  Object.entries(rows).map(([applicationId, points]) => ({
    applicationId,
    totals: points.map((p, i) => ({ expertId: experts[i], totalCenti: Math.round(p * 100) })),
  }));

describe('scores', () => {
  it('keeps scores as whole tenths and totals in exact hundredths', () => {
    expect(scoreTenths(17.5)).toBe(175);
    expect(scoreTenths(0.1)).toBe(1);
    expect(scoreTenths(20)).toBe(200);
    expect(scoreTenths(17.25)).toBeNull();
    expect(scoreTenths(Number.NaN)).toBeNull();
    // 0.1 + 0.2 is not 0.3 in floating point; the sheet total still is exact.
    expect(
      sheetTotalCenti([
        { key: 'a', score: 0.1 },
        { key: 'b', score: 0.2 },
      ]),
    ).toBe(30);
    expect(sheetTotalCenti(DEFAULT_RUBRIC.map((c) => ({ key: c.key, score: c.weight - 0.5 })))).toBe(9750);
  });

  it('names every problem of a sheet by its path', () => {
    const full = DEFAULT_RUBRIC.map((c) => ({ key: c.key, score: c.weight }));
    expect(sheetProblems(DEFAULT_RUBRIC, full)).toEqual([]);
    const problems = sheetProblems(DEFAULT_RUBRIC, [
      { key: 'need', score: 21 },
      { key: 'design', score: 10.25 },
      { key: 'design', score: 1 },
      { key: 'luck', score: 1 },
    ]);
    expect(problems).toEqual([
      { path: 'scores.0.score', message: '“需求分析”的得分应在0到20分之间' },
      { path: 'scores.1.score', message: '“目标与设计”的得分最多保留一位小数' },
      { path: 'scores.2.key', message: '评分项“目标与设计”重复' },
      { path: 'scores.3.key', message: '评分项“luck”不在本项目的评分标准中' },
      { path: 'scores', message: '请为每个评分项打分，缺少：专业方法、团队与合作、预算合理性' },
    ]);
  });
});

describe('averages', () => {
  it('rounds to the nearest hundredth, halves up, keeping the exact fraction', () => {
    expect(divideRounded(1, 2)).toBe(1);
    expect(divideRounded(5, 3)).toBe(2);
    expect(divideRounded(4, 3)).toBe(1);
    expect(mean([8000, 8001, 8001])).toEqual({ sumCenti: 24002, count: 3, centi: 8001 });
    expect(mean([])).toEqual({ sumCenti: 0, count: 0, centi: 0 });
  });

  it('drops one highest and one lowest total', () => {
    expect(trimmedMean([9000, 6000, 8000, 8200, 9900])).toEqual({
      sumCenti: 25200,
      count: 3,
      centi: 8400,
      trimmed: true,
    });
    // Only one of several equal highest totals is dropped.
    expect(trimmedMean([9000, 9000, 7000])).toEqual({ sumCenti: 9000, count: 1, centi: 9000, trimmed: true });
  });

  it('falls back to the plain mean with fewer than 3 totals, and says so', () => {
    expect(trimmedMean([8000, 9000])).toEqual({ sumCenti: 17000, count: 2, centi: 8500, trimmed: false });
  });
});

describe('z-score normalization', () => {
  const experts = ['harsh', 'lenient', 'e3', 'e4', 'e5'];

  it('gives a harsh and a lenient expert who agree on the order the same z-scores', () => {
    const rows = table(['harsh', 'lenient'], { A: [60, 90], B: [65, 95], C: [70, 100] });
    const z = zscores(rows);
    // Each expert's totals are 5 points apart: z = -1.2247, 0, +1.2247 for both.
    expect(z.get('A')!.milli).toBe(-1225);
    expect(z.get('B')!.milli).toBe(0);
    expect(z.get('C')!.milli).toBe(1225);
    // The means, in contrast, carry the 30-point gap between the two experts.
    expect(mean([6000, 9000]).centi).toBe(7500);
  });

  it('cancels a lenient expert whose wide spread would decide the mean ranking', () => {
    // One lenient expert loves X and spreads widely; four others mildly prefer Y.
    const rows = table(experts, { X: [95, 70, 70, 70, 70], Y: [60, 72, 72, 72, 72] });
    const { applications, rankings } = aggregateScores(rows);
    expect(rankings.mean).toEqual(['X', 'Y']);
    expect(rankings.zscore).toEqual(['Y', 'X']);
    expect(rankings.trimmed_mean).toEqual(['Y', 'X']);
    const [x, y] = applications;
    expect(x.mean.centi).toBe(7500);
    expect(y.mean.centi).toBe(6960);
    expect(x.zscore.milli).toBe(-600);
    expect(y.zscore.milli).toBe(600);
    expect(x.trimmedMean.centi).toBe(7000);
    expect(y.trimmedMean.centi).toBe(7200);
  });

  it('is unchanged when an expert turns harsh or lenient across the board', () => {
    const base = table(experts, {
      A: [80, 82, 78, 85, 81],
      B: [70, 75, 72, 71, 69],
      C: [90, 88, 86, 92, 89],
      D: [60, 65, 61, 66, 70],
    });
    const shifted: ScoreRow[] = base.map((r) => ({
      ...r,
      totals: r.totals.map((t) =>
        t.expertId === 'harsh'
          ? { ...t, totalCenti: t.totalCenti - 2500 }
          : t.expertId === 'lenient'
            ? { ...t, totalCenti: Math.round(t.totalCenti * 1.1) }
            : t,
      ),
    }));
    const before = aggregateScores(base);
    const after = aggregateScores(shifted);
    for (const [i, a] of before.applications.entries())
      expect(after.applications[i].zscore.z).toBeCloseTo(a.zscore.z, 2);
    expect(after.rankings.zscore).toEqual(before.rankings.zscore);
  });

  it('gives 0 for an expert who scored everything the same, and a scaled score in points', () => {
    const rows = table(['flat', 'e2'], { A: [80, 90], B: [80, 70] });
    const z = zscores(rows);
    expect(z.get('A')!.z).toBeCloseTo(0.5);
    expect(z.get('B')!.z).toBeCloseTo(-0.5);
    // Overall mean 80, standard deviation √50 ≈ 7.07: A scales to 80 + 0.5 × 7.07.
    expect(z.get('A')!.scaledCenti).toBe(8354);
    expect(z.get('B')!.scaledCenti).toBe(7646);
  });
});

describe('rankings', () => {
  it('shares ranks between ties and keeps the given order among them', () => {
    const ranked = competitionRanks([3, 5, 5, 1], (a, b) => b - a);
    expect(ranked).toEqual([
      { item: 5, rank: 1 },
      { item: 5, rank: 1 },
      { item: 3, rank: 3 },
      { item: 1, rank: 4 },
    ]);
  });

  it('ranks by exact averages, not rounded ones', () => {
    // 80.003… and 80.0025 both show as 80.00 but rank apart.
    const rows: ScoreRow[] = [
      {
        applicationId: 'low',
        totals: [8000, 8000, 8001, 8000].map((t, i) => ({ expertId: `e${i}`, totalCenti: t })),
      },
      {
        applicationId: 'high',
        totals: [8000, 8000, 8001].map((t, i) => ({ expertId: `e${i}`, totalCenti: t })),
      },
    ];
    const { applications, rankings } = aggregateScores(rows);
    expect(applications.map((a) => a.mean.centi)).toEqual([8000, 8000]);
    expect(rankings.mean).toEqual(['high', 'low']);
  });

  it('sees a departure only when a better-ranked application is left out', () => {
    const ranks = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 4],
    ]);
    const pool = ['a', 'b', 'c', 'd'];
    expect(departsFromRanking(ranks, pool, ['a', 'b'])).toBe(false);
    expect(departsFromRanking(ranks, pool, ['a', 'c'])).toBe(false);
    expect(departsFromRanking(ranks, pool, ['b', 'c'])).toBe(true);
    expect(departsFromRanking(ranks, pool, ['a', 'd'])).toBe(true);
    expect(departsFromRanking(ranks, pool, pool)).toBe(false);
  });
});

describe('request shapes', () => {
  const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('needs an odd panel of at least the configured size', () => {
    const ok = { heldAt: '2026-07-01T09:00:00+08:00', place: '区民政局三楼会议室', panelSize: 5 };
    expect(reviewCreateBody().safeParse(ok).success).toBe(true);
    expect(issues(reviewCreateBody().safeParse({ ...ok, panelSize: 6 }))).toEqual([
      'panelSize: 评审专家人数应为奇数',
    ]);
    expect(issues(reviewCreateBody().safeParse({ ...ok, panelSize: 3 }))).toEqual([
      'panelSize: 评审专家人数不能少于5人',
    ]);
    expect(reviewCreateBody(3).safeParse({ ...ok, panelSize: 3 }).success).toBe(true);
    expect(issues(reviewCreateBody().safeParse({ ...ok, heldAt: '明天', place: ' ' }))).toHaveLength(2);
  });

  it('needs a reason to decline, scores with at most one decimal, and positive integer fen', () => {
    expect(issues(respondBody.safeParse({ accept: false }))).toEqual([
      'conflictReason: 声明回避时请填写回避原因',
    ]);
    expect(respondBody.safeParse({ accept: true }).success).toBe(true);
    expect(issues(sheetBody.safeParse({ scores: [{ key: 'need', score: 1.25 }] }))).toEqual([
      'scores.0.score: 得分最多保留一位小数',
    ]);
    expect(
      issues(awardBody.safeParse({ awards: [{ applicationId: crypto.randomUUID(), amountFen: 10.5 }] })),
    ).toEqual(['awards.0.amountFen: 金额以分为单位，应为整数']);
    expect(issues(awardBody.safeParse({ awards: [] }))).toEqual(['awards: 请至少选择一个拟立项的申报']);
  });
});
