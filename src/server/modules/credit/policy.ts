import type { CreditEntryState } from '../../../domain/credit.js';
import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

export type EntryResource = { orgId: string; status: CreditEntryState } | null;

const ownOrg = (u: CurrentUser, r: EntryResource) => hasRole(u, 'provider') && !!r && u.org?.id === r.orgId;
const decided = (r: EntryResource) => !!r && (r.status === 'listed' || r.status === 'removed');

/**
 * 红黑榜: admins keep the lists (confirm or decline proposals, enter and import decisions,
 * remove, decide appeals); supervisors read everything, proposals and history included, and
 * change nothing; buyers read the decided entries; a provider reads its own and appeals them.
 */
export const creditPolicy: Policy<
  EntryResource,
  'list' | 'viewAll' | 'view' | 'viewAppeal' | 'manage' | 'appealAny' | 'appeal'
> = {
  list: (u) => hasRole(u, 'admin', 'supervisor', 'buyer', 'provider'),
  viewAll: (u) => hasRole(u, 'admin', 'supervisor'),
  view: (u, r) => hasRole(u, 'admin', 'supervisor') || (decided(r) && (hasRole(u, 'buyer') || ownOrg(u, r))),
  /** An appeal and its evidence are the organization's own case: not for buyers. */
  viewAppeal: (u, r) => hasRole(u, 'admin', 'supervisor') || ownOrg(u, r),
  manage: (u) => hasRole(u, 'admin'),
  /** Who may appeal at all (providers, for their own organization's entries). */
  appealAny: (u) => hasRole(u, 'provider'),
  appeal: (u, r) => ownOrg(u, r) && r?.status === 'listed',
};
