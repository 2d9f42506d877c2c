import { and, asc, eq, ilike, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { RegionTreeNode, regionCreate, regionQuery, regionUpdate } from '../../../domain/api.js';
import { childLevel, type RegionLevel, regionLevelLabels } from '../../../domain/enums.js';
import type { Db } from '../../db/client.js';
import { containsPattern, countWhere, findById, paginate, updateVersioned } from '../../db/helpers.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound } from '../../http/errors.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { present } from './presenter.js';
import { regions } from './schema.js';

const parent = alias(regions, 'parent');

const selectWithParent = (db: Db) =>
  db
    .select({ region: regions, parentName: parent.name })
    .from(regions)
    .leftJoin(parent, eq(parent.id, regions.parentId));

export async function listRegions(db: Db, viewer: CurrentUser | null, query: z.infer<typeof regionQuery>) {
  const conditions: (SQL | undefined)[] = [];
  if (query.q)
    conditions.push(or(ilike(regions.name, containsPattern(query.q)), ilike(regions.code, `${query.q}%`)));
  if (query.level) conditions.push(eq(regions.level, query.level));
  if (query.parentId) conditions.push(eq(regions.parentId, query.parentId));
  if (query.active) conditions.push(eq(regions.active, query.active === 'true'));
  const where = and(...conditions);
  return paginate(
    query,
    async (limit, offset) =>
      (await selectWithParent(db).where(where).orderBy(asc(regions.code)).limit(limit).offset(offset)).map(
        (r) => present(viewer, r.region, r.parentName),
      ),
    () => countWhere(db, regions, where),
  );
}

export async function getRegion(db: Db, viewer: CurrentUser | null, id: string) {
  const [row] = await selectWithParent(db).where(eq(regions.id, id));
  if (!row) throw notFound('区划');
  return present(viewer, row.region, row.parentName);
}

/** The whole active tree in one query, assembled in memory. */
export async function regionTree(db: Db): Promise<RegionTreeNode[]> {
  const rows = await db
    .select({ id: regions.id, name: regions.name, level: regions.level, parentId: regions.parentId })
    .from(regions)
    .where(eq(regions.active, true))
    .orderBy(asc(regions.code));
  const nodes = new Map<string, RegionTreeNode>(
    rows.map((r) => [r.id, { id: r.id, name: r.name, level: r.level, children: [] }]),
  );
  const roots: RegionTreeNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parentNode = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parentNode) parentNode.children.push(node);
    else roots.push(node);
  }
  return roots;
}

async function assertValidParent(db: Db, level: RegionLevel, parentId: string | null) {
  if (level === 'district') {
    if (parentId) throw fieldError('parentId', '区级区划不能有上级');
    return;
  }
  if (!parentId) throw fieldError('parentId', `${regionLevelLabels[level]}必须选择上级区划`);
  const [p] = await db.select().from(regions).where(eq(regions.id, parentId));
  if (!p) throw fieldError('parentId', '上级区划不存在');
  if (childLevel[p.level] !== level) {
    throw fieldError(
      'parentId',
      `${regionLevelLabels[level]}的上级应为${level === 'street' ? '区' : '街道/乡镇'}`,
    );
  }
}

async function assertCodeFree(db: Db, code: string, exceptId?: string) {
  const [taken] = await db.select({ id: regions.id }).from(regions).where(eq(regions.code, code));
  if (taken && taken.id !== exceptId) {
    throw conflict(`区划代码 ${code} 已存在`, { fields: [{ path: 'code', message: '区划代码已存在' }] });
  }
}

export async function createRegion(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof regionCreate>,
) {
  await assertValidParent(db, input.level, input.parentId);
  await assertCodeFree(db, input.code);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.insert(regions).values(input).returning();
    await appendAudit(tx, actor, {
      action: 'region.created',
      targetType: 'region',
      targetId: row.id,
      summary: input,
      visibility: 'public',
    });
    return row.id;
  });
  return getRegion(db, actor.user, id);
}

export async function updateRegion(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof regionUpdate>,
) {
  const before = await findById(db, regions, id, '区划');
  if (input.code) await assertCodeFree(db, input.code, id);
  await db.transaction(async (tx) => {
    await updateVersioned(tx, regions, id, before.version, input);
    await appendAudit(tx, actor, {
      action: 'region.updated',
      targetType: 'region',
      targetId: id,
      summary: changeSummary(before, input),
      visibility: 'public',
    });
  });
  return getRegion(db, actor.user, id);
}
