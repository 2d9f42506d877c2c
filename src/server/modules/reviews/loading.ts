/** Loading a review session, its panel and the applications under review. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor, Tx } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import type { CurrentUser } from '../../http/current-user.js';
import { notFound } from '../../http/errors.js';
import { applications } from '../applications/schema.js';
import { calls } from '../calls/schema.js';
import { experts } from '../experts/schema.js';
import { orgs } from '../orgs/schema.js';
import { regions } from '../regions/schema.js';
import { panelMembers, reviewSessions } from './schema.js';

import { IN_REVIEW, type MemberRow } from './types.js';

// ---------- loading ----------

export const loadCall = (db: Executor, callId: string) => findById(db, calls, callId, '项目');

export async function sessionOfCall(db: Executor, callId: string) {
  const [session] = await db.select().from(reviewSessions).where(eq(reviewSessions.callId, callId));
  if (!session) throw notFound('评审');
  return session;
}

/** The session row, locked until the transaction ends: answers and submissions of one session run one at a time. */
export async function lockSession(tx: Tx, sessionId: string) {
  const [session] = await tx
    .select()
    .from(reviewSessions)
    .where(eq(reviewSessions.id, sessionId))
    .for('update');
  if (!session) throw notFound('评审');
  return session;
}

/** The expert record linked to the user's account, and the user's seat on the session's panel. */
export async function seatOf(db: Executor, user: CurrentUser, sessionId: string) {
  const [row] = await db
    .select({ member: panelMembers })
    .from(panelMembers)
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .where(and(eq(panelMembers.sessionId, sessionId), eq(experts.userId, user.id)));
  return { member: row?.member ?? null };
}

export const communityOrgs = alias(orgs, 'community_orgs');

export async function applicationsInReview(
  db: Executor,
  callId: string,
  states: readonly string[] = IN_REVIEW,
) {
  return db
    .select({
      app: applications,
      providerOrgName: orgs.name,
      communityOrgName: communityOrgs.name,
      communityName: regions.name,
    })
    .from(applications)
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .leftJoin(communityOrgs, eq(communityOrgs.id, applications.communityOrgId))
    .leftJoin(regions, eq(regions.id, applications.communityRegionId))
    .where(and(eq(applications.callId, callId), inArray(applications.status, [...states])))
    .orderBy(asc(applications.submittedAt), asc(applications.id));
}

export async function panelOf(db: Executor, sessionId: string) {
  return db
    .select({
      member: panelMembers,
      name: experts.name,
      field: experts.field,
      title: experts.title,
      userId: experts.userId,
    })
    .from(panelMembers)
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .where(eq(panelMembers.sessionId, sessionId))
    .orderBy(asc(panelMembers.drawPosition));
}

export const seatsFilled = (panel: { member: MemberRow }[]) =>
  panel.filter((p) => p.member.status !== 'declined').length;
