import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { asc, inArray } from 'drizzle-orm';
import { budgetCategoryLabels } from '../../../domain/applications.js';
import { auditActionLabel } from '../../../domain/audit-labels.js';
import { contractStatusLabels } from '../../../domain/contracts.js';
import { evaluationStageLabels, gradeLabels } from '../../../domain/evaluations.js';
import { callStateLabels } from '../../../domain/lifecycle.js';
import { formatFen } from '../../../domain/money.js';
import { projectStateLabels } from '../../../domain/projects.js';
import { chinaDateTime } from '../../../domain/time.js';
import type { Db } from '../../db/client.js';
import { type Column, workbookBuffer } from '../../http/excel.js';
import { presentEntry } from '../audit/presenter.js';
import { auditLog } from '../audit/schema.js';
import { downloadName } from '../files/names.js';
import { extOfMime, type FileStorage } from '../files/storage.js';
import { inspectionsOfCall } from './inspections.js';
import { type PdfSection, renderPdf } from './pdf.js';
import { objectionsOf, type ProjectFile, projectFile, scoresOf } from './view.js';

type Label = Record<string, string>;
const label = (labels: Label, key: string | null) => (key ? (labels[key] ?? key) : '—');
const when = (iso: string | null) => (iso ? chinaDateTime(new Date(iso)) : '—');

/** The audit entries of the project: of its call and of every record that came of it. */
async function auditOf(db: Db, ids: string[]) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(inArray(auditLog.targetId, ids))
    .orderBy(asc(auditLog.id));
  return rows.map(presentEntry);
}

function idsOf(f: ProjectFile, inspectionIds: string[]) {
  return [
    f.call.id,
    ...f.applications.map((a) => a.id),
    ...f.awards.map((a) => a.id),
    ...f.contracts.map((c) => c.id),
    ...f.payments.map((p) => p.id),
    ...f.expenses.map((e) => e.id),
    ...f.evaluations.map((e) => e.id),
    ...f.rectifications.map((r) => r.id),
    ...inspectionIds,
  ];
}

type Scores = Awaited<ReturnType<typeof scoresOf>>;
type Objections = Awaited<ReturnType<typeof objectionsOf>>;
type Inspections = Awaited<ReturnType<typeof inspectionsOfCall>>;

/** One PDF summary a step of the project's life. */
function stepSummaries(f: ProjectFile, scores: Scores, objections: Objections, inspections: Inspections) {
  const c = f.call;
  const steps: [string, PdfSection[]][] = [
    [
      '01-征集',
      [
        {
          heading: '项目征集',
          lines: [
            `编号：${c.code}`,
            `名称：${c.title}`,
            `购买主体：${c.buyerName}`,
            `年度：${c.year}`,
            `状态：${label(callStateLabels, c.status)}`,
            `单个项目预算上限：${formatFen(c.budgetCapFen)}`,
            `总预算：${formatFen(c.totalBudgetFen)}`,
            `服务期：${c.servicePeriodStart} 至 ${c.servicePeriodEnd}`,
            `发布时间：${when(c.publishedAt)}`,
            `附件：${c.files.map((x) => x.name).join('、') || '无'}`,
          ],
        },
      ],
    ],
    [
      '02-申报与评审',
      [
        {
          heading: '申报',
          lines: f.applications.map(
            (a) =>
              `${a.providerName}《${a.title}》申请 ${formatFen(a.requestedFen)}，状态 ${a.status}，提交于 ${when(a.submittedAt)}`,
          ),
        },
        {
          heading: '查重结果',
          lines: f.duplicates.map((d) => `《${d.applicationTitle}》${d.kind} 相似度 ${d.score.toFixed(2)}`),
        },
        {
          heading: '专家评分（非公开）',
          lines: scores.map(
            (s) =>
              `${s.expertName} → ${s.providerName}《${s.applicationTitle}》：${s.totalCenti === null ? '未提交' : (s.totalCenti / 100).toFixed(2)} 分${s.comment ? `；意见：${s.comment}` : ''}`,
          ),
        },
      ],
    ],
    [
      '03-立项与公示',
      [
        {
          heading: '拟立项',
          lines: f.awards.map(
            (w) =>
              `第${w.rank}名《${w.applicationTitle}》${formatFen(w.amountFen)}，得分 ${(w.scoreCenti / 100).toFixed(2)}，${w.status}`,
          ),
        },
        {
          heading: '公示异议（含异议人身份，非公开）',
          lines: objections.map(
            (o) =>
              `${when(o.createdAt)} ${o.objectorName}（${o.objectorContact}）：${o.reason}；处理：${o.status}${o.answer ? `，答复：${o.answer}` : ''}`,
          ),
        },
      ],
    ],
    [
      '04-合同与实施',
      [
        {
          heading: '合同',
          lines: f.contracts.map(
            (k) =>
              `${k.code} ${k.providerName} ${formatFen(k.amountFen)}，${k.periodStart} 至 ${k.periodEnd}，合同${label(contractStatusLabels, k.status)}，实施${label(projectStateLabels, k.projectStatus)}${k.terminationReason ? `，终止原因：${k.terminationReason}` : ''}`,
          ),
        },
        {
          heading: '整改',
          lines: f.rectifications.map((r) => `${r.openedOn} 起，${r.dueOn} 前：${r.reason}（${r.status}）`),
        },
        {
          heading: '预警',
          lines: f.alerts.map((a) => `${when(a.raisedAt)} ${a.message}（${a.status}）`),
        },
      ],
    ],
    [
      '05-资金',
      [
        {
          heading: '拨付',
          lines: f.payments.map(
            (p) =>
              `${p.label} ${formatFen(p.amountFen)}，${p.status}${p.paidOn ? `，${p.paidOn} 实付 ${formatFen(p.paidFen ?? 0)}，凭证 ${p.voucherNo}` : ''}`,
          ),
        },
        {
          heading: '支出',
          lines: f.expenses.map(
            (e) =>
              `${e.spentOn} ${label(budgetCategoryLabels, e.category)} ${formatFen(e.amountFen)}，发票 ${e.invoiceNo}，收款方 ${e.payee}，票据 ${e.receipts.length} 张`,
          ),
        },
      ],
    ],
    [
      '06-评估',
      [
        {
          heading: '评估',
          lines: f.evaluations.map(
            (e) =>
              `${label(evaluationStageLabels, e.stage)}：${e.evaluatorName}，${e.status}，${e.totalDeci === null ? '—' : (e.totalDeci / 10).toFixed(1)} 分，等级 ${label(gradeLabels, e.grade)}${e.reportSummary ? `；${e.reportSummary}` : ''}`,
          ),
        },
      ],
    ],
    [
      '07-监督检查',
      [
        {
          heading: '检查记录',
          lines: inspections.flatMap(({ inspection: i }) => [
            `${chinaDateTime(i.createdAt)} ${i.supervisorOrgName ?? ''} ${i.supervisorName}：范围 ${i.scope}；发现 ${i.findings}；要求 ${i.followUp}（${i.dueOn} 前）；状态 ${i.status}`,
            ...(i.answer ? [`    答复：${i.answer}`] : []),
            ...(i.closeNote ? [`    办结：${i.closeNote}`] : []),
          ]),
        },
      ],
    ],
  ];
  return steps;
}

