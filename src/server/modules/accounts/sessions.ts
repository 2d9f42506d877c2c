import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { OrgKind, Role } from '../../../domain/enums.js';
import type { Db, Executor } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { orgs } from '../orgs/schema.js';
import { sessions, users } from './schema.js';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
// Writing last_seen_at on every request is wasteful; a minute of slack on a 30-minute timeout is not.
const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(
  db: Executor,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
) {
  const token = randomBytes(32).toString('base64url');
  await db
    .insert(sessions)
    .values({ tokenHash: tokenHash(token), userId, ip: meta.ip, userAgent: meta.userAgent });
  return token;
}

export async function deleteSession(db: Executor, token: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
}

export async function deleteUserSessions(db: Executor, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** The signed-in user of a session token, or null when unknown, idle too long or deactivated. */
export async function resolveSession(
  db: Db,
  token: string,
  idleMinutes: number,
): Promise<CurrentUser | null> {
  const hash = tokenHash(token);
  const [row] = await db
    .select({
      lastSeenAt: sessions.lastSeenAt,
      user: users,
      orgId: orgs.id,
      orgName: orgs.name,
      orgKind: orgs.kind,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .where(eq(sessions.tokenHash, hash));
  if (!row) return null;
  const now = Date.now();
  if (!row.user.active || now - row.lastSeenAt.getTime() > idleMinutes * 60_000) {
    await db.delete(sessions).where(eq(sessions.tokenHash, hash));
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.tokenHash, hash));
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
