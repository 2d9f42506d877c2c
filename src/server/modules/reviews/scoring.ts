/** Experts score the applications; the last sheet completes the review. */
import { and, count, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { callStateLabels } from '../../../domain/lifecycle.js';
import { reviewSessionMachine } from '../../../domain/machines.js';
import {
  type FieldProblem,
  type SheetBody,
  sheetProblems,
  sheetTotalCenti,
} from '../../../domain/reviews.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import { authorize } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound, validationError } from '../../http/errors.js';
import { transition, transitionApplication } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { applicationsInReview, loadCall, lockSession, panelOf, seatOf } from './loading.js';
import { panelPolicy } from './policy.js';
import { presentSession, presentSheet } from './presenter.js';
import { reviewSessions, scoreSheets } from './schema.js';
import type { CallRow, SessionRow, SignedIn } from './types.js';

// ---------- experts: applications and score sheets ----------

/** The current expert's seat on the session's panel, if accepted; 403 otherwise. */
export async function acceptedSeat(db: Executor, user: CurrentUser, sessionId: string) {
  const seat = await seatOf(db, user, sessionId);
  authorize(user, panelPolicy, 'score', seat);
  return seat.member!;
}

export async function reviewApplications(db: Db, viewer: CurrentUser, sessionId: string) {
  const session = await findById(db, reviewSessions, sessionId, '评审');
  const member = await acceptedSeat(db, viewer, sessionId);
  const call = await loadCall(db, session.callId);
  const [apps, sheets] = await Promise.all([
    applicationsInReview(db, call.id),
    db
      .select()
      .from(scoreSheets)
      .where(and(eq(scoreSheets.sessionId, session.id), eq(scoreSheets.expertId, member.expertId))),
  ]);
  return {
    session: presentSession(session),
    rubric: call.rubric,
    items: apps.map(({ app, providerOrgName, communityName }) => {
      const own = sheets.find((s) => s.applicationId === app.id);
      return {
        id: app.id,
        providerOrgName,
        communityName,
        // The social worker's certificate number is personal data a reviewer does not need.
        socialWorkerName: app.socialWorkerName,
        partners: app.partners,
        requestedFen: app.requestedFen,
        proposal: app.proposal,
        sheet: own ? presentSheet(own, session) : null,
      };
    }),
  };
}

export const stateLabel = (status: string) =>
  callStateLabels[status as keyof typeof callStateLabels] ?? status;

export function assertInReview(call: CallRow) {
  if (call.status !== 'in_review') throw conflict(`项目当前为“${stateLabel(call.status)}”，不在评审阶段`);
}

export function assertScoring(call: CallRow, session: SessionRow) {
  assertInReview(call);
  if (session.status === 'drawing') throw conflict('评审小组尚未组齐，暂不能评分');
  if (session.status === 'completed') throw conflict('本次评审已完成评分，评分表不能再修改');
}

export async function applicationToScore(tx: Executor, session: SessionRow, applicationId: string) {
  const [app] = await tx
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        eq(applications.id, applicationId),
        eq(applications.callId, session.callId),
        eq(applications.status, 'eligible'),
      ),
    );
  if (!app) throw notFound('待评分的申报');
}

export async function saveSheet(
  db: Db,
  actor: SignedIn,
  sessionId: string,
  applicationId: string,
  input: SheetBody,
) {
  const row = await db.transaction(async (tx) => {
    const session = await findById(tx, reviewSessions, sessionId, '评审');
    const member = await acceptedSeat(tx, actor.user, sessionId);
    const call = await loadCall(tx, session.callId);
    assertScoring(call, session);
    await applicationToScore(tx, session, applicationId);
    const problems = sheetProblems(call.rubric, input.scores);
    if (problems.length) throw validationError(problems);
    const totalCenti = sheetTotalCenti(input.scores);
    const [saved] = await tx
      .insert(scoreSheets)
      .values({
        sessionId,
        expertId: member.expertId,
        applicationId,
        scores: input.scores,
        totalCenti,
        comment: input.comment,
      })
      .onConflictDoUpdate({
        target: [scoreSheets.sessionId, scoreSheets.expertId, scoreSheets.applicationId],
        set: {
          scores: input.scores,
          totalCenti,
          comment: input.comment,
          version: sql`${scoreSheets.version} + 1`,
          updatedAt: new Date(),
        },
        setWhere: isNull(scoreSheets.submittedAt),
      })
      .returning();
    if (!saved) throw conflict('该评分表已提交锁定，不能修改');
    await appendAudit(tx, actor, {
      action: 'review.sheet_saved',
      targetType: 'score_sheet',
      targetId: saved.id,
      summary: { sessionId, applicationId, totalCenti },
    });
    return { saved, session };
  });
  return presentSheet(row.saved, row.session);
}

