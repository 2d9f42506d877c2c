/** The history the source document reports (2017–2022) and the recent years since 2023. */
import type { ServiceCategory } from '../../../domain/enums.js';
import { addDays } from '../../../domain/working-days.js';
import type { PipelineBuilder } from './builder.js';
import { HISTORY_2022_YUAN, HISTORY_COUNTS, HISTORY_TOTAL_YUAN, RECENT_PER_YEAR } from './constants.js';
import { daysBetween } from './dates.js';
import { contractedProject, endedCall } from './projects.js';
import type { Buyer } from './types.js';

/** A random publication date of year `year` in [from, to]. */
export function publishDateIn(
  b: PipelineBuilder,
  year: number,
  from = `${year}-02-20`,
  to = `${year}-09-05`,
) {
  const span = daysBetween(from, to);
  return addDays(from, b.random.int(0, Math.max(0, span)));
}

/**
 * Scales typical amounts (yuan) so that they add up to exactly `targetYuan`, in whole hundreds,
 * each staying within [50 000, 300 000].
 */
export function fitAmounts(amounts: number[], targetYuan: number) {
  const sum = amounts.reduce((a, b) => a + b, 0);
  const fitted = amounts.map((a) =>
    Math.min(300_000, Math.max(50_000, Math.round((a * targetYuan) / sum / 100) * 100)),
  );
  let residual = targetYuan - fitted.reduce((a, b) => a + b, 0);
  for (let i = 0; residual !== 0 && i < fitted.length * 20; i++) {
    const k = i % fitted.length;
    const step = Math.sign(residual) * Math.min(Math.abs(residual), 2_000);
    const next = fitted[k] + step;
    if (next < 50_000 || next > 300_000) continue;
    fitted[k] = next;
    residual -= step;
  }
  return fitted;
}

export function history(b: PipelineBuilder) {
  const specs: { year: number; buyer: Buyer; category: ServiceCategory; yuan: number }[] = [];
  for (const [y, n] of Object.entries(HISTORY_COUNTS)) {
    for (let i = 0; i < n; i++) {
      const year = Number(y);
      const buyer = b.pickBuyer(year);
      const category = b.pickCategory(buyer);
      specs.push({ year, buyer, category, yuan: b.typicalYuan(category) });
    }
  }
  const early = specs.filter((s) => s.year < 2022);
  const late = specs.filter((s) => s.year === 2022);
  const earlyFit = fitAmounts(
    early.map((s) => s.yuan),
    HISTORY_TOTAL_YUAN - HISTORY_2022_YUAN,
  );
  const lateFit = fitAmounts(
    late.map((s) => s.yuan),
    HISTORY_2022_YUAN,
  );
  early.forEach((s, i) => {
    s.yuan = earlyFit[i];
  });
  late.forEach((s, i) => {
    s.yuan = lateFit[i];
  });
  for (const s of specs) {
    contractedProject(b, {
      buyer: s.buyer,
      category: s.category,
      publishDate: publishDateIn(b, s.year),
      amountYuan: s.yuan,
    });
  }
  // A few percent ended without a contract.
  for (let year = 2017; year <= 2022; year++) endedOfYear(b, year, HISTORY_COUNTS[year] > 60 ? 3 : 1);
}

export function endedOfYear(b: PipelineBuilder, year: number, count: number, to?: string) {
  for (let i = 0; i < count; i++) {
    const buyer = b.pickBuyer(year);
    const how = (['cancel', 'fail_closed', 'fail_review'] as const)[(year + i) % 3];
    endedCall(b, {
      buyer,
      category: b.pickCategory(buyer),
      publishDate: publishDateIn(b, year, undefined, to),
      how,
    });
  }
}

/** 2023 to the current year: about 30 a year; this year only as many as have had time to finish. */
export function recent(b: PipelineBuilder) {
  const r = b.random;
  for (let year = 2023; year <= b.year; year++) {
    let to = `${year}-09-05`;
    let n = RECENT_PER_YEAR + r.int(-2, 3);
    if (year === b.year) {
      const latest = addDays(b.today, -80);
      if (latest < to) to = latest;
      const span = daysBetween(`${year}-02-20`, to);
      n = span <= 0 ? 0 : Math.round((n * Math.min(span, 197)) / 197);
    }
    for (let i = 0; i < n; i++) {
      const buyer = b.pickBuyer(year);
      const category = b.pickCategory(buyer);
      const yuan = Math.round((b.typicalYuan(category) * 1.15) / 100) * 100;
      contractedProject(b, {
        buyer,
        category,
        publishDate: publishDateIn(b, year, undefined, to),
        amountYuan: Math.min(300_000, yuan),
      });
    }
    if (daysBetween(`${year}-02-20`, to) > 0) endedOfYear(b, year, 1, to);
  }
}
