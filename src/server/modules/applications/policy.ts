import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

export type ApplicationAccess = {
  providerOrgId: string;
  communityOrgId: string | null;
  buyerOrgId: string;
  status: string;
};

const ofProvider = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'provider') && !!a && u.org?.id === a.providerOrgId;
const ofCommunity = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'community') && !!a && !!a.communityOrgId && u.org?.id === a.communityOrgId;
const ofBuyer = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'buyer') && !!a && u.org?.id === a.buyerOrgId;
const submitted = (a: ApplicationAccess | null) => !!a && !['draft', 'withdrawn'].includes(a.status);
const editable = (a: ApplicationAccess | null) => !!a && ['draft', 'withdrawn'].includes(a.status);

/**
 * The applicant and its community see the whole application; the buyer of the call, admins and
 * supervisors see it once submitted. Nobody else learns that it exists (404).
 */
export const applicationPolicy: Policy<
  ApplicationAccess | null,
  'create' | 'view' | 'edit' | 'cosign' | 'submit' | 'withdraw' | 'override' | 'explain'
> = {
  create: (u) => hasRole(u, 'provider') && u.org?.kind === 'provider',
  view: (u, a) =>
    ofProvider(u, a) ||
    ofCommunity(u, a) ||
    (submitted(a) && (ofBuyer(u, a) || hasRole(u, 'admin', 'supervisor'))),
  edit: (u, a) => ofProvider(u, a) && editable(a),
  cosign: (u, a) => ofCommunity(u, a) && editable(a),
  submit: (u, a) => ofProvider(u, a) && editable(a),
  withdraw: (u, a) => ofProvider(u, a) && !!a && ['submitted', 'eligible', 'ineligible'].includes(a.status),
  override: (u, a) => ofBuyer(u, a) && !!a && ['submitted', 'eligible', 'ineligible'].includes(a.status),
  explain: (u, a) => ofProvider(u, a) && submitted(a),
};
