/** 路演评审 start: the session and its reproducible panel draw; experts answer, conflicts are replaced. */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { drawPanel } from '../../../domain/draw.js';
import { panelMemberMachine, reviewSessionMachine } from '../../../domain/machines.js';
import type { PanelMemberState, ReviewCreate } from '../../../domain/reviews.js';
import { chinaDateTime } from '../../../domain/time.js';
import type { Db, Tx } from '../../db/client.js';
import { authorize } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError } from '../../http/errors.js';
import { transition, transitionCall } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { experts } from '../experts/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { drawForCall } from './draw.js';
import { applicationsInReview, loadCall, lockSession, panelOf, seatOf, seatsFilled } from './loading.js';
import { panelPolicy, reviewPolicy } from './policy.js';
import { presentSession } from './presenter.js';
import { getReview } from './results.js';
import { panelMembers, reviewSessions, scoreSheets } from './schema.js';
import { assertInReview } from './scoring.js';
import { type CallRow, IN_REVIEW, type SessionRow, type SignedIn } from './types.js';

// ---------- start: session and panel draw ----------

export async function startReview(db: Db, actor: SignedIn, callId: string, input: ReviewCreate) {
  await db.transaction(async (tx) => {
    const call = await loadCall(tx, callId);
    authorize(actor.user, reviewPolicy, 'start', call);
    const eligible = await applicationsInReview(tx, call.id, ['eligible']);
    if (call.status === 'closed' && eligible.length === 0) {
      throw conflict('本项目没有通过资格审查的申报，无法开始评审');
    }
    const record = await drawForCall(tx, {
      field: input.field ?? call.category,
      panelSize: input.panelSize,
      applicants: eligible.map((e) => ({
        providerOrgId: e.app.providerOrgId,
        providerOrgName: e.providerOrgName,
        communityOrgId: e.app.communityOrgId,
        communityOrgName: e.communityOrgName,
        partners: e.app.partners,
      })),
    });
    // The transition checks the state (409 unless the call is closed) and, by its version, that
    // of two simultaneous starts only one proceeds.
    await transitionCall(tx, actor, call, 'startReview', {
      detail: { panelSize: input.panelSize, drawSeed: record.seed },
      timelineTitle: `开始评审：随机抽取${input.panelSize}名评审专家`,
    });
    if (record.result.panel.length < input.panelSize) {
      throw conflict(
        `专家库中符合条件的专家只有${record.result.order.length}人，不足${input.panelSize}人，无法组成评审小组。请减少评审专家人数或由管理员补充专家库。`,
        { available: record.result.order.length },
      );
    }
    const [session] = await tx
      .insert(reviewSessions)
      .values({
        callId: call.id,
        heldAt: new Date(input.heldAt),
        place: input.place,
        panelSize: input.panelSize,
        drawSeed: record.seed,
        drawCandidates: record.candidates,
        drawExclusions: record.exclusions,
      })
      .returning();
    await tx.insert(panelMembers).values(
      record.result.panel.map((expertId, drawPosition) => ({
        sessionId: session.id,
        expertId,
        drawPosition,
      })),
    );
    await appendAudit(tx, actor, {
      action: 'review.panel_drawn',
      targetType: 'review_session',
      targetId: session.id,
      summary: {
        callId: call.id,
        seed: record.seed,
        field: record.field,
        candidates: record.candidates.length,
        exclusions: record.exclusions,
        panel: record.result.panel,
      },
    });
    await inviteExperts(tx, call, session, record.result.panel);
  });
  return getReview(db, actor.user, callId);
}

