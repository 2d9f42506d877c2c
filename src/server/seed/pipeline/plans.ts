/** Annual plan lines: one per call, and the lines of this year and next not yet called. */
import { randomUUID } from 'node:crypto';
import { chinaDate, chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import { CONTENT, PLAN_NOTES } from '../pipeline-content.js';
import type { PipelineBuilder } from './builder.js';
import { DAY, RECENT_PER_YEAR } from './constants.js';

export function plans(b: PipelineBuilder) {
  const r = b.random;
  for (const d of b.drafts) {
    const opens = d.row.applicationOpensAt;
    const line = {
      id: randomUUID(),
      buyerOrgId: d.buyer.org.id,
      regionId: d.row.regionId,
      year: d.row.year,
      title: d.row.title.replace(/^\d{4}年/, ''),
      category: d.row.category,
      budgetFen: d.row.totalBudgetFen,
      // A line of next year's plan called late this year is planned for next year's first quarter.
      plannedQuarter:
        Number(chinaDate(opens).slice(0, 4)) === d.row.year
          ? Math.floor((Number(chinaDate(opens).slice(5, 7)) - 1) / 3) + 1
          : 1,
      note: r.pick(PLAN_NOTES),
      createdAt: new Date(d.row.createdAt.getTime() - r.int(10, 60) * DAY),
    };
    b.planRows.push({ ...line, updatedAt: line.createdAt });
    d.row.planLineId = line.id;
  }
  // Lines not yet called: the rest of this year and next year's plan.
  const planned = (year: number, count: number, quarters: number[]) => {
    for (let i = 0; i < count; i++) {
      const buyer = b.pickBuyer(year);
      const category = b.pickCategory(buyer);
      const theme = r.pick(CONTENT[category].themes);
      const area = buyer.street ? buyer.street.name : r.next() < 0.5 ? r.pick(b.streets).name : '官渡区';
      const createdAt = chinaInstant(addDays(b.today, -r.int(5, 40)), 10, r.int(0, 59));
      b.planRows.push({
        id: randomUUID(),
        buyerOrgId: buyer.org.id,
        regionId: buyer.street?.id ?? b.district.id,
        year,
        title: b.uniqueTitle([`${area}${theme}项目`, `${area}${theme}项目（新增）`]).replace(/^\d{4}年/, ''),
        category,
        budgetFen: Math.ceil((b.typicalYuan(category) * 1.2) / 10_000) * 1_000_000,
        plannedQuarter: r.pick(quarters),
        note: r.pick(PLAN_NOTES),
        createdAt,
        updatedAt: createdAt,
      });
    }
  };
  const quarter = Math.floor((Number(b.today.slice(5, 7)) - 1) / 3) + 1;
  if (quarter < 4)
    planned(
      b.year,
      4,
      [quarter + 1, 4].filter((q) => q <= 4),
    );
  const nextYearLines = b.planRows.filter((p) => p.year === b.year + 1).length;
  planned(b.year + 1, Math.max(8, RECENT_PER_YEAR - nextYearLines), [1, 1, 2, 2, 3, 4]);
}
