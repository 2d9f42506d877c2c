import type { Policy } from '../../http/authorize.js';
import { hasRole } from '../../http/current-user.js';

/** The holiday years are the administrators' to keep; the calendar itself is public (/api/public/calendar). */
export const calendarPolicy: Policy<null, 'list' | 'load' | 'replace' | 'status'> = {
  list: (u) => hasRole(u, 'admin'),
  load: (u) => hasRole(u, 'admin'),
  replace: (u) => hasRole(u, 'admin'),
  status: (u) => hasRole(u, 'admin'),
};