export async function inviteExperts(tx: Tx, call: CallRow, session: SessionRow, expertIds: string[]) {
  const linked = await tx
    .select({ userId: experts.userId })
    .from(experts)
    .where(inArray(experts.id, expertIds));
  await notify(
    tx,
    linked.flatMap((e) => (e.userId ? [e.userId] : [])),
    {
      kind: 'review.invited',
      title: `评审邀请：${call.title}`,
      body: `您被随机抽取为“${call.title}”（${call.code}）的路演评审专家。评审时间：${chinaDateTime(session.heldAt)}，地点：${session.place}。请登录平台确认参加，如与申报单位存在利益关系请声明回避。`,
      link: `/app/reviews/${session.id}`,
      dedupeKey: `review.invited:${session.id}`,
    },
  );
}

// ---------- experts: my sessions, answering the invitation ----------

/** The expert's review sessions, or only the one named (what a write answers with). */
export async function myReviews(db: Db, viewer: CurrentUser, onlySessionId?: string) {
  const seats = await db
    .select({
      member: panelMembers,
      session: reviewSessions,
      call: { id: calls.id, code: calls.code, title: calls.title },
    })
    .from(panelMembers)
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .innerJoin(reviewSessions, eq(reviewSessions.id, panelMembers.sessionId))
    .innerJoin(calls, eq(calls.id, reviewSessions.callId))
    .where(
      and(eq(experts.userId, viewer.id), onlySessionId ? eq(reviewSessions.id, onlySessionId) : undefined),
    )
    .orderBy(asc(reviewSessions.heldAt));
  if (seats.length === 0) return { items: [] };
  const callIds = seats.map((s) => s.call.id);
  const [apps, sheets] = await Promise.all([
    db
      .select({ id: applications.id, callId: applications.callId, providerOrgName: orgs.name })
      .from(applications)
      .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
      .where(and(inArray(applications.callId, callIds), inArray(applications.status, IN_REVIEW)))
      .orderBy(asc(applications.submittedAt), asc(applications.id)),
    db
      .select()
      .from(scoreSheets)
      .where(
        and(
          inArray(
            scoreSheets.sessionId,
            seats.map((s) => s.session.id),
          ),
          inArray(
            scoreSheets.expertId,
            seats.map((s) => s.member.expertId),
          ),
        ),
      ),
  ]);
  return {
    items: seats.map(({ member, session, call }) => {
      const mine = apps.filter((a) => a.callId === call.id);
      const actions: string[] = [];
      if (member.status === 'invited') actions.push('respond');
      if (member.status === 'accepted') actions.push('viewApplications');
      if (member.status === 'accepted' && session.status === 'scoring') actions.push('score');
      return {
        session: presentSession(session),
        call,
        member: { status: member.status as PanelMemberState, conflictReason: member.conflictReason },
        applicants: [...new Set(mine.map((a) => a.providerOrgName))],
        sheets:
          member.status === 'accepted'
            ? mine.map((a) => {
                const s = sheets.find((x) => x.sessionId === session.id && x.applicationId === a.id);
                return { applicationId: a.id, saved: !!s, submitted: !!s?.submittedAt };
              })
            : [],
        actions,
      };
    }),
  };
}

export async function respond(
  db: Db,
  actor: SignedIn,
  sessionId: string,
  input: { accept: boolean; conflictReason?: string },
) {
  await db.transaction(async (tx) => {
    const session = await lockSession(tx, sessionId);
    const seat = await seatOf(tx, actor.user, sessionId);
    authorize(actor.user, panelPolicy, 'respond', seat);
    const member = seat.member!;
    if (member.status !== 'invited') {
      throw conflict(`您已${member.status === 'accepted' ? '接受' : '回避'}该评审邀请，不能再次答复`);
    }
    const call = await loadCall(tx, session.callId);
    assertInReview(call);
    const now = new Date();
    if (input.accept) {
      await transition(tx, actor, panelMemberMachine, panelMembers, member, 'accept', {
        set: { respondedAt: now },
        audit: {
          targetType: 'review_session',
          targetId: session.id,
          summary: { callId: call.id, expertId: member.expertId },
        },
      });
      await openScoringIfReady(tx, actor, call, session);
      return;
    }
    const reason = input.conflictReason?.trim();
    if (!reason) throw fieldError('conflictReason', '声明回避时请填写回避原因');
    await transition(tx, actor, panelMemberMachine, panelMembers, member, 'decline', {
      reason,
      set: { conflictReason: reason, respondedAt: now },
      audit: {
        targetType: 'review_session',
        targetId: session.id,
        summary: { callId: call.id, expertId: member.expertId, reason },
      },
    });
    await drawReplacement(tx, actor, call, session);
  });
  const { items } = await myReviews(db, actor.user, sessionId);
  return items[0];
}

