import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

/** The two parties of a contract (for creation: of the award it will be made from). */
type Parties = { buyerOrgId: string; providerOrgId: string } | null;

const ownBuyer = (u: CurrentUser, r: Parties) => hasRole(u, 'buyer') && !!r && u.org?.id === r.buyerOrgId;
const ownProvider = (u: CurrentUser, r: Parties) =>
  hasRole(u, 'provider') && !!r && u.org?.id === r.providerOrgId;

/**
 * Contracts: the buyer drafts, edits and amends; each party confirms its own side; the parties,
 * administrators and supervisory bodies read them.
 */
export const contractPolicy: Policy<Parties, 'list' | 'view' | 'create' | 'update' | 'confirm' | 'amend'> = {
  list: (u) => hasRole(u, 'buyer', 'provider', 'admin', 'supervisor'),
  view: (u, r) => hasRole(u, 'admin', 'supervisor') || ownBuyer(u, r) || ownProvider(u, r),
  create: ownBuyer,
  update: ownBuyer,
  confirm: (u, r) => ownBuyer(u, r) || ownProvider(u, r),
  amend: ownBuyer,
};

/** The side a user confirms for, or null when they are party to neither. */
export function sideOf(u: CurrentUser, r: Parties): 'buyer' | 'provider' | null {
  if (ownBuyer(u, r)) return 'buyer';
  if (ownProvider(u, r)) return 'provider';
  return null;
}
