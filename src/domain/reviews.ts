/**
 * 路演评审 roadshow review and award: API shapes shared by server and browser, and the pure rules
 * of scoring and aggregation.
 *
 * Numbers and rounding:
 * - A criterion score is a number of points from 0 to the criterion's weight with at most one
 *   decimal (17 or 17.5, not 17.25). It is kept exactly as integer tenths; a sheet's total is
 *   stored as integer hundredths of a point (`totalCenti`), so sums are exact.
 * - Averages (mean, trimmed mean) keep their exact sum and count; `centi` is the average rounded
 *   to the nearest hundredth of a point, halves up. Rankings compare the exact fractions, so two
 *   applications whose rounded averages look equal may still rank apart.
 * - z-scores need a square root and are floating point. Each expert's z is computed from integers
 *   as (n·x − S) / √(n·Q − S²) (n sheets, S the sum and Q the sum of squares of that expert's
 *   totals), which is the population z-score; an expert who gave every application the same
 *   total contributes 0. An application's z is the mean of its experts' z. It is reported as
 *   `milli` (× 1000, rounded half up) and as `scaledCenti`: the panel's overall mean plus z times
 *   the panel's overall standard deviation, in hundredths of a point (the score an average expert
 *   would have given), which is what an award under the z-score method records. z values closer
 *   than 1e-9 count as tied.
 * - Ranks are competition ranks: ties share a rank and the next rank skips (1, 2, 2, 4); tied
 *   applications are listed in the order given.
 */
import { z } from 'zod';
import { actions } from './api.js';
import { isoDateTime } from './dates.js';
import { EXPERT_FIELDS } from './enums.js';

