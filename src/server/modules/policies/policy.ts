import type { Policy } from '../../http/authorize.js';
import { hasRole } from '../../http/current-user.js';

/** The policy library is public to read; only administrators write it. */
export const policyLibraryPolicy: Policy<null, 'manage'> = {
  manage: (u) => hasRole(u, 'admin'),
};
