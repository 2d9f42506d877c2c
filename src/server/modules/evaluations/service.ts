import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type commissionBody,
  DEFAULT_DIMENSIONS,
  DEFAULT_GRADE_BANDS,
  type Evaluation,
  type EvaluationTemplate,
  type evaluationReturnBody,
  evaluationStageLabels,
  gradeLabels,
  gradeOf,
  isPassing,
  missingScores,
  type publicEvaluationResult,
  scoreProblems,
  type scoresBody,
  type templateBody,
  type templateUpdateBody,
  totalOf,
} from '../../../domain/evaluations.js';
import { evaluationMachine } from '../../../domain/machines.js';
import { projectStateLabels, RECTIFICATION_DEFAULT_WORKING_DAYS } from '../../../domain/projects.js';
import {
  todayInShanghai,
  type WorkingDayCalendar,
  workingDayDeadline,
} from '../../../domain/working-days.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { findById, updateVersioned } from '../../db/helpers.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound, unprocessable, validationError } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { attachments, files } from '../files/schema.js';
import { attachmentsOf, storeAttachment, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { projects } from '../projects/schema.js';
import {
  type AfterWrite,
  type CloseCheck,
  checkVersion,
  ensureProjectRow,
  findProject,
  openRectificationIn,
  type ProjectRecord,
  partiesOf,
  type SignedIn,
  stepProject,
  viewProject,
} from '../projects/service.js';
import { objections, publicities } from '../publicity/schema.js';
import { appendTimeline } from '../timeline/service.js';
import { evaluationPolicy, templatePolicy } from './policy.js';
import { evaluations, evaluationTemplates } from './schema.js';

type EvaluationRow = typeof evaluations.$inferSelect;
type TemplateRow = typeof evaluationTemplates.$inferSelect;

const DEFAULT_TEMPLATE_NAME = '社会工作服务项目评估指标体系（默认）';
const points = (deci: number | null) => (deci === null ? null : deci / 10);
const link = (projectId: string) => `/app/projects/${projectId}`;

// ---------- indicator systems ----------

function presentTemplate(viewer: CurrentUser, t: TemplateRow | null): EvaluationTemplate {
  const manage = templatePolicy.manage(viewer, null);
  if (!t) {
    return {
      id: null,
      name: DEFAULT_TEMPLATE_NAME,
      dimensions: DEFAULT_DIMENSIONS,
      bands: DEFAULT_GRADE_BANDS,
      active: true,
      version: 0,
      actions: [],
    };
  }
  return {
    id: t.id,
    name: t.name,
    dimensions: t.dimensions,
    bands: t.bands,
    active: t.active,
    version: t.version,
    actions: manage ? ['update'] : [],
  };
}

/** The built-in default first (id null), then the administrators' templates, newest first. */
export async function listTemplates(db: Db, viewer: CurrentUser | null) {
  authorize(viewer, templatePolicy, 'read', null);
  const rows = await db.select().from(evaluationTemplates).orderBy(desc(evaluationTemplates.createdAt));
  return {
    items: [presentTemplate(viewer, null), ...rows.map((r) => presentTemplate(viewer, r))],
    actions: templatePolicy.manage(viewer, null) ? ['create'] : [],
  };
}

export async function createTemplate(db: Db, actor: SignedIn, input: z.infer<typeof templateBody>) {
  authorize(actor.user, templatePolicy, 'manage', null);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(evaluationTemplates)
      .values({ ...input, createdBy: actor.user.id })
      .returning();
    await appendAudit(tx, actor, {
      action: 'evaluation_template.created',
      targetType: 'evaluation_template',
      targetId: created.id,
      summary: { name: input.name, dimensions: input.dimensions, bands: input.bands },
    });
    return created;
  });
  return presentTemplate(actor.user, row);
}

export async function updateTemplate(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof templateUpdateBody>,
) {
  authorize(actor.user, templatePolicy, 'manage', null);
  const before = await findById(db, evaluationTemplates, id, '评估指标模板');
  const { version, ...changes } = input;
  const row = await db.transaction(async (tx) => {
    const updated = await updateVersioned(tx, evaluationTemplates, id, version ?? before.version, changes);
    await appendAudit(tx, actor, {
      action: 'evaluation_template.updated',
      targetType: 'evaluation_template',
      targetId: id,
      summary: { changes },
    });
    return updated;
  });
  return presentTemplate(actor.user, row);
}

// ---------- reading ----------

async function orgNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

