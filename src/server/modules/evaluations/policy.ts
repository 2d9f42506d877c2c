import type { Policy } from '../../http/authorize.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { ownBuyer, type ProjectParties, projectPolicy } from '../projects/policy.js';

/** An evaluation: its project's parties and the evaluation organization commissioned. */
export type EvaluationResource = { parties: ProjectParties; evaluatorOrgId: string } | null;

const ownEvaluator = (u: CurrentUser, r: EvaluationResource) =>
  hasRole(u, 'evaluator') && !!r && u.org?.id === r.evaluatorOrgId;

/**
 * Evaluations: the project's buyer commissions, accepts or returns them; the commissioned
 * organization's evaluators score and submit; an evaluator sees only its own organization's.
 */
export const evaluationPolicy: Policy<EvaluationResource, 'commission' | 'view' | 'score' | 'decide'> = {
  commission: (u, r) => ownBuyer(u, r?.parties ?? null),
  view: (u, r) => !!r && (hasRole(u, 'evaluator') ? ownEvaluator(u, r) : projectPolicy.view(u, r.parties)),
  score: ownEvaluator,
  decide: (u, r) => ownBuyer(u, r?.parties ?? null),
};

/** Indicator systems: administrators keep them; those who commission or use them read them. */
export const templatePolicy: Policy<null, 'read' | 'manage'> = {
  read: (u) => hasRole(u, 'admin', 'buyer', 'evaluator', 'supervisor'),
  manage: (u) => hasRole(u, 'admin'),
};
