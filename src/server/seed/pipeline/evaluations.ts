/**
 * Evaluations of the demo's projects (评估): scores under the default indicator system that add
 * up to a grade drawn from a realistic spread, the results publicity of a final grade, and the
 * rectification (整改) a failed one opens — the rows and public steps evaluations/service.ts and
 * projects/service.ts would write.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_DIMENSIONS,
  DEFAULT_GRADE_BANDS,
  DEFAULT_TEMPLATE_NAME,
  type EvaluationGrade,
  type EvaluationStage,
  evaluationStageLabels,
  gradeLabels,
  gradeOf,
  type IndicatorScore,
  templateIndicators,
} from '../../../domain/evaluations.js';
import { RECTIFICATION_DEFAULT_WORKING_DAYS } from '../../../domain/projects.js';
import { addDays, addWorkingDays } from '../../../domain/working-days.js';
import type { PipelineBuilder } from './builder.js';
import { PUBLICITY_DAYS } from './constants.js';
import { nextWorkingDay } from './dates.js';
import type { ProjectCtx } from './types.js';

const INDICATORS = templateIndicators(DEFAULT_DIMENSIONS);

/** Tenths of a point a grade's totals are drawn from. */
const BAND_DECI: Record<EvaluationGrade, [number, number]> = {
  excellent: [900, 968],
  good: [800, 899],
  pass: [640, 799],
  fail: [480, 595],
};

/** A grade from a spread tilted by how good the winning proposal was (its quality, 0–100). */
export function drawGrade(b: PipelineBuilder, stage: EvaluationStage, quality: number): EvaluationGrade {
  const weights: [EvaluationGrade, number][] =
    quality >= 90
      ? [
          ['excellent', 26],
          ['good', 52],
          ['pass', 21],
          ['fail', stage === 'midterm' ? 2 : 1],
        ]
      : quality >= 75
        ? [
            ['excellent', 12],
            ['good', 48],
            ['pass', 37],
            ['fail', stage === 'midterm' ? 3 : 2],
          ]
        : [
            ['excellent', 5],
            ['good', 38],
            ['pass', 52],
            ['fail', 5],
          ];
  return b.weighted(weights);
}

const NOTES: Partial<Record<string, [string, string]>> = {
  plan: ['按计划推进，台账完整', '部分活动延期，未及时报备'],
  outputs: ['产出指标全部完成', '产出指标完成率偏低'],
  outcomes: ['服务对象变化有前后测佐证', '成效证据不足'],
  budget: ['按预算科目支出', '个别科目执行偏差较大'],
  receipts: ['票据真实完整', '部分票据信息不全'],
  residents: ['满意度调查结果良好', '满意度样本偏少'],
};

/**
 * Scores of every indicator of the default system, each within [0, its weight], that add up to a
 * total inside the grade's band (so the grade follows from the scores, as on submission).
 */
export function scoresFor(b: PipelineBuilder, grade: EvaluationGrade) {
  const r = b.random;
  const [lo, hi] = BAND_DECI[grade];
  const total = r.int(lo, hi);
  const scores = INDICATORS.map((i) => ({
    key: i.key,
    max: i.weight * 10,
    deci: Math.min(i.weight * 10, Math.round(((i.weight * total) / 100) * (0.92 + r.next() * 0.16))),
  }));
  // Nudge one tenth at a time, indicator by indicator, until the scores add up to the total.
  let diff = total - scores.reduce((s, x) => s + x.deci, 0);
  for (let k = 0; diff !== 0; k = (k + 1) % scores.length) {
    const s = scores[k];
    const step = Math.sign(diff);
    if (s.deci + step < 0 || s.deci + step > s.max) continue;
    s.deci += step;
    diff -= step;
  }
  const good = grade === 'excellent' || grade === 'good';
  const result: IndicatorScore[] = scores.map((s) => {
    const note = NOTES[s.key];
    return { key: s.key, scoreDeci: s.deci, note: note && r.next() < 0.5 ? note[good ? 0 : 1] : '' };
  });
  if (gradeOf(total, DEFAULT_GRADE_BANDS) !== grade) throw new Error(`scores of ${total} are not ${grade}`);
  return { scores: result, totalDeci: total };
}

const SUMMARIES: Record<EvaluationGrade, string> = {
  excellent:
    '项目管理规范，服务台账完整，产出和成效指标全部达成，资金使用合规，服务对象和社区评价很高，可作为同类项目示范。',
  good: '项目按计划推进，主要产出指标完成，服务成效有佐证，资金按预算执行，个别环节的专业记录有待加强。',
  pass: '项目基本完成合同约定的服务，部分指标完成率偏低，专业方法运用和资金执行存在不足，需在后续服务中改进。',
  fail: '项目实际开展情况与合同约定差距较大，服务台账与活动记录不符，部分支出票据不合规，评估不合格。',
};

