/**
 * 路演评审 roadshow review and award: the session and its random panel, experts' answers and
 * score sheets, the three aggregations side by side, and the buyer's award within the budget.
 * Every write runs in one transaction with its audit entry; lifecycle steps go through
 * transitionCall / transitionApplication.
 */
import { and, asc, count, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { drawPanel, verifyDraw } from '../../../domain/draw.js';
import { callStateLabels } from '../../../domain/lifecycle.js';
import { panelMemberMachine, reviewSessionMachine } from '../../../domain/machines.js';
import { formatFen } from '../../../domain/money.js';
import {
  type Aggregation,
  type AwardBody,
  aggregateScores,
  aggregationLabels,
  departsFromRanking,
  type FieldProblem,
  type PanelMemberState,
  type ReviewCreate,
  type ReviewSessionState,
  type SheetBody,
  sheetProblems,
  sheetTotalCenti,
} from '../../../domain/reviews.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound, validationError } from '../../http/errors.js';
import { transition, transitionApplication, transitionCall } from '../../lifecycle/transitions.js';
import { applications } from '../applications/schema.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { experts } from '../experts/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { regions } from '../regions/schema.js';
import { drawForCall } from './draw.js';
import { panelPolicy, reviewPolicy } from './policy.js';
import { awards, panelMembers, reviewSessions, scoreSheets } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type CallRow = typeof calls.$inferSelect;
type SessionRow = typeof reviewSessions.$inferSelect;
type MemberRow = typeof panelMembers.$inferSelect;
type SheetRow = typeof scoreSheets.$inferSelect;

/** Applications taking part in a review: being scored, or scored and decided. */
const IN_REVIEW = ['eligible', 'scored', 'awarded', 'not_awarded', 'revoked'];

const shanghaiTime = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

// ---------- loading ----------

const loadCall = (db: Executor, callId: string) => findById(db, calls, callId, '项目');

async function sessionOfCall(db: Executor, callId: string) {
  const [session] = await db.select().from(reviewSessions).where(eq(reviewSessions.callId, callId));
  if (!session) throw notFound('评审');
  return session;
}

/** The session row, locked until the transaction ends: answers and submissions of one session run one at a time. */
async function lockSession(tx: Tx, sessionId: string) {
  const [session] = await tx
    .select()
    .from(reviewSessions)
    .where(eq(reviewSessions.id, sessionId))
    .for('update');
  if (!session) throw notFound('评审');
  return session;
}

/** The expert record linked to the user's account, and the user's seat on the session's panel. */
async function seatOf(db: Executor, user: CurrentUser, sessionId: string) {
  const [row] = await db
    .select({ member: panelMembers })
    .from(panelMembers)
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .where(and(eq(panelMembers.sessionId, sessionId), eq(experts.userId, user.id)));
  return { member: row?.member ?? null };
}

const communityOrgs = alias(orgs, 'community_orgs');

async function applicationsInReview(db: Executor, callId: string, states: readonly string[] = IN_REVIEW) {
  return db
    .select({
      app: applications,
      providerOrgName: orgs.name,
      communityOrgName: communityOrgs.name,
      communityName: regions.name,
    })
    .from(applications)
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .leftJoin(communityOrgs, eq(communityOrgs.id, applications.communityOrgId))
    .leftJoin(regions, eq(regions.id, applications.communityRegionId))
    .where(and(eq(applications.callId, callId), inArray(applications.status, [...states])))
    .orderBy(asc(applications.submittedAt), asc(applications.id));
}

async function panelOf(db: Executor, sessionId: string) {
  return db
    .select({
      member: panelMembers,
      name: experts.name,
      field: experts.field,
      title: experts.title,
      userId: experts.userId,
    })
    .from(panelMembers)
    .innerJoin(experts, eq(experts.id, panelMembers.expertId))
    .where(eq(panelMembers.sessionId, sessionId))
    .orderBy(asc(panelMembers.drawPosition));
}

const seatsFilled = (panel: { member: MemberRow }[]) =>
  panel.filter((p) => p.member.status !== 'declined').length;

// ---------- presenters ----------

const presentSession = (s: SessionRow) => ({
  id: s.id,
  callId: s.callId,
  heldAt: s.heldAt.toISOString(),
  place: s.place,
  panelSize: s.panelSize,
  status: s.status as ReviewSessionState,
  version: s.version,
});

function presentSheet(row: SheetRow, session: SessionRow) {
  const open = session.status === 'scoring' && !row.submittedAt;
  return {
    applicationId: row.applicationId,
    scores: row.scores,
    totalCenti: row.totalCenti,
    comment: row.comment,
    submittedAt: row.submittedAt?.toISOString() ?? null,
    version: row.version,
    actions: open ? ['save', 'submit'] : [],
  };
}

async function presentAwards(db: Executor, callId: string) {
  const rows = await db
    .select({ award: awards, providerOrgName: orgs.name })
    .from(awards)
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .where(eq(awards.callId, callId))
    .orderBy(asc(awards.rank), asc(awards.createdAt));
  return rows.map(({ award: a, providerOrgName }) => ({
    id: a.id,
    applicationId: a.applicationId,
    providerOrgName,
    amountFen: a.amountFen,
    rank: a.rank,
    scoreCenti: a.scoreCenti,
    departureReason: a.departureReason,
    status: a.status,
  }));
}

/**
 * What the viewer may do with a review: see the results once scoring is complete, and award
 * (the call's buyer) after scoring, or again after an award was revoked and the call approved.
 */
async function reviewActions(db: Executor, viewer: CurrentUser, call: CallRow, session: SessionRow) {
  if (session.status !== 'completed') return [];
  const actions: string[] = permittedActions(viewer, reviewPolicy, call, ['results']);
  if (!reviewPolicy.award(viewer, call)) return actions;
  if (call.status === 'in_review') return [...actions, 'award'];
  if (call.status !== 'approved') return actions;
  const [revoked] = await db
    .select({ n: count() })
    .from(awards)
    .where(and(eq(awards.callId, call.id), eq(awards.status, 'revoked')));
  return revoked.n > 0 ? [...actions, 'award'] : actions;
}

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

async function inviteExperts(tx: Tx, call: CallRow, session: SessionRow, expertIds: string[]) {
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
      body: `您被随机抽取为“${call.title}”（${call.code}）的路演评审专家。评审时间：${shanghaiTime(session.heldAt)}，地点：${session.place}。请登录平台确认参加，如与申报单位存在利益关系请声明回避。`,
      link: `/app/reviews/${session.id}`,
      dedupeKey: `review.invited:${session.id}`,
    },
  );
}

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