type Ledger = { name: string; build: () => Promise<Buffer> };
function ledgers(f: ProjectFile, audit: Awaited<ReturnType<typeof auditOf>>): Ledger[] {
  const paidOf = (id: string) =>
    f.payments.filter((p) => p.projectId === id).reduce((s, p) => s + (p.paidFen ?? 0), 0);
  const spentOf = (id: string) =>
    f.expenses.filter((e) => e.projectId === id).reduce((s, e) => s + e.amountFen, 0);
  const yuan = (fen: number | null) => (fen === null ? null : fen / 100);
  const ledger = <T>(name: string, sheet: string, columns: Column<T>[], rows: T[]): Ledger => ({
    name,
    build: () => workbookBuffer(sheet, columns, rows),
  });
  return [
    ledger(
      '台账/实施台账.xlsx',
      '实施台账',
      [
        { header: '合同编号', width: 22, value: (k) => k.code },
        { header: '承接主体', width: 28, value: (k) => k.providerName },
        { header: '合同金额（元）', value: (k) => yuan(k.amountFen) },
        { header: '合同状态', value: (k) => label(contractStatusLabels, k.status) },
        { header: '实施状态', value: (k) => label(projectStateLabels, k.projectStatus) },
        { header: '已拨付（元）', value: (k) => yuan(paidOf(k.id)) },
        { header: '已支出（元）', value: (k) => yuan(spentOf(k.id)) },
        { header: '整改', value: (k) => f.rectifications.filter((r) => r.projectId === k.id).length },
        {
          header: '未解除预警',
          value: (k) => f.alerts.filter((a) => a.projectId === k.id && a.status !== 'resolved').length,
        },
        {
          header: '评估等级',
          value: (k) =>
            f.evaluations
              .filter((e) => e.projectId === k.id && e.grade)
              .map((e) => `${label(evaluationStageLabels, e.stage)}${label(gradeLabels, e.grade)}`)
              .join('、'),
        },
      ],
      f.contracts,
    ),
    ledger(
      '台账/资金拨付.xlsx',
      '资金拨付',
      [
        { header: '拨付节点', width: 20, value: (p) => p.label },
        { header: '应付（元）', value: (p) => yuan(p.amountFen) },
        { header: '状态', value: (p) => p.status },
        { header: '支付日期', value: (p) => p.paidOn },
        { header: '实付（元）', value: (p) => yuan(p.paidFen) },
        { header: '凭证号', value: (p) => p.voucherNo },
        { header: '条件覆盖原因', width: 30, value: (p) => p.overrideReason },
      ],
      f.payments,
    ),
    ledger(
      '台账/支出明细.xlsx',
      '支出明细',
      [
        { header: '日期', value: (e) => e.spentOn },
        { header: '类别', value: (e) => label(budgetCategoryLabels, e.category) },
        { header: '金额（元）', value: (e) => yuan(e.amountFen) },
        { header: '发票号', value: (e) => e.invoiceNo },
        { header: '收款方', width: 24, value: (e) => e.payee },
        { header: '说明', width: 40, value: (e) => e.description },
        { header: '票据', width: 40, value: (e) => e.receipts.map((r) => r.name).join('、') },
      ],
      f.expenses,
    ),
    ledger(
      '审计/审计记录.xlsx',
      '审计记录',
      [
        { header: '编号', width: 8, value: (e) => e.id },
        { header: '时间', width: 22, value: (e) => chinaDateTime(new Date(e.at), true) },
        { header: '操作人', value: (e) => e.actorName },
        { header: '角色', value: (e) => e.role },
        { header: '单位', width: 24, value: (e) => e.orgName },
        { header: '操作', width: 22, value: (e) => auditActionLabel(e.action) },
        { header: '对象类型', value: (e) => e.targetType },
        { header: '对象编号', width: 38, value: (e) => e.targetId },
        { header: '摘要', width: 60, value: (e) => JSON.stringify(e.summary) },
        { header: 'IP', value: (e) => e.ip },
      ],
      audit,
    ),
  ];
}

