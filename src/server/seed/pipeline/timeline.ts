/** The public timeline of the early steps of a call, and the demo users' notifications about submissions. */
import type { PipelineBuilder } from './builder.js';
import { HOUR, PANEL_SIZE } from './constants.js';
import type { Schedule } from './dates.js';
import type { AppDraft, AwardRow, CallDraft, SessionRow } from './types.js';

export function eventPublished(call: CallDraft) {
  call.events.push(() => ({
    callId: call.row.id,
    at: call.row.publishedAt!,
    kind: 'call.publish',
    title: `发布项目征集（${call.row.code}）`,
    detail: { code: call.row.code, applicationClosesAt: call.row.applicationClosesAt.toISOString() },
  }));
}

export function eventClosed(call: CallDraft) {
  call.events.push(() => ({
    callId: call.row.id,
    at: call.row.applicationClosesAt,
    kind: 'call.close',
    title: '申报截止',
    detail: {},
  }));
}

export function eventReviewStarted(call: CallDraft, session: SessionRow) {
  call.events.push(() => ({
    callId: call.row.id,
    at: session.createdAt!,
    kind: 'call.startReview',
    title: `开始评审：随机抽取${PANEL_SIZE}名评审专家`,
    detail: { panelSize: PANEL_SIZE, drawSeed: session.drawSeed },
  }));
}

export function eventReviewCompleted(call: CallDraft, sched: Schedule, applicationsScored: number) {
  call.events.push(() => ({
    callId: call.row.id,
    at: sched.completed,
    kind: 'review.completed',
    title: '路演评审评分完成',
    detail: { panelSize: PANEL_SIZE, applications: applicationsScored },
  }));
}

export function eventAwarded(call: CallDraft, sched: Schedule, award: AwardRow, winner: AppDraft) {
  call.events.push(() => ({
    callId: call.row.id,
    at: sched.awarded,
    kind: 'application.award',
    title: `拟立项：${winner.provider.name}`,
    detail: {
      providerOrgName: winner.provider.name,
      amountFen: award.amountFen,
      scoreCenti: award.scoreCenti,
      rank: award.rank,
      method: 'trimmed_mean',
    },
  }));
}

export function endCall(call: CallDraft, kind: 'call.cancel' | 'call.fail', atTime: Date, reason: string) {
  call.row.statusReason = reason;
  call.row.updatedAt = atTime;
  call.events.push(() => ({
    callId: call.row.id,
    at: atTime,
    kind,
    title: kind === 'call.cancel' ? '取消项目' : '流标',
    detail: { reason },
  }));
}

export function notifyBuyerOfSubmissions(b: PipelineBuilder, call: CallDraft) {
  const username =
    call.buyer.org.id === b.buyers.civil.org.id
      ? 'buyer'
      : b.buyerUser.get(call.buyer.org.id) === b.demo.userIds.station
        ? 'station'
        : null;
  if (!username) return;
  for (const app of call.apps) {
    if (!app.row.submittedAt) continue;
    b.notify(username, {
      kind: 'application.submitted',
      title: `新申报：${app.title}`,
      body: `${app.provider.name}（资格审查${app.row.status === 'ineligible' ? '未通过' : '通过'}）`,
      link: `/app/applications/${app.row.id}`,
      createdAt: app.row.submittedAt as Date,
      readAt: b.chance(0.5) ? new Date((app.row.submittedAt as Date).getTime() + 2 * HOUR) : null,
    });
  }
}
