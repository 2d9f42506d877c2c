import { and, asc, eq, inArray, notInArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { duplicateHits } from '../duplicates/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { experts } from '../experts/schema.js';
import { attachmentsOf } from '../files/service.js';
import { expenses, payments } from '../funds/schema.js';
import { orgs } from '../orgs/schema.js';
import { projects, rectifications } from '../projects/schema.js';
import { objections, publicities } from '../publicity/schema.js';
import { alerts } from '../redflags/schema.js';
import { scoreSheets } from '../reviews/schema.js';

const provider = alias(orgs, 'provider');
const buyer = alias(orgs, 'buyer');

const iso = (d: Date | null) => d?.toISOString() ?? null;
/** The console's own download route, which records a supervisor's read in the audit trail. */
const consoleFiles = (list: Awaited<ReturnType<typeof attachmentsOf>>) =>
  list.map((f) => ({ ...f, url: `/api/supervision/files/${f.id}` }));

async function findCall(db: Db, id: string) {
  const [row] = await db
    .select({ call: calls, buyerName: buyer.name })
    .from(calls)
    .innerJoin(buyer, eq(buyer.id, calls.buyerOrgId))
    .where(eq(calls.id, id));
  if (!row) throw notFound('项目');
  return row;
}

/**
 * Everything about one project, what is not public included, except the experts' scores and the
 * objectors' identities: those have their own reads, each recorded in the audit trail.
 */
export async function projectFile(db: Db, callId: string) {
  const { call, buyerName } = await findCall(db, callId);
  const apps = await db
    .select({
      id: applications.id,
      providerName: provider.name,
      status: applications.status,
      requestedFen: applications.requestedFen,
      title: applications.proposal,
      submittedAt: applications.submittedAt,
    })
    .from(applications)
    .innerJoin(provider, eq(provider.id, applications.providerOrgId))
    // A draft is the provider's own until it is submitted.
    .where(and(eq(applications.callId, callId), notInArray(applications.status, ['draft', 'withdrawn'])))
    .orderBy(asc(applications.submittedAt));
  const appIds = apps.map((a) => a.id);
  const contractRows = await db
    .select({ contract: contracts, project: projects, providerName: provider.name })
    .from(contracts)
    .innerJoin(provider, eq(provider.id, contracts.providerOrgId))
    .leftJoin(projects, eq(projects.id, contracts.id))
    .where(eq(contracts.callId, callId))
    .orderBy(asc(contracts.code));
  const contractIds = contractRows.map((c) => c.contract.id);
  const some = <T>(ids: string[], load: () => Promise<T[]>) => (ids.length ? load() : Promise.resolve([]));
  const [
    callFiles,
    appFiles,
    contractFiles,
    hits,
    awardRows,
    paymentRows,
    expenseRows,
    evaluationRows,
    rectificationRows,
    alertRows,
  ] = await Promise.all([
    attachmentsOf(db, 'call', [callId]),
    attachmentsOf(db, 'application', appIds),
    attachmentsOf(db, 'contract', contractIds),
    some(appIds, () =>
      db
        .select()
        .from(duplicateHits)
        .where(inArray(duplicateHits.applicationId, appIds))
        .orderBy(asc(duplicateHits.createdAt)),
    ),
    db.select().from(awards).where(eq(awards.callId, callId)).orderBy(asc(awards.rank)),
    some(contractIds, () =>
      db
        .select()
        .from(payments)
        .where(inArray(payments.projectId, contractIds))
        .orderBy(asc(payments.createdAt)),
    ),
    some(contractIds, () =>
      db
        .select()
        .from(expenses)
        .where(inArray(expenses.projectId, contractIds))
        .orderBy(asc(expenses.spentOn), asc(expenses.createdAt)),
    ),
    some(contractIds, () =>
      db
        .select({ evaluation: evaluations, evaluatorName: orgs.name })
        .from(evaluations)
        .innerJoin(orgs, eq(orgs.id, evaluations.evaluatorOrgId))
        .where(inArray(evaluations.projectId, contractIds))
        .orderBy(asc(evaluations.createdAt)),
    ),
    some(contractIds, () =>
      db
        .select()
        .from(rectifications)
        .where(inArray(rectifications.projectId, contractIds))
        .orderBy(asc(rectifications.openedOn)),
    ),
    some(contractIds, () =>
      db.select().from(alerts).where(inArray(alerts.projectId, contractIds)).orderBy(asc(alerts.raisedAt)),
    ),
  ]);
  const [receipts, reports] = await Promise.all([
    attachmentsOf(
      db,
      'expense',
      expenseRows.map((e) => e.id),
    ),
    attachmentsOf(
      db,
      'evaluation',
      evaluationRows.map((e) => e.evaluation.id),
    ),
  ]);
  const titleOf = new Map(apps.map((a) => [a.id, (a.title as { title?: string }).title ?? '']));
  return {
    call: {
      id: call.id,
      code: call.code,
      title: call.title,
      category: call.category,
      year: call.year,
      status: call.status,
      buyerOrgId: call.buyerOrgId,
      buyerName,
      budgetCapFen: call.budgetCapFen,
      totalBudgetFen: call.totalBudgetFen,
      servicePeriodStart: call.servicePeriodStart,
      servicePeriodEnd: call.servicePeriodEnd,
      publishedAt: iso(call.publishedAt),
      files: consoleFiles(callFiles),
    },
    applications: apps.map((a) => ({
      id: a.id,
      providerName: a.providerName,
      title: titleOf.get(a.id) ?? '',
      status: a.status,
      requestedFen: a.requestedFen,
      submittedAt: iso(a.submittedAt),
      files: consoleFiles(appFiles.filter((f) => f.ownerId === a.id)),
    })),
    duplicates: hits.map((h) => ({
      id: h.id,
      applicationId: h.applicationId,
      applicationTitle: titleOf.get(h.applicationId) ?? '',
      otherApplicationId: h.otherApplicationId,
      kind: h.kind,
      score: h.score,
      detail: h.detail,
    })),
    awards: awardRows.map((w) => ({
      id: w.id,
      applicationId: w.applicationId,
      applicationTitle: titleOf.get(w.applicationId) ?? '',
      amountFen: w.amountFen,
      rank: w.rank,
      scoreCenti: w.scoreCenti,
      status: w.status,
    })),
    contracts: contractRows.map(({ contract: c, project: p, providerName }) => ({
      id: c.id,
      code: c.code,
      providerName,
      amountFen: c.amountFen,
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      status: c.status,
      signedAt: iso(c.signedAt),
      projectStatus: p?.status ?? (c.status === 'signed' ? 'contracted' : null),
      terminationReason: p?.terminationReason ?? null,
      files: consoleFiles(contractFiles.filter((f) => f.ownerId === c.id)),
    })),
    payments: paymentRows.map((p) => ({
      id: p.id,
      projectId: p.projectId,
      label: p.label,
      condition: p.condition,
      amountFen: p.amountFen,
      status: p.status,
      paidOn: p.paidOn,
      paidFen: p.paidFen,
      voucherNo: p.voucherNo,
      overrideReason: p.overrideReason,
      rejectReason: p.rejectReason,
    })),
    expenses: expenseRows.map((e) => ({
      id: e.id,
      projectId: e.projectId,
      category: e.category,
      amountFen: e.amountFen,
      spentOn: e.spentOn,
      invoiceNo: e.invoiceNo,
      payee: e.payee,
      description: e.description,
      receipts: consoleFiles(receipts.filter((f) => f.ownerId === e.id)),
    })),
    evaluations: evaluationRows.map(({ evaluation: e, evaluatorName }) => ({
      id: e.id,
      projectId: e.projectId,
      stage: e.stage,
      evaluatorName,
      status: e.status,
      totalDeci: e.totalDeci,
      grade: e.grade,
      reportSummary: e.reportSummary,
      submittedAt: iso(e.submittedAt),
      acceptedAt: iso(e.acceptedAt),
      reports: consoleFiles(reports.filter((f) => f.ownerId === e.id)),
    })),
    rectifications: rectificationRows.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      reason: r.reason,
      openedOn: r.openedOn,
      dueOn: r.dueOn,
      status: r.status,
    })),
    alerts: alertRows.map((a) => ({
      id: a.id,
      projectId: a.projectId,
      indicatorId: a.indicatorId,
      message: a.message,
      status: a.status,
      raisedAt: a.raisedAt.toISOString(),
    })),
  };
}
export type ProjectFile = Awaited<ReturnType<typeof projectFile>>;

