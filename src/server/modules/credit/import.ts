/**
 * National-list import: 活动异常名录 and 严重违法失信名单 decisions as received from the
 * registration authority, one row each; every row is checked, and all are written or none.
 */
import { and, inArray } from 'drizzle-orm';
import type { ImportProblems } from '../../../domain/api.js';
import {
  CREDIT_REASONS,
  type CreditList,
  type CreditPeriods,
  creditListLabels,
  defaultEndsOn,
  entryCreateBody,
  type NATIONAL_IMPORT_HEADERS,
  NATIONAL_LISTS,
} from '../../../domain/credit.js';
import type { Db } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { unprocessable } from '../../http/errors.js';
import type { RawRow } from '../../http/excel.js';
import { appendAudit } from '../audit/service.js';
import { orgs } from '../orgs/schema.js';
import { creditPolicy } from './policy.js';
import { creditEntries } from './schema.js';
import { decisionRow, recordListing } from './service.js';

type Header = (typeof NATIONAL_IMPORT_HEADERS)[number];
type ImportProblem = ImportProblems['rows'][number];
const FIELD_HEADERS: Record<string, Header> = {
  orgId: '统一社会信用代码',
  list: '名单类型',
  reasonCode: '列入原因',
  reason: '事由',
  decidedBy: '决定机关',
  documentNo: '决定文号',
  decidedOn: '决定日期',
  startsOn: '列入日期',
  endsOn: '截止日期',
};
const listByLabel = new Map<string, CreditList>(NATIONAL_LISTS.map((l) => [creditListLabels[l], l]));

/** A reason given by its label or its code. */
function reasonCodeOf(list: CreditList, given: string) {
  const reasons = CREDIT_REASONS[list] as Record<string, string>;
  if (Object.hasOwn(reasons, given)) return given;
  return Object.entries(reasons).find(([, label]) => label === given)?.[0] ?? null;
}

export async function importNationalLists(
  db: Db,
  actor: Actor & { user: CurrentUser },
  rows: RawRow[],
  periods: CreditPeriods,
) {
  authorize(actor.user, creditPolicy, 'manage', null);
  if (rows.length === 0) throw unprocessable('import_invalid', '文件中没有数据行', { rows: [] });
  const codes = [...new Set(rows.map((r) => r.values.统一社会信用代码.toUpperCase()).filter(Boolean))];
  const found = codes.length
    ? await db
        .select({ id: orgs.id, name: orgs.name, kind: orgs.kind, code: orgs.creditCode })
        .from(orgs)
        .where(inArray(orgs.creditCode, codes))
    : [];
  const orgByCode = new Map(found.map((o) => [o.code!, o]));
  const documentNos = rows.map((r) => r.values.决定文号).filter(Boolean);
  const existing = documentNos.length
    ? await db
        .select({
          orgId: creditEntries.orgId,
          list: creditEntries.list,
          documentNo: creditEntries.documentNo,
        })
        .from(creditEntries)
        .where(
          and(
            inArray(creditEntries.documentNo, documentNos),
            inArray(creditEntries.list, [...NATIONAL_LISTS]),
          ),
        )
    : [];
  const known = new Set(existing.map((e) => `${e.orgId}|${e.list}|${e.documentNo}`));
  const seen = new Map<string, number>();
  const problems: ImportProblem[] = [];
  const valid: { values: typeof creditEntries.$inferInsert; orgName: string }[] = [];

  for (const { row, values } of rows) {
    const problem = (field: string, message: string) => problems.push({ row, field, message });
    const code = values.统一社会信用代码.toUpperCase();
    const org = orgByCode.get(code);
    if (!code) problem('统一社会信用代码', '请填写统一社会信用代码');
    else if (!org) problem('统一社会信用代码', `平台中没有统一社会信用代码为“${code}”的单位`);
    else if (org.kind !== 'provider') problem('统一社会信用代码', `“${org.name}”不是社会组织（承接主体）`);
    const list = listByLabel.get(values.名单类型);
    if (!list) problem('名单类型', `名单类型应为：${[...listByLabel.keys()].join('、')}`);
    const reasonCode = list ? reasonCodeOf(list, values.列入原因) : null;
    if (list && !reasonCode)
      problem('列入原因', `列入原因应为：${Object.values(CREDIT_REASONS[list]).join('、')}`);
    const parsed = entryCreateBody.safeParse({
      orgId: org?.id ?? '00000000-0000-4000-8000-000000000000',
      list: list ?? 'black_abnormal',
      reasonCode: reasonCode ?? 'other',
      reason: values.事由,
      decidedBy: values.决定机关,
      documentNo: values.决定文号,
      decidedOn: values.决定日期,
      startsOn: values.列入日期 || values.决定日期,
      endsOn: values.截止日期 || undefined,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = FIELD_HEADERS[String(issue.path[0])] ?? String(issue.path[0]);
        problem(field, issue.message);
      }
      continue;
    }
    if (!org || !list || !reasonCode) continue;
    const key = `${org.id}|${list}|${parsed.data.documentNo}`;
    if (known.has(key))
      problem('决定文号', `“${org.name}”的${values.名单类型}记录（${parsed.data.documentNo}）已在平台中`);
    if (seen.has(key)) problem('决定文号', `与第${seen.get(key)}行重复`);
    seen.set(key, row);
    const endsOn = parsed.data.endsOn ?? defaultEndsOn(list, parsed.data.startsOn, periods);
    valid.push({
      values: decisionRow({ ...parsed.data, endsOn }, periods, actor, 'import'),
      orgName: org.name,
    });
  }
  if (problems.length) {
    throw unprocessable('import_invalid', `导入失败：${problems.length}处错误，未写入任何数据`, {
      rows: problems,
    });
  }
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(creditEntries)
      .values(valid.map((v) => v.values))
      .returning();
    const orgNames = new Map(valid.map((v) => [v.values.orgId, v.orgName]));
    for (const row of inserted) await recordListing(tx, actor, row, orgNames.get(row.orgId)!, null);
    await appendAudit(tx, actor, {
      action: 'credit_entry.imported',
      targetType: 'credit_entry',
      summary: { count: inserted.length, documentNos: inserted.map((r) => r.documentNo) },
      visibility: 'public',
    });
  });
  return { imported: valid.length };
}
