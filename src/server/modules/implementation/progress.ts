import { and, desc, eq } from 'drizzle-orm';
import { indicatorProgressBp, type Progress, rollUpBp } from '../../../domain/implementation.js';
import type { Executor } from '../../db/client.js';
import { contracts } from '../contracts/schema.js';
import { indicatorReports } from './schema.js';

/** Each contract indicator with its newest report, and the project's roll-up. */
export async function loadProgress(
  db: Executor,
  projectId: string,
): Promise<Progress & { reported: boolean }> {
  const [contract] = await db
    .select({ indicators: contracts.indicators })
    .from(contracts)
    .where(eq(contracts.id, projectId));
  const reports = await db
    .select()
    .from(indicatorReports)
    .where(and(eq(indicatorReports.projectId, projectId)))
    .orderBy(desc(indicatorReports.createdAt));
  const indicators = (contract?.indicators ?? []).map((indicator, index) => {
    const latest = reports.find((r) => r.indicatorIndex === index);
    const achieved = latest?.achieved ?? 0;
    return {
      index,
      kind: indicator.kind,
      name: indicator.name,
      unit: indicator.unit,
      target: indicator.target,
      achieved,
      progressBp: indicatorProgressBp(achieved, indicator.target),
      evidence: latest?.evidence ?? null,
      reportedOn: latest?.reportedOn ?? null,
    };
  });
  return {
    projectId,
    indicators,
    progressBp: rollUpBp(indicators.map((i) => i.progressBp)),
    reported: reports.length > 0,
  };
}
