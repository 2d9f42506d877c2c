import { and, arrayContains, asc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  changePasswordBody,
  residentRegister,
  userCreate,
  userQuery,
  userUpdate,
} from '../../../domain/api.js';
import type { OrgKind } from '../../../domain/enums.js';
import type { Db } from '../../db/client.js';
import { containsPattern, countWhere, findById, paginate, updateVersioned } from '../../db/helpers.js';
import { permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { AppError, conflict, fieldError, notFound, unprocessable } from '../../http/errors.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { orgs } from '../orgs/schema.js';
import {
  assertNotLocked,
  clearFailures,
  clearUsernameFailures,
  recordFailure,
  runningLockUntil,
} from './lockout.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userPolicy } from './policy.js';
import { users } from './schema.js';
import { createSession, deleteUserSessions, toCurrentUser } from './sessions.js';

const invalidCredentials = () => new AppError(401, 'invalid_credentials', '用户名或密码错误');

/**
 * Signs in. An unknown username and a wrong password take the same steps (a password check
 * against a dummy hash, a failure counted for the username and address) and get the same answer;
 * so does a pair in back-off (lockout.ts), whether the username exists or not.
 */
export async function login(
  db: Db,
  input: { username: string; password: string },
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ user: CurrentUser; token: string }> {
  const now = new Date();
  const pair = { username: input.username, address: meta.ip ?? '' };
  await assertNotLocked(db, pair, now);
  const [row] = await db
    .select({ user: users, orgId: orgs.id, orgName: orgs.name, orgKind: orgs.kind })
    .from(users)
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .where(eq(users.username, input.username));
  const ok = await verifyPassword(row?.user.passwordHash ?? null, input.password);
  if (!row || !ok) {
    await recordFailure(db, pair, { userId: row?.user.id ?? null, ip: meta.ip }, now);
    throw invalidCredentials();
  }
  const user = row.user;
  if (!user.active) throw new AppError(403, 'account_disabled', '该账号已停用，请联系平台管理员');
  const current = toCurrentUser(
    user,
    row.orgId ? { id: row.orgId, name: row.orgName!, kind: row.orgKind as OrgKind } : null,
  );
  const token = await db.transaction(async (tx) => {
    await clearFailures(tx, pair);
    await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    await appendAudit(
      tx,
      { user: current, ip: meta.ip },
      { action: 'auth.login', targetType: 'user', targetId: user.id },
    );
    return createSession(tx, user.id, meta);
  });
  return { user: current, token };
}

/** Changes the own password and ends every other session of the user (`currentToken`'s stays). */
export async function changePassword(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof changePasswordBody>,
  currentToken: string | null,
) {
  const user = await findById(db, users, actor.user.id, '用户');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw fieldError('currentPassword', '当前密码不正确');
  }
  if (input.currentPassword === input.newPassword)
    throw fieldError('newPassword', '新密码不能与当前密码相同');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await updateVersioned(tx, users, user.id, user.version, { passwordHash, mustChangePassword: false });
    const ended = await deleteUserSessions(tx, user.id, { except: currentToken });
    await appendAudit(tx, actor, {
      action: 'user.password_changed',
      targetType: 'user',
      targetId: user.id,
      summary: { otherSessionsEnded: ended },
    });
  });
}

export async function resetPassword(db: Db, actor: Actor, id: string, newPassword: string) {
  const user = await findById(db, users, id, '用户');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await updateVersioned(tx, users, id, user.version, { passwordHash, mustChangePassword: true });
    await deleteUserSessions(tx, id);
    await clearUsernameFailures(tx, user.username);
    await appendAudit(tx, actor, {
      action: 'user.password_reset',
      targetType: 'user',
      targetId: id,
      summary: { username: user.username },
    });
  });
}

type UserRow = typeof users.$inferSelect;

