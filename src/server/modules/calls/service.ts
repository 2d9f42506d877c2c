import { and, arrayContains, count, desc, eq, inArray, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
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

type CallChangeRow = typeof callChanges.$inferSelect;
type CallWithFacts = { call: CallRow; buyerName: string; applicationCount: number };

async function presentDetail(
  db: Db,
  { call: row, buyerName, applicationCount }: CallWithFacts,
  changes: CallChangeRow[],
) {
  const [index, attachments, timeline] = await Promise.all([
    regionIndex(db),
    attachmentsOf(db, 'call', [row.id]),
    callTimeline(db, row.id),
  ]);
  return {
    ...presentSummary(row, buyerName, index),
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
    applicationCount,
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

/**
 * A call with its buyer's name and number of submitted applications, and its public change
 * history: prepared once per database (named statements on PostgreSQL, planned once per
 * connection), as drizzle's building of a query costs more than PostgreSQL's answering it.
 */
function prepareDetail(db: Db) {
  const id = sql.placeholder('id');
  return {
    call: db
      .select({
        call: calls,
        buyerName: orgs.name,
        applicationCount:
          sql<number>`(select count(*) from ${applications} where ${applications.callId} = ${calls.id} and ${inArray(applications.status, SUBMITTED_STATES)})`.mapWith(
            Number,
          ),
      })
      .from(calls)
      .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId))
      .where(eq(calls.id, id))
      .prepare('call_detail'),
    changes: db
      .select()
      .from(callChanges)
      .where(eq(callChanges.callId, id))
      .orderBy(desc(callChanges.changedAt))
      .prepare('call_detail_changes'),
  };
}
const detailStatements = new WeakMap<Db, ReturnType<typeof prepareDetail>>();

function detailQueries(db: Db) {
  let prepared = detailStatements.get(db);
  if (!prepared) {
    prepared = prepareDetail(db);
    detailStatements.set(db, prepared);
  }
  return prepared;
}

/** The call (404 if there is none) with its facts and changes, in one round trip. */
async function loadDetail(db: Db, id: string) {
  const queries = detailQueries(db);
  const [[found], changes] = await Promise.all([
    queries.call.execute({ id }),
    queries.changes.execute({ id }),
  ]);
  if (!found) throw notFound('项目');
  return { found, changes };
}

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
  const { found, changes } = await loadDetail(db, id);
  const row = found.call;
  if (!callPolicy.view(viewer, row)) throw row.status === 'draft' ? notFound('项目') : forbidden();
  return {
    ...(await presentDetail(db, found, changes)),
    shortWindowFlag: callPolicy.seeFlags(viewer, row) ? row.shortWindowFlag : null,
    version: row.version,
    actions: callActions(viewer, row),
  };
}

export async function publicCall(db: Db, id: string) {
  const { found, changes } = await loadDetail(db, id);
  if (found.call.status === 'draft') throw notFound('项目');
  return presentDetail(db, found, changes);
}

// ---------- lists ----------
/** Each filter of a list, on a value or a placeholder of one. */
const FILTERS = {
  status: (v: unknown) => eq(calls.status, v as string | SQLWrapper),
  buyerId: (v: unknown) => eq(calls.buyerOrgId, v as string | SQLWrapper),
  category: (v: unknown) => eq(calls.category, v as string | SQLWrapper),
  streetIds: (v: unknown) => arrayContains(calls.streetIds, v as string[] | SQLWrapper),
  year: (v: unknown) => eq(calls.year, v as number | SQLWrapper),
  // calls.search_vector: the stored tsvector of search_text, GIN-indexed (migration 0009).
  tsQuery: (v: unknown) => sql`${calls}.search_vector @@ to_tsquery('simple', ${v})`,
};
type Filter = keyof typeof FILTERS;

