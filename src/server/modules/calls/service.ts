import { and, arrayContains, count, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { callCreate, callQuery, callUpdate } from '../../../domain/calls.js';
import { type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums.js';
import {
  availableTransitions,
  type CallState,
  type CallTransition,
  callTransitions,
  DEFAULT_RUBRIC,
} from '../../../domain/lifecycle.js';
import { searchText, toTsQuery } from '../../../domain/search.js';
import type { Config } from '../../config.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import { permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, forbidden, notFound } from '../../http/errors.js';
import { transitionCall } from '../../lifecycle/transitions.js';
import { users } from '../accounts/schema.js';
import { applications } from '../applications/schema.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { attachmentsOf } from '../files/service.js';
import { notify } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { planLines } from '../plans/schema.js';
import { regions } from '../regions/schema.js';
import { callTimeline } from '../timeline/service.js';
import { sanitizeHtml, textOfHtml } from './html.js';
import { callPolicy } from './policy.js';
import { callChanges, calls } from './schema.js';

type CallRow = typeof calls.$inferSelect;
type CallQuery = z.infer<typeof callQuery>;

// ---------- regions of a call ----------
type RegionIndex = Map<string, { id: string; name: string; level: string; parentId: string | null }>;

// Regions change a few times a year; every list page needs their names. A short-lived cache per
// database keeps that lookup off the hot path without a cross-process invalidation scheme.
const REGION_CACHE_MS = 30_000;
const regionCache = new WeakMap<object, { at: number; index: Promise<RegionIndex> }>();

const loadRegionIndex = (db: Executor): Promise<RegionIndex> =>
  db
    .select({ id: regions.id, name: regions.name, level: regions.level, parentId: regions.parentId })
    .from(regions)
    .then((rows) => new Map(rows.map((r) => [r.id, r])));

function regionIndex(db: Executor): Promise<RegionIndex> {
  const cached = regionCache.get(db);
  if (cached && Date.now() - cached.at < REGION_CACHE_MS) return cached.index;
  const index = loadRegionIndex(db);
  regionCache.set(db, { at: Date.now(), index });
  return index;
}

function streetsOf(index: RegionIndex, areaIds: string[]) {
  const streets = new Set<string>();
  for (const id of areaIds) {
    const region = index.get(id);
    if (region?.level === 'street') streets.add(region.id);
    else if (region?.level === 'community' && region.parentId) streets.add(region.parentId);
  }
  return [...streets];
}

// ---------- presentation ----------
/** The columns a list item shows: not the description, rubric or search text of every call. */
const summaryColumns = {
  id: calls.id,
  code: calls.code,
  title: calls.title,
  year: calls.year,
  buyerOrgId: calls.buyerOrgId,
  category: calls.category,
  status: calls.status,
  budgetCapFen: calls.budgetCapFen,
  totalBudgetFen: calls.totalBudgetFen,
  applicationOpensAt: calls.applicationOpensAt,
  applicationClosesAt: calls.applicationClosesAt,
  servicePeriodStart: calls.servicePeriodStart,
  servicePeriodEnd: calls.servicePeriodEnd,
  streetIds: calls.streetIds,
  publishedAt: calls.publishedAt,
};
type CallSummaryRow = Pick<CallRow, keyof typeof summaryColumns>;

function presentSummary(row: CallSummaryRow, buyerName: string, index: RegionIndex) {
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    year: row.year,
    buyerId: row.buyerOrgId,
    buyerName,
    category: row.category as ServiceCategory,
    status: row.status as CallState,
    budgetCapFen: row.budgetCapFen,
    totalBudgetFen: row.totalBudgetFen,
    applicationOpensAt: row.applicationOpensAt.toISOString(),
    applicationClosesAt: row.applicationClosesAt.toISOString(),
    servicePeriodStart: row.servicePeriodStart,
    servicePeriodEnd: row.servicePeriodEnd,
    streetNames: row.streetIds.map((id) => index.get(id)?.name ?? '').filter(Boolean),
    publishedAt: row.publishedAt?.toISOString() ?? null,
  };
}

async function presentDetail(db: Db, row: CallRow) {
  const [[buyer], index, attachments, changes, timeline, [apps]] = await Promise.all([
    db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, row.buyerOrgId)),
    regionIndex(db),
    attachmentsOf(db, 'call', [row.id]),
    db.select().from(callChanges).where(eq(callChanges.callId, row.id)).orderBy(desc(callChanges.changedAt)),
    callTimeline(db, row.id),
    db
      .select({ n: count() })
      .from(applications)
      .where(and(eq(applications.callId, row.id), inArray(applications.status, SUBMITTED_STATES))),
  ]);
  return {
    ...presentSummary(row, buyer.name, index),
    planLineId: row.planLineId,
    regionId: row.regionId,
    serviceAreas: row.serviceAreaIds
      .map((id) => index.get(id))
      .filter((r) => !!r)
      .map((r) => ({ id: r.id, name: r.name, level: r.level })),
    targetGroups: row.targetGroups,
    reviewMethod: row.reviewMethod,
    aggregation: row.aggregation,
    rubric: row.rubric,
    eligibility: row.eligibility,
    descriptionHtml: row.descriptionHtml,
    statusReason: row.statusReason,
    attachments: attachments.map(({ id, name, size, mime, url }) => ({ id, name, size, mime, url })),
    changes: changes.map((c) => ({ at: c.changedAt.toISOString(), changes: c.changes, reason: c.reason })),
    timeline,
    applicationCount: apps.n,
  };
}

