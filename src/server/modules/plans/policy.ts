import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type PlanRow = { buyerOrgId: string } | null;
const isBuyerOrg = (u: CurrentUser) =>
  hasRole(u, 'buyer') && (u.org?.kind === 'buyer' || u.org?.kind === 'station');

/** Annual plans are public; each buyer keeps its own lines. */
export const planPolicy: Policy<PlanRow, 'create' | 'update' | 'import'> = {
  create: isBuyerOrg,
  import: isBuyerOrg,
  update: (u, line) => isBuyerOrg(u) && !!line && u.org?.id === line.buyerOrgId,
};