/** The filters a query sets, with their values. */
function filterValues(query: Omit<CallQuery, 'page' | 'pageSize'>) {
  const values: Partial<Record<Filter, unknown>> = {
    status: query.status,
    buyerId: query.buyerId,
    category: query.category,
    streetIds: query.streetId ? [query.streetId] : undefined,
    year: query.year,
    tsQuery: query.q ? (toTsQuery(query.q) ?? undefined) : undefined,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<
    Record<Filter, unknown>
  >;
}

const listFilters = (query: Omit<CallQuery, 'page' | 'pageSize'>): SQL[] =>
  Object.entries(filterValues(query)).map(([name, value]) => FILTERS[name as Filter](value));

/** Lists report at most this many matches as their total (and say so with `totalCapped`). */
export const COUNT_CAP = 1000;

/** The queries of a list page under these conditions: its rows, and how many match (up to the cap). */
function listQueries(db: Db, where: SQL | undefined, limit: unknown, offset: unknown) {
  return {
    page: db
      .select({ ...summaryColumns, buyerName: orgs.name })
      .from(calls)
      .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId))
      .where(where)
      .orderBy(sql`${calls.publishedAt} desc nulls last`, desc(calls.id))
      .limit(limit as number)
      .offset(offset as number),
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

const PUBLIC_SCOPE = sql`${calls.status} <> 'draft'`;

/**
 * The public list's queries, prepared once per combination of filters that a query sets (as the
 * detail's, prepareDetail): the values, page size and offset are placeholders.
 */
function preparedPublicList(db: Db, filters: Filter[]) {
  let byShape = publicListStatements.get(db);
  if (!byShape) {
    byShape = new Map();
    publicListStatements.set(db, byShape);
  }
  const shape = filters.join('_') || 'all';
  let prepared = byShape.get(shape);
  if (!prepared) {
    const where = and(PUBLIC_SCOPE, ...filters.map((f) => FILTERS[f](sql.placeholder(f))));
    const queries = listQueries(db, where, sql.placeholder('limit'), sql.placeholder('offset'));
    prepared = {
      page: queries.page.prepare(`public_calls_${shape}`),
      count: queries.count.prepare(`public_calls_count_${shape}`),
    };
    byShape.set(shape, prepared);
  }
  return prepared;
}
type ListQueries = ReturnType<typeof listQueries>;
type PreparedList = {
  page: ReturnType<ListQueries['page']['prepare']>;
  count: ReturnType<ListQueries['count']['prepare']>;
};
const publicListStatements = new WeakMap<Db, Map<string, PreparedList>>();

/** The public list's queries as they run, for checking their plans (search.api.test.ts). */
export function publicListQueries(db: Db, query: CallQuery) {
  return listQueries(
    db,
    and(PUBLIC_SCOPE, ...listFilters(query)),
    query.pageSize,
    (query.page - 1) * query.pageSize,
  );
}

function listResult(
  query: CallQuery,
  rows: (CallSummaryRow & { buyerName: string })[],
  total: number,
  index: RegionIndex,
) {
  return {
    items: rows.map((r) => presentSummary(r, r.buyerName, index)),
    total: Math.min(total, COUNT_CAP),
    totalCapped: total > COUNT_CAP,
    page: query.page,
    pageSize: query.pageSize,
  };
}

async function listCalls(db: Db, query: CallQuery, scope: SQL[]) {
  const queries = listQueries(
    db,
    and(...scope, ...listFilters(query)),
    query.pageSize,
    (query.page - 1) * query.pageSize,
  );
  const [rows, [{ total }], index] = await Promise.all([queries.page, queries.count, regionIndex(db)]);
  return listResult(query, rows, total, index);
}

export async function listPublicCalls(db: Db, query: CallQuery) {
  const values = filterValues(query);
  const prepared = preparedPublicList(db, Object.keys(values) as Filter[]);
  const params = { ...values, limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
  const [rows, [{ total }], index] = await Promise.all([
    prepared.page.execute(params),
    prepared.count.execute(params),
    regionIndex(db),
  ]);
  return listResult(query, rows, total, index);
}

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