export interface EvaluationPlan {
  stage: EvaluationStage;
  commission: string;
  due: string;
  submit: string;
  accept: string;
  grade: EvaluationGrade;
  /** Results publicity: opens on acceptance, closes after PUBLICITY_DAYS working days (final 合格+ only). */
  publicity: { opensOn: string; closesOn: string; closedOn: string } | null;
}

export function evaluationPlan(
  b: PipelineBuilder,
  stage: EvaluationStage,
  commission: string,
  grade: EvaluationGrade,
): EvaluationPlan {
  const r = b.random;
  const submit = addDays(commission, r.int(12, 24));
  const accept = addDays(submit, r.int(2, 6));
  const publicity =
    stage === 'final' && grade !== 'fail'
      ? (() => {
          const closesOn = addWorkingDays(accept, PUBLICITY_DAYS);
          return { opensOn: accept, closesOn, closedOn: nextWorkingDay(addDays(closesOn, 1)) };
        })()
      : null;
  return { stage, commission, due: addDays(commission, r.int(30, 40)), submit, accept, grade, publicity };
}

/**
 * Writes one evaluation as far as `today` reached it: commissioned, submitted, accepted, and
 * (final, passed) its publicity and the grade made final. Returns the row.
 */
export function addEvaluation(b: PipelineBuilder, ctx: ProjectCtx, plan: EvaluationPlan) {
  const done = (d: string) => d < b.today;
  const at = ctx.at;
  const stageLabel = evaluationStageLabels[plan.stage];
  const org = ctx.evaluator;
  const id = randomUUID();
  const submitted = done(plan.submit);
  const accepted = submitted && done(plan.accept);
  const { scores, totalDeci } = scoresFor(b, plan.grade);
  const total = totalDeci / 10;
  const published = accepted && plan.publicity ? plan.publicity : null;
  const final = !!published && done(published.closedOn);
  const commissionedAt = at(plan.commission, 10);
  const submittedAt = at(plan.submit, 15);
  const acceptedAt = at(plan.accept, 10);
  const pubId = published ? randomUUID() : null;
  if (published) {
    b.publicityRows.push({
      id: pubId!,
      callId: ctx.call.row.id,
      kind: 'evaluation',
      opensOn: published.opensOn,
      closesOn: published.closesOn,
      workingDays: String(PUBLICITY_DAYS),
      status: final ? 'closed' : 'open',
      closedAt: final ? at(published.closedOn, 9) : null,
      createdAt: acceptedAt,
      updatedAt: final ? at(published.closedOn, 9) : acceptedAt,
    });
  }
  const row = {
    id,
    projectId: ctx.contract.id,
    stage: plan.stage,
    evaluatorOrgId: org.id,
    dueOn: plan.due,
    templateId: null,
    templateName: DEFAULT_TEMPLATE_NAME,
    dimensions: DEFAULT_DIMENSIONS,
    bands: DEFAULT_GRADE_BANDS,
    scores: submitted ? scores : [],
    totalDeci: submitted ? totalDeci : null,
    grade: submitted ? plan.grade : null,
    reportSummary: submitted ? `${stageLabel}：${SUMMARIES[plan.grade]}` : null,
    submittedAt: submitted ? submittedAt : null,
    acceptedAt: accepted ? acceptedAt : null,
    publicityId: pubId,
    status: final ? 'final' : accepted ? 'accepted' : submitted ? 'submitted' : 'commissioned',
    createdBy: ctx.buyerUser,
    version: 1 + (submitted ? 1 : 0) + (accepted ? 1 : 0) + (final ? 1 : 0),
    createdAt: commissionedAt,
    updatedAt: final
      ? at(published!.closedOn, 9)
      : accepted
        ? acceptedAt
        : submitted
          ? submittedAt
          : commissionedAt,
  } satisfies (typeof b.evaluationRows)[number];
  b.evaluationRows.push(row);

  const facts = { projectId: ctx.contract.id, evaluationId: id, stage: plan.stage };
  ctx.event(
    commissionedAt,
    'evaluation.commissioned',
    `委托${stageLabel}：${ctx.title}（${org.name}，${plan.due}前提交报告）`,
    {
      ...facts,
      evaluatorName: org.name,
      dueOn: plan.due,
    },
  );
  const result = { ...facts, total, grade: plan.grade, gradeLabel: gradeLabels[plan.grade] };
  if (accepted)
    ctx.event(
      acceptedAt,
      'evaluation.accept',
      `${stageLabel}结果：${gradeLabels[plan.grade]}（${total}分）：${ctx.title}`,
      {
        from: 'submitted',
        to: 'accepted',
        ...result,
      },
    );
  if (published)
    ctx.event(
      new Date(acceptedAt.getTime() + 1000),
      'project.openResultsPublicity',
      `评估结果公示（${published.opensOn}至${published.closesOn}，${PUBLICITY_DAYS}个工作日）：${ctx.title}`,
      {
        projectId: ctx.contract.id,
        contractCode: ctx.contract.code,
        publicityId: pubId,
        opensOn: published.opensOn,
        closesOn: published.closesOn,
        grade: plan.grade,
        total,
      },
    );
  if (final)
    ctx.event(
      at(published!.closedOn, 9),
      'evaluation.finalize',
      `评估结果生效：${gradeLabels[plan.grade]}（${total}分）：${ctx.title}`,
      {
        from: 'accepted',
        to: 'final',
        ...facts,
        publicityId: pubId,
        grade: plan.grade,
        total,
      },
    );
  if (plan.stage === 'midterm' && !submitted && ctx.evaluator.id === b.demo.evaluatorOrg.id)
    b.notify('evaluator', {
      kind: 'evaluation.commissioned',
      title: `新的${stageLabel}任务`,
      body: `请于${plan.due}前完成项目“${ctx.title}”的${stageLabel}并提交报告。`,
      link: `/app/projects/${ctx.contract.id}`,
      createdAt: commissionedAt,
    });
  return { row, accepted, final };
}