export const SKIPPED = '抽取后已停用或未开通账号，按抽取顺序跳过';

/**
 * The next expert in the recorded draw order takes the declined seat. When none is left the
 * seat stays empty and the buyer is told: the conflict is a fact to record, not something the
 * platform may refuse.
 */
export async function drawReplacement(tx: Tx, actor: SignedIn, call: CallRow, session: SessionRow) {
  const panel = await panelOf(tx, session.id);
  const { order } = drawPanel({
    seed: session.drawSeed ?? '',
    candidates: session.drawCandidates,
    exclusions: session.drawExclusions,
    size: session.panelSize,
  });
  const rest = order.slice(panel.length);
  const usable = rest.length
    ? await tx
        .select({ id: experts.id })
        .from(experts)
        .where(and(inArray(experts.id, rest), eq(experts.active, true), isNotNull(experts.userId)))
    : [];
  // An expert deactivated (or unlinked) since the draw keeps their place in the order, recorded
  // as skipped, so that positions still match the record and the draw stays verifiable.
  let position = panel.length;
  for (const expertId of rest) {
    if (usable.some((u) => u.id === expertId)) {
      await tx.insert(panelMembers).values({ sessionId: session.id, expertId, drawPosition: position });
      await appendAudit(tx, actor, {
        action: 'review.replacement_drawn',
        targetType: 'review_session',
        targetId: session.id,
        summary: { callId: call.id, expertId, drawPosition: position },
      });
      await inviteExperts(tx, call, session, [expertId]);
      return;
    }
    await tx.insert(panelMembers).values({
      sessionId: session.id,
      expertId,
      drawPosition: position,
      status: 'declined',
      conflictReason: SKIPPED,
      respondedAt: new Date(),
    });
    position++;
  }
  const missing = session.panelSize - seatsFilled(panel);
  await appendAudit(tx, actor, {
    action: 'review.replacement_unavailable',
    targetType: 'review_session',
    targetId: session.id,
    summary: { callId: call.id, missing, skipped: rest },
  });
  await notify(tx, await usersOfOrg(tx, call.buyerOrgId, 'buyer'), {
    kind: 'review.shortfall',
    title: `评审专家不足：${call.title}`,
    body: `有专家声明回避，但候选专家已全部抽完，评审小组还缺${missing}人，无法自动补抽。请联系管理员补充专家库，或按规定流标。`,
    link: `/app/calls/${call.id}/review`,
  });
}

export async function openScoringIfReady(tx: Tx, actor: SignedIn, call: CallRow, session: SessionRow) {
  const panel = await panelOf(tx, session.id);
  const accepted = panel.filter((p) => p.member.status === 'accepted');
  if (session.status !== 'drawing' || accepted.length < session.panelSize) return;
  await transition(tx, actor, reviewSessionMachine, reviewSessions, session, 'openScoring', {
    bySystem: true,
    audit: { summary: { callId: call.id, panel: accepted.map((p) => p.member.expertId) } },
  });
  await notify(
    tx,
    accepted.flatMap((p) => (p.userId ? [p.userId] : [])),
    {
      kind: 'review.scoring_opened',
      title: `评审小组已组齐，可以评分：${call.title}`,
      link: `/app/reviews/${session.id}`,
      dedupeKey: `review.scoring_opened:${session.id}`,
    },
  );
}