function evaluationActions(viewer: CurrentUser | null, e: EvaluationRow, record: ProjectRecord) {
  const resource = { parties: partiesOf(record), evaluatorOrgId: e.evaluatorOrgId };
  const allowed = permittedActions(viewer, evaluationPolicy, resource, ['score', 'decide']);
  const result: string[] = [];
  if ((e.status === 'commissioned' || e.status === 'returned') && allowed.includes('score'))
    result.push('score', 'upload', 'submit');
  if (e.status === 'submitted' && allowed.includes('decide')) result.push('accept', 'return');
  return result;
}

async function present(
  db: Executor,
  viewer: CurrentUser | null,
  rows: EvaluationRow[],
  record: ProjectRecord,
) {
  const [names, reports] = await Promise.all([
    orgNames(db, [...new Set(rows.map((r) => r.evaluatorOrgId))]),
    attachmentsOf(
      db as Db,
      'evaluation',
      rows.map((r) => r.id),
    ),
  ]);
  return rows.map((e): Evaluation => {
    // The newest upload is the report.
    const report = reports.filter((a) => a.ownerId === e.id).at(-1);
    return {
      id: e.id,
      projectId: e.projectId,
      stage: e.stage,
      status: e.status,
      evaluatorOrgId: e.evaluatorOrgId,
      evaluatorName: names.get(e.evaluatorOrgId) ?? '',
      dueOn: e.dueOn,
      templateName: e.templateName,
      dimensions: e.dimensions,
      bands: e.bands,
      scores: e.scores.map((s) => ({ key: s.key, score: s.scoreDeci / 10, note: s.note })),
      total: points(e.totalDeci),
      grade: e.grade,
      gradeLabel: e.grade ? gradeLabels[e.grade] : null,
      reportSummary: e.reportSummary,
      report: report ? { id: report.id, name: report.name, url: report.url } : null,
      returnReason: e.returnReason,
      submittedAt: e.submittedAt?.toISOString() ?? null,
      acceptedAt: e.acceptedAt?.toISOString() ?? null,
      publicityId: e.publicityId,
      version: e.version,
      actions: evaluationActions(viewer, e, record),
    };
  });
}

/** One evaluation the viewer may see; an evaluator of another organization gets 404. */
async function viewEvaluation(db: Executor, viewer: CurrentUser | null, id: string) {
  const [row] = await db.select().from(evaluations).where(eq(evaluations.id, id));
  if (!row) throw notFound('评估');
  const record = await findProject(db, row.projectId);
  const resource = { parties: partiesOf(record), evaluatorOrgId: row.evaluatorOrgId };
  if (viewer?.roles.includes('evaluator') && !evaluationPolicy.view(viewer, resource)) throw notFound('评估');
  authorize(viewer, evaluationPolicy, 'view', resource);
  return { row, record, resource };
}

export async function getEvaluation(db: Db, viewer: CurrentUser | null, id: string) {
  const { row, record } = await viewEvaluation(db, viewer, id);
  const [presented] = await present(db, viewer, [row], record);
  return presented;
}

/** A project's evaluations the viewer may see (an evaluator: its own organization's only). */
export async function listProjectEvaluations(db: Db, viewer: CurrentUser | null, projectId: string) {
  const record = await viewProject(db, viewer, projectId);
  const rows = await db
    .select()
    .from(evaluations)
    .where(eq(evaluations.projectId, projectId))
    .orderBy(asc(evaluations.createdAt));
  const visible = rows.filter((r) =>
    evaluationPolicy.view(viewer!, { parties: partiesOf(record), evaluatorOrgId: r.evaluatorOrgId }),
  );
  const allowed = permittedActions(
    viewer,
    evaluationPolicy,
    { parties: partiesOf(record), evaluatorOrgId: '' },
    ['commission'],
  );
  return { items: await present(db, viewer, visible, record), actions: allowed };
}

// ---------- commissioning ----------

async function templateFor(db: Executor, templateId: string | undefined) {
  if (!templateId)
    return {
      id: null,
      name: DEFAULT_TEMPLATE_NAME,
      dimensions: DEFAULT_DIMENSIONS,
      bands: DEFAULT_GRADE_BANDS,
    };
  const [t] = await db.select().from(evaluationTemplates).where(eq(evaluationTemplates.id, templateId));
  if (!t?.active) throw fieldError('templateId', '所选评估指标模板不存在或已停用');
  return t;
}

const STAGE_FROM = {
  midterm: ['in_implementation'],
  final: ['in_implementation', 'midterm_evaluated', 'final_evaluation'],
} as const;

