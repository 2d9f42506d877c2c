import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { applications } from '../applications/schema.js';
import { auditLog } from '../audit/schema.js';
import { awards } from '../awards/schema.js';
import { callChanges, calls } from '../calls/schema.js';
import { contractAmendments, contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { orgs } from '../orgs/schema.js';
import { planLines } from '../plans/schema.js';
import { timelineEvents } from '../timeline/schema.js';

/** The public steps that become releases (timeline kinds), see releases.ts. */
export const RELEASED_KINDS = [
  'call.publish',
  'call.close',
  'call.cancel',
  'call.fail',
  'call.openPublicity',
  'call.closePublicity',
  'contract.signed',
  'contract.amended',
  'payment.pay',
  'evaluation.finalize',
  'project.close',
  'project.terminate',
] as const;

/**
 * Everything the releases are built from, read in one go: the public calls, their timeline steps
 * (append-only), the public change records with before and after values, and the organizations
 * (name and credit code only: never a person's name or contact).
 */
export async function loadSources(db: Executor) {
  const callRows = await db
    .select({
      id: calls.id,
      code: calls.code,
      title: calls.title,
      category: calls.category,
      buyerOrgId: calls.buyerOrgId,
      planLineId: calls.planLineId,
      totalBudgetFen: calls.totalBudgetFen,
      servicePeriodStart: calls.servicePeriodStart,
      servicePeriodEnd: calls.servicePeriodEnd,
      applicationOpensAt: calls.applicationOpensAt,
      applicationClosesAt: calls.applicationClosesAt,
      publishedAt: calls.publishedAt,
    })
    .from(calls)
    .where(isNotNull(calls.publishedAt))
    .orderBy(asc(calls.code));
  const callIds = callRows.map((c) => c.id);
  const planLineIds = [...new Set(callRows.flatMap((c) => (c.planLineId ? [c.planLineId] : [])))];
  const none = callIds.length === 0;
  const [events, changes, plans, planAudits, awardRows, contractRows, submissions] = await Promise.all([
    none
      ? []
      : db
          .select({
            id: timelineEvents.id,
            callId: timelineEvents.callId,
            at: timelineEvents.at,
            kind: timelineEvents.kind,
            detail: timelineEvents.detail,
          })
          .from(timelineEvents)
          .where(
            and(inArray(timelineEvents.kind, [...RELEASED_KINDS]), inArray(timelineEvents.callId, callIds)),
          )
          .orderBy(asc(timelineEvents.at), asc(timelineEvents.id)),
    none
      ? []
      : db
          .select()
          .from(callChanges)
          .where(inArray(callChanges.callId, callIds))
          .orderBy(asc(callChanges.changedAt), asc(callChanges.id)),
    planLineIds.length
      ? db
          .select({
            id: planLines.id,
            title: planLines.title,
            year: planLines.year,
            budgetFen: planLines.budgetFen,
            plannedQuarter: planLines.plannedQuarter,
            createdAt: planLines.createdAt,
          })
          .from(planLines)
          .where(inArray(planLines.id, planLineIds))
      : [],
    planLineIds.length
      ? db
          .select({
            id: auditLog.id,
            at: auditLog.at,
            targetId: auditLog.targetId,
            summary: auditLog.summary,
          })
          .from(auditLog)
          .where(
            and(
              eq(auditLog.action, 'plan.updated'),
              eq(auditLog.targetType, 'plan_line'),
              inArray(auditLog.targetId, planLineIds),
            ),
          )
          .orderBy(asc(auditLog.id))
      : [],
    none
      ? []
      : db
          .select({
            id: awards.id,
            callId: awards.callId,
            amountFen: awards.amountFen,
            providerOrgId: applications.providerOrgId,
            status: awards.status,
            publicityId: awards.publicityId,
            projectTitle: sql<string>`${applications.proposal}->>'title'`,
          })
          .from(awards)
          .innerJoin(applications, eq(applications.id, awards.applicationId))
          .where(inArray(awards.callId, callIds)),
    none
      ? []
      : db
          .select({
            id: contracts.id,
            code: contracts.code,
            awardId: contracts.awardId,
            callId: contracts.callId,
            providerOrgId: contracts.providerOrgId,
            amountFen: contracts.amountFen,
            signedAt: contracts.signedAt,
          })
          .from(contracts)
          .where(and(inArray(contracts.callId, callIds), isNotNull(contracts.signedAt))),
    none
      ? []
      : db
          .select({ callId: applications.callId, submittedAt: applications.submittedAt })
          .from(applications)
          .where(and(inArray(applications.callId, callIds), isNotNull(applications.submittedAt))),
  ]);
  const contractIds = contractRows.map((c) => c.id);
  const [amendments, grades] = await Promise.all([
    contractIds.length
      ? db
          .select({ contractId: contractAmendments.contractId, number: contractAmendments.number })
          .from(contractAmendments)
          .where(inArray(contractAmendments.contractId, contractIds))
      : [],
    contractIds.length
      ? db
          .select({
            id: evaluations.id,
            projectId: evaluations.projectId,
            stage: evaluations.stage,
            grade: evaluations.grade,
          })
          .from(evaluations)
          .where(inArray(evaluations.projectId, contractIds))
      : [],
  ]);
  const orgIds = [
    ...new Set([
      ...callRows.map((c) => c.buyerOrgId),
      ...awardRows.map((a) => a.providerOrgId),
      ...contractRows.map((c) => c.providerOrgId),
    ]),
  ];
  const orgRows = orgIds.length
    ? await db
        .select({ id: orgs.id, name: orgs.name, creditCode: orgs.creditCode })
        .from(orgs)
        .where(inArray(orgs.id, orgIds))
    : [];
  return {
    calls: callRows,
    events,
    changes,
    plans,
    planAudits,
    awards: awardRows,
    contracts: contractRows,
    amendments,
    grades,
    submissions,
    orgs: orgRows,
  };
}

export type Sources = Awaited<ReturnType<typeof loadSources>>;