/** The stored documents, each under a folder of its step, numbered so that no two names collide. */
function documents(f: ProjectFile) {
  const groups: [string, { sha256: string; mime: string; name: string }[]][] = [
    ['征集附件', f.call.files],
    [
      '申报材料',
      f.applications.flatMap((a) => a.files.map((x) => ({ ...x, name: `${a.providerName}-${x.name}` }))),
    ],
    ['合同', f.contracts.flatMap((k) => k.files.map((x) => ({ ...x, name: `${k.code}-${x.name}` })))],
    [
      '评估报告',
      f.evaluations.flatMap((e) =>
        e.reports.map((x) => ({ ...x, name: `${label(evaluationStageLabels, e.stage)}-${x.name}` })),
      ),
    ],
    [
      '支出票据',
      f.expenses.flatMap((e) =>
        e.receipts.map((x) => ({ ...x, name: `${e.spentOn}-${e.invoiceNo}-${x.name}` })),
      ),
    ],
  ];
  return groups.flatMap(([folder, list]) =>
    list.map((x, i) => ({
      name: `文件/${folder}/${String(i + 1).padStart(2, '0')}-${downloadName(x.name, extOfMime(x.mime))}`,
      sha256: x.sha256,
      mime: x.mime,
    })),
  );
}

/**
 * 档案: the whole project as a ZIP: its documents, a PDF summary of each step, the Excel ledgers
 * and the project's audit extract. Everything is gathered before the first byte is sent, so that a
 * failure is an error response, not a truncated archive.
 */
export async function buildDossier(db: Db, storage: FileStorage, callId: string) {
  const f = await projectFile(db, callId);
  const [scores, objections, inspections] = await Promise.all([
    scoresOf(db, callId),
    objectionsOf(db, callId),
    inspectionsOfCall(db, callId),
  ]);
  const audit = await auditOf(
    db,
    idsOf(
      f,
      inspections.map((i) => i.inspection.id),
    ),
  );
  const subtitle = `${f.call.code} ${f.call.title} · ${f.call.buyerName} · 导出于 ${chinaDateTime()}`;
  const pdfs = await Promise.all(
    stepSummaries(f, scores, objections, inspections).map(async ([name, sections]) => ({
      name: `摘要/${name}.pdf`,
      content: await renderPdf(`${name.slice(3)} — ${f.call.title}`, subtitle, sections),
    })),
  );
  const sheets = await Promise.all(
    ledgers(f, audit).map(async (l) => ({ name: l.name, content: await l.build() })),
  );
  const docs = documents(f).map((d) => {
    const content = storage.open(d.sha256, extOfMime(d.mime));
    return { name: d.name, content };
  });
  const missing = docs.filter((d) => !d.content).map((d) => d.name);
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const out = new PassThrough();
  zip.on('error', (err) => out.destroy(err));
  zip.pipe(out);
  for (const e of [...pdfs, ...sheets]) zip.append(e.content, { name: e.name });
  for (const d of docs) if (d.content) zip.append(d.content as Readable, { name: d.name });
  if (missing.length)
    zip.append(`以下文件的内容缺失：\n${missing.join('\n')}\n`, { name: '文件/缺失清单.txt' });
  void zip.finalize();
  return { stream: out as Readable, call: f.call, entries: pdfs.length + sheets.length + docs.length };
}
