import { and, count, desc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { alertMachine } from '../../../domain/machines.js';
import type { Alert, alertAcknowledgeBody, alertQuery } from '../../../domain/redflags.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import { type Actor, type CurrentUser, hasRole } from '../../http/current-user.js';
import { notFound, staleVersion } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { loadFacts } from './facts.js';
import { INDICATORS } from './indicators/index.js';
import { alertPolicy } from './policy.js';
import { alerts } from './schema.js';
import { type Thresholds, thresholdsInForce } from './thresholds.js';

type AlertRow = typeof alerts.$inferSelect;
const indicatorNames = new Map(INDICATORS.map((i) => [i.id, i.name]));

/**
 * Recomputes a project's alerts from its data, inside the transaction of the write that changed
 * it (so an alert is there as soon as what it shows is): a new finding raises an alert (the
 * buyer is notified), a standing one gets its evidence updated, one the data no longer shows is
 * resolved. Computing on write rather than on a timer: every input of the indicators changes
 * only through the platform's own writes, so nothing is missed and nothing waits. The thresholds
 * are the administrators' (thresholds.ts); a caller refreshing many projects reads them once.
 */
export async function refreshAlerts(tx: Tx, actor: Actor, projectId: string, thresholds?: Thresholds) {
  const [facts, inForce] = await Promise.all([loadFacts(tx, projectId), thresholds ?? thresholdsInForce(tx)]);
  const found = INDICATORS.flatMap((indicator) =>
    indicator
      .findings(facts, inForce.get(indicator.id) ?? indicator.settings)
      .map((f) => ({ ...f, indicatorId: indicator.id })),
  );
  const live = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.projectId, projectId), ne(alerts.status, 'resolved')))
    .for('update');
  const key = (a: { indicatorId: string; subject: string }) => `${a.indicatorId}|${a.subject}`;
  const liveByKey = new Map(live.map((a) => [key(a), a]));
  const foundKeys = new Set(found.map(key));
  let raised = 0;
  for (const f of found) {
    const existing = liveByKey.get(key(f));
    if (existing) {
      if (JSON.stringify(existing.evidence) !== JSON.stringify(f.evidence))
        await tx
          .update(alerts)
          .set({ evidence: f.evidence, message: f.message, updatedAt: new Date() })
          .where(eq(alerts.id, existing.id));
      continue;
    }
    const [row] = await tx
      .insert(alerts)
      .values({
        projectId,
        indicatorId: f.indicatorId,
        subject: f.subject,
        message: f.message,
        evidence: f.evidence,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    raised++;
    await appendAudit(tx, actor, {
      action: 'alert.raised',
      targetType: 'alert',
      targetId: row.id,
      summary: {
        projectId,
        indicatorId: f.indicatorId,
        subject: f.subject,
        message: f.message,
        evidence: f.evidence,
      },
    });
  }
  for (const a of live) {
    if (foundKeys.has(key(a))) continue;
    await transition(tx, actor, alertMachine, alerts, a, 'resolve', {
      bySystem: true,
      set: { resolvedAt: new Date() },
      detail: { projectId, indicatorId: a.indicatorId, subject: a.subject },
    });
  }
  if (raised > 0) {
    const [contract] = await tx
      .select({ buyerOrgId: contracts.buyerOrgId })
      .from(contracts)
      .where(eq(contracts.id, projectId));
    await notify(tx, await usersOfOrg(tx, contract.buyerOrgId, 'buyer'), {
      kind: 'alert.raised',
      title: '项目出现新的预警',
      body: found
        .filter((f) => !liveByKey.has(key(f)))
        .map((f) => f.message)
        .join('；'),
      link: `/app/projects/${projectId}`,
    });
  }
}

const selectAlerts = (db: Executor) =>
  db
    .select({
      alert: alerts,
      buyerOrgId: contracts.buyerOrgId,
      projectTitle: sql<string>`${applications.proposal}->>'title'`,
    })
    .from(alerts)
    .innerJoin(contracts, eq(contracts.id, alerts.projectId))
    .innerJoin(awards, eq(awards.id, contracts.awardId))
    .innerJoin(applications, eq(applications.id, awards.applicationId));

function present(
  viewer: CurrentUser | null,
  r: { alert: AlertRow; buyerOrgId: string; projectTitle: string },
): Alert {
  const a = r.alert;
  return {
    id: a.id,
    projectId: a.projectId,
    projectTitle: r.projectTitle,
    indicatorId: a.indicatorId,
    indicatorName: indicatorNames.get(a.indicatorId) ?? a.indicatorId,
    subject: a.subject,
    message: a.message,
    evidence: a.evidence,
    status: a.status,
    raisedAt: a.raisedAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgeNote: a.acknowledgeNote,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    version: a.version,
    actions: viewer && a.status === 'raised' && alertPolicy.acknowledge(viewer, r) ? ['acknowledge'] : [],
  };
}

/** The buyer's monitoring list (its own projects' alerts); supervisors and admins see all. */
export async function listAlerts(
  db: Db,
  viewer: CurrentUser | null,
  query: z.infer<typeof alertQuery>,
  projectId?: string,
) {
  authorize(viewer, alertPolicy, 'list', null);
  const conditions: (SQL | undefined)[] = [];
  if (projectId) {
    const [contract] = await db
      .select({ buyerOrgId: contracts.buyerOrgId })
      .from(contracts)
      .where(eq(contracts.id, projectId));
    if (!contract) throw notFound('项目');
    authorize(viewer, alertPolicy, 'view', contract);
    conditions.push(eq(alerts.projectId, projectId));
  } else if (!hasRole(viewer, 'admin', 'supervisor')) {
    if (!viewer.org) return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    conditions.push(eq(contracts.buyerOrgId, viewer.org.id));
  }
  if (query.status) conditions.push(eq(alerts.status, query.status));
  if (query.open === '1' || query.open === 'true')
    conditions.push(inArray(alerts.status, ['raised', 'acknowledged']));
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    selectAlerts(db)
      .where(where)
      .orderBy(
        sql`case when ${alerts.status} = 'raised' then 0 when ${alerts.status} = 'acknowledged' then 1 else 2 end`,
        desc(alerts.raisedAt),
      )
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(alerts)
      .innerJoin(contracts, eq(contracts.id, alerts.projectId))
      .where(where),
  ]);
  return { items: rows.map((r) => present(viewer, r)), total, page: query.page, pageSize: query.pageSize };
}

/** The buyer (or a supervisor) acknowledges an alert with a note; it stays until the data clears it. */
export async function acknowledgeAlert(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof alertAcknowledgeBody>,
) {
  const [row] = await selectAlerts(db).where(eq(alerts.id, id));
  if (!row) throw notFound('预警');
  authorize(actor.user, alertPolicy, 'acknowledge', row);
  if (input.version !== undefined && input.version !== row.alert.version) throw staleVersion();
  await db.transaction((tx) =>
    transition(tx, actor, alertMachine, alerts, row.alert, 'acknowledge', {
      set: { acknowledgedAt: new Date(), acknowledgedBy: actor.user.id, acknowledgeNote: input.note },
      detail: { projectId: row.alert.projectId, indicatorId: row.alert.indicatorId, note: input.note },
    }),
  );
  const [updated] = await selectAlerts(db).where(eq(alerts.id, id));
  return present(actor.user, updated);
}