export async function submitSheet(db: Db, actor: SignedIn, sessionId: string, applicationId: string) {
  const result = await db.transaction(async (tx) => {
    const session = await lockSession(tx, sessionId);
    const member = await acceptedSeat(tx, actor.user, sessionId);
    const call = await loadCall(tx, session.callId);
    assertScoring(call, session);
    await applicationToScore(tx, session, applicationId);
    const [sheet] = await tx
      .select()
      .from(scoreSheets)
      .where(
        and(
          eq(scoreSheets.sessionId, sessionId),
          eq(scoreSheets.expertId, member.expertId),
          eq(scoreSheets.applicationId, applicationId),
        ),
      );
    if (!sheet) throw fieldError('scores', '请先填写并保存评分表');
    if (sheet.submittedAt) throw conflict('该评分表已提交，不能重复提交');
    const problems: FieldProblem[] = sheetProblems(call.rubric, sheet.scores);
    if (!sheet.comment.trim()) problems.push({ path: 'comment', message: '提交前请填写评语' });
    if (problems.length) throw validationError(problems);
    const [submitted] = await tx
      .update(scoreSheets)
      .set({ submittedAt: new Date(), version: sql`${scoreSheets.version} + 1`, updatedAt: new Date() })
      .where(
        and(
          eq(scoreSheets.id, sheet.id),
          eq(scoreSheets.version, sheet.version),
          isNull(scoreSheets.submittedAt),
        ),
      )
      .returning();
    if (!submitted) throw conflict('该评分表已提交，不能重复提交');
    await appendAudit(tx, actor, {
      action: 'review.sheet_submitted',
      targetType: 'score_sheet',
      targetId: sheet.id,
      summary: { sessionId, applicationId, totalCenti: sheet.totalCenti },
    });
    const after = await completeIfDone(tx, actor, call, session);
    return { submitted, session: after };
  });
  return presentSheet(result.submitted, result.session);
}

/**
 * When every accepted expert has submitted a sheet for every application, the session is
 * complete and each application is scored. Runs under the session lock, so of two last
 * submissions exactly one completes it.
 */
export async function completeIfDone(
  tx: Tx,
  actor: SignedIn,
  call: CallRow,
  session: SessionRow,
): Promise<SessionRow> {
  const panel = await panelOf(tx, session.id);
  const accepted = panel.filter((p) => p.member.status === 'accepted').map((p) => p.member.expertId);
  const apps = await tx
    .select()
    .from(applications)
    .where(and(eq(applications.callId, call.id), eq(applications.status, 'eligible')));
  if (accepted.length < session.panelSize || apps.length === 0) return session;
  const [done] = await tx
    .select({ n: count() })
    .from(scoreSheets)
    .where(
      and(
        eq(scoreSheets.sessionId, session.id),
        isNotNull(scoreSheets.submittedAt),
        inArray(scoreSheets.expertId, accepted),
        inArray(
          scoreSheets.applicationId,
          apps.map((a) => a.id),
        ),
      ),
    );
  if (done.n < accepted.length * apps.length) return session;
  const completed = await transition(tx, actor, reviewSessionMachine, reviewSessions, session, 'complete', {
    bySystem: true,
    detail: { panelSize: session.panelSize, applications: apps.length },
    audit: {
      summary: { callId: call.id, applications: apps.length, panel: accepted },
      visibility: 'internal',
    },
    timelineCallId: call.id,
  });
  for (const app of apps)
    await transitionApplication(tx, actor, app, 'score', {
      bySystem: true,
      detail: { sessionId: session.id },
    });
  await notify(tx, await usersOfOrg(tx, call.buyerOrgId, 'buyer'), {
    kind: 'review.completed',
    title: `评审评分已完成：${call.title}`,
    body: '全部评审专家已提交评分，请查看三种汇总排名并确定拟立项。',
    link: `/app/calls/${call.id}/review`,
    dedupeKey: `review.completed:${session.id}`,
  });
  return { ...session, ...completed } as SessionRow;
}
