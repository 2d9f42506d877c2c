import { and, count, desc, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  POLICY_IMPORT_HEADERS,
  POLICY_LEVELS,
  type PolicyDetail,
  type PolicySummary,
  policyCreate,
  policyLevelLabels,
  policyMachine,
  type policyQuery,
  type policyRetire,
  type policyUpdate,
} from '../../../domain/policies.js';
import { searchText, toTsQuery } from '../../../domain/search.js';
import type { Db } from '../../db/client.js';
import { findById, updateVersioned } from '../../db/helpers.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { fieldError, staleVersion, unprocessable } from '../../http/errors.js';
import type { RawRow } from '../../http/excel.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { attachmentsOf } from '../files/service.js';
import { policies } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type PolicyRow = typeof policies.$inferSelect;
type PolicyInput = z.infer<typeof policyCreate>;

const tokensOf = (p: Pick<PolicyRow, 'title' | 'docNumber' | 'issuer' | 'summary' | 'body'>) =>
  searchText(p.title, p.docNumber, p.issuer, p.summary, p.body);

const summaryOf = (p: PolicyRow): PolicySummary => ({
  id: p.id,
  title: p.title,
  level: p.level,
  issuer: p.issuer,
  docNumber: p.docNumber,
  issuedOn: p.issuedOn,
  effectiveOn: p.effectiveOn,
  status: p.status,
  category: p.category,
  summary: p.summary,
});

const { body: _body, searchText: _search, ...listColumns } = getTableColumns(policies);

export async function listPolicies(db: Db, query: z.infer<typeof policyQuery>) {
  const conditions: SQL[] = [];
  if (query.level) conditions.push(eq(policies.level, query.level));
  if (query.status) conditions.push(eq(policies.status, query.status));
  if (query.category) conditions.push(eq(policies.category, query.category));
  if (query.year) {
    conditions.push(sql`${policies.issuedOn} >= ${`${query.year}-01-01`}::date`);
    conditions.push(sql`${policies.issuedOn} < ${`${query.year + 1}-01-01`}::date`);
  }
  if (query.q) {
    const ts = toTsQuery(query.q);
    // Nothing searchable (punctuation only) finds nothing rather than everything.
    conditions.push(ts ? sql`${policies}.search_vector @@ to_tsquery('simple', ${ts})` : sql`false`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [{ total }], years] = await Promise.all([
    db
      .select(listColumns)
      .from(policies)
      .where(where)
      .orderBy(desc(policies.issuedOn), desc(policies.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(policies).where(where),
    db
      .selectDistinct({ year: sql<number>`extract(year from ${policies.issuedOn})::int` })
      .from(policies)
      .orderBy(desc(sql`1`)),
  ]);
  return {
    items: rows.map((r) => summaryOf(r as PolicyRow)),
    total,
    page: query.page,
    pageSize: query.pageSize,
    years: years.map((y) => Number(y.year)),
  };
}

export async function getPolicy(db: Db, id: string): Promise<PolicyDetail> {
  const p = await findById(db, policies, id, '政策文件');
  const files = await attachmentsOf(db, 'policy', [p.id]);
  return {
    ...summaryOf(p),
    body: p.body,
    statusReason: p.statusReason,
    version: p.version,
    updatedAt: p.updatedAt.toISOString(),
    attachments: files.map((f) => ({ id: f.id, name: f.name, size: f.size, mime: f.mime })),
  };
}

/** Who may download a policy's attachments: everyone, as the library is public. */
export async function viewablePolicies(db: Db, _user: CurrentUser | null, ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const rows = await db.select({ id: policies.id }).from(policies).where(inArray(policies.id, ids));
  return new Set(rows.map((r) => r.id));
}

export async function createPolicy(db: Db, actor: SignedIn, input: PolicyInput) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(policies)
      .values({ ...input, searchText: tokensOf(input) })
      .returning();
    await appendAudit(tx, actor, {
      action: 'policy.created',
      targetType: 'policy',
      targetId: row.id,
      summary: { title: row.title, docNumber: row.docNumber, level: row.level },
      visibility: 'public',
    });
    return row;
  });
}

export async function updatePolicy(db: Db, actor: SignedIn, id: string, input: z.infer<typeof policyUpdate>) {
  const before = await findById(db, policies, id, '政策文件');
  const { version, ...changes } = input;
  if (version !== before.version) throw staleVersion();
  const after = { ...before, ...changes };
  if (after.effectiveOn && after.effectiveOn < after.issuedOn) {
    throw fieldError('effectiveOn', '施行日期不能早于发布日期');
  }
  return db.transaction(async (tx) => {
    const row = await updateVersioned(tx, policies, id, version, { ...changes, searchText: tokensOf(after) });
    await appendAudit(tx, actor, {
      action: 'policy.updated',
      targetType: 'policy',
      targetId: id,
      summary: changeSummary(before, changes),
      visibility: 'public',
    });
    return row;
  });
}

export async function retirePolicy(db: Db, actor: SignedIn, id: string, input: z.infer<typeof policyRetire>) {
  const row = await findById(db, policies, id, '政策文件');
  if (row.version !== input.version) throw staleVersion();
  return db.transaction((tx) =>
    transition(tx, actor, policyMachine, policies, row, input.status === 'revised' ? 'revise' : 'repeal', {
      reason: input.reason,
      set: { statusReason: input.reason },
      detail: { title: row.title },
      audit: { visibility: 'public' },
    }),
  );
}

// ---------- Excel ----------
export const policyImportHeaders: string[] = Object.values(POLICY_IMPORT_HEADERS);
const levelByLabel = new Map<string, string>(
  POLICY_LEVELS.flatMap((l) => [
    [policyLevelLabels[l], l],
    [policyLevelLabels[l].replace('级', ''), l],
  ]),
);
const headerOf = (field: PropertyKey) =>
  POLICY_IMPORT_HEADERS[field as keyof typeof POLICY_IMPORT_HEADERS] ?? String(field);

/** All rows or none: every bad cell is reported with its row and column. */
export async function importPolicies(db: Db, actor: SignedIn, rows: RawRow[]) {
  if (rows.length === 0) throw unprocessable('import_invalid', '文件中没有数据行', { rows: [] });
  const problems: { row: number; field: string; message: string }[] = [];
  const valid: PolicyInput[] = [];
  const h = POLICY_IMPORT_HEADERS;
  for (const { row, values } of rows) {
    const parsed = policyCreate.safeParse({
      title: values[h.title],
      level: levelByLabel.get(values[h.level]) ?? values[h.level],
      issuer: values[h.issuer],
      docNumber: values[h.docNumber],
      issuedOn: values[h.issuedOn],
      effectiveOn: values[h.effectiveOn] || null,
      category: values[h.category],
      summary: values[h.summary],
      body: values[h.body],
    });
    if (parsed.success) valid.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push({ row, field: headerOf(issue.path[0] ?? ''), message: issue.message });
  }
  if (problems.length)
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  await db.transaction(async (tx) => {
    await tx.insert(policies).values(valid.map((v) => ({ ...v, searchText: tokensOf(v) })));
    await appendAudit(tx, actor, {
      action: 'policy.imported',
      targetType: 'policy',
      summary: { count: valid.length, titles: valid.map((v) => v.title) },
      visibility: 'public',
    });
  });
  return { imported: valid.length };
}
