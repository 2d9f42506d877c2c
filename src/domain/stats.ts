/** The public headline statistics (home page, open data): signed contracts at their current value. */
import { z } from 'zod';

const figure = { projects: z.number().int(), amountFen: z.number().int() };
const group = z.object({ key: z.string(), label: z.string(), ...figure });

export const publicStats = z.object({
  /** Every signed contract (signed, and later closed or terminated) at its value after amendments. */
  totals: z.object(figure),
  firstYear: z.number().int().nullable(),
  thisYear: z.object({ year: z.number().int(), ...figure }),
  byYear: z.array(z.object({ year: z.number().int(), ...figure })),
  byBuyer: z.array(group),
  byCategory: z.array(group),
  byStreet: z.array(group),
});
export type PublicStats = z.infer<typeof publicStats>;

/** Every year each public list has data for: the lists' year filters offer these. */
export const publicYears = z.object({
  calls: z.array(z.number().int()),
  publicities: z.array(z.number().int()),
  plans: z.array(z.number().int()),
});
export type PublicYears = z.infer<typeof publicYears>;

/** The deployment's public identity (configuration: DISTRICT_NAME, SITE_*). */
export const siteInfo = z.object({
  districtName: z.string(),
  hostBody: z.string(),
  contact: z.string(),
  icp: z.string(),
});
export type SiteInfo = z.infer<typeof siteInfo>;

/** A count as a headline says it: 637 → 600余, 47 → 40余, 1234 → 1200余, 600 → 600. */
export function roughCount(n: number): string {
  if (n < 10) return String(n);
  const step = n < 100 ? 10 : n < 1000 ? 100 : 10 ** (Math.floor(Math.log10(n)) - 1);
  const floor = Math.floor(n / step) * step;
  return floor === n ? String(n) : `${floor}余`;
}

/** An amount in fen as a headline says it in 万元: ¥82,345,678 → 8200多万元; under 1万元 exact. */
export function roughWanYuan(fen: number): string {
  const wan = fen / 1_000_000;
  if (wan < 1) return `${(fen / 100).toFixed(2)}元`;
  const whole = Math.floor(wan);
  const step = whole < 10 ? 1 : whole < 100 ? 10 : 10 ** (Math.floor(Math.log10(whole)) - 1);
  const floor = Math.floor(whole / step) * step;
  return floor === wan ? `${floor}万元` : `${floor}多万元`;
}
