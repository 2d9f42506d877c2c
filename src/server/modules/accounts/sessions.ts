import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gte, lt, ne } from 'drizzle-orm';
import type { OrgKind, Role } from '../../../domain/enums.js';
import type { Db, Executor } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { orgs } from '../orgs/schema.js';
import { sessions, users } from './schema.js';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
  db: Executor,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
) {
  const token = randomBytes(32).toString('base64url');
  // The app's clock, not the database's: resolveSession compares with the app's clock.
  const now = new Date();
  await db.insert(sessions).values({
    tokenHash: tokenHash(token),
    userId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    createdAt: now,
    lastSeenAt: now,
  });
  return token;
}

export async function deleteSession(db: Executor, token: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
}

/** Ends the user's sessions (but the one of `except`, a token); returns how many ended. */
export async function deleteUserSessions(
  db: Executor,
  userId: string,
  options: { except?: string | null } = {},
): Promise<number> {
  const others = options.except ? ne(sessions.tokenHash, tokenHash(options.except)) : undefined;
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), others))
    .returning({ userId: sessions.userId });
  return ended.length;
}

/**
 * The signed-in user of a session token, or null when unknown, idle too long or deactivated.
 * Every request moves the session's last-seen time (in the same statement that checks it), so
 * the idle timeout counts from the very last request.
 */
export async function resolveSession(
  db: Db,
  token: string,
  idleMinutes: number,
): Promise<CurrentUser | null> {
  const hash = tokenHash(token);
  const now = Date.now();
  const touched = db.$with('touched').as(
    db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(
        and(eq(sessions.tokenHash, hash), gte(sessions.lastSeenAt, new Date(now - idleMinutes * 60_000))),
      )
      .returning({ userId: sessions.userId }),
  );
  const [row] = await db
    .with(touched)
    .select({ user: users, orgId: orgs.id, orgName: orgs.name, orgKind: orgs.kind })
    .from(touched)
    .innerJoin(users, eq(users.id, touched.userId))
    .leftJoin(orgs, eq(orgs.id, users.orgId));
  if (!row?.user.active) {
    await db.delete(sessions).where(eq(sessions.tokenHash, hash));
    return null;
  }
  return toCurrentUser(
    row.user,
    row.orgId ? { id: row.orgId, name: row.orgName!, kind: row.orgKind! } : null,
  );
}

export function toCurrentUser(
  user: typeof users.$inferSelect,
  org: { id: string; name: string; kind: OrgKind } | null,
): CurrentUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles as Role[],
    org,
    mustChangePassword: user.mustChangePassword,
  };
}

export async function purgeIdleSessions(db: Db, idleMinutes: number) {
  await db.delete(sessions).where(lt(sessions.lastSeenAt, new Date(Date.now() - idleMinutes * 60_000)));
}
