/**
 * Two database roles on PostgreSQL (README, "Database roles"): the owner role owns the tables
 * and runs the migrations; the application role (DATABASE_URL) reads and writes rows and may only
 * append to the audit trail. Not being the owner, it cannot ALTER a table, so it can neither
 * disable the append-only triggers nor drop them. PGlite has one role and none of this.
 */
import type pg from 'pg';

/** The tables the application may only read and append to. */
const APPEND_ONLY_TABLES = ['audit_log'];

/**
 * Sets the application role's privileges on everything in schema `public`, as the owner, after
 * the migrations (so that a table added by a migration is covered at the same start). Idempotent:
 * everything is revoked and granted again in one transaction, so nothing granted by hand lingers.
 */
export async function grantApplicationRole(owner: pg.ClientBase, appRole: string): Promise<void> {
  const role = owner.escapeIdentifier(appRole);
  const appendOnly = APPEND_ONLY_TABLES.map((t) => owner.escapeIdentifier(t)).join(', ');
  await owner.query('begin');
  try {
    await owner.query(`grant usage on schema public to ${role}`);
    await owner.query(`revoke all on all tables in schema public from ${role}`);
    await owner.query(`grant select, insert, update, delete on all tables in schema public to ${role}`);
    await owner.query(`revoke update, delete on ${appendOnly} from ${role}`);
    await owner.query(`revoke all on all sequences in schema public from ${role}`);
    await owner.query(`grant usage, select on all sequences in schema public to ${role}`);
    await owner.query('commit');
  } catch (error) {
    await owner.query('rollback');
    throw error;
  }
}

/**
 * What makes the application role as powerful as the owner (said at start, not fatal): a
 * superuser, the same role as the owner, or a member of the owner role bypasses all of the above.
 */
export async function applicationRoleProblems(owner: pg.ClientBase, appRole: string): Promise<string[]> {
  const { rows } = await owner.query<{ superuser: boolean; same: boolean; member: boolean }>(
    `select r.rolsuper as superuser, r.rolname = current_user as same,
            pg_has_role($1, current_user, 'member') as member
       from pg_roles r where r.rolname = $1`,
    [appRole],
  );
  const [role] = rows;
  if (!role) return [`the application role ${appRole} does not exist`];
  const problems: string[] = [];
  if (role.superuser) problems.push(`the application role ${appRole} is a superuser`);
  if (role.same) problems.push('DATABASE_URL and DATABASE_OWNER_URL name the same role');
  else if (role.member && !role.superuser)
    problems.push(`the application role ${appRole} is a member of the owner role`);
  return problems;
}
