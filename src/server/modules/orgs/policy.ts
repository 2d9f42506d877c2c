import type { Policy } from '../../http/authorize.js';
import { activationRules } from '../../http/crud/activation.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type OrgRow = { active: boolean } | null;
const isAdmin = (u: CurrentUser) => hasRole(u, 'admin');

export const orgPolicy: Policy<
  OrgRow,
  'list' | 'create' | 'update' | 'import' | 'export' | 'deactivate' | 'activate'
> = {
  list: (u) => hasRole(u, 'admin', 'supervisor', 'buyer'),
  create: isAdmin,
  update: isAdmin,
  import: isAdmin,
  export: (u) => hasRole(u, 'admin', 'supervisor'),
  ...activationRules<OrgRow>(isAdmin),
};
