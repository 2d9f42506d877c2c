import type { CurrentUser } from './current-user.js';
import { forbidden, unauthenticated } from './errors.js';

/**
 * A policy answers, per action, whether a user may take it on a resource.
 * `needsResource` actions are checked against a loaded row; the others against the module.
 */
export type Rule<R> = (user: CurrentUser, resource: R) => boolean;
export type Policy<R, A extends string = string> = Record<A, Rule<R>>;

/** Throws 401 when nobody is signed in and 403 when the policy says no. */
export function authorize<R, A extends string>(
  user: CurrentUser | null,
  policy: Policy<R, A>,
  action: A,
  resource: R,
): asserts user is CurrentUser {
  if (!user) throw unauthenticated();
  if (!policy[action](user, resource)) throw forbidden();
}

/** The actions a user may take on a resource, sent with it so the UI shows only working buttons. */
export function permittedActions<R, A extends string>(
  user: CurrentUser | null,
  policy: Policy<R, A>,
  resource: R,
  candidates: readonly A[] = Object.keys(policy) as A[],
): A[] {
  if (!user) return [];
  return candidates.filter((action) => policy[action](user, resource));
}

/**
 * A preValidation hook checking the role before the body is validated or anything is read: a
 * user who may never take the action gets 401/403, not a validation message. The resource
 * check follows in the service.
 */
export const roleCheck =
  <R, A extends string>(policy: Policy<R, A>, action: A) =>
  async (request: { user: CurrentUser | null }) =>
    authorize(request.user, policy, action, null as R);
