/** The buyer's and overseers' view, and the three aggregations side by side. */
import { and, count, eq, inArray, isNotNull } from 'drizzle-orm';
import { verifyDraw } from '../../../domain/draw.js';
import { type Aggregation, aggregateScores, aggregationLabels } from '../../../domain/reviews.js';
import type { Db, Executor } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { conflict } from '../../http/errors.js';
import { experts } from '../experts/schema.js';
import { applicationsInReview, loadCall, panelOf, seatsFilled, sessionOfCall } from './loading.js';
import { reviewPolicy } from './policy.js';
import { presentAwards, presentSession, reviewActions } from './presenter.js';
import { scoreSheets } from './schema.js';
import type { CallRow, SessionRow } from './types.js';

// ---------- the buyer's and overseers' view ----------

export async function getReview(db: Db, viewer: CurrentUser, callId: string) {
  const call = await loadCall(db, callId);
  authorize(viewer, reviewPolicy, 'view', call);
  const session = await sessionOfCall(db, callId);
  const [panel, apps, candidates, submitted] = await Promise.all([
    panelOf(db, session.id),
    applicationsInReview(db, callId),
    session.drawCandidates.length
      ? db
          .select({ id: experts.id, name: experts.name, field: experts.field })
          .from(experts)
          .where(inArray(experts.id, session.drawCandidates))
      : Promise.resolve([]),
    db
      .select({ expertId: scoreSheets.expertId, n: count() })
      .from(scoreSheets)
      .where(and(eq(scoreSheets.sessionId, session.id), isNotNull(scoreSheets.submittedAt)))
      .groupBy(scoreSheets.expertId),
  ]);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const fields = new Set(candidates.map((c) => c.field));
  const submittedBy = new Map(submitted.map((s) => [s.expertId, s.n]));
  const accepted = panel.filter((p) => p.member.status === 'accepted');
  const filled = seatsFilled(panel);
  const verified =
    !!session.drawSeed &&
    verifyDraw(
      {
        seed: session.drawSeed,
        candidates: session.drawCandidates,
        exclusions: session.drawExclusions,
        size: session.panelSize,
      },
      panel.map((p) => p.member),
    );
  return {
    session: presentSession(session),
    call: {
      id: call.id,
      code: call.code,
      title: call.title,
      status: call.status,
      aggregation: call.aggregation,
    },
    panel: panel.map((p) => ({
      expertId: p.member.expertId,
      name: p.name,
      field: p.field,
      title: p.title,
      drawPosition: p.member.drawPosition,
      status: p.member.status,
      conflictReason: p.member.conflictReason,
      respondedAt: p.member.respondedAt?.toISOString() ?? null,
      submitted: submittedBy.get(p.member.expertId) ?? 0,
    })),
    draw: {
      seed: session.drawSeed,
      field: fields.size === 1 ? [...fields][0] : null,
      candidates: session.drawCandidates.map((id) => ({
        id,
        name: byId.get(id)?.name ?? '',
        field: byId.get(id)?.field ?? '',
      })),
      exclusions: session.drawExclusions.map((e) => ({ ...e, name: byId.get(e.expertId)?.name ?? '' })),
      verified,
    },
    applications: apps.map((a) => ({
      id: a.app.id,
      providerOrgName: a.providerOrgName,
      title: a.app.proposal.title,
    })),
    progress: {
      submitted: accepted.reduce((s, p) => s + (submittedBy.get(p.member.expertId) ?? 0), 0),
      total: session.panelSize * apps.length,
    },
    shortfall:
      filled < session.panelSize
        ? `评审小组还缺${session.panelSize - filled}名专家，候选专家已全部抽完，无法自动补抽。可由管理员补充专家库后另行处理，或按规定流标。`
        : null,
    actions: await reviewActions(db, viewer, call, session),
  };
}

// ---------- results ----------

/** Sequential queries: it also runs inside transactions, whose single connection takes one at a time. */
export async function computeResults(db: Executor, call: CallRow, session: SessionRow) {
  const panel = await panelOf(db, session.id);
  const apps = await applicationsInReview(db, call.id);
  const sheets = await db
    .select()
    .from(scoreSheets)
    .where(and(eq(scoreSheets.sessionId, session.id), isNotNull(scoreSheets.submittedAt)));
  const accepted = panel.filter((p) => p.member.status === 'accepted');
  const rows = apps.map(({ app }) => ({
    applicationId: app.id,
    totals: accepted.flatMap((p) => {
      const s = sheets.find((x) => x.applicationId === app.id && x.expertId === p.member.expertId);
      return s?.totalCenti != null ? [{ expertId: p.member.expertId, totalCenti: s.totalCenti }] : [];
    }),
  }));
  return { accepted, apps, aggregated: aggregateScores(rows) };
}

export async function reviewResults(db: Db, viewer: CurrentUser, callId: string) {
  const call = await loadCall(db, callId);
  authorize(viewer, reviewPolicy, 'results', call);
  const session = await sessionOfCall(db, callId);
  if (session.status !== 'completed') throw conflict('评审专家尚未全部提交评分，暂不能查看评审结果');
  const [{ accepted, apps, aggregated }, awarded] = await Promise.all([
    computeResults(db, call, session),
    presentAwards(db, callId),
  ]);
  const method = call.aggregation as Aggregation;
  const appById = new Map(apps.map((a) => [a.app.id, a]));
  const notes: string[] = [];
  if (aggregated.applications.some((a) => !a.trimmedMean.trimmed)) {
    notes.push('评分专家少于3人的申报无法去掉最高分和最低分，其“去掉最高最低分平均”按算术平均计算。');
  }
  notes.push(
    '平均分四舍五入到0.01分，排名按未舍入的精确值；Z分数为各专家标准化后的平均值，标准化得分=全体评分均值+Z分数×全体评分标准差。',
  );
  return {
    method,
    methodLabels: aggregationLabels,
    experts: accepted.map((p) => ({ id: p.member.expertId, name: p.name })),
    applications: aggregated.rankings[method].map((appId) => {
      const a = aggregated.applications.find((x) => x.applicationId === appId)!;
      const { app, providerOrgName } = appById.get(appId)!;
      return {
        ...a,
        providerOrgName,
        title: app.proposal.title,
        requestedFen: app.requestedFen,
        status: app.status,
      };
    }),
    rankings: aggregated.rankings,
    notes,
    budget: {
      budgetCapFen: call.budgetCapFen,
      totalBudgetFen: call.totalBudgetFen,
      awardedFen: awarded.filter((a) => a.status !== 'revoked').reduce((s, a) => s + a.amountFen, 0),
    },
    awards: awarded,
    actions: await reviewActions(db, viewer, call, session),
  };
}