/**
 * The buyer commissions an evaluation organization for a project's mid-term or final
 * evaluation; the indicator system is copied in. One evaluation of a stage at a time; a final
 * evaluation moves the project to 末期评估中.
 */
export async function commissionEvaluation(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof commissionBody>,
) {
  const record = await viewProject(db, actor.user, projectId);
  authorize(actor.user, evaluationPolicy, 'commission', {
    parties: partiesOf(record),
    evaluatorOrgId: input.evaluatorOrgId,
  });
  const [org] = await db.select().from(orgs).where(eq(orgs.id, input.evaluatorOrgId));
  if (org?.kind !== 'evaluator' || !org.active)
    throw fieldError('evaluatorOrgId', '请选择一家在册的第三方评估机构');
  if (input.dueOn <= todayInShanghai()) throw fieldError('dueOn', '评估报告提交期限应晚于今天');
  const template = await templateFor(db, input.templateId);
  const stageLabel = evaluationStageLabels[input.stage];

  const id = await db.transaction(async (tx) => {
    await ensureProjectRow(tx, record);
    // Holds the project: of two simultaneous commissions, the second sees the first.
    const [{ status: state }] = await tx
      .select({ status: projects.status })
      .from(projects)
      .where(eq(projects.id, projectId))
      .for('update');
    if (!(STAGE_FROM[input.stage] as readonly string[]).includes(state))
      throw conflict(`当前状态为“${projectStateLabels[state]}”，不能委托${stageLabel}`, { state });
    const earlier = await tx
      .select()
      .from(evaluations)
      .where(and(eq(evaluations.projectId, projectId), eq(evaluations.stage, input.stage)));
    if (earlier.some((e) => ['commissioned', 'submitted', 'returned'].includes(e.status)))
      throw conflict(`该项目已有进行中的${stageLabel}`);
    if (
      earlier.some(
        (e) => ['accepted', 'final'].includes(e.status) && (input.stage === 'midterm' || isPassing(e.grade)),
      )
    )
      throw conflict(`该项目已完成${stageLabel}`);
    const [row] = await tx
      .insert(evaluations)
      .values({
        projectId,
        stage: input.stage,
        evaluatorOrgId: input.evaluatorOrgId,
        dueOn: input.dueOn,
        templateId: template.id,
        templateName: template.name,
        dimensions: template.dimensions,
        bands: template.bands,
        createdBy: actor.user.id,
      })
      .returning();
    const facts = {
      projectId,
      evaluationId: row.id,
      stage: input.stage,
      evaluatorName: org.name,
      dueOn: input.dueOn,
    };
    await appendAudit(tx, actor, {
      action: 'evaluation.commissioned',
      targetType: 'evaluation',
      targetId: row.id,
      summary: { ...facts, evaluatorOrgId: org.id, templateId: template.id },
      visibility: 'public',
    });
    await appendTimeline(tx, record.contract.callId, {
      kind: 'evaluation.commissioned',
      title: `委托${stageLabel}：${record.projectTitle}（${org.name}，${input.dueOn}前提交报告）`,
      detail: facts,
    });
    if (input.stage === 'final' && state !== 'final_evaluation')
      await stepProject(tx, actor, record, 'startFinal', { bySystem: true });
    await notify(tx, await usersOfOrg(tx, org.id, 'evaluator'), {
      kind: 'evaluation.commissioned',
      title: `新的${stageLabel}任务`,
      body: `请于${input.dueOn}前完成项目“${record.projectTitle}”的${stageLabel}并提交报告。`,
      link: link(projectId),
    });
    return row.id;
  });
  return getEvaluation(db, actor.user, id);
}

// ---------- scoring ----------

function assertEditable(row: EvaluationRow) {
  if (row.status !== 'commissioned' && row.status !== 'returned')
    throw conflict(`评估${evaluationMachine.states[row.status]}，不能修改评分`, { state: row.status });
}