// ---------- experts: my sessions, answering the invitation ----------

export async function myReviews(db: Db, viewer: CurrentUser) {
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
    .where(eq(experts.userId, viewer.id))
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
  const { items } = await myReviews(db, actor.user);
  return items.find((i) => i.session.id === sessionId)!;
}

const SKIPPED = '抽取后已停用或未开通账号，按抽取顺序跳过';

/**
 * The next expert in the recorded draw order takes the declined seat. When none is left the
 * seat stays empty and the buyer is told: the conflict is a fact to record, not something the
 * platform may refuse.
 */
async function drawReplacement(tx: Tx, actor: SignedIn, call: CallRow, session: SessionRow) {
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

async function openScoringIfReady(tx: Tx, actor: SignedIn, call: CallRow, session: SessionRow) {
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

// ---------- experts: applications and score sheets ----------

/** The current expert's seat on the session's panel, if accepted; 403 otherwise. */
async function acceptedSeat(db: Executor, user: CurrentUser, sessionId: string) {
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

const stateLabel = (status: string) => callStateLabels[status as keyof typeof callStateLabels] ?? status;

function assertInReview(call: CallRow) {
  if (call.status !== 'in_review') throw conflict(`项目当前为“${stateLabel(call.status)}”，不在评审阶段`);
}

function assertScoring(call: CallRow, session: SessionRow) {
  assertInReview(call);
  if (session.status === 'drawing') throw conflict('评审小组尚未组齐，暂不能评分');
  if (session.status === 'completed') throw conflict('本次评审已完成评分，评分表不能再修改');
}

async function applicationToScore(tx: Executor, session: SessionRow, applicationId: string) {
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
async function completeIfDone(
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

// ---------- results ----------

/** Sequential queries: it also runs inside transactions, whose single connection takes one at a time. */
async function computeResults(db: Executor, call: CallRow, session: SessionRow) {
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