/** Each expert's score sheets for the call's applications, by name (not public). */
export async function scoresOf(db: Db, callId: string) {
  await findCall(db, callId);
  const rows = await db
    .select({
      sheet: scoreSheets,
      expertName: experts.name,
      proposal: applications.proposal,
      providerName: provider.name,
    })
    .from(scoreSheets)
    .innerJoin(experts, eq(experts.id, scoreSheets.expertId))
    .innerJoin(applications, eq(applications.id, scoreSheets.applicationId))
    .innerJoin(provider, eq(provider.id, applications.providerOrgId))
    .where(eq(applications.callId, callId))
    .orderBy(asc(applications.id), asc(experts.name));
  return rows.map(({ sheet, expertName, proposal, providerName }) => ({
    applicationId: sheet.applicationId,
    applicationTitle: (proposal as { title?: string }).title ?? '',
    providerName,
    expertName,
    scores: sheet.scores,
    totalCenti: sheet.totalCenti,
    comment: sheet.comment,
    submittedAt: iso(sheet.submittedAt),
  }));
}

/** The objections raised in the call's publicities, with the objectors' names and contacts. */
export async function objectionsOf(db: Db, callId: string) {
  await findCall(db, callId);
  const rows = await db
    .select({ objection: objections, kind: publicities.kind })
    .from(objections)
    .innerJoin(publicities, eq(publicities.id, objections.publicityId))
    .where(eq(publicities.callId, callId))
    .orderBy(asc(objections.createdAt));
  return rows.map(({ objection: o, kind }) => ({
    id: o.id,
    publicityKind: kind,
    objectorName: o.objectorName,
    objectorContact: o.objectorContact,
    reason: o.reason,
    status: o.status,
    answer: o.answer,
    answeredAt: iso(o.answeredAt),
    createdAt: o.createdAt.toISOString(),
  }));
}