/** The evaluator saves scores (each indicator from 0 to its weight, one decimal) and the report summary. */
export async function saveScores(db: Db, actor: SignedIn, id: string, input: z.infer<typeof scoresBody>) {
  const { row, resource } = await viewEvaluation(db, actor.user, id);
  authorize(actor.user, evaluationPolicy, 'score', resource);
  assertEditable(row);
  const scores = input.scores.map((s) => ({ key: s.key, scoreDeci: Math.round(s.score * 10), note: s.note }));
  const problems = scoreProblems(row.dimensions, scores);
  if (problems.length) throw validationError(problems);
  // Scores of indicators not sent are kept.
  const merged = [...row.scores.filter((s) => !scores.some((n) => n.key === s.key)), ...scores];
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(evaluations).where(eq(evaluations.id, id)).for('update');
    assertEditable(current);
    checkVersion(current, input.version);
    await updateVersioned(tx, evaluations, id, current.version, {
      scores: merged,
      ...(input.reportSummary !== undefined ? { reportSummary: input.reportSummary } : {}),
    });
    await appendAudit(tx, actor, {
      action: 'evaluation.scored',
      targetType: 'evaluation',
      targetId: id,
      summary: { scores, reportSummary: input.reportSummary },
    });
  });
  return getEvaluation(db, actor.user, id);
}

/** The report (PDF only), stored by content hash as every other file. */
export async function uploadReport(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  id: string,
  upload: Upload,
) {
  const { row, resource } = await viewEvaluation(db, actor.user, id);
  authorize(actor.user, evaluationPolicy, 'score', resource);
  assertEditable(row);
  await db.transaction(async (tx) => {
    const stored = await storeAttachment(db, storage, actor, { type: 'evaluation', id }, upload, tx);
    const [file] = await tx.select({ mime: files.mime }).from(files).where(eq(files.sha256, stored.sha256));
    if (file?.mime !== 'application/pdf')
      throw unprocessable('file_type_not_allowed', '评估报告只能上传 PDF 文件');
  });
  return getEvaluation(db, actor.user, id);
}

/** Submits: every indicator scored, the summary written and the report attached; the grade follows the bands. */
export async function submitEvaluation(db: Db, actor: SignedIn, id: string, version: number | undefined) {
  const { row, record, resource } = await viewEvaluation(db, actor.user, id);
  authorize(actor.user, evaluationPolicy, 'score', resource);
  const problems: { path: string; message: string }[] = [];
  const missing = missingScores(row.dimensions, row.scores);
  if (missing.length)
    problems.push({ path: 'scores', message: `尚未评分的指标：${missing.map((i) => i.name).join('、')}` });
  if (!row.reportSummary || row.reportSummary.length < 20)
    problems.push({ path: 'reportSummary', message: '请填写不少于20个字的报告摘要' });
  const [{ reports }] = await db
    .select({ reports: count() })
    .from(attachments)
    .where(and(eq(attachments.ownerType, 'evaluation'), eq(attachments.ownerId, id)));
  if (reports === 0) problems.push({ path: 'report', message: '请上传评估报告（PDF）' });
  if (problems.length) throw validationError(problems);
  const totalDeci = totalOf(row.scores);
  const grade = gradeOf(totalDeci, row.bands);
  await db.transaction(async (tx) => {
    checkVersion(row, version);
    await transition(tx, actor, evaluationMachine, evaluations, row, 'submit', {
      set: { totalDeci, grade, submittedAt: new Date(), returnReason: null },
      detail: { projectId: row.projectId, stage: row.stage, total: totalDeci / 10, grade },
    });
    await notify(tx, await usersOfOrg(tx, record.contract.buyerOrgId, 'buyer'), {
      kind: 'evaluation.submitted',
      title: `${evaluationStageLabels[row.stage]}报告待确认`,
      body: `项目“${record.projectTitle}”的${evaluationStageLabels[row.stage]}报告已提交：${gradeLabels[grade]}（${totalDeci / 10}分）。`,
      link: link(row.projectId),
    });
  });
  return getEvaluation(db, actor.user, id);
}

// ---------- the buyer's decision ----------

/** The buyer returns the report with reasons; the evaluator revises and submits again. */
export async function returnEvaluation(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof evaluationReturnBody>,
) {
  const { row, record, resource } = await viewEvaluation(db, actor.user, id);
  authorize(actor.user, evaluationPolicy, 'decide', resource);
  checkVersion(row, input.version);
  await db.transaction(async (tx) => {
    await transition(tx, actor, evaluationMachine, evaluations, row, 'return', {
      reason: input.reason,
      set: { returnReason: input.reason },
      detail: { projectId: row.projectId, stage: row.stage },
    });
    await notify(tx, await usersOfOrg(tx, row.evaluatorOrgId, 'evaluator'), {
      kind: 'evaluation.returned',
      title: '评估报告被退回',
      body: `项目“${record.projectTitle}”的${evaluationStageLabels[row.stage]}报告被退回：${input.reason}`,
      link: link(row.projectId),
    });
  });
  return getEvaluation(db, actor.user, id);
}

