/** 拟立项: the buyer's award of a reviewed call within its budget, with the reason for any departure from the ranking. */
import { eq } from 'drizzle-orm';
import { formatFen } from '../../../domain/money.js';
import {
  type Aggregation,
  type AwardBody,
  aggregationLabels,
  departsFromRanking,
  type FieldProblem,
} from '../../../domain/reviews.js';
import type { Db } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import { conflict, validationError } from '../../http/errors.js';
import { transitionApplication, transitionCall } from '../../lifecycle/transitions.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { loadCall, sessionOfCall } from '../reviews/loading.js';
import { reviewPolicy } from '../reviews/policy.js';
import { presentAwards } from '../reviews/presenter.js';
import { computeResults } from '../reviews/results.js';
import { stateLabel } from '../reviews/scoring.js';
import type { SignedIn } from '../reviews/types.js';

// ---------- award ----------

export async function awardCall(db: Db, actor: SignedIn, callId: string, input: AwardBody) {
  const outcome = await db.transaction(async (tx) => {
    const call = await loadCall(tx, callId);
    authorize(actor.user, reviewPolicy, 'award', call);
    if (call.status === 'in_publicity') {
      throw conflict('立项公示期间不能补充立项，请在公示结束（已立项）后再补充');
    }
    const reaward = call.status === 'approved';
    if (call.status !== 'in_review' && !reaward) {
      throw conflict(`当前状态为“${stateLabel(call.status)}”，不能确定拟立项`);
    }
    const session = await sessionOfCall(tx, callId);
    if (session.status !== 'completed') throw conflict('评审专家尚未全部提交评分，不能确定拟立项');
    const existing = await tx.select().from(awards).where(eq(awards.callId, callId));
    if (reaward && !existing.some((a) => a.status === 'revoked')) {
      throw conflict('本项目没有被撤销的立项，不能补充立项');
    }

    const { apps, aggregated } = await computeResults(tx, call, session);
    const method = call.aggregation as Aggregation;
    const poolState = reaward ? 'not_awarded' : 'scored';
    const pool = apps.filter((a) => a.app.status === poolState);
    const poolById = new Map(pool.map((a) => [a.app.id, a]));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.awards.forEach((a, i) => {
      const candidate = poolById.get(a.applicationId);
      if (!candidate) {
        problems.push({
          path: `awards.${i}.applicationId`,
          message: reaward ? '只能从本项目未入选的申报中补充立项' : '该申报不是本项目已评分的申报',
        });
        return;
      }
      if (seen.has(a.applicationId))
        problems.push({ path: `awards.${i}.applicationId`, message: '同一申报不能重复立项' });
      seen.add(a.applicationId);
      if (a.amountFen > candidate.app.requestedFen) {
        problems.push({
          path: `awards.${i}.amountFen`,
          message: `${candidate.providerOrgName}的立项金额不能超过其申报金额${formatFen(candidate.app.requestedFen)}`,
        });
      } else if (a.amountFen > call.budgetCapFen) {
        problems.push({
          path: `awards.${i}.amountFen`,
          message: `${candidate.providerOrgName}的立项金额不能超过单个项目资金上限${formatFen(call.budgetCapFen)}`,
        });
      }
    });
    const kept = existing.filter((a) => a.status !== 'revoked').reduce((s, a) => s + a.amountFen, 0);
    const total = kept + input.awards.reduce((s, a) => s + a.amountFen, 0);
    if (total > call.totalBudgetFen) {
      problems.push({
        path: 'awards',
        message: `立项总金额${formatFen(total)}${kept ? `（含已立项${formatFen(kept)}）` : ''}超过本项目总预算${formatFen(call.totalBudgetFen)}`,
      });
    }
    const scores = new Map(aggregated.applications.map((a) => [a.applicationId, a]));
    const ranks = new Map(aggregated.applications.map((a) => [a.applicationId, a.ranks[method]]));
    const chosen = input.awards.map((a) => a.applicationId);
    const departure =
      problems.length === 0 &&
      departsFromRanking(
        ranks,
        pool.map((a) => a.app.id),
        chosen,
      );
    const departureReason = input.departureReason?.trim() || null;
    if (departure && !departureReason) {
      problems.push({
        path: 'departureReason',
        message: `所选申报与“${aggregationLabels[method]}”的排名顺序不一致，请说明理由`,
      });
    }
    if (problems.length) throw validationError(problems);

    // The call moves first: of two simultaneous awards, the second fails here with 409 before
    // it writes anything.
    await transitionCall(tx, actor, call, 'award', {
      detail: { awards: input.awards, departureReason: departure ? departureReason : undefined, reaward },
    });
    await tx.insert(awards).values(
      input.awards.map((a) => ({
        callId,
        applicationId: a.applicationId,
        amountFen: a.amountFen,
        rank: ranks.get(a.applicationId)!,
        scoreCenti: scores.get(a.applicationId)!.scoreCenti[method],
        departureReason: departure ? departureReason : null,
      })),
    );
    for (const a of input.awards) {
      const { app, providerOrgName } = poolById.get(a.applicationId)!;
      await transitionApplication(tx, actor, app, 'award', {
        detail: {
          providerOrgName,
          amountFen: a.amountFen,
          scoreCenti: scores.get(a.applicationId)!.scoreCenti[method],
          rank: ranks.get(a.applicationId)!,
          method,
        },
        timelineTitle: `拟立项：${providerOrgName}`,
      });
      await notify(tx, await usersOfOrg(tx, app.providerOrgId, 'provider'), {
        kind: 'award.proposed',
        title: `拟立项：${call.title}`,
        body: `您单位的申报“${app.proposal.title}”拟立项，金额${formatFen(a.amountFen)}，将进入立项公示。`,
        link: `/app/applications/${app.id}`,
      });
    }
    if (!reaward) {
      for (const { app } of pool.filter((a) => !seen.has(a.app.id))) {
        await transitionApplication(tx, actor, app, 'notAward');
        await notify(tx, await usersOfOrg(tx, app.providerOrgId, 'provider'), {
          kind: 'award.not_awarded',
          title: `未入选：${call.title}`,
          body: `您单位的申报“${app.proposal.title}”本次未入选。`,
          link: `/app/applications/${app.id}`,
        });
      }
    }
    return { departure };
  });
  const [call] = await db.select({ status: calls.status }).from(calls).where(eq(calls.id, callId));
  return { awards: await presentAwards(db, callId), callStatus: call.status, departure: outcome.departure };
}
