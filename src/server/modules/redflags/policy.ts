import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type ContractParties = { buyerOrgId: string } | null;

const ownBuyer = (u: CurrentUser, r: ContractParties) =>
  hasRole(u, 'buyer') && !!r && u.org?.id === r.buyerOrgId;

/** Alerts are for the buyer who supervises the project and for the supervisory bodies. */
export const alertPolicy: Policy<ContractParties, 'list' | 'view' | 'acknowledge'> = {
  list: (u) => hasRole(u, 'buyer', 'admin', 'supervisor'),
  view: (u, r) => hasRole(u, 'admin', 'supervisor') || ownBuyer(u, r),
  acknowledge: (u, r) => hasRole(u, 'supervisor') || ownBuyer(u, r),
};

/** Alert thresholds: set per deployment by administrators; read by those who act on the alerts. */
export const alertSettingsPolicy: Policy<null, 'read' | 'change'> = {
  read: (u) => hasRole(u, 'admin', 'supervisor', 'buyer'),
  change: (u) => hasRole(u, 'admin'),
};
