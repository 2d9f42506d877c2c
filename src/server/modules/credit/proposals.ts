/**
 * The system's proposals: recomputed from a project's facts by every write that can change them
 * (the projects, evaluations and funds modules' afterWrite, and the close of a results
 * publicity, wired in app.ts), in that write's transaction. Each kind of entry is proposed once
 * per project and reason (a unique index); an admin confirms or declines it.
 */
import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import {
  type CreditPeriods,
  creditListLabels,
  creditProposalsFor,
  defaultEndsOn,
  type ProjectCreditFacts,
} from '../../../domain/credit.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Executor, Tx } from '../../db/client.js';
import type { Actor } from '../../http/current-user.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { notify } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { projects, recoveries, rectifications } from '../projects/schema.js';
import { alerts } from '../redflags/schema.js';
import { creditEntries } from './schema.js';
import { adminUsers } from './service.js';

async function projectFacts(db: Executor, projectId: string, today: string) {
  const [contract] = await db
    .select({
      providerOrgId: contracts.providerOrgId,
      title: sql<string>`${applications.proposal}->>'title'`,
      status: projects.status,
      terminationReason: projects.terminationReason,
    })
    .from(contracts)
    .innerJoin(awards, eq(awards.id, contracts.awardId))
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .leftJoin(projects, eq(projects.id, contracts.id))
    .where(eq(contracts.id, projectId));
  if (!contract) return null;
  const [[final], [rect], [open], [overdue]] = await Promise.all([
    db
      .select({ status: evaluations.status, grade: evaluations.grade })
      .from(evaluations)
      .where(
        and(
          eq(evaluations.projectId, projectId),
          eq(evaluations.stage, 'final'),
          inArray(evaluations.status, ['accepted', 'final']),
        ),
      )
      .orderBy(desc(evaluations.acceptedAt))
      .limit(1),
    db
      .select({ n: count() })
      .from(rectifications)
      .where(
        and(eq(rectifications.projectId, projectId), inArray(rectifications.status, ['open', 'submitted'])),
      ),
    db
      .select({ n: count() })
      .from(alerts)
      .where(and(eq(alerts.projectId, projectId), inArray(alerts.status, ['raised', 'acknowledged']))),
    db
      .select({ n: count() })
      .from(recoveries)
      .where(
        and(eq(recoveries.projectId, projectId), eq(recoveries.status, 'open'), lt(recoveries.dueOn, today)),
      ),
  ]);
  const facts: ProjectCreditFacts = {
    finalEvaluation:
      final?.grade && (final.status === 'accepted' || final.status === 'final')
        ? { status: final.status, grade: final.grade }
        : null,
    terminated: contract.status === 'terminated',
    terminationReason: contract.terminationReason,
    openRectifications: rect.n,
    unresolvedAlerts: open.n,
    overdueRecoveries: overdue.n,
  };
  return { contract, facts };
}

/** The deciding body a proposal names until the admin confirms it: the platform's administering bureau. */
async function platformBody(db: Executor) {
  const [admin] = await db.select({ name: orgs.name }).from(orgs).where(eq(orgs.kind, 'admin')).limit(1);
  return admin?.name ?? '平台管理单位';
}

/** Adds the proposals a project's facts call for and have not been made yet; tells the admins. */
export async function refreshCreditProposals(
  tx: Tx,
  actor: Actor,
  projectId: string,
  periods: CreditPeriods,
) {
  const today = todayInShanghai();
  const found = await projectFacts(tx, projectId, today);
  if (!found) return;
  const proposals = creditProposalsFor(found.facts, found.contract.title);
  if (proposals.length === 0) return;
  const decidedBy = await platformBody(tx);
  const inserted = await tx
    .insert(creditEntries)
    .values(
      proposals.map((p) => ({
        orgId: found.contract.providerOrgId,
        list: p.list,
        reasonCode: p.reasonCode,
        reason: p.reason,
        decidedBy,
        startsOn: today,
        endsOn: defaultEndsOn(p.list, today, periods),
        status: 'proposed' as const,
        origin: 'system' as const,
        projectId,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return;
  const admins = await adminUsers(tx);
  for (const row of inserted) {
    await appendAudit(tx, actor, {
      action: 'credit_entry.proposed',
      targetType: 'credit_entry',
      targetId: row.id,
      summary: { by: 'system', orgId: row.orgId, list: row.list, reasonCode: row.reasonCode, projectId },
    });
    await notify(tx, admins, {
      kind: 'credit.proposed',
      title: `待确认：拟列入${creditListLabels[row.list]}`,
      body: row.reason,
      link: `/app/credit/entries/${row.id}`,
    });
  }
}

/** After a results publicity closes (the grade became final, or went back): the proposals of its project. */
export async function refreshAfterResultsPublicity(
  tx: Tx,
  actor: Actor,
  publicityId: string,
  periods: CreditPeriods,
) {
  const [row] = await tx
    .select({ projectId: evaluations.projectId })
    .from(evaluations)
    .where(eq(evaluations.publicityId, publicityId));
  if (row) await refreshCreditProposals(tx, actor, row.projectId, periods);
}
