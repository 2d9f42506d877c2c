import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

export type InspectionRef = { supervisorId: string; buyerOrgId: string; status: string } | null;

const ownInspection = (u: CurrentUser, r: InspectionRef) =>
  hasRole(u, 'supervisor') && !!r && r.supervisorId === u.id;
const ownBuyer = (u: CurrentUser, r: InspectionRef) =>
  hasRole(u, 'buyer') && !!r && u.org?.id === r.buyerOrgId;

/**
 * The supervisors' console reads every project, what is not public included, for the supervisory
 * bodies and administrators. Inspections are written by supervisors only, each by the one who
 * recorded it and until it is closed; the project's buyer reads and answers them.
 */
export const supervisionPolicy: Policy<InspectionRef, 'search' | 'export' | 'inspect'> = {
  search: (u) => hasRole(u, 'supervisor', 'admin'),
  export: (u) => hasRole(u, 'supervisor', 'admin'),
  inspect: (u) => hasRole(u, 'supervisor'),
};

export const inspectionPolicy: Policy<InspectionRef, 'list' | 'view' | 'edit' | 'close' | 'answer'> = {
  list: (u) => hasRole(u, 'supervisor', 'admin', 'buyer'),
  view: (u, r) => hasRole(u, 'supervisor', 'admin') || ownBuyer(u, r),
  edit: (u, r) => ownInspection(u, r) && r!.status !== 'closed',
  close: (u, r) => ownInspection(u, r) && r!.status !== 'closed',
  answer: (u, r) => ownBuyer(u, r) && r!.status !== 'closed',
};
