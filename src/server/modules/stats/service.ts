import { desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums.js';
import type { PublicStats, PublicYears } from '../../../domain/stats.js';
import { chinaYear } from '../../../domain/time.js';
import type { Db } from '../../db/client.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';
import { planLines } from '../plans/schema.js';
import { publicities } from '../publicity/schema.js';
import { regions } from '../regions/schema.js';

type Group = { key: string; label: string; projects: number; amountFen: number };

function add(map: Map<string, Group>, key: string, label: string, projects: number, amountFen: number) {
  const g = map.get(key) ?? { key, label, projects: 0, amountFen: 0 };
  g.projects += projects;
  g.amountFen += amountFen;
  map.set(key, g);
}
const byAmount = (map: Map<string, Group>) => [...map.values()].sort((a, b) => b.amountFen - a.amountFen);

/**
 * Every signed contract (its status may since have become closed or terminated) at its current
 * value: an amendment rewrites `contracts.amount_fen`, so the row holds the value after amendments.
 * One grouped query; the groups (years × buyers × categories × regions) are few.
 */
export async function publicStats(db: Db, districtName: string): Promise<PublicStats> {
  const rows = await db
    .select({
      year: calls.year,
      buyerId: contracts.buyerOrgId,
      buyerName: orgs.name,
      category: calls.category,
      regionId: regions.id,
      regionName: regions.name,
      regionLevel: regions.level,
      projects: sql<number>`count(*)::int`,
      amountFen: sql<string>`sum(${contracts.amountFen})`,
    })
    .from(contracts)
    .innerJoin(calls, eq(calls.id, contracts.callId))
    .innerJoin(orgs, eq(orgs.id, contracts.buyerOrgId))
    .leftJoin(regions, eq(regions.id, calls.regionId))
    .where(isNotNull(contracts.signedAt))
    .groupBy(
      calls.year,
      contracts.buyerOrgId,
      orgs.name,
      calls.category,
      regions.id,
      regions.name,
      regions.level,
    );

  const years = new Map<number, { year: number; projects: number; amountFen: number }>();
  const buyers = new Map<string, Group>();
  const categories = new Map<string, Group>();
  const streets = new Map<string, Group>();
  const totals = { projects: 0, amountFen: 0 };
  for (const r of rows) {
    const projects = Number(r.projects);
    const amountFen = Number(r.amountFen);
    totals.projects += projects;
    totals.amountFen += amountFen;
    const y = years.get(r.year) ?? { year: r.year, projects: 0, amountFen: 0 };
    y.projects += projects;
    y.amountFen += amountFen;
    years.set(r.year, y);
    add(buyers, r.buyerId, r.buyerName, projects, amountFen);
    const category = r.category as ServiceCategory;
    add(categories, category, serviceCategoryLabels[category] ?? category, projects, amountFen);
    // Projects of the whole district (or of no region) are counted as the district's own.
    if (r.regionId && r.regionLevel !== 'district')
      add(streets, r.regionId, r.regionName ?? '', projects, amountFen);
    else add(streets, 'district', `${districtName}（区级）`, projects, amountFen);
  }
  const byYear = [...years.values()].sort((a, b) => a.year - b.year);
  const year = chinaYear();
  const current = years.get(year);
  return {
    totals,
    firstYear: byYear[0]?.year ?? null,
    thisYear: { year, projects: current?.projects ?? 0, amountFen: current?.amountFen ?? 0 },
    byYear,
    byBuyer: byAmount(buyers),
    byCategory: byAmount(categories),
    byStreet: byAmount(streets),
  };
}

const yearList = (rows: { year: number }[]) => rows.map((r) => Number(r.year));

export async function publicYears(db: Db): Promise<PublicYears> {
  const [callYears, publicityYears, planYears] = await Promise.all([
    db
      .selectDistinct({ year: calls.year })
      .from(calls)
      .where(ne(calls.status, 'draft'))
      .orderBy(desc(calls.year)),
    db
      .selectDistinct({ year: calls.year })
      .from(publicities)
      .innerJoin(calls, eq(calls.id, publicities.callId))
      .where(eq(publicities.kind, 'approval'))
      .orderBy(desc(calls.year)),
    db.selectDistinct({ year: planLines.year }).from(planLines).orderBy(desc(planLines.year)),
  ]);
  return { calls: yearList(callYears), publicities: yearList(publicityYears), plans: yearList(planYears) };
}
