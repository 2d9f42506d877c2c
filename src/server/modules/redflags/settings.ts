/**
 * Alert thresholds per deployment: administrators change an indicator's thresholds (audited with
 * before and after); the open projects' alerts are recomputed with them in the same transaction,
 * so what the monitoring page shows always follows the thresholds in force.
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { alertSettingsBody, IndicatorSettings } from '../../../domain/redflags.js';
import type { Db, Executor } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, notFound, staleVersion, validationError } from '../../http/errors.js';
import { appendAudit } from '../audit/service.js';
import { projects } from '../projects/schema.js';
import { INDICATORS } from './indicators/index.js';
import type { RedFlagIndicator } from './indicators/types.js';
import { alertSettingsPolicy } from './policy.js';
import { alertSettings } from './schema.js';
import { refreshAlerts } from './service.js';
import { mergeThresholds, type StoredSettings, storedSettings, thresholdsInForce } from './thresholds.js';

function present(viewer: CurrentUser, indicator: RedFlagIndicator, row: StoredSettings | undefined) {
  const values = mergeThresholds(indicator.settings, row?.settings);
  const changeable = Object.keys(indicator.settings).length > 0 && alertSettingsPolicy.change(viewer, null);
  return {
    indicatorId: indicator.id,
    name: indicator.name,
    thresholds: Object.entries(indicator.thresholds).map(([key, t]) => ({
      key,
      label: t.label,
      value: values[key],
      defaultValue: indicator.settings[key],
      min: t.min,
      max: t.max,
    })),
    updatedAt: row?.updatedAt.toISOString() ?? null,
    version: row?.version ?? 0,
    actions: changeable ? ['change'] : [],
  } satisfies IndicatorSettings;
}

export async function listSettings(db: Db, viewer: CurrentUser | null) {
  authorize(viewer, alertSettingsPolicy, 'read', null);
  const stored = await storedSettings(db);
  return { items: INDICATORS.map((i) => present(viewer, i, stored.get(i.id))) };
}

/** Which of the sent thresholds the indicator has not, or are out of their bounds. */
function problemsOf(indicator: RedFlagIndicator, settings: Record<string, number>) {
  const problems: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(settings)) {
    const t = Object.hasOwn(indicator.thresholds, key) ? indicator.thresholds[key] : undefined;
    if (!t) problems.push({ path: `settings.${key}`, message: `“${indicator.name}”没有阈值“${key}”` });
    else if (value < t.min || value > t.max)
      problems.push({
        path: `settings.${key}`,
        message: `“${t.label}”应在${t.min / 100}%至${t.max / 100}%之间`,
      });
  }
  return problems;
}

/** The projects whose alerts still change: every project not closed or terminated. */
const openProjects = (db: Executor) =>
  db
    .select({ id: projects.id })
    .from(projects)
    .where(notInArray(projects.status, ['closed', 'terminated']));

export async function updateSettings(
  db: Db,
  actor: Actor & { user: CurrentUser },
  indicatorId: string,
  input: z.infer<typeof alertSettingsBody>,
) {
  authorize(actor.user, alertSettingsPolicy, 'change', null);
  const indicator = INDICATORS.find((i) => i.id === indicatorId);
  if (!indicator) throw notFound('预警指标');
  const problems = problemsOf(indicator, input.settings);
  if (problems.length) throw validationError(problems);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(alertSettings)
      .where(eq(alertSettings.indicatorId, indicatorId))
      .for('update');
    if (input.version !== undefined && input.version !== (row?.version ?? 0)) throw staleVersion();
    const before = mergeThresholds(indicator.settings, row?.settings);
    const after = { ...before, ...input.settings };
    const written = row
      ? await tx
          .update(alertSettings)
          .set({
            settings: after,
            updatedBy: actor.user.id,
            version: sql`${alertSettings.version} + 1`,
            updatedAt: new Date(),
          })
          .where(and(eq(alertSettings.indicatorId, indicatorId), eq(alertSettings.version, row.version)))
          .returning()
      : // Two first changes at once: the second finds the first's row and gets 409.
        await tx
          .insert(alertSettings)
          .values({ indicatorId, settings: after, updatedBy: actor.user.id })
          .onConflictDoNothing()
          .returning();
    if (written.length === 0) throw conflict('预警阈值刚刚被他人修改，请刷新后重试');
    await appendAudit(tx, actor, {
      action: 'alert_settings.updated',
      targetType: 'alert_settings',
      targetId: indicatorId,
      summary: { indicatorId, name: indicator.name, before, after },
    });
    const thresholds = await thresholdsInForce(tx);
    for (const p of await openProjects(tx)) await refreshAlerts(tx, actor, p.id, thresholds);
  });
  const stored = await storedSettings(db);
  return present(actor.user, indicator, stored.get(indicatorId));
}
