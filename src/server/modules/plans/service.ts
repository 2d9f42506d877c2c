import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { SERVICE_CATEGORIES, type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums.js';
import { planLineCreate, type planLineUpdate, type planQuery } from '../../../domain/plans.js';
import type { Db } from '../../db/client.js';
import { findById, updateVersioned } from '../../db/helpers.js';
import { permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { fieldError, unprocessable } from '../../http/errors.js';
import type { Column, RawRow } from '../../http/excel.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { orgs } from '../orgs/schema.js';
import type { ImportProblem } from '../orgs/service.js';
import { regions } from '../regions/schema.js';
import { planPolicy } from './policy.js';
import { planLines } from './schema.js';

const currentYear = () => new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

export async function planOverview(db: Db, viewer: CurrentUser | null, query: z.infer<typeof planQuery>) {
  const year = query.year ?? currentYear();
  const conditions: SQL[] = [eq(planLines.year, year)];
  if (query.buyerId) conditions.push(eq(planLines.buyerOrgId, query.buyerId));
  const [rows, years] = await Promise.all([
    db
      .select({
        line: planLines,
        buyerName: orgs.name,
        regionName: regions.name,
        callCount: sql<number>`(select count(*)::int from ${calls} where ${calls.planLineId} = ${planLines.id})`,
      })
      .from(planLines)
      .innerJoin(orgs, eq(orgs.id, planLines.buyerOrgId))
      .leftJoin(regions, eq(regions.id, planLines.regionId))
      .where(and(...conditions))
      .orderBy(asc(orgs.name), asc(planLines.plannedQuarter), asc(planLines.title)),
    db.selectDistinct({ year: planLines.year }).from(planLines).orderBy(asc(planLines.year)),
  ]);
  const lines = rows.map((r) => ({
    id: r.line.id,
    year: r.line.year,
    title: r.line.title,
    category: r.line.category as ServiceCategory,
    budgetFen: r.line.budgetFen,
    plannedQuarter: r.line.plannedQuarter,
    buyerId: r.line.buyerOrgId,
    buyerName: r.buyerName,
    regionName: r.regionName,
    note: r.line.note,
    callCount: Number(r.callCount),
    actions: permittedActions(viewer, planPolicy, r.line, ['update']),
  }));
  const totals = (key: (l: (typeof lines)[number]) => string, label: (k: string) => string) => {
    const map = new Map<string, { key: string; label: string; count: number; budgetFen: number }>();
    for (const l of lines) {
      const k = key(l);
      const entry = map.get(k) ?? { key: k, label: label(k), count: 0, budgetFen: 0 };
      entry.count++;
      entry.budgetFen += l.budgetFen;
      map.set(k, entry);
    }
    return [...map.values()].sort((a, b) => b.budgetFen - a.budgetFen);
  };
  const names = new Map(lines.map((l) => [l.buyerId, l.buyerName]));
  return {
    year,
    years: [...new Set([...years.map((y) => y.year), year])].sort(),
    lines,
    byBuyer: totals(
      (l) => l.buyerId,
      (k) => names.get(k) ?? k,
    ),
    byCategory: totals(
      (l) => l.category,
      (k) => serviceCategoryLabels[k as ServiceCategory],
    ),
    total: { count: lines.length, budgetFen: lines.reduce((s, l) => s + l.budgetFen, 0) },
    actions: permittedActions(viewer, planPolicy, null, ['create', 'import']),
  };
}

async function assertRegion(db: Db, regionId: string | null | undefined) {
  if (!regionId) return;
  const [r] = await db.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
  if (!r) throw fieldError('regionId', '所选区划不存在');
}

export async function createPlanLine(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof planLineCreate>,
) {
  await assertRegion(db, input.regionId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(planLines)
      .values({ ...input, buyerOrgId: actor.user.org!.id })
      .returning();
    await appendAudit(tx, actor, {
      action: 'plan.created',
      targetType: 'plan_line',
      targetId: row.id,
      summary: input,
      visibility: 'public',
    });
    return row;
  });
}

export async function updatePlanLine(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof planLineUpdate>,
) {
  const before = await findById(db, planLines, id, '计划');
  await assertRegion(db, input.regionId);
  return db.transaction(async (tx) => {
    const row = await updateVersioned(tx, planLines, id, before.version, input);
    await appendAudit(tx, actor, {
      action: 'plan.updated',
      targetType: 'plan_line',
      targetId: id,
      summary: changeSummary(before, input),
      visibility: 'public',
    });
    return row;
  });
}

// ---------- Excel ----------
type Line = Awaited<ReturnType<typeof planOverview>>['lines'][number];
export const planColumns: Column<Line>[] = [
  { header: '年度', width: 8, value: (l) => l.year },
  { header: '项目名称', width: 40, value: (l) => l.title },
  { header: '服务领域', value: (l) => serviceCategoryLabels[l.category] },
  { header: '预算（元）', width: 14, value: (l) => (l.budgetFen / 100).toFixed(2) },
  { header: '计划季度', width: 10, value: (l) => l.plannedQuarter },
  { header: '备注', width: 30, value: (l) => l.note },
];
export const planImportHeaders = planColumns.map((c) => c.header);
const categoryByLabel = new Map<string, ServiceCategory>(
  SERVICE_CATEGORIES.map((c) => [serviceCategoryLabels[c], c]),
);
const fieldHeaders: Record<string, string> = {
  year: '年度',
  title: '项目名称',
  category: '服务领域',
  budgetFen: '预算（元）',
  plannedQuarter: '计划季度',
  note: '备注',
};

/** Yuan as typed in a spreadsheet ("120000", "12万" is not accepted) into fen, exactly. */
function yuanToFen(text: string): number | null {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.replace(/[,，\s¥￥]/g, ''));
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

export async function importPlanLines(db: Db, actor: Actor & { user: CurrentUser }, rows: RawRow[]) {
  if (rows.length === 0) throw unprocessable('import_invalid', '文件中没有数据行', { rows: [] });
  const problems: ImportProblem[] = [];
  const valid: z.infer<typeof planLineCreate>[] = [];
  for (const { row, values } of rows) {
    const category = categoryByLabel.get(values.服务领域);
    if (!category) problems.push({ row, field: '服务领域', message: `服务领域“${values.服务领域}”无效` });
    const budgetFen = yuanToFen(values['预算（元）']);
    if (budgetFen === null)
      problems.push({ row, field: '预算（元）', message: '预算应为数字（元，最多两位小数）' });
    const parsed = planLineCreate.safeParse({
      year: Number(values.年度),
      title: values.项目名称,
      category: category ?? 'elderly',
      budgetFen: budgetFen ?? 1,
      plannedQuarter: Number(values.计划季度),
      note: values.备注,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({
          row,
          field: fieldHeaders[String(issue.path[0])] ?? String(issue.path[0]),
          message: issue.message,
        });
    } else if (category && budgetFen !== null) valid.push(parsed.data);
  }
  if (problems.length)
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  await db.transaction(async (tx) => {
    await tx.insert(planLines).values(valid.map((v) => ({ ...v, buyerOrgId: actor.user.org!.id })));
    await appendAudit(tx, actor, {
      action: 'plan.imported',
      targetType: 'plan_line',
      summary: { count: valid.length, titles: valid.map((v) => v.title) },
      visibility: 'public',
    });
  });
  return { imported: valid.length };
}
