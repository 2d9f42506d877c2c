import { type ApplicationState, applicationStateLabels } from '../../../domain/lifecycle.js';
import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

export type ApplicationAccess = {
  providerOrgId: string;
  communityOrgId: string | null;
  buyerOrgId: string;
  status: string;
};
type Action = 'create' | 'view' | 'edit' | 'cosign' | 'submit' | 'withdraw' | 'override' | 'explain';

const ofProvider = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'provider') && !!a && u.org?.id === a.providerOrgId;
const ofCommunity = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'community') && !!a && !!a.communityOrgId && u.org?.id === a.communityOrgId;
const ofBuyer = (u: CurrentUser, a: ApplicationAccess | null) =>
  hasRole(u, 'buyer') && !!a && u.org?.id === a.buyerOrgId;
const submitted = (a: ApplicationAccess | null) => !!a && !['draft', 'withdrawn'].includes(a.status);

/**
 * Who may act on an application. The applicant and its community see the whole application; the
 * buyer of the call, admins and supervisors see it once submitted; nobody else learns it exists
 * (404). Whether the application's state allows an action is a separate question (409).
 */
export const applicationPolicy: Policy<ApplicationAccess | null, Action> = {
  create: (u) => hasRole(u, 'provider') && u.org?.kind === 'provider',
  view: (u, a) =>
    ofProvider(u, a) ||
    ofCommunity(u, a) ||
    (submitted(a) && (ofBuyer(u, a) || hasRole(u, 'admin', 'supervisor'))),
  edit: ofProvider,
  cosign: ofCommunity,
  submit: ofProvider,
  withdraw: ofProvider,
  override: ofBuyer,
  explain: ofProvider,
};

const editable: ApplicationState[] = ['draft', 'withdrawn'];
const underCheck: ApplicationState[] = ['submitted', 'eligible', 'ineligible'];
export const statesAllowing: Partial<Record<Action, { states: ApplicationState[]; verb: string }>> = {
  edit: { states: editable, verb: '修改' },
  cosign: { states: editable, verb: '签章' },
  submit: { states: editable, verb: '提交' },
  withdraw: { states: underCheck, verb: '撤回' },
  override: { states: underCheck, verb: '调整资格审查结论' },
  explain: {
    states: ['submitted', 'eligible', 'ineligible', 'scored', 'awarded', 'not_awarded'],
    verb: '填写说明',
  },
};

/** Null when the state allows the action, otherwise the message for a 409. */
export function stateProblem(action: Action, status: string): string | null {
  const rule = statesAllowing[action];
  if (!rule || rule.states.includes(status as ApplicationState)) return null;
  return `申报当前为“${applicationStateLabels[status as ApplicationState] ?? status}”，不能${rule.verb}`;
}
