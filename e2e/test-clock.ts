/**
 * Preloaded (`--import`) into the server process that browser tests start, never into a real
 * deployment: lets a test move the server's clock forward, for steps that the server rightly
 * refuses until a date has passed (closing a call after its deadline, ending a publicity after
 * five working days).
 *
 * The clock starts where `TEST_CLOCK_SHIFT_MS` (milliseconds added to real time, set by
 * e2e/server.ts so that every browser-test server starts at the same fixed instant) puts it. The
 * offset arrives over the child-process IPC channel (`{ type: 'test-clock', offsetMs }`) and
 * moves it further. Both apply to `Date.now()`, `new Date()` and `Date()` — and thereby to the
 * in-process PGlite database, whose `now()` reads the same JavaScript clock.
 */
const RealDate = Date;
const shiftMs = Number(process.env.TEST_CLOCK_SHIFT_MS ?? 0) || 0;
let offsetMs = 0;

function ShiftedDate(this: unknown, ...args: unknown[]) {
  const now = RealDate.now() + shiftMs + offsetMs;
  // Called without `new`, Date returns the current time as a string.
  if (!new.target) return new RealDate(now).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [now] : args, new.target);
}
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => RealDate.now() + shiftMs + offsetMs;
ShiftedDate.parse = RealDate.parse;
ShiftedDate.UTC = RealDate.UTC;

globalThis.Date = ShiftedDate as unknown as DateConstructor;

process.on('message', (message: unknown) => {
  const m = message as { type?: string; offsetMs?: number } | null;
  if (m?.type !== 'test-clock' || typeof m.offsetMs !== 'number') return;
  offsetMs = m.offsetMs;
  process.send?.({ type: 'test-clock-set', offsetMs });
});
// The IPC channel must not keep the server alive on its own.
process.channel?.unref();
