import type { Policy } from '../../http/authorize.js';
import { activationRules } from '../../http/crud/activation.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type ExpertRow = { active: boolean } | null;
const isAdmin = (u: CurrentUser) => hasRole(u, 'admin');

export const expertPolicy: Policy<
  ExpertRow,
  'list' | 'create' | 'update' | 'import' | 'export' | 'deactivate' | 'activate' | 'viewPhone'
> = {
  list: (u) => hasRole(u, 'admin', 'supervisor', 'buyer'),
  create: isAdmin,
  update: isAdmin,
  import: isAdmin,
  export: (u) => hasRole(u, 'admin', 'supervisor'),
  // An expert's phone is personal data: only the pool's administrators see it.
  viewPhone: isAdmin,
  ...activationRules<ExpertRow>(isAdmin),
};
