import { and, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { atMostEvery } from '../../http/rate-limit-store.js';
import { appendAudit } from '../audit/service.js';
import { loginFailures, users } from './schema.js';

/**
 * Sign-in back-off per typed username and client address: after 5 failures from one address the
 * pair waits 1 minute, then 2, 4 … up to an hour for each further failure. Only that pair waits —
 * the owner signing in from elsewhere is not locked out by whoever guesses — and unknown usernames
 * get exactly the same rows and answers as known ones. State is in the database, so every app
 * process sees the same back-off.
 */
export const FAILURES_BEFORE_LOCK = 5;
export const MAX_LOCK_MINUTES = 60;
/** A pair's failures are forgotten a day after the last one. */
const FAILURE_MEMORY_MS = 24 * 3_600_000;

export interface LoginPair {
  username: string;
  /** Client address; empty when unknown. */
  address: string;
}

export const lockMinutes = (failures: number) =>
  failures < FAILURES_BEFORE_LOCK ? 0 : Math.min(2 ** (failures - FAILURES_BEFORE_LOCK), MAX_LOCK_MINUTES);

const ofPair = (pair: LoginPair) =>
  and(eq(loginFailures.username, pair.username), eq(loginFailures.address, pair.address));

const timestamp = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** 429 while the pair's lock runs, before any password is checked: the same answer for any username. */
export async function assertNotLocked(db: Db, pair: LoginPair, now: Date) {
  const [row] = await db
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(ofPair(pair));
  const left = (row?.lockedUntil?.getTime() ?? 0) - now.getTime();
  if (left > 0) {
    throw new AppError(429, 'login_locked', `登录失败次数过多，请${Math.ceil(left / 60_000)}分钟后再试`);
  }
}

/** Counts a failure (one upsert) and, from the fifth, locks the pair and records it in the audit trail. */
export async function recordFailure(
  db: Db,
  pair: LoginPair,
  meta: { userId: string | null; ip: string | null },
  now: Date,
) {
  const forgotten = sql`${loginFailures.lastFailedAt} < ${timestamp(new Date(now.getTime() - FAILURE_MEMORY_MS))}`;
  const [{ failures }] = await db
    .insert(loginFailures)
    .values({ ...pair, failures: 1, lastFailedAt: now })
    .onConflictDoUpdate({
      target: [loginFailures.username, loginFailures.address],
      set: {
        failures: sql`case when ${forgotten} then 1 else ${loginFailures.failures} + 1 end`,
        lastFailedAt: now,
      },
    })
    .returning({ failures: loginFailures.failures });
  const minutes = lockMinutes(failures);
  if (!minutes) return;
  await db.transaction(async (tx) => {
    await tx
      .update(loginFailures)
      .set({ lockedUntil: new Date(now.getTime() + minutes * 60_000) })
      .where(ofPair(pair));
    await appendAudit(
      tx,
      { user: null, ip: meta.ip },
      {
        action: 'account.locked',
        targetType: 'user',
        targetId: meta.userId,
        summary: { username: pair.username, failures, minutes },
      },
    );
  });
}

export async function clearFailures(db: Executor, pair: LoginPair) {
  await db.delete(loginFailures).where(ofPair(pair));
}

/** An administrator's password reset lifts every lock on the username. */
export async function clearUsernameFailures(db: Executor, username: string) {
  await db.delete(loginFailures).where(eq(loginFailures.username, username));
}

/** The latest running lock of the user's username from any address, for the user list. */
export const runningLockUntil = (): SQL<Date | null> =>
  sql`(select max(${loginFailures.lockedUntil}) from ${loginFailures} where ${loginFailures.username} = ${users.username} and ${loginFailures.lockedUntil} > ${timestamp(new Date())})`.mapWith(
    loginFailures.lockedUntil,
  ) as SQL<Date | null>;

/** Deletes forgotten failures, at most once a minute per process (called on sign-in). */
export const failureSweeper = (db: Db) =>
  atMostEvery(60_000, () =>
    db.delete(loginFailures).where(lt(loginFailures.lastFailedAt, new Date(Date.now() - FAILURE_MEMORY_MS))),
  );
