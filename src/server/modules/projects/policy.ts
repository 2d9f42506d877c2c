import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

/** A project's parties, and the evaluation organizations assigned to it (commissions, re-checks). */
export type ProjectParties = {
  buyerOrgId: string;
  providerOrgId: string;
  evaluatorOrgIds: readonly string[];
} | null;

export const ownBuyer = (u: CurrentUser, r: ProjectParties) =>
  hasRole(u, 'buyer') && !!r && u.org?.id === r.buyerOrgId;
export const ownProvider = (u: CurrentUser, r: ProjectParties) =>
  hasRole(u, 'provider') && !!r && u.org?.id === r.providerOrgId;
export const assignedEvaluator = (u: CurrentUser, r: ProjectParties) =>
  hasRole(u, 'evaluator') && !!r && !!u.org && r.evaluatorOrgIds.includes(u.org.id);

/**
 * Projects in implementation: the buyer steers them (termination, rectification, recovery,
 * closing), the provider starts them and rectifies, an assigned evaluator re-checks; the parties,
 * their evaluators, administrators and supervisors read them.
 */
export const projectPolicy: Policy<
  ProjectParties,
  'list' | 'view' | 'start' | 'terminate' | 'close' | 'rectify' | 'submitRectification' | 'recover'
> = {
  list: (u) => hasRole(u, 'buyer', 'provider', 'evaluator', 'admin', 'supervisor'),
  view: (u, r) =>
    hasRole(u, 'admin', 'supervisor') || ownBuyer(u, r) || ownProvider(u, r) || assignedEvaluator(u, r),
  start: (u, r) => ownBuyer(u, r) || ownProvider(u, r),
  terminate: ownBuyer,
  close: ownBuyer,
  rectify: ownBuyer,
  submitRectification: ownProvider,
  recover: ownBuyer,
};

/** The re-check of one rectification is for the evaluation organization it names. */
export const mayCheckRectification = (u: CurrentUser, evaluatorOrgId: string) =>
  hasRole(u, 'evaluator') && u.org?.id === evaluatorOrgId;
