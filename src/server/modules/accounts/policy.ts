import type { Policy } from '../../http/authorize.js';
import { activationRules } from '../../http/crud/activation.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type UserRow = { active: boolean } | null;
const isAdmin = (u: CurrentUser) => hasRole(u, 'admin');

export const userPolicy: Policy<
  UserRow,
  'list' | 'create' | 'update' | 'deactivate' | 'activate' | 'resetPassword'
> = {
  list: (u) => hasRole(u, 'admin', 'supervisor'),
  create: isAdmin,
  update: isAdmin,
  resetPassword: isAdmin,
  ...activationRules<UserRow>(isAdmin),
};
