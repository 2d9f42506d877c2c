import { and, asc, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';
import { projects } from '../projects/schema.js';
import type { SearchFilters, SearchItem, SearchQuery } from './api.js';
import { searchStateLabels } from './api.js';
import { supervisionPolicy } from './policy.js';

/** Contracted amount once there are contracts (drafts excluded), the call's total budget before. */
const amountFen = sql<string>`coalesce((select sum(c.amount_fen) from contracts c where c.call_id = ${calls.id} and c.status <> 'draft'), ${calls.totalBudgetFen})`;
const dateOf = sql<Date>`coalesce(${calls.publishedAt}, ${calls.createdAt})`;
const openAlerts = sql<number>`(select count(*)::int from alerts a join contracts c on c.id = a.project_id where c.call_id = ${calls.id} and a.status <> 'resolved')`;
/** The grade of the latest accepted final evaluation of any of the call's projects. */
const grade = sql<
  string | null
>`(select e.grade from evaluations e join contracts c on c.id = e.project_id where c.call_id = ${calls.id} and e.stage = 'final' and e.status in ('accepted', 'final') order by e.accepted_at desc nulls last limit 1)`;

function stateCondition(state: string): SQL {
  const [step, value] = state.split(':');
  if (step === 'call') return eq(calls.status, value);
  if (step === 'contract')
    return sql`exists (select 1 from contracts c where c.call_id = ${calls.id} and c.status = ${value})`;
  return sql`exists (select 1 from contracts c left join projects p on p.id = c.id where c.call_id = ${calls.id} and c.status = 'signed' and coalesce(p.status, 'contracted') = ${value})`;
}

function filters(f: SearchFilters): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(calls.title, pattern), ilike(calls.code, pattern)));
  }
  if (f.buyerOrgId) conditions.push(eq(calls.buyerOrgId, f.buyerOrgId));
  if (f.streetId)
    conditions.push(or(sql`${f.streetId}::uuid = any(${calls.streetIds})`, eq(calls.regionId, f.streetId)));
  if (f.year) conditions.push(eq(calls.year, f.year));
  if (f.state) conditions.push(stateCondition(f.state));
  if (f.minFen !== undefined) conditions.push(sql`${amountFen} >= ${f.minFen}`);
  if (f.maxFen !== undefined) conditions.push(sql`${amountFen} <= ${f.maxFen}`);
  if (f.alert === 'open') conditions.push(sql`${openAlerts} > 0`);
  if (f.alert === 'none') conditions.push(sql`${openAlerts} = 0`);
  if (f.grade) conditions.push(sql`${grade} = ${f.grade}`);
  return conditions.length ? and(...conditions) : undefined;
}

const selectRows = (db: Db) =>
  db
    .select({
      id: calls.id,
      code: calls.code,
      title: calls.title,
      category: calls.category,
      year: calls.year,
      buyerOrgId: calls.buyerOrgId,
      buyerName: orgs.name,
      callStatus: calls.status,
      amountFen,
      date: dateOf,
      openAlerts,
      grade,
      total: sql<number>`count(*) over ()`,
    })
    .from(calls)
    .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId));

type Row = Awaited<ReturnType<ReturnType<typeof selectRows>['where']>>[number];

/** The contracts of these calls with their implementation's state. */
async function contractsOf(db: Db, callIds: string[]) {
  if (callIds.length === 0) return [];
  return db
    .select({
      id: contracts.id,
      callId: contracts.callId,
      code: contracts.code,
      providerName: orgs.name,
      amountFen: contracts.amountFen,
      status: contracts.status,
      projectStatus: sql<
        string | null
      >`case when ${contracts.status} = 'signed' or ${projects.id} is not null then coalesce(${projects.status}, 'contracted') end`,
    })
    .from(contracts)
    .innerJoin(orgs, eq(orgs.id, contracts.providerOrgId))
    .leftJoin(projects, eq(projects.id, contracts.id))
    .where(inArray(contracts.callId, callIds))
    .orderBy(asc(contracts.code));
}

async function present(db: Db, rows: Row[]): Promise<SearchItem[]> {
  const all = await contractsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const own = all.filter((c) => c.callId === r.id);
    // The furthest step reached: the implementation, else the contract, else the call.
    const project = own.find((c) => c.projectStatus);
    const state = project
      ? `project:${project.projectStatus}`
      : own.length
        ? `contract:${own[0].status}`
        : `call:${r.callStatus}`;
    return {
      id: r.id,
      code: r.code,
      title: r.title,
      category: r.category,
      year: r.year,
      buyerOrgId: r.buyerOrgId,
      buyerName: r.buyerName,
      callStatus: r.callStatus,
      state,
      stateLabel: searchStateLabels[state] ?? state,
      amountFen: Number(r.amountFen),
      date: new Date(r.date).toISOString(),
      openAlerts: Number(r.openAlerts),
      grade: r.grade,
      contracts: own.map(({ callId: _, ...c }) => c),
    };
  });
}

function ordering(f: SearchFilters) {
  const dir = f.order === 'asc' ? asc : desc;
  return f.sort === 'amount'
    ? [dir(sql`(${amountFen})::bigint`), desc(calls.code)]
    : [dir(dateOf), desc(calls.code)];
}

/** Every project (a call and what came of it), whoever bought it, for the supervisory bodies. */
export async function searchProjects(db: Db, viewer: CurrentUser | null, query: SearchQuery) {
  authorize(viewer, supervisionPolicy, 'search', null);
  const rows = await selectRows(db)
    .where(filters(query))
    .orderBy(...ordering(query))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  const total = rows.length
    ? Number(rows[0].total)
    : query.page === 1
      ? 0
      : ((await selectRows(db).where(filters(query)).limit(1))[0]?.total ?? 0);
  return { items: await present(db, rows), total: Number(total), page: query.page, pageSize: query.pageSize };
}

/** Every matching project, in pages of 500, for the Excel export. */
export async function* allProjects(db: Db, f: SearchFilters) {
  for (let offset = 0; ; offset += 500) {
    const rows = await selectRows(db)
      .where(filters(f))
      .orderBy(...ordering(f))
      .limit(500)
      .offset(offset);
    for (const item of await present(db, rows)) yield item;
    if (rows.length < 500) return;
  }
}