export const AGGREGATIONS = ['trimmed_mean', 'mean', 'zscore'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
export const aggregationLabels: Record<Aggregation, string> = {
  trimmed_mean: '去掉一个最高分和一个最低分后取平均',
  mean: '算术平均',
  zscore: '按专家标准化（Z分数）后取平均',
};

/** The smallest panel unless the deployment configures another (PANEL_MIN_SIZE). */
export const DEFAULT_MIN_PANEL_SIZE = 5;
export const MAX_PANEL_SIZE = 51;

export const REVIEW_SESSION_STATES = ['drawing', 'scoring', 'completed'] as const;
export type ReviewSessionState = (typeof REVIEW_SESSION_STATES)[number];
export const reviewSessionStateLabels: Record<ReviewSessionState, string> = {
  drawing: '专家确认中',
  scoring: '评分中',
  completed: '评分完成',
};
export const PANEL_MEMBER_STATES = ['invited', 'accepted', 'declined'] as const;
export type PanelMemberState = (typeof PANEL_MEMBER_STATES)[number];
export const panelMemberStateLabels: Record<PanelMemberState, string> = {
  invited: '待确认',
  accepted: '已接受',
  declined: '已回避',
};
export const AWARD_STATES = ['proposed', 'in_publicity', 'approved', 'revoked'] as const;

// ---------- scores ----------

export type RubricCriterion = { key: string; label: string; weight: number };
export type CriterionScore = { key: string; score: number };
export type FieldProblem = { path: string; message: string };

/** A score as integer tenths of a point, or null when it has more than one decimal. */
export function scoreTenths(score: number): number | null {
  const tenths = Math.round(score * 10);
  return Number.isFinite(score) && Math.abs(score * 10 - tenths) < 1e-6 ? tenths : null;
}

/** A sheet's total in hundredths of a point (exact: scores are whole tenths). */
export function sheetTotalCenti(scores: readonly CriterionScore[]): number {
  return scores.reduce((sum, s) => sum + (scoreTenths(s.score) ?? 0) * 10, 0);
}

/** Every criterion of the rubric scored once, each from 0 to its weight with at most one decimal. */
export function sheetProblems(
  rubric: readonly RubricCriterion[],
  scores: readonly CriterionScore[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byKey = new Map(rubric.map((c) => [c.key, c]));
  const seen = new Set<string>();
  scores.forEach((s, i) => {
    const criterion = byKey.get(s.key);
    if (!criterion) {
      problems.push({ path: `scores.${i}.key`, message: `评分项“${s.key}”不在本项目的评分标准中` });
      return;
    }
    if (seen.has(s.key))
      problems.push({ path: `scores.${i}.key`, message: `评分项“${criterion.label}”重复` });
    seen.add(s.key);
    const tenths = scoreTenths(s.score);
    if (tenths === null)
      problems.push({ path: `scores.${i}.score`, message: `“${criterion.label}”的得分最多保留一位小数` });
    else if (tenths < 0 || tenths > Math.round(criterion.weight * 10)) {
      problems.push({
        path: `scores.${i}.score`,
        message: `“${criterion.label}”的得分应在0到${criterion.weight}分之间`,
      });
    }
  });
  const missing = rubric.filter((c) => !seen.has(c.key));
  if (missing.length)
    problems.push({
      path: 'scores',
      message: `请为每个评分项打分，缺少：${missing.map((c) => c.label).join('、')}`,
    });
  return problems;
}

// ---------- aggregation ----------

export interface Average {
  /** Exact: sumCenti / count. */
  sumCenti: number;
  count: number;
  /** The average in hundredths of a point, rounded half up. */
  centi: number;
}

/** Integer division rounded to the nearest integer, halves up (for non-negative numerators). */
export const divideRounded = (numerator: number, denominator: number) =>
  denominator === 0 ? 0 : Math.floor((2 * numerator + denominator) / (2 * denominator));

export function mean(totals: readonly number[]): Average {
  const sumCenti = totals.reduce((s, t) => s + t, 0);
  return { sumCenti, count: totals.length, centi: divideRounded(sumCenti, totals.length) };
}

/**
 * Drops one highest and one lowest total and averages the rest. Needs at least 3 totals; with
 * fewer it is the plain mean and says so (`trimmed: false`).
 */
export function trimmedMean(totals: readonly number[]): Average & { trimmed: boolean } {
  if (totals.length < 3) return { ...mean(totals), trimmed: false };
  const sorted = [...totals].sort((a, b) => a - b);
  return { ...mean(sorted.slice(1, -1)), trimmed: true };
}

export interface ScoreRow {
  applicationId: string;
  /** One submitted sheet total per expert, in hundredths of a point. */
  totals: readonly { expertId: string; totalCenti: number }[];
}

export interface ZScore {
  /** Mean over the application's experts of each expert's z-score. */
  z: number;
  milli: number;
  scaledCenti: number;
}

/** z-score normalization per expert (cancels harsh and lenient experts), then the mean per application. */
export function zscores(rows: readonly ScoreRow[]): Map<string, ZScore> {
  const perExpert = new Map<string, { n: number; sum: number; squares: number }>();
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (const row of rows) {
    for (const { expertId, totalCenti: x } of row.totals) {
      const e = perExpert.get(expertId) ?? { n: 0, sum: 0, squares: 0 };
      e.n++;
      e.sum += x;
      e.squares += x * x;
      perExpert.set(expertId, e);
      n++;
      sum += x;
      squares += x * x;
    }
  }
  const zOf = (expertId: string, x: number) => {
    const e = perExpert.get(expertId)!;
    const radicand = e.n * e.squares - e.sum * e.sum;
    return radicand > 0 ? (e.n * x - e.sum) / Math.sqrt(radicand) : 0;
  };
  const grandMean = n ? sum / n : 0;
  const grandSd = n ? Math.sqrt(Math.max(0, n * squares - sum * sum)) / n : 0;
  const result = new Map<string, ZScore>();
  for (const row of rows) {
    const z = row.totals.length
      ? row.totals.reduce((s, t) => s + zOf(t.expertId, t.totalCenti), 0) / row.totals.length
      : 0;
    result.set(row.applicationId, {
      z,
      milli: Math.round(z * 1000) + 0,
      scaledCenti: Math.round(grandMean + z * grandSd) + 0,
    });
  }
  return result;
}

/** Competition ranks (1, 2, 2, 4) of items sorted best first; ties keep the given order. */
export function competitionRanks<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
): { item: T; rank: number }[] {
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index);
  const ranked: { item: T; rank: number }[] = [];
  sorted.forEach(({ item }, i) => {
    const rank = i > 0 && compare(sorted[i - 1].item, item) === 0 ? ranked[i - 1].rank : i + 1;
    ranked.push({ item, rank });
  });
  return ranked;
}

