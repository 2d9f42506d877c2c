/**
 * The dates of one project's life, in Asia/Shanghai (src/domain/time.ts): from its publication
 * date and random gaps to the end of its service period, skipping to working days where the
 * platform would (publicity).
 */

import type { ServiceCategory } from '../../../domain/enums.js';
import { chinaInstant, chinaMidnight } from '../../../domain/time.js';
import { addDays, addWorkingDays, isWorkingDay } from '../../../domain/working-days.js';
import type { Random } from '../random.js';
import { DAY, PUBLICITY_DAYS } from './constants.js';

export const nextWorkingDay = (date: string) => {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
};
export function addMonths(date: string, months: number) {
  const [y, m] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}
export const firstOfNextMonth = (date: string) => addMonths(date, 1);
export const daysBetween = (from: string, to: string) =>
  Math.round((chinaMidnight(to).getTime() - chinaMidnight(from).getTime()) / DAY);
export const monthLabel = (date: string) => `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月`;

/** The dates of one project's whole life, computed from its publication date and random gaps. */
export interface Gaps {
  created: number;
  window: number;
  reviewStart: number;
  held: number;
  award: number;
  publicityOpen: number;
  contractCreate: number;
  buyerConfirm: number;
  providerConfirm: number;
  months: number;
  minutes: number[];
}
export interface Schedule {
  created: Date;
  opens: Date;
  closes: Date;
  reviewStart: Date;
  held: Date;
  completed: Date;
  awarded: Date;
  publicityOpensOn: string;
  publicityClosesOn: string;
  publicityClosedAt: Date;
  contractCreated: Date;
  buyerConfirmed: Date;
  providerConfirmed: Date;
  serviceStart: string;
  serviceEnd: string;
}

export function drawGaps(random: Random, window: number, category: ServiceCategory): Gaps {
  return {
    created: random.int(3, 20),
    window,
    reviewStart: random.int(2, 5),
    held: random.int(4, 9),
    award: random.int(1, 3),
    publicityOpen: random.int(1, 3),
    contractCreate: random.int(2, 6),
    buyerConfirm: random.int(1, 3),
    providerConfirm: random.int(0, 3),
    months: category === 'venture_philanthropy' ? random.pick([8, 10]) : random.pick([10, 12, 12, 12]),
    minutes: Array.from({ length: 8 }, () => random.int(0, 59)),
  };
}

export function schedule(publishDate: string, g: Gaps): Schedule {
  const m = g.minutes;
  const opens = chinaInstant(publishDate, 9, m[0]);
  const closesOn = addDays(publishDate, g.window);
  const reviewOn = addDays(closesOn, g.reviewStart);
  const heldOn = addDays(reviewOn, g.held);
  const awardOn = addDays(heldOn, g.award);
  const publicityOpensOn = nextWorkingDay(addDays(awardOn, g.publicityOpen));
  const publicityClosesOn = addWorkingDays(publicityOpensOn, PUBLICITY_DAYS);
  const closedOn = nextWorkingDay(addDays(publicityClosesOn, 1));
  const contractOn = addDays(closedOn, g.contractCreate);
  const buyerOn = addDays(contractOn, g.buyerConfirm);
  const providerOn = addDays(buyerOn, g.providerConfirm);
  const serviceStart = firstOfNextMonth(providerOn);
  return {
    created: chinaInstant(addDays(publishDate, -g.created), 10, m[1]),
    opens,
    closes: chinaInstant(closesOn, 17, 30),
    reviewStart: chinaInstant(reviewOn, 10, m[2]),
    held: chinaInstant(heldOn, 9, 30),
    completed: chinaInstant(heldOn, 16, m[3]),
    awarded: chinaInstant(awardOn, 15, m[4]),
    publicityOpensOn,
    publicityClosesOn,
    publicityClosedAt: chinaInstant(closedOn, 9, 30 + (m[5] % 30)),
    contractCreated: chinaInstant(contractOn, 10, m[6]),
    buyerConfirmed: chinaInstant(buyerOn, 11, m[7]),
    providerConfirmed: chinaInstant(providerOn, 16, m[0]),
    serviceStart,
    serviceEnd: addDays(addMonths(serviceStart, g.months), -1),
  };
}
