import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { CN_HOLIDAYS } from '../domain/holidays-cn.js';
import {
  arrangementsOf,
  buildCalendar,
  type HolidayArrangement,
  holidayFile,
  mergeArrangements,
  type WorkingDayCalendar,
} from '../domain/working-days.js';
import type { Db, Executor } from './db/client.js';
import { holidayYears } from './modules/calendar/schema.js';

export const HOLIDAY_FILE = 'holidays.json';
/** Announced by a trigger on holiday_years at every commit that changed it (migration 0019). */
const CHANNEL = 'holiday_years';
const RECONNECT_MS = 1000;

interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * The working-day calendar every module computes with (`ctx.calendar`): a snapshot of the
 * holiday_years table, replaced as a whole when the table changes — after a load by this process
 * at once, after one by another process when its NOTIFY arrives. Until `attach`ed to a database
 * (src/server/modules/calendar/start.ts, on the app's ready) it is the seed: the built-in table
 * overlaid with DATA_DIR/holidays.json.
 */
export class LiveCalendar implements WorkingDayCalendar {
  private current: WorkingDayCalendar;
  private stopListening: (() => Promise<void>) | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    /** What start writes into the table as the builtin/file years. */
    readonly seed: readonly HolidayArrangement[],
    /** Whether DATA_DIR/holidays.json contributed to the seed. */
    readonly fromFile = false,
  ) {
    this.current = buildCalendar(seed);
  }

  get holidays() {
    return this.current.holidays;
  }
  get workdays() {
    return this.current.workdays;
  }
  get years() {
    return this.current.years;
  }
  get arrangements() {
    return this.current.arrangements;
  }

  /** Every year of the table, as one calendar (throws on a day both off and worked). */
  static async read(db: Executor): Promise<WorkingDayCalendar> {
    const rows = await db.select().from(holidayYears);
    return buildCalendar(rows.flatMap((r) => arrangementsOf(r.year, r.holidays)));
  }

  async reload(db: Executor) {
    this.current = await LiveCalendar.read(db);
  }

  /** Reloads whenever another process commits a change to the table. */
  async listen(db: Db, log: Log) {
    this.stopped = false;
    const client = (db as unknown as { $client: unknown }).$client as {
      listen?: (channel: string, cb: () => void) => Promise<() => Promise<void>>;
      connect?: () => Promise<pg.PoolClient>;
    };
    const heard = () =>
      void this.reload(db).catch((err) => log.warn({ err }, 'calendar: reload after a change failed'));
    const reconnect = () => {
      if (!this.stopped) this.retry = setTimeout(() => void start(), RECONNECT_MS).unref();
    };
    const start = async () => {
      this.retry = null;
      try {
        if (typeof client.listen === 'function') {
          this.stopListening = await client.listen(CHANNEL, heard);
        } else if (typeof client.connect === 'function') {
          const connection = await client.connect();
          let lost = false;
          const drop = (err: Error) => {
            if (lost) return;
            lost = true;
            this.stopListening = null;
            connection.release(true);
            log.warn({ err }, 'calendar: listener lost; reconnecting');
            reconnect();
          };
          connection.on('notification', (m) => m.channel === CHANNEL && heard());
          connection.on('error', drop);
          await connection.query(`LISTEN ${CHANNEL}`);
          this.stopListening = async () => {
            lost = true;
            connection.release(true);
          };
        } else return;
        if (this.stopped) return void (await this.stop());
        // Whatever changed before LISTEN took effect was not announced to us.
        await this.reload(db);
      } catch (err) {
        log.warn({ err }, 'calendar: cannot listen for holiday changes; retrying');
        reconnect();
      }
    };
    await start();
  }

  async stop() {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const stop = this.stopListening;
    this.stopListening = null;
    await stop?.();
  }
}

/**
 * The calendar of this deployment, before it is attached to the database: the built-in table
 * (src/domain/holidays-cn.ts) overlaid with `DATA_DIR/holidays.json` when that file exists. A
 * malformed file stops the start with a message naming the problem, rather than silently
 * counting wrong periods.
 */
export function loadCalendar(dataDir: string): LiveCalendar {
  const file = path.join(dataDir, HOLIDAY_FILE);
  if (!existsSync(file)) return new LiveCalendar(CN_HOLIDAYS);
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
    return new LiveCalendar(mergeArrangements(CN_HOLIDAYS, parsed.data), true);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}
