import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

/** The call a publicity belongs to: its buyer runs the publicity. */
type CallRow = { buyerOrgId: string } | null;

const ownBuyer = (u: CurrentUser, call: CallRow) =>
  hasRole(u, 'buyer') && !!call && u.org?.id === call.buyerOrgId;

/**
 * Publicity: the buyer of the call opens it, answers objections and closes it. Anyone, even
 * without an account, reads the public page and files objections (those routes need no policy).
 * The objectors' names and contacts are for the buyer and the supervisory bodies only.
 */
export const publicityPolicy: Policy<CallRow, 'open' | 'answer' | 'close' | 'viewInternal'> = {
  open: ownBuyer,
  answer: ownBuyer,
  close: ownBuyer,
  viewInternal: (u, call) => hasRole(u, 'admin', 'supervisor') || ownBuyer(u, call),
};
