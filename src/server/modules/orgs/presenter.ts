import type { ServiceCategory } from '../../../domain/enums.js';
import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { orgPolicy } from './policy.js';
import type { orgs } from './schema.js';

export type OrgRow = typeof orgs.$inferSelect;

export const present = (viewer: CurrentUser | null, row: OrgRow, regionName: string | null) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  creditCode: row.creditCode,
  regionId: row.regionId,
  regionName,
  registeredOn: row.registeredOn,
  grade: row.grade,
  legalRepresentative: row.legalRepresentative,
  contactName: row.contactName,
  contactPhone: row.contactPhone,
  address: row.address,
  categories: row.categories as ServiceCategory[],
  active: row.active,
  actions: permittedActions(viewer, orgPolicy, row, ['update', 'deactivate', 'activate']),
});
export type PresentedOrg = ReturnType<typeof present>;
