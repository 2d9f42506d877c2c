import { type CurrentUser, hasRole } from '../../http/current-user.js';

/** Who sees what of an application's duplicate findings. */
export type DuplicateAudience = 'reviewer' | 'applicant' | 'none';

/**
 * The buyer, admins, supervisors and the call's accepted panel experts see the findings side by
 * side; the applicant learns only that it was flagged; nobody else learns anything (404).
 */
export function duplicateAudience(
  user: CurrentUser,
  a: { providerOrgId: string; buyerOrgId: string; status: string },
  onPanel: boolean,
): DuplicateAudience {
  const applicant = hasRole(user, 'provider') && user.org?.id === a.providerOrgId;
  if (['draft', 'withdrawn'].includes(a.status)) return applicant ? 'applicant' : 'none';
  if (hasRole(user, 'admin', 'supervisor')) return 'reviewer';
  if (hasRole(user, 'buyer') && user.org?.id === a.buyerOrgId) return 'reviewer';
  if (onPanel) return 'reviewer';
  return applicant ? 'applicant' : 'none';
}
