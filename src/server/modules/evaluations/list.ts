/**
 * The viewer's evaluations across projects, in one query: the evaluator's workspace (its own
 * organization's only, as everywhere), the buyer's and the provider's (their projects'), and all
 * for administrators and supervisors. Those still under way come first, soonest due first.
 */
import { and, asc, count, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import {
  type EvaluationListItem,
  type evaluationQuery,
  gradeLabels,
  OPEN_EVALUATION_STATES,
} from '../../../domain/evaluations.js';
import type { Db } from '../../db/client.js';
import { authorize, type Policy, permittedActions } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';
import { evaluationPolicy } from './policy.js';
import { evaluations } from './schema.js';

export const evaluationListPolicy: Policy<null, 'list'> = {
  list: (u) => hasRole(u, 'evaluator', 'buyer', 'provider', 'admin', 'supervisor'),
};

const buyerOrg = alias(orgs, 'buyer_org');
const providerOrg = alias(orgs, 'provider_org');
const evaluatorOrg = alias(orgs, 'evaluator_org');

/** The viewer's own evaluations; null when it sees all of them. */
function scopeOf(viewer: CurrentUser): SQL | null {
  if (hasRole(viewer, 'admin', 'supervisor')) return null;
  const orgId = viewer.org?.id;
  if (!orgId) return sql`false`;
  const own: SQL[] = [];
  if (hasRole(viewer, 'evaluator')) own.push(eq(evaluations.evaluatorOrgId, orgId));
  if (hasRole(viewer, 'buyer')) own.push(eq(contracts.buyerOrgId, orgId));
  if (hasRole(viewer, 'provider')) own.push(eq(contracts.providerOrgId, orgId));
  return or(...own) ?? sql`false`;
}

export async function listEvaluations(
  db: Db,
  viewer: CurrentUser | null,
  query: z.infer<typeof evaluationQuery>,
) {
  authorize(viewer, evaluationListPolicy, 'list', null);
  const open = query.open === '1' || query.open === 'true';
  const where = and(
    scopeOf(viewer) ?? undefined,
    query.stage ? eq(evaluations.stage, query.stage) : undefined,
    query.status ? eq(evaluations.status, query.status) : undefined,
    query.grade ? eq(evaluations.grade, query.grade) : undefined,
    open ? inArray(evaluations.status, [...OPEN_EVALUATION_STATES]) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        e: evaluations,
        projectTitle: sql<string>`${applications.proposal}->>'title'`,
        contractCode: contracts.code,
        buyerOrgId: contracts.buyerOrgId,
        providerOrgId: contracts.providerOrgId,
        buyerName: buyerOrg.name,
        providerName: providerOrg.name,
        evaluatorName: evaluatorOrg.name,
      })
      .from(evaluations)
      .innerJoin(contracts, eq(contracts.id, evaluations.projectId))
      .innerJoin(awards, eq(awards.id, contracts.awardId))
      .innerJoin(applications, eq(applications.id, awards.applicationId))
      .innerJoin(buyerOrg, eq(buyerOrg.id, contracts.buyerOrgId))
      .innerJoin(providerOrg, eq(providerOrg.id, contracts.providerOrgId))
      .innerJoin(evaluatorOrg, eq(evaluatorOrg.id, evaluations.evaluatorOrgId))
      .where(where)
      .orderBy(
        sql`case when ${inArray(evaluations.status, [...OPEN_EVALUATION_STATES])} then 0 else 1 end`,
        asc(evaluations.dueOn),
        desc(evaluations.createdAt),
        asc(evaluations.id),
      )
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(evaluations)
      .innerJoin(contracts, eq(contracts.id, evaluations.projectId))
      .where(where),
  ]);
  const items = rows.map(({ e, ...r }): EvaluationListItem => {
    const resource = {
      parties: {
        buyerOrgId: r.buyerOrgId,
        providerOrgId: r.providerOrgId,
        evaluatorOrgIds: [e.evaluatorOrgId],
      },
      evaluatorOrgId: e.evaluatorOrgId,
    };
    const allowed = permittedActions(viewer, evaluationPolicy, resource, ['score', 'decide']);
    return {
      id: e.id,
      projectId: e.projectId,
      projectTitle: r.projectTitle,
      contractCode: r.contractCode,
      buyerName: r.buyerName,
      providerName: r.providerName,
      stage: e.stage,
      status: e.status,
      evaluatorOrgId: e.evaluatorOrgId,
      evaluatorName: r.evaluatorName,
      dueOn: e.dueOn,
      total: e.totalDeci === null ? null : e.totalDeci / 10,
      grade: e.grade,
      gradeLabel: e.grade ? gradeLabels[e.grade] : null,
      submittedAt: e.submittedAt?.toISOString() ?? null,
      acceptedAt: e.acceptedAt?.toISOString() ?? null,
      version: e.version,
      actions: [
        ...((e.status === 'commissioned' || e.status === 'returned') && allowed.includes('score')
          ? ['score', 'upload', 'submit']
          : []),
        ...(e.status === 'submitted' && allowed.includes('decide') ? ['accept', 'return'] : []),
      ],
    };
  });
  return { items, total, page: query.page, pageSize: query.pageSize };
}
