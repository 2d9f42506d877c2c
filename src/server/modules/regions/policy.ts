import type { Policy } from '../../http/authorize.js';
import { activationRules } from '../../http/crud/activation.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';

type RegionRow = { active: boolean } | null;
const isAdmin = (u: CurrentUser) => hasRole(u, 'admin');

/** Regions are public facts (the map of the district); only admins change them. */
export const regionPolicy: Policy<RegionRow, 'create' | 'update' | 'deactivate' | 'activate'> = {
  create: isAdmin,
  update: isAdmin,
  ...activationRules<RegionRow>(isAdmin),
};