/**
 * The buyer accepts the result, with its consequences: a mid-term result moves the project to
 * 中期评估完成, and 不合格 stops further payments and opens a rectification re-checked by the same
 * evaluator; a final 合格 or better opens the results publicity; a final 不合格 leaves the buyer
 * to require a rectification or terminate (the projects module's steps).
 */
export async function acceptEvaluation(
  db: Db,
  actor: SignedIn,
  id: string,
  version: number | undefined,
  settings: { calendar: WorkingDayCalendar; publicityWorkingDays: number; afterWrite?: AfterWrite },
) {
  const { row, record, resource } = await viewEvaluation(db, actor.user, id);
  authorize(actor.user, evaluationPolicy, 'decide', resource);
  checkVersion(row, version);
  const grade = row.grade!;
  const stageLabel = evaluationStageLabels[row.stage];
  const facts = {
    projectId: row.projectId,
    evaluationId: row.id,
    stage: row.stage,
    total: points(row.totalDeci),
    grade,
    gradeLabel: gradeLabels[grade],
  };
  await db.transaction(async (tx) => {
    await transition(tx, actor, evaluationMachine, evaluations, row, 'accept', {
      set: { acceptedAt: new Date() },
      detail: facts,
      timelineCallId: record.contract.callId,
      timelineTitle: `${stageLabel}结果：${gradeLabels[grade]}（${points(row.totalDeci)}分）：${record.projectTitle}`,
    });
    if (row.stage === 'midterm') {
      await stepProject(tx, actor, record, 'recordMidterm', { bySystem: true, detail: facts });
      if (!isPassing(grade)) {
        await openRectificationIn(
          tx,
          actor,
          record,
          {
            reason: `中期评估不合格（${points(row.totalDeci)}分），暂停后续拨付，请按评估报告整改`,
            workingDays: RECTIFICATION_DEFAULT_WORKING_DAYS,
            evaluatorOrgId: row.evaluatorOrgId,
            origin: 'evaluation',
            evaluationId: row.id,
          },
          settings.calendar,
        );
      }
    } else if (isPassing(grade)) {
      await openResultsPublicity(tx, actor, record, row, settings);
    }
    const parties = [
      ...(await usersOfOrg(tx, record.contract.providerOrgId, 'provider')),
      ...(await usersOfOrg(tx, row.evaluatorOrgId, 'evaluator')),
    ];
    await notify(tx, parties, {
      kind: 'evaluation.accepted',
      title: `${stageLabel}结果已确认：${gradeLabels[grade]}`,
      body: `项目“${record.projectTitle}”的${stageLabel}结果为${gradeLabels[grade]}（${points(row.totalDeci)}分）。`,
      link: link(row.projectId),
    });
    await settings.afterWrite?.(tx, actor, row.projectId);
  });
  return getEvaluation(db, actor.user, id);
}

// ---------- results publicity ----------

/**
 * 评估结果公示: a publicity of the approval publicity's table (kind `evaluation`), so objections
 * are filed, answered and shown by that module's code; its close comes back to
 * `closeResultsPublicity` below.
 */
async function openResultsPublicity(
  tx: Tx,
  actor: Actor,
  record: ProjectRecord,
  row: EvaluationRow,
  settings: { calendar: WorkingDayCalendar; publicityWorkingDays: number },
) {
  const opensOn = todayInShanghai();
  const { date: closesOn, estimated } = workingDayDeadline(
    opensOn,
    settings.publicityWorkingDays,
    settings.calendar,
  );
  const [pub] = await tx
    .insert(publicities)
    .values({
      callId: record.contract.callId,
      kind: 'evaluation',
      opensOn,
      closesOn,
      closesOnEstimated: estimated,
      workingDays: String(settings.publicityWorkingDays),
    })
    .returning();
  await tx.update(evaluations).set({ publicityId: pub.id }).where(eq(evaluations.id, row.id));
  await stepProject(tx, actor, record, 'openResultsPublicity', {
    bySystem: true,
    detail: { publicityId: pub.id, opensOn, closesOn, grade: row.grade, total: points(row.totalDeci) },
    timelineTitle: `评估结果公示（${opensOn}至${closesOn}，${settings.publicityWorkingDays}个工作日）：${record.projectTitle}`,
  });
}

/**
 * Handed to the publicity module (app.ts) for publicities of kind `evaluation`: without an
 * upheld objection the grade becomes final; with one, the result goes back to the evaluator.
 */