/** Descending by an exact fraction sum/count, compared by cross-multiplication. */
const byAverage = (a: Average, b: Average) => b.sumCenti * a.count - a.sumCenti * b.count;
const byZ = (a: ZScore, b: ZScore) => (Math.abs(a.z - b.z) < 1e-9 ? 0 : b.z - a.z);

export interface AggregatedApplication {
  applicationId: string;
  totals: { expertId: string; totalCenti: number }[];
  trimmedMean: Average & { trimmed: boolean };
  mean: Average;
  zscore: ZScore;
  ranks: Record<Aggregation, number>;
  /** The score under each method in hundredths of a point (z-score: its scaled score). */
  scoreCenti: Record<Aggregation, number>;
}

export interface Aggregated {
  applications: AggregatedApplication[];
  /** Application ids best first, per method. */
  rankings: Record<Aggregation, string[]>;
}

/** All three aggregations and rankings of a review's submitted sheets, side by side. */
export function aggregateScores(rows: readonly ScoreRow[]): Aggregated {
  const z = zscores(rows);
  const apps = rows.map((row) => {
    const totals = row.totals.map((t) => t.totalCenti);
    const tm = trimmedMean(totals);
    const m = mean(totals);
    const zs = z.get(row.applicationId)!;
    return {
      applicationId: row.applicationId,
      totals: row.totals.map((t) => ({ ...t })),
      trimmedMean: tm,
      mean: m,
      zscore: zs,
      ranks: { trimmed_mean: 0, mean: 0, zscore: 0 },
      scoreCenti: { trimmed_mean: tm.centi, mean: m.centi, zscore: zs.scaledCenti },
    } satisfies AggregatedApplication;
  });
  const compare: Record<Aggregation, (a: AggregatedApplication, b: AggregatedApplication) => number> = {
    trimmed_mean: (a, b) => byAverage(a.trimmedMean, b.trimmedMean),
    mean: (a, b) => byAverage(a.mean, b.mean),
    zscore: (a, b) => byZ(a.zscore, b.zscore),
  };
  const rankings = {} as Record<Aggregation, string[]>;
  for (const method of AGGREGATIONS) {
    const ranked = competitionRanks(apps, compare[method]);
    for (const { item, rank } of ranked) item.ranks[method] = rank;
    rankings[method] = ranked.map((r) => r.item.applicationId);
  }
  return { applications: apps, rankings };
}

/**
 * Whether choosing `chosen` out of `pool` departs from a ranking: some application left out
 * ranks strictly better than one chosen. Choosing among tied applications is no departure.
 */
export function departsFromRanking(
  ranks: ReadonlyMap<string, number>,
  pool: readonly string[],
  chosen: readonly string[],
): boolean {
  const picked = new Set(chosen);
  const worstChosen = Math.max(...chosen.map((id) => ranks.get(id) ?? Number.POSITIVE_INFINITY));
  const bestLeftOut = Math.min(
    ...pool.filter((id) => !picked.has(id)).map((id) => ranks.get(id) ?? Number.POSITIVE_INFINITY),
  );
  return bestLeftOut < worstChosen;
}

// ---------- API shapes ----------

