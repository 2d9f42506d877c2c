import type { Policy } from '../../http/authorize.js';
import { hasRole } from '../../http/current-user.js';

/** The full trail (internal entries, IPs) is for administrators and the supervisory bodies. */
export const auditPolicy: Policy<null, 'list' | 'export'> = {
  list: (u) => hasRole(u, 'admin', 'supervisor'),
  export: (u) => hasRole(u, 'admin', 'supervisor'),
};
