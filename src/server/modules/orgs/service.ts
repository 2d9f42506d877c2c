import { and, asc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { orgCreate, type orgQuery, type orgUpdate } from '../../../domain/api.js';
import {
  GRADES,
  ORG_KINDS,
  type OrgKind,
  orgKindLabels,
  SERVICE_CATEGORIES,
  type ServiceCategory,
  serviceCategoryLabels,
} from '../../../domain/enums.js';
import type { Db } from '../../db/client.js';
import { containsPattern, countWhere, findById, paginate, updateVersioned } from '../../db/helpers.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound, unprocessable } from '../../http/errors.js';
import type { Column, RawRow } from '../../http/excel.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { regions } from '../regions/schema.js';
import { type PresentedOrg, present } from './presenter.js';
import { orgs } from './schema.js';

type OrgQuery = z.infer<typeof orgQuery>;

const selectWithRegion = (db: Db) =>
  db
    .select({ org: orgs, regionName: regions.name })
    .from(orgs)
    .leftJoin(regions, eq(regions.id, orgs.regionId));

function orgFilters(query: Omit<OrgQuery, 'page' | 'pageSize'>) {
  const conditions: (SQL | undefined)[] = [];
  if (query.q) {
    const p = containsPattern(query.q);
    conditions.push(or(ilike(orgs.name, p), ilike(orgs.creditCode, p), ilike(orgs.legalRepresentative, p)));
  }
  if (query.kind) conditions.push(eq(orgs.kind, query.kind));
  if (query.regionId) conditions.push(eq(orgs.regionId, query.regionId));
  if (query.active) conditions.push(eq(orgs.active, query.active === 'true'));
  return and(...conditions);
}

export async function listOrgs(db: Db, viewer: CurrentUser, query: OrgQuery) {
  const where = orgFilters(query);
  return paginate(
    query,
    async (limit, offset) =>
      (
        await selectWithRegion(db)
          .where(where)
          .orderBy(asc(orgs.kind), asc(orgs.name))
          .limit(limit)
          .offset(offset)
      ).map((r) => present(viewer, r.org, r.regionName)),
    () => countWhere(db, orgs, where),
  );
}

export async function allOrgs(db: Db, viewer: CurrentUser, query: Omit<OrgQuery, 'page' | 'pageSize'>) {
  const rows = await selectWithRegion(db).where(orgFilters(query)).orderBy(asc(orgs.kind), asc(orgs.name));
  return rows.map((r) => present(viewer, r.org, r.regionName));
}

export async function getOrg(db: Db, viewer: CurrentUser, id: string) {
  const [row] = await selectWithRegion(db).where(eq(orgs.id, id));
  if (!row) throw notFound('单位');
  return present(viewer, row.org, row.regionName);
}

async function assertRegionExists(db: Db, regionId: string | null | undefined) {
  if (!regionId) return;
  const [r] = await db.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
  if (!r) throw fieldError('regionId', '所选区划不存在');
}

async function assertCreditCodeFree(db: Db, code: string | null | undefined, exceptId?: string) {
  if (!code) return;
  const [taken] = await db
    .select({ id: orgs.id, name: orgs.name })
    .from(orgs)
    .where(eq(orgs.creditCode, code));
  if (taken && taken.id !== exceptId) {
    throw conflict(`统一社会信用代码 ${code} 已被“${taken.name}”使用`, {
      fields: [{ path: 'creditCode', message: '该信用代码已登记' }],
    });
  }
}

export async function createOrg(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof orgCreate>,
) {
  await assertRegionExists(db, input.regionId);
  await assertCreditCodeFree(db, input.creditCode);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(orgs).values(input).returning({ id: orgs.id });
    await appendAudit(tx, actor, {
      action: 'org.created',
      targetType: 'org',
      targetId: row.id,
      summary: { name: input.name, kind: input.kind, creditCode: input.creditCode },
      visibility: 'public',
    });
    return row.id;
  });
  return getOrg(db, actor.user, id);
}

export async function updateOrg(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof orgUpdate>,
) {
  const before = await findById(db, orgs, id, '单位');
  const kind = input.kind ?? before.kind;
  const creditCode = input.creditCode === undefined ? before.creditCode : input.creditCode;
  if (kind === 'provider' && !creditCode) throw fieldError('creditCode', '社会组织必须填写统一社会信用代码');
  await assertRegionExists(db, input.regionId);
  await assertCreditCodeFree(db, input.creditCode, id);
  await db.transaction(async (tx) => {
    await updateVersioned(tx, orgs, id, before.version, input);
    await appendAudit(tx, actor, {
      action: 'org.updated',
      targetType: 'org',
      targetId: id,
      summary: changeSummary(before, input),
      visibility: 'public',
    });
  });
  return getOrg(db, actor.user, id);
}

// ---------- Excel ----------
const kindByLabel = new Map<string, OrgKind>(ORG_KINDS.map((k) => [orgKindLabels[k], k]));
const categoryByLabel = new Map<string, ServiceCategory>(
  SERVICE_CATEGORIES.map((c) => [serviceCategoryLabels[c], c]),
);