function presentUser(
  viewer: CurrentUser | null,
  row: UserRow,
  orgName: string | null,
  lockedUntil: Date | null,
) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    orgId: row.orgId,
    orgName,
    roles: row.roles as CurrentUser['roles'],
    email: row.email,
    active: row.active,
    lockedUntil: lockedUntil?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    actions: permittedActions(viewer, userPolicy, row, ['update', 'resetPassword', 'deactivate', 'activate']),
  };
}

export async function listUsers(db: Db, viewer: CurrentUser, query: z.infer<typeof userQuery>) {
  const conditions: (SQL | undefined)[] = [];
  if (query.q) {
    const p = containsPattern(query.q);
    conditions.push(or(ilike(users.username, p), ilike(users.displayName, p)));
  }
  if (query.role) conditions.push(arrayContains(users.roles, [query.role]));
  if (query.orgId) conditions.push(eq(users.orgId, query.orgId));
  if (query.active) conditions.push(eq(users.active, query.active === 'true'));
  const where = and(...conditions);
  return paginate(
    query,
    async (limit, offset) => {
      const rows = await userRows(db).where(where).orderBy(asc(users.username)).limit(limit).offset(offset);
      return rows.map((r) => presentUser(viewer, r.user, r.orgName, r.lockedUntil));
    },
    () => countWhere(db, users, where),
  );
}

const userRows = (db: Db) =>
  db
    .select({ user: users, orgName: orgs.name, lockedUntil: runningLockUntil() })
    .from(users)
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .$dynamic();

export async function getUser(db: Db, viewer: CurrentUser, id: string) {
  const [row] = await userRows(db).where(eq(users.id, id));
  if (!row) throw notFound('用户');
  return presentUser(viewer, row.user, row.orgName, row.lockedUntil);
}

async function assertOrgExists(db: Db, orgId: string | null | undefined) {
  if (!orgId) return;
  const [org] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, orgId));
  if (!org) throw fieldError('orgId', '所选单位不存在');
}

async function assertUsernameFree(db: Db, username: string) {
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (taken)
    throw conflict(`用户名“${username}”已被使用`, {
      fields: [{ path: 'username', message: '用户名已被使用' }],
    });
}

export async function createUser(db: Db, actor: Actor, input: z.infer<typeof userCreate>) {
  await assertOrgExists(db, input.orgId);
  await assertUsernameFree(db, input.username);
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ ...input, passwordHash, mustChangePassword: true })
      .returning({ id: users.id });
    await appendAudit(tx, actor, {
      action: 'user.created',
      targetType: 'user',
      targetId: row.id,
      summary: { username: input.username, roles: input.roles, orgId: input.orgId },
    });
    return row.id;
  });
  return getUser(db, actor.user!, id);
}

export async function registerResident(db: Db, ip: string | null, input: z.infer<typeof residentRegister>) {
  await assertUsernameFree(db, input.username);
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        phone: input.phone,
        roles: ['resident'],
        passwordHash,
      })
      .returning({ id: users.id });
    await appendAudit(
      tx,
      { user: null, ip },
      {
        action: 'user.registered',
        targetType: 'user',
        targetId: row.id,
        summary: { username: input.username },
      },
    );
  });
}

export async function updateUser(db: Db, actor: Actor, id: string, input: z.infer<typeof userUpdate>) {
  const before = await findById(db, users, id, '用户');
  await assertOrgExists(db, input.orgId);
  if (
    before.id === actor.user?.id &&
    input.roles &&
    !input.roles.includes('admin') &&
    before.roles.includes('admin')
  ) {
    throw unprocessable('self_demotion', '不能移除自己的管理员角色');
  }
  await db.transaction(async (tx) => {
    await updateVersioned(tx, users, id, before.version, input);
    await appendAudit(tx, actor, {
      action: 'user.updated',
      targetType: 'user',
      targetId: id,
      summary: changeSummary(before, input),
    });
    if (input.roles || input.orgId !== undefined) await deleteUserSessions(tx, id);
  });
  return getUser(db, actor.user!, id);
}
