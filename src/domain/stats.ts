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
