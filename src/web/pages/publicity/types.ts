import type { z } from 'zod';
import type { internalPublicity, publicityListItem, publicPublicity } from '../../../domain/publicity';

export type PublicityListItem = z.infer<typeof publicityListItem>;
export type PublicPublicity = z.infer<typeof publicPublicity>;
export type InternalPublicity = z.infer<typeof internalPublicity>;

/** 85.50 from 8550 hundredths of a point. */
export const formatScore = (centi: number | null | undefined) =>
  centi === null || centi === undefined ? '—' : (centi / 100).toFixed(2);
