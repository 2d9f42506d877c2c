import type { auditLog } from './schema.js';

export const presentEntry = (row: typeof auditLog.$inferSelect) => ({
  id: row.id,
  at: row.at.toISOString(),
  actorId: row.actorId,
  actorName: row.actorName,
  role: row.role,
  orgName: row.orgName,
  action: row.action,
  targetType: row.targetType,
  targetId: row.targetId,
  summary: row.summary,
  ip: row.ip,
  visibility: row.visibility,
});
