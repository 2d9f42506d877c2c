import type { Policy } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { hasRole } from '../../http/current-user.js';

type CallRow = { buyerOrgId: string; status: string } | null;

export const isBuyerOf = (u: CurrentUser, call: { buyerOrgId: string } | null) =>
  hasRole(u, 'buyer') && !!call && u.org?.id === call.buyerOrgId;
const isBuyerOrg = (u: CurrentUser) =>
  hasRole(u, 'buyer') && (u.org?.kind === 'buyer' || u.org?.kind === 'station');

/** Buyers manage their own organization's calls; admins and supervisors read every call. */
export const callPolicy: Policy<CallRow, 'create' | 'manage' | 'view' | 'update' | 'seeFlags'> = {
  create: isBuyerOrg,
  manage: (u, call) => isBuyerOf(u, call),
  view: (u, call) => isBuyerOf(u, call) || hasRole(u, 'admin', 'supervisor'),
  update: (u, call) => isBuyerOf(u, call) && !!call && ['draft', 'published'].includes(call.status),
  seeFlags: (u, call) => isBuyerOf(u, call) || hasRole(u, 'admin', 'supervisor'),
};
