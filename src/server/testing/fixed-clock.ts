/**
 * The tests' clock: `Date` (and thereby PGlite's `now()`, which reads the JavaScript clock) starts
 * at a fixed instant and runs on at real speed, so that no test depends on the day the suite runs.
 * Only `Date` is replaced — timers, `performance.now()` and the event loop are untouched — and
 * unlike `vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true })`, whose clock moves in
 * 20 ms ticks and stands still while the event loop is busy, every reading advances with real
 * time, so timestamps written one after the other still come out in order.
 *
 * PostgreSQL's own `now()` (the `postgres` API project) stays on the real clock: tests compare
 * times written by the server in JavaScript, or set them explicitly.
 */

/** When the tests' clock starts: a weekday morning in Kunming (not a public holiday). */
export const TEST_NOW = new Date('2026-12-01T10:00:00+08:00');
/**
 * When the seeded templates are built: an hour before the tests' clock starts, so everything
 * seeded predates everything a test writes, as it did when every file seeded its own database.
 */
export const SEED_NOW = new Date(TEST_NOW.getTime() - 3_600_000);

const RealDate = Date;

/** Replaces the global `Date` with one whose clock starts at `start`; returns the undo. */
export function installFixedClock(start: Date): () => void {
  const previous = globalThis.Date;
  const offset = start.getTime() - RealDate.now();
  function FixedDate(this: unknown, ...args: unknown[]) {
    const now = RealDate.now() + offset;
    // Called without `new`, Date returns the current time as a string.
    if (!new.target) return new RealDate(now).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now] : args, new.target);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => RealDate.now() + offset;
  FixedDate.parse = RealDate.parse;
  FixedDate.UTC = RealDate.UTC;
  globalThis.Date = FixedDate as unknown as DateConstructor;
  return () => {
    globalThis.Date = previous;
  };
}
