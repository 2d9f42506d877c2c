/**
 * Inserts everything the builder planned, in dependency order, then has the red-flag indicators
 * compute the alerts of the projects under way from those rows (as every write of the platform
 * does), and returns the counts.
 */
import { count } from 'drizzle-orm';
import { insertAll } from '../../db/bulk.js';
import type { Executor, Tx } from '../../db/client.js';
import {
  activities,
  alerts,
  applications,
  awards,
  calls,
  contracts,
  creditAppeals,
  creditEntries,
  evaluations,
  expenses,
  indicatorReports,
  notifications,
  objections,
  panelMembers,
  payments,
  planLines,
  projects,
  publicities,
  recoveries,
  recoveryRepayments,
  rectifications,
  reviewSessions,
  scoreSheets,
  timelineEvents,
} from '../../db/schema.js';
import { refreshAlerts } from '../../modules/redflags/service.js';
import { thresholdsInForce } from '../../modules/redflags/thresholds.js';
import type { PipelineBuilder } from './builder.js';
import { creditAppealRows } from './credit.js';
import type { PipelineSummary } from './types.js';

export async function write(b: PipelineBuilder, db: Executor): Promise<PipelineSummary> {
  const allApps = b.drafts.flatMap((d) => d.apps.map((a) => a.row));
  if (allApps.some((a) => !a.proposal)) throw new Error('an application was left without its proposal');
  const callById = new Map(b.drafts.map((d) => [d.row.id, d.row]));
  const events = b.timeline();
  await insertAll(db, planLines, b.planRows);
  await insertAll(
    db,
    calls,
    b.drafts.map((d) => d.row),
  );
  await insertAll(db, applications, allApps);
  await insertAll(db, reviewSessions, b.sessions);
  await insertAll(db, panelMembers, b.panel);
  await insertAll(db, scoreSheets, b.sheets);
  await insertAll(db, awards, b.awardRows);
  await insertAll(db, publicities, b.publicityRows);
  await insertAll(db, objections, b.objectionRows);
  await insertAll(db, contracts, b.contractRows);
  await insertAll(db, projects, b.projectRows);
  await insertAll(db, activities, b.activityRows);
  await insertAll(db, indicatorReports, b.indicatorReportRows);
  await insertAll(db, payments, b.paymentRows);
  await insertAll(db, expenses, b.expenseRows);
  await insertAll(db, evaluations, b.evaluationRows);
  await insertAll(db, rectifications, b.rectificationRows);
  await insertAll(db, recoveries, b.recoveryRows);
  await insertAll(db, recoveryRepayments, b.repaymentRows);
  await insertAll(db, timelineEvents, events);
  await insertAll(db, creditEntries, b.creditRows);
  await insertAll(db, creditAppeals, creditAppealRows(b));
  await insertAll(db, notifications, b.notificationRows);
  // seedDemo runs the pipeline inside its transaction.
  const tx = db as Tx;
  const thresholds = await thresholdsInForce(tx);
  for (const id of b.alertProjectIds) await refreshAlerts(tx, { user: null, ip: null }, id, thresholds);
  const [{ n: alertCount }] = await db.select({ n: count() }).from(alerts);

  const byState: Record<string, number> = {};
  for (const d of b.drafts) byState[d.row.status!] = (byState[d.row.status!] ?? 0) + 1;
  const history = b.contractRows.filter((c) => callById.get(c.callId)!.year <= 2022 && c.status === 'signed');
  return {
    calls: b.drafts.length,
    byState,
    applications: allApps.length,
    reviewSessions: b.sessions.length,
    scoreSheets: b.sheets.length,
    awards: b.awardRows.length,
    publicities: b.publicityRows.length,
    objections: b.objectionRows.length,
    contracts: b.contractRows.length,
    planLines: b.planRows.length,
    timelineEvents: events.length,
    creditEntries: b.creditRows.length,
    expertAccounts: b.expertAccounts,
    historyProjects: history.length,
    historyFen: history.reduce((s, c) => s + c.amountFen, 0),
    projects: b.projectRows.length,
    activities: b.activityRows.length,
    payments: b.paymentRows.length,
    expenses: b.expenseRows.length,
    evaluations: b.evaluationRows.length,
    rectifications: b.rectificationRows.length,
    recoveries: b.recoveryRows.length,
    alerts: alertCount,
  };
}