export const SUBMITTED_STATES = [
  'submitted',
  'eligible',
  'ineligible',
  'scored',
  'awarded',
  'not_awarded',
  'revoked',
];

/** Transitions this user may trigger by hand on a call, as UI action names. */
function callActions(viewer: CurrentUser | null, row: CallRow) {
  const base = permittedActions(viewer, callPolicy, row, ['update']);
  if (!viewer || !callPolicy.manage(viewer, row)) return base;
  const manual: CallTransition[] = ['publish', 'close', 'cancel', 'fail'];
  const open = availableTransitions(callTransitions, row.status as CallState, viewer.roles).filter((t) =>
    manual.includes(t),
  );
  return [...base, ...open];
}

export async function managedCall(db: Db, viewer: CurrentUser, id: string) {
  const row = await findById(db, calls, id, '项目');
  if (!callPolicy.view(viewer, row)) throw row.status === 'draft' ? notFound('项目') : forbidden();
  return {
    ...(await presentDetail(db, row)),
    shortWindowFlag: callPolicy.seeFlags(viewer, row) ? row.shortWindowFlag : null,
    version: row.version,
    actions: callActions(viewer, row),
  };
}

export async function publicCall(db: Db, id: string) {
  const [row] = await db.select().from(calls).where(eq(calls.id, id));
  if (!row || row.status === 'draft') throw notFound('项目');
  return presentDetail(db, row);
}

// ---------- lists ----------
function listFilters(query: Omit<CallQuery, 'page' | 'pageSize'>): SQL[] {
  const conditions: SQL[] = [];
  if (query.status) conditions.push(eq(calls.status, query.status));
  if (query.buyerId) conditions.push(eq(calls.buyerOrgId, query.buyerId));
  if (query.category) conditions.push(eq(calls.category, query.category));
  if (query.streetId) conditions.push(arrayContains(calls.streetIds, [query.streetId]));
  if (query.year) conditions.push(eq(calls.year, query.year));
  const tsQuery = query.q ? toTsQuery(query.q) : null;
  // calls.search_vector: the stored tsvector of search_text, GIN-indexed (migration 0009).
  if (tsQuery) conditions.push(sql`${calls}.search_vector @@ to_tsquery('simple', ${tsQuery})`);
  return conditions;
}

/** Lists report at most this many matches as their total (and say so with `totalCapped`). */
export const COUNT_CAP = 1000;

/** The queries of a list page: its rows, and how many match (up to the cap). */
function listQueries(db: Db, query: CallQuery, scope: SQL[]) {
  const where = and(...scope, ...listFilters(query));
  return {
    page: db
      .select({ ...summaryColumns, buyerName: orgs.name })
      .from(calls)
      .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId))
      .where(where)
      .orderBy(sql`${calls.publishedAt} desc nulls last`, desc(calls.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    // Counting stops at a cap: an exact total over every public call costs a full scan per page view.
    count: db.select({ total: count() }).from(
      db
        .select({ one: sql`1` })
        .from(calls)
        .where(where)
        .limit(COUNT_CAP + 1)
        .as('capped'),
    ),
  };
}

const PUBLIC_SCOPE = [sql`${calls.status} <> 'draft'`];

/** The public list's queries, for checking their plans (search.api.test.ts). */
export const publicListQueries = (db: Db, query: CallQuery) => listQueries(db, query, PUBLIC_SCOPE);

