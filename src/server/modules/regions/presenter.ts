import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { regionPolicy } from './policy.js';
import type { regions } from './schema.js';

export type RegionRow = typeof regions.$inferSelect;

export const present = (viewer: CurrentUser | null, row: RegionRow, parentName: string | null) => ({
  id: row.id,
  name: row.name,
  code: row.code,
  level: row.level,
  parentId: row.parentId,
  parentName,
  active: row.active,
  actions: permittedActions(viewer, regionPolicy, row, ['update', 'deactivate', 'activate']),
});
