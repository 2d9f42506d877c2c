import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { rateLimitHits } from '../modules/accounts/schema.js';

/** Old counters go at most this often, swept by the request that finds the interval over. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Runs a clean-up `task` on the first call and then at most once per `intervalMs` (per process);
 * the calling request waits for it, so nothing runs behind the app's back when it closes. A failed
 * run (say, a deadlock with another process's clean-up) does not fail the request: the next
 * interval tries again.
 */
export function atMostEvery(intervalMs: number, task: () => Promise<unknown>): () => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = Date.now();
    // A clock set back (by NTP, or by a test) does not hold the clean-up off.
    if (now >= last && now - last < intervalMs) return;
    last = now;
    await task().catch(() => undefined);
  };
}

const timestamp = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Counts one request against `key`'s fixed window, in one statement (the upsert takes the row lock). */
async function hit(db: Db, key: string, timeWindow: number) {
  const now = new Date();
  const expired = sql`${rateLimitHits.resetAt} <= ${timestamp(now)}`;
  const [row] = await db
    .insert(rateLimitHits)
    .values({ key, hits: 1, resetAt: new Date(now.getTime() + timeWindow) })
    .onConflictDoUpdate({
      target: rateLimitHits.key,
      set: {
        hits: sql`case when ${expired} then 1 else ${rateLimitHits.hits} + 1 end`,
        resetAt: sql`case when ${expired} then excluded.reset_at else ${rateLimitHits.resetAt} end`,
      },
    })
    .returning({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt });
  return { current: row.hits, ttl: Math.max(0, row.resetAt.getTime() - now.getTime()) };
}

/**
 * An @fastify/rate-limit store on the app's own database, so that every app process counts
 * against the same limits without another server (Redis). On PostgreSQL that is every process
 * behind the load balancer; PGlite is embedded and opened by one process only, so there it just
 * keeps the counts in the database like any other state. Each route counts separately (the key is
 * prefixed with its method and URL, as the plugin's Redis store does); the client address in the
 * key is `request.ip`, which follows TRUST_PROXY.
 */
export function databaseRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  const sweep = atMostEvery(SWEEP_INTERVAL_MS, () =>
    db.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, new Date())),
  );

  class DatabaseStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = '',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      sweep()
        .then(() => hit(db, this.prefix + key, timeWindow))
        .then(
          (result) => callback(null, result),
          (error: Error) => callback(error),
        );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]) {
      // The plugin passes the route's options as `routeInfo` (its own stores read them there too).
      const route = (routeOptions as unknown as { routeInfo?: { method?: string | string[]; url?: string } })
        .routeInfo;
      return new DatabaseStore(undefined, `${String(route?.method ?? '')} ${route?.url ?? ''} `);
    }
  }
  return DatabaseStore;
}