async function listCalls(db: Db, query: CallQuery, scope: SQL[]) {
  const queries = listQueries(db, query, scope);
  const [rows, [{ total }], index] = await Promise.all([queries.page, queries.count, regionIndex(db)]);
  return {
    items: rows.map((r) => presentSummary(r, r.buyerName, index)),
    total: Math.min(total, COUNT_CAP),
    totalCapped: total > COUNT_CAP,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export const listPublicCalls = (db: Db, query: CallQuery) => listCalls(db, query, PUBLIC_SCOPE);

export async function listManagedCalls(db: Db, viewer: CurrentUser, query: CallQuery) {
  if (callPolicy.view(viewer, { buyerOrgId: '', status: '' })) return listCalls(db, query, []);
  if (!viewer.org) throw forbidden();
  return listCalls(db, query, [eq(calls.buyerOrgId, viewer.org.id)]);
}

// ---------- writes ----------
async function nextCode(tx: Tx, year: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(7262002, ${year})`);
  const [{ n }] = await tx.select({ n: count() }).from(calls).where(eq(calls.year, year));
  return `GD-${year}-${String(n + 1).padStart(4, '0')}`;
}

async function assertAreas(_db: Db, index: RegionIndex, ids: string[]) {
  for (const id of ids) {
    const region = index.get(id);
    if (!region || region.level === 'district')
      throw fieldError('serviceAreaIds', '服务区域应为街道或社区，且必须存在');
  }
}

async function derived(
  db: Db,
  input: {
    title: string;
    descriptionHtml: string;
    category: string;
    targetGroups: string[];
    serviceAreaIds: string[];
  },
  buyerName: string,
) {
  // Writes validate against the current regions, not the cache.
  const index = await loadRegionIndex(db);
  await assertAreas(db, index, input.serviceAreaIds);
  const streetIds = streetsOf(index, input.serviceAreaIds);
  const descriptionHtml = sanitizeHtml(input.descriptionHtml);
  return {
    descriptionHtml,
    streetIds,
    searchText: searchText(
      input.title,
      textOfHtml(descriptionHtml),
      serviceCategoryLabels[input.category as ServiceCategory],
      input.targetGroups.join(' '),
      buyerName,
      streetIds.map((id) => index.get(id)?.name).join(' '),
    ),
  };
}

export async function createCall(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof callCreate>,
) {
  const buyerOrgId = actor.user.org!.id;
  if (input.planLineId) {
    const [line] = await db.select().from(planLines).where(eq(planLines.id, input.planLineId));
    if (!line || line.buyerOrgId !== buyerOrgId)
      throw fieldError('planLineId', '所选年度计划不存在或不属于本单位');
  }
  const extra = await derived(db, input, actor.user.org!.name);
  const year = Number(input.servicePeriodStart.slice(0, 4));
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(calls)
      .values({
        ...input,
        ...extra,
        code: await nextCode(tx, year),
        buyerOrgId,
        year,
        rubric: input.rubric ?? [...DEFAULT_RUBRIC],
        applicationOpensAt: new Date(input.applicationOpensAt),
        applicationClosesAt: new Date(input.applicationClosesAt),
        status: 'draft',
      })
      .returning({ id: calls.id, code: calls.code });
    await appendAudit(tx, actor, {
      action: 'call.created',
      targetType: 'call',
      targetId: row.id,
      summary: { code: row.code, title: input.title },
    });
    return row.id;
  });
  return managedCall(db, actor.user, id);
}

const publicFields = [
  'title',
  'category',
  'serviceAreaIds',
  'targetGroups',
  'budgetCapFen',
  'totalBudgetFen',
  'servicePeriodStart',
  'servicePeriodEnd',
  'applicationOpensAt',
  'applicationClosesAt',
  'reviewMethod',
  'rubric',
  'eligibility',
  'descriptionHtml',
] as const;

export async function updateCall(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof callUpdate>,
) {
  const before = await findById(db, calls, id, '项目');
  const { changeReason, ...changes } = input;
  const merged = {
    title: changes.title ?? before.title,
    descriptionHtml: changes.descriptionHtml ?? before.descriptionHtml,
    category: changes.category ?? before.category,
    targetGroups: changes.targetGroups ?? before.targetGroups,
    serviceAreaIds: changes.serviceAreaIds ?? before.serviceAreaIds,
  };
  const cap = changes.budgetCapFen ?? before.budgetCapFen;
  if (cap > (changes.totalBudgetFen ?? before.totalBudgetFen))
    throw fieldError('budgetCapFen', '单个项目预算上限不能超过总预算');
  const published = before.status !== 'draft';
  if (published && !changeReason)
    throw fieldError('changeReason', '征集发布后修改，须填写修改原因（将公开）');
  const buyerName = (await findById(db, orgs, before.buyerOrgId, '单位')).name;
  const extra = await derived(db, merged, buyerName);
  const { applicationOpensAt, applicationClosesAt, ...rest } = changes;
  const values = {
    ...rest,
    ...extra,
    ...(applicationOpensAt ? { applicationOpensAt: new Date(applicationOpensAt) } : {}),
    ...(applicationClosesAt ? { applicationClosesAt: new Date(applicationClosesAt) } : {}),
  };
  const diff = changeSummary(
    Object.fromEntries(
      publicFields.map((f) => [
        f,
        f.startsWith('application') ? (before[f] as Date).toISOString() : before[f],
      ]),
    ),
    Object.fromEntries(
      publicFields
        .filter((f) => changes[f] !== undefined)
        .map((f) => [f, f === 'descriptionHtml' ? extra.descriptionHtml : changes[f]]),
    ),
  );
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(calls)
      .set({ ...values, version: sql`${calls.version} + 1`, updatedAt: new Date() })
      .where(
        and(
          eq(calls.id, id),
          eq(calls.version, before.version),
          inArray(calls.status, ['draft', 'published']),
        ),
      )
      .returning({ id: calls.id });
    if (updated.length === 0) throw conflict('该项目刚刚被他人更新或已截止，请刷新后重试');
    if (published && Object.keys(diff).length) {
      await tx
        .insert(callChanges)
        .values({ callId: id, changedBy: actor.user.id, changes: diff, reason: changeReason ?? null });
    }
    await appendAudit(tx, actor, {
      action: 'call.updated',
      targetType: 'call',
      targetId: id,
      summary: { changes: diff, reason: changeReason },
      visibility: published ? 'public' : 'internal',
    });
  });
  return managedCall(db, actor.user, id);
}

const DAY = 86_400_000;

export async function publishCall(db: Db, config: Config, actor: Actor & { user: CurrentUser }, id: string) {
  const call = await findById(db, calls, id, '项目');
  const now = Date.now();
  if (call.applicationClosesAt.getTime() <= now)
    throw fieldError('applicationClosesAt', '申报截止时间已过，请先修改后再发布');
  const openDays =
    (call.applicationClosesAt.getTime() - Math.max(now, call.applicationOpensAt.getTime())) / DAY;
  const flag =
    openDays < config.CALL_MIN_OPEN_DAYS
      ? `征集期仅${Math.max(0, Math.floor(openDays * 10) / 10)}天，少于${config.CALL_MIN_OPEN_DAYS}天`
      : null;
  await db.transaction(async (tx) => {
    await transitionCall(tx, actor, call, 'publish', {
      set: { publishedAt: new Date(now), shortWindowFlag: flag },
      detail: { code: call.code, applicationClosesAt: call.applicationClosesAt.toISOString() },
      timelineTitle: `发布项目征集（${call.code}）`,
    });
    if (flag) {
      const admins = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(arrayContains(users.roles, ['admin']), eq(users.active, true)));
      await notify(
        tx,
        admins.map((a) => a.id),
        {
          kind: 'call.short_window',
          title: `征集期过短：${call.title}`,
          body: flag,
          link: `/app/calls/${id}`,
        },
      );
    }
  });
  return managedCall(db, actor.user, id);
}

export async function closeCall(db: Db, actor: Actor & { user: CurrentUser }, id: string) {
  const call = await findById(db, calls, id, '项目');
  if (call.status === 'published' && call.applicationClosesAt.getTime() > Date.now()) {
    throw conflict('申报截止时间未到，不能截止征集');
  }
  await db.transaction(async (tx) => {
    await transitionCall(tx, actor, call, 'close', { timelineTitle: '申报截止' });
  });
  return managedCall(db, actor.user, id);
}

export async function endCall(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  name: 'cancel' | 'fail',
  reason: string,
) {
  const call = await findById(db, calls, id, '项目');
  await db.transaction(async (tx) => {
    await transitionCall(tx, actor, call, name, { reason });
  });
  return managedCall(db, actor.user, id);
}

/** Which of these calls the user may see (for their attachments): published ones, and drafts to their buyer. */
export async function viewableCalls(db: Db, user: CurrentUser | null, ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: calls.id, status: calls.status, buyerOrgId: calls.buyerOrgId })
    .from(calls)
    .where(inArray(calls.id, ids));
  return new Set(
    rows.filter((c) => c.status !== 'draft' || (!!user && callPolicy.view(user, c))).map((c) => c.id),
  );
}
