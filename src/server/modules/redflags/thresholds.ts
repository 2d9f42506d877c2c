/** The thresholds in force: each indicator's defaults, with what an administrator stored over them. */
import type { Executor } from '../../db/client.js';
import { INDICATORS } from './indicators/index.js';
import { alertSettings } from './schema.js';

export type StoredSettings = typeof alertSettings.$inferSelect;

/** Only the keys an indicator declares are taken from a stored row (a removed key is ignored). */
export function mergeThresholds(
  defaults: Record<string, number>,
  stored: Record<string, number> | undefined,
) {
  const merged = { ...defaults };
  for (const key of Object.keys(defaults)) if (typeof stored?.[key] === 'number') merged[key] = stored[key];
  return merged;
}

export async function storedSettings(db: Executor) {
  const rows = await db.select().from(alertSettings);
  return new Map(rows.map((r) => [r.indicatorId, r]));
}

/** Indicator id → its thresholds in force. One small query (a row per changed indicator). */
export async function thresholdsInForce(db: Executor) {
  const stored = await storedSettings(db);
  return new Map(INDICATORS.map((i) => [i.id, mergeThresholds(i.settings, stored.get(i.id)?.settings)]));
}
export type Thresholds = Awaited<ReturnType<typeof thresholdsInForce>>;
