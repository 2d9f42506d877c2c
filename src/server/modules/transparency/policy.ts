import type { Policy } from '../../http/authorize.js';
import { hasRole } from '../../http/current-user.js';

/** The log itself is public; opening an entry's commitment (salt and full content) is for supervisors. */
export const transparencyPolicy: Policy<null, 'open'> = {
  open: (u) => hasRole(u, 'supervisor', 'admin'),
};
