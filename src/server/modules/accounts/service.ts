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
import { AppError, conflict, fieldError, unprocessable } from '../../http/errors.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { orgs } from '../orgs/schema.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userPolicy } from './policy.js';
import { users } from './schema.js';
import { createSession, deleteUserSessions, toCurrentUser } from './sessions.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

const invalidCredentials = () => new AppError(401, 'invalid_credentials', '用户名或密码错误');

export async function login(
  db: Db,
  input: { username: string; password: string },
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ user: CurrentUser; token: string }> {
  const [row] = await db
    .select({ user: users, orgId: orgs.id, orgName: orgs.name, orgKind: orgs.kind })
    .from(users)
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .where(eq(users.username, input.username));
  const ok = await verifyPassword(row?.user.passwordHash ?? null, input.password);
  if (!row) throw invalidCredentials();
  const user = row.user;
  const now = Date.now();
  if (user.lockedUntil && user.lockedUntil.getTime() > now) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - now) / 60_000);
    throw new AppError(423, 'account_locked', `登录失败次数过多，账号已锁定，请${minutes}分钟后再试`);
  }
  if (!ok) {
    const failures = user.failedLogins + 1;
    const locks = failures >= MAX_FAILED_LOGINS;
    await db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({
          failedLogins: locks ? 0 : failures,
          lockedUntil: locks ? new Date(now + LOCKOUT_MINUTES * 60_000) : user.lockedUntil,
        })
        .where(eq(users.id, user.id));
      if (locks) {
        await appendAudit(
          tx,
          { user: null, ip: meta.ip },
          {
            action: 'account.locked',
            targetType: 'user',
            targetId: user.id,
            summary: { username: user.username, failures },
          },
        );
      }
    });
    if (locks) {
      throw new AppError(
        423,
        'account_locked',
        `密码连续错误${MAX_FAILED_LOGINS}次，账号已锁定${LOCKOUT_MINUTES}分钟`,
      );
    }
    throw invalidCredentials();
  }
  if (!user.active) throw new AppError(403, 'account_disabled', '该账号已停用，请联系平台管理员');
  const current = toCurrentUser(
    user,
    row.orgId ? { id: row.orgId, name: row.orgName!, kind: row.orgKind as OrgKind } : null,
  );
  const token = await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date(now) })
      .where(eq(users.id, user.id));
    await appendAudit(
      tx,
      { user: current, ip: meta.ip },
      { action: 'auth.login', targetType: 'user', targetId: user.id },
    );
    return createSession(tx, user.id, meta);
  });
  return { user: current, token };
}

export async function changePassword(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof changePasswordBody>,
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
    await appendAudit(tx, actor, { action: 'user.password_changed', targetType: 'user', targetId: user.id });
  });
}

export async function resetPassword(db: Db, actor: Actor, id: string, newPassword: string) {
  const user = await findById(db, users, id, '用户');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await updateVersioned(tx, users, id, user.version, {
      passwordHash,
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
    });
    await deleteUserSessions(tx, id);
    await appendAudit(tx, actor, {
      action: 'user.password_reset',
      targetType: 'user',
      targetId: id,
      summary: { username: user.username },
    });
  });
}

type UserRow = typeof users.$inferSelect;

function presentUser(viewer: CurrentUser | null, row: UserRow, orgName: string | null) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    orgId: row.orgId,
    orgName,
    roles: row.roles as CurrentUser['roles'],
    email: row.email,
    active: row.active,
    lockedUntil:
      row.lockedUntil && row.lockedUntil.getTime() > Date.now() ? row.lockedUntil.toISOString() : null,
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
      const rows = await db
        .select({ user: users, orgName: orgs.name })
        .from(users)
        .leftJoin(orgs, eq(orgs.id, users.orgId))
        .where(where)
        .orderBy(asc(users.username))
        .limit(limit)
        .offset(offset);
      return rows.map((r) => presentUser(viewer, r.user, r.orgName));
    },
    () => countWhere(db, users, where),
  );
}

export async function getUser(db: Db, viewer: CurrentUser, id: string) {
  const user = await findById(db, users, id, '用户');
  const org = user.orgId ? await findById(db, orgs, user.orgId, '单位') : null;
  return presentUser(viewer, user, org?.name ?? null);
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
