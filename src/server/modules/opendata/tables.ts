/**
 * The open data as tables, CSV and Excel: projects (the public calls), awards, contracts and
 * payments as they stand now. Organization-level data only; every text is masked as well.
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { contractStatusLabels } from '../../../domain/contracts.js';
import { serviceCategoryLabels } from '../../../domain/enums.js';
import { callStateLabels } from '../../../domain/lifecycle.js';
import { maskPersonalData } from '../../../domain/personal-data.js';
import type { Db } from '../../db/client.js';
import type { Column } from '../../http/excel.js';
import { workbookBuffer } from '../../http/excel.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { payments } from '../funds/schema.js';
import { orgs } from '../orgs/schema.js';

export const DATASETS = ['projects', 'awards', 'contracts', 'payments'] as const;
export type Dataset = (typeof DATASETS)[number];

export const datasetLabels: Record<Dataset, string> = {
  projects: '项目',
  awards: '立项',
  contracts: '合同',
  payments: '资金拨付',
};

type Row = Record<string, string | number | null>;

const yuan = (fen: number | null) => (fen === null ? null : Number((fen / 100).toFixed(2)));
const label = <K extends string>(labels: Record<K, string>, key: string) => labels[key as K] ?? key;

const buyer = sql<string>`(select ${orgs.name} from ${orgs} where ${orgs.id} = ${calls.buyerOrgId})`;
const providerOf = (orgId: typeof applications.providerOrgId | typeof contracts.providerOrgId) =>
  sql<string>`(select ${orgs.name} from ${orgs} where ${orgs.id} = ${orgId})`;
const creditCodeOf = (orgId: typeof applications.providerOrgId | typeof contracts.providerOrgId) =>
  sql<string | null>`(select ${orgs.creditCode} from ${orgs} where ${orgs.id} = ${orgId})`;

interface Table {
  columns: Column<Row>[];
  rows: (db: Db) => Promise<Row[]>;
}

const col = (header: string, key: string, width = 16): Column<Row> => ({
  header,
  width,
  value: (r) => r[key],
});

const tables: Record<Dataset, Table> = {
  projects: {
    columns: [
      col('项目编号', 'code'),
      col('年度', 'year', 8),
      col('项目名称', 'title', 40),
      col('服务类别', 'category'),
      col('购买主体', 'buyer', 30),
      col('状态', 'status', 12),
      col('预算金额（元）', 'budget'),
      col('发布时间', 'publishedAt', 20),
    ],
    rows: async (db) =>
      (
        await db
          .select({
            code: calls.code,
            year: calls.year,
            title: calls.title,
            category: calls.category,
            buyer,
            status: calls.status,
            budgetFen: calls.totalBudgetFen,
            publishedAt: calls.publishedAt,
          })
          .from(calls)
          .where(isNotNull(calls.publishedAt))
          .orderBy(asc(calls.code))
      ).map((r) => ({
        code: r.code,
        year: r.year,
        title: r.title,
        category: label(serviceCategoryLabels, r.category),
        buyer: r.buyer,
        status: label(callStateLabels, r.status),
        budget: yuan(r.budgetFen),
        publishedAt: r.publishedAt?.toISOString() ?? null,
      })),
  },
  awards: {
    columns: [
      col('项目编号', 'code'),
      col('立项项目名称', 'title', 40),
      col('承接主体', 'provider', 30),
      col('统一社会信用代码', 'creditCode', 22),
      col('排名', 'rank', 8),
      col('评审得分', 'score', 10),
      col('立项金额（元）', 'amount'),
      col('状态', 'status', 12),
    ],
    rows: async (db) =>
      (
        await db
          .select({
            code: calls.code,
            title: sql<string>`${applications.proposal}->>'title'`,
            provider: providerOf(applications.providerOrgId),
            creditCode: creditCodeOf(applications.providerOrgId),
            rank: awards.rank,
            scoreCenti: awards.scoreCenti,
            amountFen: awards.amountFen,
            status: awards.status,
          })
          .from(awards)
          .innerJoin(calls, eq(calls.id, awards.callId))
          .innerJoin(applications, eq(applications.id, awards.applicationId))
          .where(inArray(awards.status, ['in_publicity', 'approved', 'revoked']))
          .orderBy(asc(calls.code), asc(awards.rank))
      ).map((r) => ({
        ...r,
        score: Number((r.scoreCenti / 100).toFixed(2)),
        amount: yuan(r.amountFen),
        status:
          { in_publicity: '公示中', approved: '已立项', revoked: '已撤销' }[r.status as string] ?? r.status,
      })),
  },
  contracts: {
    columns: [
      col('合同编号', 'contractCode'),
      col('项目编号', 'code'),
      col('项目名称', 'title', 40),
      col('购买主体', 'buyer', 30),
      col('承接主体', 'provider', 30),
      col('统一社会信用代码', 'creditCode', 22),
      col('合同金额（元，含变更）', 'amount', 20),
      col('服务期开始', 'periodStart', 12),
      col('服务期结束', 'periodEnd', 12),
      col('签订时间', 'signedAt', 20),
      col('状态', 'status', 10),
    ],
    rows: async (db) =>
      (
        await db
          .select({
            contractCode: contracts.code,
            code: calls.code,
            title: sql<string>`${applications.proposal}->>'title'`,
            buyer,
            provider: providerOf(contracts.providerOrgId),
            creditCode: creditCodeOf(contracts.providerOrgId),
            amountFen: contracts.amountFen,
            periodStart: contracts.periodStart,
            periodEnd: contracts.periodEnd,
            signedAt: contracts.signedAt,
            status: contracts.status,
          })
          .from(contracts)
          .innerJoin(calls, eq(calls.id, contracts.callId))
          .innerJoin(awards, eq(awards.id, contracts.awardId))
          .innerJoin(applications, eq(applications.id, awards.applicationId))
          .where(isNotNull(contracts.signedAt))
          .orderBy(asc(contracts.code))
      ).map(({ amountFen, signedAt, status, ...r }) => ({
        ...r,
        amount: yuan(amountFen),
        signedAt: signedAt?.toISOString() ?? null,
        status: label(contractStatusLabels, status),
      })),
  },
  payments: {
    columns: [
      col('合同编号', 'contractCode'),
      col('项目编号', 'code'),
      col('拨付节点', 'label', 24),
      col('拨付金额（元）', 'amount'),
      col('拨付日期', 'paidOn', 12),
      col('承接主体', 'provider', 30),
    ],
    rows: async (db) =>
      (
        await db
          .select({
            contractCode: contracts.code,
            code: calls.code,
            label: payments.label,
            paidFen: payments.paidFen,
            paidOn: payments.paidOn,
            provider: providerOf(contracts.providerOrgId),
          })
          .from(payments)
          .innerJoin(contracts, eq(contracts.id, payments.projectId))
          .innerJoin(calls, eq(calls.id, contracts.callId))
          .where(and(eq(payments.status, 'paid'), isNotNull(payments.paidOn)))
          .orderBy(asc(contracts.code), asc(payments.paidOn))
      ).map(({ paidFen, ...r }) => ({ ...r, amount: yuan(paidFen) })),
  },
};

export const tableColumns = (dataset: Dataset) => tables[dataset].columns.map((c) => c.header);

const masked = (rows: Row[]) =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? maskPersonalData(v) : v]),
    ),
  );

/** A spreadsheet program runs a cell that starts with = + - @ as a formula: such texts get a leading apostrophe. */
const defused = (value: string | number | null) =>
  typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export async function datasetXlsx(db: Db, dataset: Dataset) {
  const table = tables[dataset];
  return workbookBuffer(datasetLabels[dataset], table.columns, masked(await table.rows(db)));
}

/** CSV (RFC 4180, written by ExcelJS) with a UTF-8 byte order mark, so that Excel reads the Chinese right. */
export async function datasetCsv(db: Db, dataset: Dataset) {
  const table = tables[dataset];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(datasetLabels[dataset]);
  sheet.addRow(table.columns.map((c) => c.header));
  for (const row of masked(await table.rows(db)))
    sheet.addRow(table.columns.map((c) => defused(c.value(row))));
  const body = Buffer.from(await workbook.csv.writeBuffer());
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
}
