import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { experts } from '../experts/schema.js';
import { panelMembers, reviewSessions } from './schema.js';

/** An accepted member of the call's review panel: sees what the panel reviews, as the buyer does. */
export async function isPanelReviewer(db: Executor, user: CurrentUser, callId: string) {
  if (!hasRole(user, 'expert')) return false;
  const [row] = await db
    .select({ id: panelMembers.id })
    .from(panelMembers)
    .innerJoin(reviewSessions, eq(reviewSessions.id, panelMembers.sessionId))
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .where(
      and(
        eq(reviewSessions.callId, callId),
        eq(experts.userId, user.id),
        eq(panelMembers.status, 'accepted'),
      ),
    );
  return !!row;
}