export interface RectificationPlan {
  open: string;
  submit: string;
  check: string;
}

export function rectificationPlan(b: PipelineBuilder, open: string): RectificationPlan {
  const submit = addDays(open, b.random.int(8, 18));
  return { open, submit, check: addDays(submit, b.random.int(2, 5)) };
}

/** A failed evaluation's rectification, as far as `today` reached it; all re-checks pass. */
export function addRectification(
  b: PipelineBuilder,
  ctx: ProjectCtx,
  evaluation: { id: string; stage: EvaluationStage; totalDeci: number | null },
  plan: RectificationPlan,
) {
  const done = (d: string) => d < b.today;
  const at = ctx.at;
  const submitted = done(plan.submit);
  const checked = submitted && done(plan.check);
  const total = (evaluation.totalDeci ?? 0) / 10;
  const stageLabel = evaluationStageLabels[evaluation.stage];
  const reason =
    evaluation.stage === 'midterm'
      ? `中期评估不合格（${total}分），暂停后续拨付，请按评估报告整改`
      : `末期评估不合格（${total}分），请按评估报告整改后重新评估`;
  const workingDays = RECTIFICATION_DEFAULT_WORKING_DAYS;
  const dueOn = addWorkingDays(plan.open, workingDays);
  const id = randomUUID();
  const openedAt = new Date(at(plan.open, 10).getTime() + 2000);
  b.rectificationRows.push({
    id,
    projectId: ctx.contract.id,
    origin: 'evaluation',
    evaluationId: evaluation.id,
    reason,
    workingDays,
    openedOn: plan.open,
    dueOn,
    evaluatorOrgId: ctx.evaluator.id,
    plan: submitted
      ? `针对${stageLabel}指出的问题：补齐服务台账，增加入户走访频次，规范票据管理，每月向购买主体报送进度。`
      : null,
    evidence: submitted ? '已补录服务台账，新增入户走访并附签到表和照片，问题票据已更换为合规票据。' : null,
    submittedAt: submitted ? at(plan.submit, 16) : null,
    checkNote: checked ? '整改到位，台账完整，票据合规。' : null,
    checkedAt: checked ? at(plan.check, 11) : null,
    checkedBy: checked ? ctx.evaluatorUser : null,
    status: checked ? 'passed' : submitted ? 'submitted' : 'open',
    version: 1 + (submitted ? 1 : 0) + (checked ? 1 : 0),
    createdAt: openedAt,
    updatedAt: checked ? at(plan.check, 11) : submitted ? at(plan.submit, 16) : openedAt,
  });
  const facts = {
    projectId: ctx.contract.id,
    rectificationId: id,
    reason,
    workingDays,
    dueOn,
    origin: 'evaluation',
  };
  ctx.event(
    openedAt,
    'rectification.opened',
    `要求整改：${ctx.title}（${workingDays}个工作日内，至${dueOn}）`,
    facts,
  );
  if (checked)
    ctx.event(at(plan.check, 11), 'rectification.checked', `整改复核合格：${ctx.title}`, {
      from: 'submitted',
      to: 'passed',
      projectId: ctx.contract.id,
      decision: 'passed',
      note: '整改到位，台账完整，票据合规。',
    });
  if (submitted && !checked && ctx.evaluator.id === b.demo.evaluatorOrg.id)
    b.notify('evaluator', {
      kind: 'rectification.submitted',
      title: '整改材料待复核',
      body: `项目“${ctx.title}”已提交整改材料，请复核。`,
      link: `/app/projects/${ctx.contract.id}`,
      createdAt: at(plan.submit, 16),
    });
  return { passed: checked };
}
