import type { PanelMemberState } from '../../../domain/reviews.js';
import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

/**
 * A call's review as its buyer and overseers see it. With a `null` resource a rule checks the
 * role only (before anything is read, so wrong roles learn nothing); with the call it also
 * checks that a buyer acts for the call's own organization.
 */
type CallRef = { buyerOrgId: string } | null;
const ownBuyer = (u: CurrentUser, call: CallRef) =>
  hasRole(u, 'buyer') && (!call || call.buyerOrgId === u.org?.id);
const overseer = (u: CurrentUser, call: CallRef) => hasRole(u, 'admin', 'supervisor') || ownBuyer(u, call);

export const reviewPolicy: Policy<CallRef, 'view' | 'results' | 'start' | 'award'> = {
  view: overseer,
  results: overseer,
  start: ownBuyer,
  award: ownBuyer,
};

/**
 * A panel member acting on a session, through the expert record linked to their account. With a
 * `null` resource the role only; otherwise `member` is the user's seat on the panel, if any.
 */
type Seat = { member: { status: PanelMemberState } | null } | null;
const isExpert = (u: CurrentUser) => hasRole(u, 'expert');

export const panelPolicy: Policy<Seat, 'mine' | 'respond' | 'score'> = {
  mine: isExpert,
  respond: (u, seat) => isExpert(u) && (!seat || !!seat.member),
  /** Only accepted members see the applications and score them. */
  score: (u, seat) => isExpert(u) && (!seat || seat.member?.status === 'accepted'),
};
