/** What the API shows of sessions, score sheets and awards. */
import { and, asc, count, eq } from 'drizzle-orm';
import type { ReviewSessionState } from '../../../domain/reviews.js';
import type { Executor } from '../../db/client.js';
import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { orgs } from '../orgs/schema.js';
import { reviewPolicy } from './policy.js';

import type { CallRow, SessionRow, SheetRow } from './types.js';

// ---------- presenters ----------

export const presentSession = (s: SessionRow) => ({
  id: s.id,
  callId: s.callId,
  heldAt: s.heldAt.toISOString(),
  place: s.place,
  panelSize: s.panelSize,
  status: s.status as ReviewSessionState,
  version: s.version,
});

export function presentSheet(row: SheetRow, session: SessionRow) {
  const open = session.status === 'scoring' && !row.submittedAt;
  return {
    applicationId: row.applicationId,
    scores: row.scores,
    totalCenti: row.totalCenti,
    comment: row.comment,
    submittedAt: row.submittedAt?.toISOString() ?? null,
    version: row.version,
    actions: open ? ['save', 'submit'] : [],
  };
}

export async function presentAwards(db: Executor, callId: string) {
  const rows = await db
    .select({ award: awards, providerOrgName: orgs.name })
    .from(awards)
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .where(eq(awards.callId, callId))
    .orderBy(asc(awards.rank), asc(awards.createdAt));
  return rows.map(({ award: a, providerOrgName }) => ({
    id: a.id,
    applicationId: a.applicationId,
    providerOrgName,
    amountFen: a.amountFen,
    rank: a.rank,
    scoreCenti: a.scoreCenti,
    departureReason: a.departureReason,
    status: a.status,
  }));
}

/**
 * What the viewer may do with a review: see the results once scoring is complete, and award
 * (the call's buyer) after scoring, or again after an award was revoked and the call approved.
 */
export async function reviewActions(db: Executor, viewer: CurrentUser, call: CallRow, session: SessionRow) {
  if (session.status !== 'completed') return [];
  const actions: string[] = permittedActions(viewer, reviewPolicy, call, ['results']);
  if (!reviewPolicy.award(viewer, call)) return actions;
  if (call.status === 'in_review') return [...actions, 'award'];
  if (call.status !== 'approved') return actions;
  const [revoked] = await db
    .select({ n: count() })
    .from(awards)
    .where(and(eq(awards.callId, call.id), eq(awards.status, 'revoked')));
  return revoked.n > 0 ? [...actions, 'award'] : actions;
}