export const orgColumns: Column<PresentedOrg>[] = [
  { header: '名称', width: 36, value: (o) => o.name },
  { header: '类型', value: (o) => orgKindLabels[o.kind] },
  { header: '统一社会信用代码', width: 22, value: (o) => o.creditCode },
  { header: '所属区划', value: (o) => o.regionName },
  { header: '登记日期', value: (o) => o.registeredOn },
  { header: '评估等级', value: (o) => o.grade },
  { header: '法定代表人', value: (o) => o.legalRepresentative },
  { header: '联系人', value: (o) => o.contactName },
  { header: '联系电话', value: (o) => o.contactPhone },
  { header: '地址', width: 30, value: (o) => o.address },
  {
    header: '服务领域',
    width: 24,
    value: (o) => o.categories.map((c) => serviceCategoryLabels[c]).join('、'),
  },
  { header: '状态', value: (o) => (o.active ? '启用' : '停用') },
];
export const orgImportHeaders = orgColumns.filter((c) => c.header !== '状态').map((c) => c.header);

const fieldHeaders: Record<string, string> = {
  name: '名称',
  kind: '类型',
  creditCode: '统一社会信用代码',
  regionId: '所属区划',
  registeredOn: '登记日期',
  grade: '评估等级',
  legalRepresentative: '法定代表人',
  contactName: '联系人',
  contactPhone: '联系电话',
  address: '地址',
  categories: '服务领域',
};

export type ImportProblem = { row: number; field: string; message: string };

/** Validates every row; writes all of them in one transaction, or nothing and every problem. */
export async function importOrgs(db: Db, actor: Actor, rows: RawRow[]) {
  const problems: ImportProblem[] = [];
  if (rows.length === 0) throw unprocessable('import_invalid', '文件中没有数据行', { rows: [] });
  const regionRows = await db
    .select({ id: regions.id, name: regions.name, code: regions.code })
    .from(regions);
  const regionByKey = new Map<string, string>();
  for (const r of regionRows) regionByKey.set(r.name, r.id).set(r.code, r.id);
  const codes = rows.map((r) => r.values.统一社会信用代码.toUpperCase()).filter(Boolean);
  const existing = codes.length
    ? await db
        .select({ code: orgs.creditCode, name: orgs.name })
        .from(orgs)
        .where(inArray(orgs.creditCode, codes))
    : [];
  const existingByCode = new Map(existing.map((e) => [e.code, e.name]));
  const seenCodes = new Map<string, number>();
  const valid: z.infer<typeof orgCreate>[] = [];

  for (const { row, values } of rows) {
    const problem = (field: string, message: string) => problems.push({ row, field, message });
    const kind = kindByLabel.get(values.类型);
    if (!kind) problem('类型', `类型“${values.类型}”无效，应为：${[...kindByLabel.keys()].join('、')}`);
    let regionId: string | null = null;
    if (values.所属区划) {
      regionId = regionByKey.get(values.所属区划) ?? null;
      if (!regionId) problem('所属区划', `区划“${values.所属区划}”不存在`);
    }
    const categoryLabels = values.服务领域.split(/[、,，;；\s]+/).filter(Boolean);
    const categories = categoryLabels.map((l) => categoryByLabel.get(l));
    const unknown = categoryLabels.filter((_, i) => !categories[i]);
    if (unknown.length) problem('服务领域', `服务领域“${unknown.join('、')}”无效`);
    if (values.评估等级 && !GRADES.includes(values.评估等级 as never))
      problem('评估等级', '评估等级应为1A到5A');
    const parsed = orgCreate.safeParse({
      name: values.名称,
      kind: kind ?? 'provider',
      creditCode: values.统一社会信用代码,
      regionId,
      registeredOn: values.登记日期,
      grade: values.评估等级 || null,
      legalRepresentative: values.法定代表人,
      contactName: values.联系人,
      contactPhone: values.联系电话,
      address: values.地址,
      categories: categories.filter(Boolean),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = fieldHeaders[String(issue.path[0])] ?? String(issue.path[0]);
        if (!(field === '类型' && !kind) && !(field === '评估等级' && values.评估等级))
          problem(field, issue.message);
      }
      continue;
    }
    const code = parsed.data.creditCode;
    if (code) {
      if (existingByCode.has(code)) problem('统一社会信用代码', `已被“${existingByCode.get(code)}”登记`);
      if (seenCodes.has(code)) problem('统一社会信用代码', `与第${seenCodes.get(code)}行重复`);
      seenCodes.set(code, row);
    }
    valid.push(parsed.data);
  }
  if (problems.length) {
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  }
  await db.transaction(async (tx) => {
    await tx.insert(orgs).values(valid);
    await appendAudit(tx, actor, {
      action: 'org.imported',
      targetType: 'org',
      summary: { count: valid.length, names: valid.map((v) => v.name) },
      visibility: 'public',
    });
  });
  return { imported: valid.length };
}
