/**
 * After the contract (DOMAIN.md steps 7–10, issue 9): every signed contract of the demo lives on
 * up to today as the platform would have recorded it. Each project's whole life is planned from
 * its service period — started, activities confirmed (now and then disputed) by the community of
 * their area, indicator progress, the three milestones paid, expenses against the budget,
 * mid-term and final evaluations with a realistic spread of grades (a failed one rectified), the
 * results publicity, closed — and then written only as far as today reached it: contracts signed
 * lately are not started yet, projects under way stop at their current step.
 *
 * Around today a few projects are set so that the demo users have work waiting: the demo
 * provider's project under way (activities waiting for the demo community, payment 2 waiting for
 * the demo buyer, an over-budget category), a mid-term evaluation commissioned from the demo
 * evaluator and a rectification waiting for its re-check, another rectification open. Exactly one
 * project of the history was terminated after its final 不合格, its recovery repaid and settled,
 * and then closed. The alerts of the projects under way are computed by the red-flag indicators
 * once the rows are written (write.ts).
 */

import type { ContractIndicator } from '../../../domain/contracts.js';
import type { EvaluationGrade } from '../../../domain/evaluations.js';
import type { ProjectState } from '../../../domain/projects.js';
import { chinaDate, chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import { addActivities } from './activities.js';
import type { PipelineBuilder } from './builder.js';
import { HOUR } from './constants.js';
import { daysBetween } from './dates.js';
import {
  addEvaluation,
  addRectification,
  drawGrade,
  type EvaluationPlan,
  evaluationPlan,
  type RectificationPlan,
  rectificationPlan,
} from './evaluations.js';
import {
  addExpenses,
  addManagementOverspend,
  addPayment,
  addRecovery,
  type PaymentPlan,
  paymentPlan,
} from './money.js';
import type { AppDraft, CallDraft, ContractRow, ProjectCtx } from './types.js';

/** A step that has not happened (and will not by today). */
const FAR = '9999-12-31';

interface Life {
  mid: EvaluationPlan;
  midRect: RectificationPlan | null;
  final: EvaluationPlan;
  finalRect: RectificationPlan | null;
  /** The evaluation after a failed final's rectification. */
  reFinal: EvaluationPlan | null;
  pays: [PaymentPlan, PaymentPlan, PaymentPlan];
  close: string;
  termination: { on: string; reason: string; recoveryShare: number } | null;
  /** What the alerts of a project under way will find. */
  alert: 'overrun' | 'management' | 'ahead' | null;
  /** Activities in the demo community, reported lately and waiting for its confirmation. */
  waitingInDemoCommunity: number;
}

function contextOf(b: PipelineBuilder, call: CallDraft, contract: ContractRow, winner: AppDraft): ProjectCtx {
  const r = b.random;
  const serviceStart = call.row.servicePeriodStart as string;
  const signedOn = chinaDate(contract.signedAt as Date);
  const start = addDays(serviceStart > signedOn ? serviceStart : addDays(signedOn, 1), r.int(0, 6));
  const evaluator = b.weighted(
    b.evaluators.map((o) => [o, o.id === b.demo.evaluatorOrg.id ? 3 : 2] as const),
  );
  const buyerUser = b.buyerUser.get(call.buyer.org.id) ?? null;
  return {
    call,
    contract,
    winner,
    title: winner.title,
    start,
    detailed: call.row.year >= 2022,
    evaluator,
    evaluatorUser: evaluator.id === b.demo.evaluatorOrg.id ? b.demo.userIds.evaluator : null,
    providerUser: winner.provider.id === b.demo.provider.id ? b.demo.userIds.provider : null,
    buyerUser,
    buyerUsername:
      buyerUser === b.demo.userIds.buyer ? 'buyer' : buyerUser === b.demo.userIds.station ? 'station' : null,
    // A time derived from a later date than yesterday (a record made the day after) stays in the past.
    at: (date, hour) =>
      new Date(Math.min(chinaInstant(date, hour, r.int(0, 59)).getTime(), b.now.getTime() - HOUR)),
    event: (at, kind, title, detail) =>
      call.events.push(() => ({ callId: call.row.id, at, kind, title, detail })),
  };
}

/** The whole life of a project from its service period, whatever today is. */
function planLife(b: PipelineBuilder, ctx: ProjectCtx): Life {
  const r = b.random;
  const end = ctx.call.row.servicePeriodEnd as string;
  const span = daysBetween(ctx.start, end);
  const quality = ctx.winner.quality;
  const mid = evaluationPlan(
    b,
    'midterm',
    addDays(ctx.start, Math.round(span * (0.38 + r.next() * 0.06))),
    drawGrade(b, 'midterm', quality),
  );
  const midRect = mid.grade === 'fail' ? rectificationPlan(b, mid.accept) : null;
  const final = evaluationPlan(b, 'final', addDays(end, -r.int(8, 20)), drawGrade(b, 'final', quality));
  const finalRect = final.grade === 'fail' ? rectificationPlan(b, final.accept) : null;
  const reFinal = finalRect
    ? evaluationPlan(
        b,
        'final',
        addDays(finalRect.check, r.int(1, 3)),
        b.weighted<EvaluationGrade>([
          ['pass', 3],
          ['good', 1],
        ]),
      )
    : null;
  const passed = reFinal ?? final;
  const pay3 = paymentPlan(b, addDays(passed.accept, r.int(1, 4)));
  // A passing final always has its publicity.
  const closedOn = passed.publicity!.closedOn;
  return {
    mid,
    midRect,
    final,
    finalRect,
    reFinal,
    pays: [
      paymentPlan(b, addDays(ctx.start, r.int(3, 12))),
      paymentPlan(b, addDays(midRect?.check ?? mid.accept, r.int(2, 8))),
      pay3,
    ],
    close: addDays([closedOn, pay3.pay].sort()[1], r.int(1, 7)),
    termination: null,
    alert: null,
    waitingInDemoCommunity: 0,
  };
}

/**
 * Today must not fall inside a results publicity (the demo's one open publicity is an approval
 * publicity): a final result that would be in publicity now waits for the buyer's acceptance.
 */
function noOpenResults(b: PipelineBuilder, life: Life) {
  const passed = life.reFinal ?? life.final;
  if (!passed.publicity) return;
  if (passed.accept < b.today && b.today <= passed.publicity!.closedOn) {
    passed.accept = FAR;
    passed.publicity = null;
    life.pays[2] = { request: FAR, approve: FAR, pay: FAR };
    life.close = FAR;
  }
}

/** Share of the service period gone by today. */
const elapsed = (b: PipelineBuilder, ctx: ProjectCtx) =>
  daysBetween(ctx.start, b.today) /
  Math.max(1, daysBetween(ctx.start, ctx.call.row.servicePeriodEnd as string));

const ago = (b: PipelineBuilder, days: number) => addDays(b.today, -days);

/** The demo provider's project under way: mid-term 良好 a month ago, payment 2 waiting for the buyer. */
function setLive(b: PipelineBuilder, life: Life) {
  Object.assign(life.mid, {
    commission: ago(b, 62),
    due: ago(b, 30),
    submit: ago(b, 38),
    accept: ago(b, 30),
  });
  life.mid.grade = 'good';
  life.midRect = null;
  life.pays[1] = { request: ago(b, 6), approve: FAR, pay: FAR };
  life.alert = 'overrun';
  life.waitingInDemoCommunity = 3;
}

/** A mid-term evaluation commissioned from the demo evaluator, to be scored. */
function setEvaluatorWaiting(b: PipelineBuilder, ctx: ProjectCtx, life: Life) {
  ctx.evaluator = b.demo.evaluatorOrg;
  ctx.evaluatorUser = b.demo.userIds.evaluator;
  Object.assign(life.mid, { commission: ago(b, 9), due: addDays(b.today, 21), submit: FAR, accept: FAR });
}

/** A mid-term 不合格 whose rectification is `submitted` (waiting for the demo evaluator) or `open`. */
function setRectification(b: PipelineBuilder, ctx: ProjectCtx, life: Life, state: 'submitted' | 'open') {
  if (state === 'submitted') {
    ctx.evaluator = b.demo.evaluatorOrg;
    ctx.evaluatorUser = b.demo.userIds.evaluator;
  }
  const accept = state === 'submitted' ? ago(b, 38) : ago(b, 9);
  Object.assign(life.mid, {
    commission: addDays(accept, -30),
    due: addDays(accept, 5),
    submit: addDays(accept, -4),
    accept,
    grade: 'fail',
  });
  life.midRect = { open: accept, submit: state === 'submitted' ? ago(b, 4) : FAR, check: FAR };
  life.pays[1] = { request: FAR, approve: FAR, pay: FAR };
}

const TERMINATION_REASON =
  '末期评估不合格，服务台账与实际开展情况严重不符，部分支出无合规票据，经研究决定终止项目并追回相应资金';

/** Final 不合格 → terminated by the buyer → recovery repaid and settled → closed. */
function setTerminated(b: PipelineBuilder, life: Life) {
  life.final.grade = 'fail';
  life.final.publicity = null;
  life.finalRect = null;
  life.reFinal = null;
  const on = addDays(life.final.accept, b.random.int(5, 12));
  life.termination = { on, reason: TERMINATION_REASON, recoveryShare: 0.18 };
  life.pays[2] = { request: FAR, approve: FAR, pay: FAR };
}

/** Writes one project as far as today reached it. */
function play(b: PipelineBuilder, ctx: ProjectCtx, life: Life) {
  const done = (d: string) => d < b.today;
  if (!done(ctx.start)) return;
  const projectId = ctx.contract.id;
  const end = ctx.call.row.servicePeriodEnd as string;
  const step = { projectId, contractCode: ctx.contract.code };
  let status: ProjectState = 'in_implementation';
  let version = 2;
  let updatedAt = ctx.at(ctx.start, 9);
  const createdAt = updatedAt;
  const move = (
    to: ProjectState,
    at: Date,
    kind: string,
    title: string,
    detail: Record<string, unknown> = {},
  ) => {
    ctx.event(at, kind, `${title}：${ctx.title}`, { from: status, to, ...step, ...detail });
    status = to;
    version++;
    updatedAt = at;
  };
  ctx.event(createdAt, 'project.start', `开始实施：${ctx.title}`, {
    from: 'contracted',
    to: status,
    ...step,
  });

  const finalGrade = (life.reFinal ?? life.final).grade;
  const terminatedOn = life.termination?.on ?? null;
  const until = terminatedOn ?? end;
  const perf = life.alert === 'ahead' ? 0.3 : { excellent: 1.08, good: 1, pass: 0.9, fail: 0.65 }[finalGrade];
  addActivities(b, ctx, { until, waitingInDemoCommunity: life.waitingInDemoCommunity });
  addProgress(b, ctx, until, perf);
  addExpenses(b, ctx, {
    until,
    share: terminatedOn ? 0.62 : 0.97,
    over:
      life.alert === 'overrun'
        ? {
            category: b.random.pick(['materials', 'training', 'travel'] as const),
            share: 1.2 + b.random.next() * 0.3,
          }
        : undefined,
  });
  if (life.alert === 'management') addManagementOverspend(b, ctx, 0.11 + b.random.next() * 0.02);

  let paidFen = addPayment(b, ctx, 0, life.pays[0]);
  if (done(life.mid.commission)) {
    const mid = addEvaluation(b, ctx, life.mid);
    if (mid.accepted) {
      move(
        'midterm_evaluated',
        new Date(mid.row.acceptedAt!.getTime() + 1000),
        'project.recordMidterm',
        '中期评估完成',
        {
          evaluationId: mid.row.id,
          stage: 'midterm',
          grade: mid.row.grade,
          total: mid.row.totalDeci! / 10,
        },
      );
      if (life.midRect) addRectification(b, ctx, mid.row, life.midRect);
    }
  }
  paidFen += addPayment(b, ctx, 1, life.pays[1]);
  if (done(life.final.commission)) {
    move('final_evaluation', ctx.at(life.final.commission, 10), 'project.startFinal', '进入末期评估');
    const first = addEvaluation(b, ctx, life.final);
    if (first.accepted && life.finalRect) {
      const rect = addRectification(b, ctx, first.row, life.finalRect);
      if (rect.passed && life.reFinal && done(life.reFinal.commission)) {
        const again = addEvaluation(b, ctx, life.reFinal);
        if (again.accepted) status = 'results_publicity';
      }
    } else if (first.accepted && first.row.grade !== 'fail') status = 'results_publicity';
    if (status === 'results_publicity') version++;
  }
  paidFen += addPayment(b, ctx, 2, life.pays[2]);

  let terminatedAt: Date | null = null;
  if (life.termination && terminatedOn && done(terminatedOn)) {
    terminatedAt = ctx.at(terminatedOn, 16);
    move('terminated', terminatedAt, 'project.terminate', '终止项目', { reason: life.termination.reason });
    const amountFen = Math.round((paidFen * life.termination.recoveryShare) / 100) * 100;
    const { settledOn } = addRecovery(
      b,
      ctx,
      addDays(terminatedOn, b.random.int(3, 7)),
      amountFen,
      life.termination.reason,
    );
    life.close = addDays(settledOn, b.random.int(2, 6));
  }
  let closedAt: Date | null = null;
  if (done(life.close)) {
    closedAt = ctx.at(life.close, 15);
    move('closed', closedAt, 'project.close', '结项');
  } else b.alertProjectIds.push(projectId);

  b.projectRows.push({
    id: projectId,
    callId: ctx.call.row.id,
    status,
    terminationReason: terminatedAt ? life.termination!.reason : null,
    terminatedAt,
    closedAt,
    version,
    createdAt,
    updatedAt,
  });
}

const EVIDENCE = ['服务台账、签到表及活动照片存档', '服务记录及前后测问卷', '满意度调查问卷及统计表'];

/**
 * Indicator progress as the provider reports it (the newest report counts): in detail at about a
 * third and a half of the service period and at its end; before the platform only at the end.
 * `perf` scales what is achieved (how well the project does).
 */
function addProgress(b: PipelineBuilder, ctx: ProjectCtx, until: string, perf: number) {
  const r = b.random;
  const end = ctx.call.row.servicePeriodEnd as string;
  const span = daysBetween(ctx.start, end);
  const points = ctx.detailed ? [0.3, 0.48, 0.98] : [0.98];
  for (const point of points) {
    const on = addDays(ctx.start, Math.round(span * point));
    if (on >= b.today || on > until) continue;
    (ctx.contract.indicators as ContractIndicator[]).forEach((indicator, index) => {
      const share = indicator.kind === 'output' ? point : Math.min(1, 0.45 + point * 0.6);
      let achieved = Math.round(indicator.target * share * perf * (0.92 + r.next() * 0.14));
      if (indicator.unit === '%') achieved = Math.min(100, achieved);
      b.indicatorReportRows.push({
        projectId: ctx.contract.id,
        indicatorIndex: index,
        achieved,
        evidence: `${indicator.name}：${r.pick(EVIDENCE)}`,
        reportedOn: on,
        createdBy: ctx.providerUser,
        createdAt: ctx.at(on, 16),
      });
    });
  }
}

export function implementation(b: PipelineBuilder) {
  const calls = new Map(b.drafts.map((d) => [d.row.id, d]));
  const awards = new Map(b.awardRows.map((a) => [a.id, a]));
  const projects = b.contractRows
    .filter((c) => c.status === 'signed')
    .map((contract) => {
      const call = calls.get(contract.callId)!;
      const award = awards.get(contract.awardId)!;
      const ctx = contextOf(b, call, contract, call.apps.find((a) => a.row.id === award.applicationId)!);
      return { ctx, life: planLife(b, ctx) };
    });

  const live = projects.find((p) => p.ctx.contract.id === b.demoContracts.live);
  if (live) setLive(b, live.life);
  for (const p of projects.filter((x) => b.demoContracts.fresh.includes(x.ctx.contract.id)))
    p.ctx.start = FAR;

  // Under way today (started, service not over), the demo's own set aside.
  const underWay = projects.filter(
    (p) =>
      p !== live &&
      !b.demoContracts.fresh.includes(p.ctx.contract.id) &&
      p.ctx.start < b.today &&
      elapsed(b, p.ctx) < 0.85,
  );
  const take = (ok: (f: number) => boolean) => {
    const i = underWay.findIndex((p) => ok(elapsed(b, p.ctx)));
    return i < 0 ? undefined : underWay.splice(i, 1)[0];
  };
  const waiting = take((f) => f >= 0.25 && f < 0.6);
  if (waiting) setEvaluatorWaiting(b, waiting.ctx, waiting.life);
  const submitted = take((f) => f >= 0.5);
  if (submitted) setRectification(b, submitted.ctx, submitted.life, 'submitted');
  const open = take((f) => f >= 0.45);
  if (open) setRectification(b, open.ctx, open.life, 'open');
  for (const p of underWay) {
    const roll = b.random.next();
    p.life.alert =
      roll < 0.2
        ? 'overrun'
        : roll < 0.3
          ? 'management'
          : roll < 0.42 && elapsed(b, p.ctx) >= 0.5
            ? 'ahead'
            : null;
  }

  // The one termination: a project of 2021 between others than the demo users.
  const terminated = projects.find(
    (p) =>
      p.ctx.call.row.year === 2021 &&
      p.ctx.call.buyer.kind === 'civil' &&
      p.ctx.winner.provider.id !== b.demo.provider.id &&
      p.ctx.evaluator.id !== b.demo.evaluatorOrg.id,
  );
  if (terminated) setTerminated(b, terminated.life);

  for (const { ctx, life } of projects) {
    noOpenResults(b, life);
    play(b, ctx, life);
  }
}
