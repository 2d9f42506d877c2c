import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CN_HOLIDAYS } from '../domain/holidays-cn.js';
import {
  buildCalendar,
  holidayFile,
  mergeArrangements,
  type WorkingDayCalendar,
} from '../domain/working-days.js';

export const HOLIDAY_FILE = 'holidays.json';

/**
 * The working-day calendar of this deployment: the built-in table (src/domain/holidays-cn.ts),
 * overlaid with `DATA_DIR/holidays.json` when that file exists. A malformed file stops the
 * start with a message naming the problem, rather than silently counting wrong periods.
 */
export function loadCalendar(dataDir: string): WorkingDayCalendar {
  const file = path.join(dataDir, HOLIDAY_FILE);
  if (!existsSync(file)) return buildCalendar(CN_HOLIDAYS);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = holidayFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file}: ${problems}`);
  }
  try {
    return buildCalendar(mergeArrangements(CN_HOLIDAYS, parsed.data));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}