const id = z.string().uuid('编号格式不正确');
const text = (max: number, label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过${max}个字符`);

/** The buyer's request to start the review; the minimum panel size is the deployment's. */
export const reviewCreateBody = (minPanelSize = DEFAULT_MIN_PANEL_SIZE) =>
  z.object({
    heldAt: isoDateTime('请填写评审时间（如 2026-07-01T09:00:00+08:00）'),
    place: text(200, '评审地点'),
    panelSize: z
      .number({ error: '请填写评审专家人数' })
      .int('评审专家人数应为整数')
      .min(minPanelSize, `评审专家人数不能少于${minPanelSize}人`)
      .max(MAX_PANEL_SIZE, `评审专家人数不能超过${MAX_PANEL_SIZE}人`)
      .refine((n) => n % 2 === 1, '评审专家人数应为奇数'),
    /** The experts' field; the call's category when omitted. */
    field: z.enum(EXPERT_FIELDS, { error: '专业领域无效' }).optional(),
  });
export type ReviewCreate = z.infer<ReturnType<typeof reviewCreateBody>>;

export const respondBody = z
  .object({
    accept: z.boolean({ error: '请选择接受或回避' }),
    conflictReason: z.string().trim().max(500, '回避原因不能超过500个字符').optional(),
  })
  .refine((v) => v.accept || !!v.conflictReason, {
    path: ['conflictReason'],
    message: '声明回避时请填写回避原因',
  });

export const sheetBody = z.object({
  scores: z
    .array(
      z.object({
        key: z.string({ error: '请填写评分项' }).trim().min(1, '请填写评分项').max(50),
        score: z
          .number({ error: '请填写得分' })
          .min(0, '得分不能为负数')
          .max(100, '得分不能超过100分')
          .refine((s) => scoreTenths(s) !== null, '得分最多保留一位小数'),
      }),
      { error: '请填写各评分项得分' },
    )
    .max(50),
  comment: z.string().trim().max(2000, '评语不能超过2000个字符').default(''),
});
export type SheetBody = z.infer<typeof sheetBody>;

export const awardBody = z.object({
  awards: z
    .array(
      z.object({
        applicationId: id,
        amountFen: z
          .number({ error: '请填写立项金额' })
          .int('金额以分为单位，应为整数')
          .positive('立项金额应大于0')
          .max(Number.MAX_SAFE_INTEGER),
      }),
      { error: '请选择拟立项的申报' },
    )
    .min(1, '请至少选择一个拟立项的申报')
    .max(200),
  departureReason: z.string().trim().max(1000, '原因不能超过1000个字符').optional(),
});
export type AwardBody = z.infer<typeof awardBody>;

const drawRecord = z.object({
  seed: z.string().nullable(),
  /** The field drawn from, or null when the pool was widened to every field. */
  field: z.string().nullable(),
  candidates: z.array(z.object({ id, name: z.string(), field: z.string() })),
  exclusions: z.array(z.object({ expertId: id, name: z.string(), reason: z.string() })),
  /** Re-running the draw from this record gives exactly the panel as invited. */
  verified: z.boolean(),
});

export const panelMember = z.object({
  expertId: id,
  name: z.string(),
  field: z.string(),
  title: z.string().nullable(),
  drawPosition: z.number().int(),
  status: z.enum(PANEL_MEMBER_STATES),
  conflictReason: z.string().nullable(),
  respondedAt: z.string().nullable(),
  /** Submitted sheets out of the applications to score. */
  submitted: z.number().int(),
});

export const reviewSession = z.object({
  id,
  callId: id,
  heldAt: z.string(),
  place: z.string(),
  panelSize: z.number().int(),
  status: z.enum(REVIEW_SESSION_STATES),
  version: z.number().int(),
});

export const reviewView = z.object({
  session: reviewSession,
  call: z.object({
    id,
    code: z.string(),
    title: z.string(),
    status: z.string(),
    aggregation: z.enum(AGGREGATIONS),
  }),
  panel: z.array(panelMember),
  draw: drawRecord,
  applications: z.array(z.object({ id, providerOrgName: z.string(), title: z.string() })),
  progress: z.object({ submitted: z.number().int(), total: z.number().int() }),
  /** Set when a seat could not be refilled because no candidate is left. */
  shortfall: z.string().nullable(),
  actions,
});
export type ReviewView = z.infer<typeof reviewView>;

export const myReview = z.object({
  session: reviewSession,
  call: z.object({ id, code: z.string(), title: z.string() }),
  member: z.object({ status: z.enum(PANEL_MEMBER_STATES), conflictReason: z.string().nullable() }),
  /** The applicants, so that the expert can declare a conflict before accepting. */
  applicants: z.array(z.string()),
  sheets: z.array(z.object({ applicationId: id, saved: z.boolean(), submitted: z.boolean() })),
  actions,
});
export const myReviews = z.object({ items: z.array(myReview) });

export const sheet = z.object({
  applicationId: id,
  scores: z.array(z.object({ key: z.string(), score: z.number() })),
  totalCenti: z.number().int().nullable(),
  comment: z.string(),
  submittedAt: z.string().nullable(),
  version: z.number().int(),
  actions,
});
export type Sheet = z.infer<typeof sheet>;

/** An application as a panel member sees it: the proposal, without the certificate number. */
export const reviewApplication = z.object({
  id,
  providerOrgName: z.string(),
  communityName: z.string().nullable(),
  socialWorkerName: z.string(),
  partners: z.array(z.object({ name: z.string(), kind: z.string(), headcount: z.number() })),
  requestedFen: z.number().int(),
  proposal: z.object({
    title: z.string(),
    needAssessment: z.string(),
    objectives: z.string(),
    activities: z.string(),
    indicators: z.array(
      z.object({ kind: z.string(), name: z.string(), target: z.number(), unit: z.string() }),
    ),
    budget: z.array(z.object({ category: z.string(), item: z.string(), amountFen: z.number().int() })),
    timeline: z.array(z.object({ period: z.string(), work: z.string() })),
    team: z.array(z.object({ name: z.string(), role: z.string(), qualification: z.string() })),
  }),
  sheet: sheet.nullable(),
});
export const reviewApplications = z.object({
  session: reviewSession,
  rubric: z.array(z.object({ key: z.string(), label: z.string(), weight: z.number() })),
  items: z.array(reviewApplication),
});

const average = z.object({ sumCenti: z.number().int(), count: z.number().int(), centi: z.number().int() });
export const awardRow = z.object({
  id,
  applicationId: id,
  providerOrgName: z.string(),
  amountFen: z.number().int(),
  rank: z.number().int(),
  scoreCenti: z.number().int(),
  departureReason: z.string().nullable(),
  status: z.enum(AWARD_STATES),
});
export const reviewResults = z.object({
  method: z.enum(AGGREGATIONS),
  methodLabels: z.record(z.string(), z.string()),
  experts: z.array(z.object({ id, name: z.string() })),
  applications: z.array(
    z.object({
      applicationId: id,
      providerOrgName: z.string(),
      title: z.string(),
      requestedFen: z.number().int(),
      status: z.string(),
      totals: z.array(z.object({ expertId: id, totalCenti: z.number().int() })),
      trimmedMean: average.extend({ trimmed: z.boolean() }),
      mean: average,
      zscore: z.object({ z: z.number(), milli: z.number().int(), scaledCenti: z.number().int() }),
      ranks: z.object({ trimmed_mean: z.number().int(), mean: z.number().int(), zscore: z.number().int() }),
      scoreCenti: z.object({
        trimmed_mean: z.number().int(),
        mean: z.number().int(),
        zscore: z.number().int(),
      }),
    }),
  ),
  rankings: z.object({ trimmed_mean: z.array(id), mean: z.array(id), zscore: z.array(id) }),
  /** Remarks on the computation, e.g. a trimmed mean that fell back to the plain mean. */
  notes: z.array(z.string()),
  budget: z.object({
    budgetCapFen: z.number().int(),
    totalBudgetFen: z.number().int(),
    awardedFen: z.number().int(),
  }),
  awards: z.array(awardRow),
  actions,
});
export type ReviewResults = z.infer<typeof reviewResults>;

export const awardResult = z.object({
  awards: z.array(awardRow),
  callStatus: z.string(),
  departure: z.boolean(),
});
