import { and, asc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { expertCreate, type expertQuery, type expertUpdate } from '../../../domain/api.js';
import { EXPERT_FIELDS, type ExpertField, expertFieldLabels } from '../../../domain/enums.js';
import type { Db } from '../../db/client.js';
import { containsPattern, countWhere, findById, paginate, updateVersioned } from '../../db/helpers.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { fieldError, notFound, unprocessable } from '../../http/errors.js';
import type { Column, RawRow } from '../../http/excel.js';
import { users } from '../accounts/schema.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { orgs } from '../orgs/schema.js';
import type { ImportProblem } from '../orgs/service.js';
import { type PresentedExpert, present } from './presenter.js';
import { experts } from './schema.js';

type ExpertQuery = z.infer<typeof expertQuery>;

const selectWithEmployer = (db: Db) =>
  db
    .select({ expert: experts, orgName: orgs.name })
    .from(experts)
    .leftJoin(orgs, eq(orgs.id, experts.employerOrgId));

function expertFilters(query: Omit<ExpertQuery, 'page' | 'pageSize'>) {
  const conditions: (SQL | undefined)[] = [];
  if (query.q) {
    const p = containsPattern(query.q);
    conditions.push(or(ilike(experts.name, p), ilike(experts.title, p), ilike(experts.employerName, p)));
  }
  if (query.field) conditions.push(eq(experts.field, query.field));
  if (query.active) conditions.push(eq(experts.active, query.active === 'true'));
  return and(...conditions);
}

export async function listExperts(db: Db, viewer: CurrentUser, query: ExpertQuery) {
  const where = expertFilters(query);
  return paginate(
    query,
    async (limit, offset) =>
      (
        await selectWithEmployer(db)
          .where(where)
          .orderBy(asc(experts.field), asc(experts.name))
          .limit(limit)
          .offset(offset)
      ).map((r) => present(viewer, r.expert, r.orgName)),
    () => countWhere(db, experts, where),
  );
}

export async function allExperts(db: Db, viewer: CurrentUser, query: Omit<ExpertQuery, 'page' | 'pageSize'>) {
  const rows = await selectWithEmployer(db)
    .where(expertFilters(query))
    .orderBy(asc(experts.field), asc(experts.name));
  return rows.map((r) => present(viewer, r.expert, r.orgName));
}

export async function getExpert(db: Db, viewer: CurrentUser, id: string) {
  const [row] = await selectWithEmployer(db).where(eq(experts.id, id));
  if (!row) throw notFound('专家');
  return present(viewer, row.expert, row.orgName);
}

async function assertOrgsExist(db: Db, ids: (string | null | undefined)[], path: string) {
  for (const id of ids) {
    if (!id) continue;
    const [o] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, id));
    if (!o) throw fieldError(path, '所选单位不存在');
  }
}

const auditedFields = (input: Partial<z.infer<typeof expertCreate>>) => {
  // Phone numbers stay out of the audit trail, which supervisors export.
  const { phone: _phone, ...rest } = input;
  return rest;
};

async function assertExpertAccount(db: Db, userId: string | null | undefined) {
  if (!userId) return;
  const [user] = await db.select({ roles: users.roles }).from(users).where(eq(users.id, userId));
  if (!user?.roles.includes('expert')) throw fieldError('userId', '关联账号不存在或不是评审专家角色');
}

export async function createExpert(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof expertCreate>,
) {
  await assertExpertAccount(db, input.userId);
  await assertOrgsExist(db, [input.employerOrgId], 'employerOrgId');
  await assertOrgsExist(db, input.formerEmployerOrgIds, 'formerEmployerOrgIds');
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(experts).values(input).returning({ id: experts.id });
    await appendAudit(tx, actor, {
      action: 'expert.created',
      targetType: 'expert',
      targetId: row.id,
      summary: auditedFields(input),
    });
    return row.id;
  });
  return getExpert(db, actor.user, id);
}

export async function updateExpert(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof expertUpdate>,
) {
  const before = await findById(db, experts, id, '专家');
  await assertExpertAccount(db, input.userId);
  await assertOrgsExist(db, [input.employerOrgId], 'employerOrgId');
  await assertOrgsExist(db, input.formerEmployerOrgIds ?? [], 'formerEmployerOrgIds');
  await db.transaction(async (tx) => {
    await updateVersioned(tx, experts, id, before.version, input);
    await appendAudit(tx, actor, {
      action: 'expert.updated',
      targetType: 'expert',
      targetId: id,
      summary: changeSummary(auditedFields(before as never), auditedFields(input)),
    });
  });
  return getExpert(db, actor.user, id);
}

// ---------- Excel ----------
const fieldByLabel = new Map<string, ExpertField>(EXPERT_FIELDS.map((f) => [expertFieldLabels[f], f]));

export const expertColumns: Column<PresentedExpert>[] = [
  { header: '姓名', value: (e) => e.name },
  { header: '专业领域', value: (e) => expertFieldLabels[e.field] },
  { header: '职称', value: (e) => e.title },
  { header: '工作单位', width: 30, value: (e) => e.employerName },
  { header: '联系电话', value: (e) => e.phone },
  { header: '状态', value: (e) => (e.active ? '启用' : '停用') },
];
export const expertImportHeaders = expertColumns.filter((c) => c.header !== '状态').map((c) => c.header);
const fieldHeaders: Record<string, string> = {
  name: '姓名',
  field: '专业领域',
  title: '职称',
  employerName: '工作单位',
  phone: '联系电话',
};

export async function importExperts(db: Db, actor: Actor, rows: RawRow[]) {
  if (rows.length === 0) throw unprocessable('import_invalid', '文件中没有数据行', { rows: [] });
  const orgRows = await db.select({ id: orgs.id, name: orgs.name }).from(orgs);
  const orgByName = new Map(orgRows.map((o) => [o.name, o.id]));
  const problems: ImportProblem[] = [];
  const valid: z.infer<typeof expertCreate>[] = [];
  for (const { row, values } of rows) {
    const field = fieldByLabel.get(values.专业领域);
    if (!field)
      problems.push({
        row,
        field: '专业领域',
        message: `专业领域“${values.专业领域}”无效，应为：${[...fieldByLabel.keys()].join('、')}`,
      });
    const employer = values.工作单位;
    const parsed = expertCreate.safeParse({
      name: values.姓名,
      field: field ?? 'elderly',
      title: values.职称,
      employerOrgId: orgByName.get(employer) ?? null,
      employerName: orgByName.has(employer) ? null : employer,
      phone: values.联系电话,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          row,
          field: fieldHeaders[String(issue.path[0])] ?? String(issue.path[0]),
          message: issue.message,
        });
      }
    } else if (field) valid.push(parsed.data);
  }
  if (problems.length) {
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  }
  await db.transaction(async (tx) => {
    await tx.insert(experts).values(valid);
    await appendAudit(tx, actor, {
      action: 'expert.imported',
      targetType: 'expert',
      summary: { count: valid.length, names: valid.map((v) => v.name) },
    });
  });
  return { imported: valid.length };
}