export async function closeResultsPublicity(tx: Tx, actor: Actor, pub: typeof publicities.$inferSelect) {
  const [row] = await tx.select().from(evaluations).where(eq(evaluations.publicityId, pub.id));
  if (!row) throw notFound('评估');
  const record = await findProject(tx, row.projectId);
  const [{ upheld }] = await tx
    .select({ upheld: count() })
    .from(objections)
    .where(and(eq(objections.publicityId, pub.id), eq(objections.status, 'upheld')));
  const facts = {
    projectId: row.projectId,
    evaluationId: row.id,
    publicityId: pub.id,
    grade: row.grade,
    total: points(row.totalDeci),
  };
  if (upheld > 0) {
    const reason = `评估结果公示期间有${upheld}条异议成立，退回评估机构重新评估`;
    await transition(tx, actor, evaluationMachine, evaluations, row, 'reopen', {
      bySystem: true,
      reason,
      set: { returnReason: reason },
      detail: facts,
      timelineCallId: record.contract.callId,
      timelineTitle: `评估结果退回重评：${record.projectTitle}`,
    });
    await stepProject(tx, actor, record, 'reopenFinal', { bySystem: true, detail: facts });
    await notify(tx, await usersOfOrg(tx, row.evaluatorOrgId, 'evaluator'), {
      kind: 'evaluation.returned',
      title: '评估结果因异议退回',
      body: `项目“${record.projectTitle}”的评估结果公示期间异议成立，请重新评估。`,
      link: link(row.projectId),
    });
    return;
  }
  await transition(tx, actor, evaluationMachine, evaluations, row, 'finalize', {
    bySystem: true,
    detail: facts,
    timelineCallId: record.contract.callId,
    timelineTitle: `评估结果生效：${gradeLabels[row.grade!]}（${points(row.totalDeci)}分）：${record.projectTitle}`,
  });
}

/** Closing needs the final evaluation's grade made final by its publicity (projects module's close). */
export const finalEvaluationClosed: CloseCheck = async (db, record) => {
  const [row] = await db
    .select({ id: evaluations.id })
    .from(evaluations)
    .where(
      and(
        eq(evaluations.projectId, record.contract.id),
        eq(evaluations.stage, 'final'),
        eq(evaluations.status, 'final'),
      ),
    );
  return row ? [] : ['末期评估结果尚未生效（公示未结束）'];
};

/** Public results: final evaluations in or after their publicity. */
export async function listPublicResults(db: Db, page: number, pageSize: number) {
  const where = and(eq(evaluations.stage, 'final'), inArray(evaluations.status, ['accepted', 'final']));
  const rows = await db
    .select({ e: evaluations, pub: publicities })
    .from(evaluations)
    .innerJoin(publicities, eq(publicities.id, evaluations.publicityId))
    .where(where)
    .orderBy(desc(publicities.opensOn), desc(evaluations.acceptedAt))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [{ total }] = await db
    .select({ total: count() })
    .from(evaluations)
    .innerJoin(publicities, eq(publicities.id, evaluations.publicityId))
    .where(where);
  const names = await orgNames(db, [...new Set(rows.map((r) => r.e.evaluatorOrgId))]);
  const items: z.infer<typeof publicEvaluationResult>[] = [];
  for (const { e, pub } of rows) {
    const record = await findProject(db, e.projectId);
    items.push({
      evaluationId: e.id,
      publicityId: pub.id,
      projectId: e.projectId,
      projectTitle: record.projectTitle,
      providerName: record.providerName,
      evaluatorName: names.get(e.evaluatorOrgId) ?? '',
      stage: e.stage,
      total: e.totalDeci! / 10,
      grade: e.grade!,
      gradeLabel: gradeLabels[e.grade!],
      reportSummary: e.reportSummary ?? '',
      opensOn: pub.opensOn,
      closesOn: pub.closesOn,
      final: e.status === 'final',
    });
  }
  return { items, total, page, pageSize };
}

/** Which of these evaluations' files (reports) the user may open: whoever may see the evaluation. */
export async function viewableEvaluations(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db.select().from(evaluations).where(inArray(evaluations.id, ids));
  const result = new Set<string>();
  for (const row of rows) {
    const record = await findProject(db, row.projectId);
    if (evaluationPolicy.view(user, { parties: partiesOf(record), evaluatorOrgId: row.evaluatorOrgId }))
      result.add(row.id);
  }
  return result;
}
