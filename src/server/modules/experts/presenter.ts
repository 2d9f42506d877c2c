import type { ExpertField } from '../../../domain/enums.js';
import { permittedActions } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { expertPolicy } from './policy.js';
import type { experts } from './schema.js';

export type ExpertRow = typeof experts.$inferSelect;

export const present = (viewer: CurrentUser, row: ExpertRow, employerOrgName: string | null) => ({
  id: row.id,
  name: row.name,
  field: row.field as ExpertField,
  title: row.title,
  employerOrgId: row.employerOrgId,
  employerName: employerOrgName ?? row.employerName,
  formerEmployerOrgIds: row.formerEmployerOrgIds,
  phone: expertPolicy.viewPhone(viewer, row) ? row.phone : null,
  userId: row.userId,
  active: row.active,
  actions: permittedActions(viewer, expertPolicy, row, ['update', 'deactivate', 'activate']),
});
export type PresentedExpert = ReturnType<typeof present>;
