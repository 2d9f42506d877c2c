/** Around today: calls in every state, and the demo users' work waiting for them. */
import type { ServiceCategory } from '../../../domain/enums.js';
import { chinaDate, chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import { CANCEL_REASONS, FAIL_REASONS, OBJECTIONS } from '../pipeline-content.js';
import {
  addApplications,
  draftApplication,
  makeEligible,
  submitAll,
  submitApplication,
} from './applications.js';
import { addObjection, addPublicity, proposeAward } from './awards.js';
import type { PipelineBuilder } from './builder.js';
import { newCall, shortFlag } from './calls.js';
import { DAY, HOUR, MIN_OPEN_DAYS } from './constants.js';
import { drawGaps, type Gaps, type Schedule, schedule } from './dates.js';
import { finishReviewedProject } from './projects.js';
import { reviewSession, scoreSheet } from './reviews.js';
import {
  endCall,
  eventAwarded,
  eventClosed,
  eventPublished,
  eventReviewCompleted,
  eventReviewStarted,
  notifyBuyerOfSubmissions,
} from './timeline.js';
import type { Buyer, Region } from './types.js';

/** The latest publication date (going back from today) whose schedule satisfies `ok`. */
export function fitToToday(b: PipelineBuilder, gaps: Gaps, ok: (s: Schedule) => boolean, minBack = 0) {
  for (let back = minBack; back < 400; back++) {
    const date = addDays(b.today, -back);
    const s = schedule(date, gaps);
    if (ok(s)) return { date, sched: s };
  }
  throw new Error('no schedule fits today');
}

export function current(b: PipelineBuilder) {
  const r = b.random;
  const { civil, organization, publicity, stations } = b.buyers;
  const guanshang = stations.find((s) => s.street?.id === b.demo.community.parentId) ?? stations[0];
  const now = b.now.getTime();
  const past = (d: Date) => d.getTime() <= now;
  const capOf = (category: ServiceCategory) => Math.ceil((b.typicalYuan(category) * 1.2) / 10_000) * 10_000;
  const provider = b.demo.provider;
  const otherStation = stations.find((s) => s !== guanshang)!;

  // Drafts: planned, not yet public.
  for (const [buyer, category, back] of [
    [civil, 'children', 2],
    [guanshang, 'elderly', 6],
  ] as const) {
    const gaps = drawGaps(r, r.int(14, 21), category);
    const sched = schedule(addDays(b.today, 7), gaps);
    sched.created = chinaInstant(addDays(b.today, -back), 10, r.int(0, 59));
    newCall(b, { buyer, category, status: 'draft', sched, published: false, capYuan: capOf(category) });
  }

  // Published, open for applications.
  const openCall = (
    buyer: Buyer,
    category: ServiceCategory,
    publishedAgo: number,
    closesIn: number,
    include?: Region,
  ) => {
    const gaps = drawGaps(r, publishedAgo + closesIn, category);
    const sched = schedule(addDays(b.today, -publishedAgo), gaps);
    const short = publishedAgo + closesIn < MIN_OPEN_DAYS;
    const call = newCall(b, {
      buyer,
      category,
      status: 'published',
      sched,
      published: true,
      capYuan: capOf(category),
      include,
      openRules: !!include,
      shortWindowFlag: short ? shortFlag(sched.opens, sched.closes) : null,
    });
    eventPublished(call);
    return { call, sched };
  };
  const community = b.demo.community;
  {
    // The demo provider's draft, waiting for the demo community's co-signature.
    const { call, sched } = openCall(civil, 'elderly', 8, 14, community);
    const [mine, ...others] = addApplications(b, call, 4, [provider], new Map([[provider.id, community]]));
    draftApplication(
      b,
      call,
      mine,
      Math.round((call.row.budgetCapFen * 0.9) / 10_000) * 10_000,
      chinaInstant(addDays(b.today, -3), 14, 20),
    );
    b.notify('community', {
      kind: 'application.cosign_requested',
      title: `联合申报签章请求：${call.row.title}`,
      body: `${provider.name} 请求社区联合签章`,
      link: `/app/applications/${mine.row.id}`,
      dedupeKey: `cosign:${mine.row.id}:1`,
      createdAt: chinaInstant(addDays(b.today, -1), 9, 12),
    });
    submitAll(b, call, others.slice(0, 2), sched, b.now);
    draftApplication(b, call, others[2], call.row.budgetCapFen, chinaInstant(addDays(b.today, -2), 11, 5));
    notifyBuyerOfSubmissions(b, call);
  }
  {
    // The demo provider's submitted application, co-signed by the demo community.
    const { call, sched } = openCall(guanshang, 'children', 5, 10, community);
    const [mine, ...others] = addApplications(b, call, 3, [provider], new Map([[provider.id, community]]));
    submitApplication(
      b,
      call,
      mine,
      Math.round((call.row.budgetCapFen * 0.95) / 10_000) * 10_000,
      chinaInstant(addDays(b.today, -1), 15, 42),
    );
    if (mine.row.status !== 'eligible') makeEligible(b, call, mine);
    submitAll(b, call, others, sched, b.now);
    notifyBuyerOfSubmissions(b, call);
  }
  {
    // Open for less than the minimum: flagged for the admins.
    const { call } = openCall(organization, 'party_building', 1, 4);
    b.notify('admin', {
      kind: 'call.short_window',
      title: `征集期过短：${call.row.title}`,
      body: call.row.shortWindowFlag!,
      link: `/app/calls/${call.row.id}`,
      createdAt: call.row.publishedAt!,
    });
  }
  {
    const { call, sched } = openCall(publicity, 'civilization', 12, 6);
    const apps = addApplications(b, call, 3);
    submitAll(b, call, apps, sched, b.now);
    // One withdrawn to revise.
    apps[2].row.status = 'withdrawn';
    apps[2].row.cosignedAt = null;
    apps[2].row.updatedAt = new Date(Math.min(now - HOUR, (apps[2].row.submittedAt as Date).getTime() + DAY));
  }

  // Closed, waiting for the review to start (one with the black-listed organization refused).
  for (const [buyer, category, closedAgo] of [
    [civil, 'community_building', 2],
    [otherStation, 'assistance', 4],
  ] as const) {
    const gaps = drawGaps(r, r.int(12, 18), category);
    const { sched } = fitToToday(
      b,
      gaps,
      (s) => chinaDate(s.closes) <= addDays(b.today, -closedAgo),
      closedAgo,
    );
    const call = newCall(b, {
      buyer,
      category,
      status: 'closed',
      sched,
      published: true,
      capYuan: capOf(category),
    });
    eventPublished(call);
    eventClosed(call);
    const first = buyer === civil ? [b.blackDishonest] : [];
    const apps = addApplications(b, call, r.int(3, 4), first);
    submitAll(b, call, apps, sched);
  }

  // In review: one panel scoring (the demo expert still has sheets to fill), one still forming.
  inReview(b, civil, 'elderly', 'scoring');
  inReview(b, civil, 'disability', 'drawing');

  // Awarded: the review is done, the publicity not yet opened.
  {
    const gaps = drawGaps(r, r.int(12, 18), 'youth');
    const { sched } = fitToToday(b, gaps, (s) => past(s.awarded));
    const call = newCall(b, {
      buyer: civil,
      category: 'youth',
      status: 'awarded',
      sched,
      published: true,
      capYuan: capOf('youth'),
    });
    const apps = addApplications(b, call, 3);
    submitAll(b, call, apps, sched);
    if (!apps.some((a) => a.row.status === 'eligible')) makeEligible(b, call, apps[0]);
    eventPublished(call);
    eventClosed(call);
    const review = reviewSession(b, call, sched, { status: 'completed', keepSheets: true });
    eventReviewStarted(call, review.session);
    eventReviewCompleted(call, sched, review.rows.length);
    const amount = Math.round((call.row.budgetCapFen * 0.95) / 10_000) * 10_000;
    const { award, winner } = proposeAward(b, call, review, sched, amount);
    eventAwarded(call, sched, award, winner);
    call.row.updatedAt = sched.awarded;
    b.notify('buyer', {
      kind: 'review.completed',
      title: `评审评分已完成：${call.row.title}`,
      body: '全部评审专家已提交评分，请查看三种汇总排名并确定拟立项。',
      link: `/calls/${call.row.id}/review`,
      createdAt: sched.completed,
      readAt: sched.awarded,
    });
  }

  // In publicity: the one open publicity, with an answered and an open objection.
  {
    const gaps = drawGaps(r, r.int(12, 18), 'community_building');
    const { sched } = fitToToday(
      b,
      gaps,
      // The award date moves a day per step, so the first fit opens on the last working day
      // before today, and 5 working days from then reach today or later.
      (s) => s.publicityOpensOn < b.today && s.publicityClosesOn >= b.today,
    );
    const call = newCall(b, {
      buyer: civil,
      category: 'community_building',
      status: 'in_publicity',
      sched,
      published: true,
      capYuan: capOf('community_building'),
    });
    const apps = addApplications(b, call, 4);
    submitAll(b, call, apps, sched);
    if (!apps.some((a) => a.row.status === 'eligible')) makeEligible(b, call, apps[0]);
    eventPublished(call);
    eventClosed(call);
    const review = reviewSession(b, call, sched, { status: 'completed', keepSheets: true });
    eventReviewStarted(call, review.session);
    eventReviewCompleted(call, sched, review.rows.length);
    const { award, winner } = proposeAward(
      b,
      call,
      review,
      sched,
      Math.round((call.row.budgetCapFen * 0.92) / 10_000) * 10_000,
    );
    eventAwarded(call, sched, award, winner);
    const pub = addPublicity(b, call, sched, award, winner, true);
    call.row.updatedAt = chinaInstant(sched.publicityOpensOn, 9);
    const opened = chinaInstant(sched.publicityOpensOn, 9).getTime();
    const filed1 = new Date(opened + r.int(3, 6) * HOUR);
    // Answered the same afternoon (the opening day is before today).
    const answered = new Date(filed1.getTime() + r.int(60, 180) * 60_000);
    addObjection(b, call, pub, award, filed1, answered, OBJECTIONS[0]);
    const filed2 = new Date(Math.max(answered.getTime() + 30 * 60_000, now - r.int(2, 10) * HOUR));
    addObjection(b, call, pub, award, new Date(Math.min(filed2.getTime(), now - 60_000)), null);
    b.notify('buyer', {
      kind: 'objection.filed',
      title: '立项公示收到异议',
      body: `项目“${call.row.title}”的立项公示收到一条异议，请在公示结束前答复。`,
      link: `/publicities/${pub.id}`,
      createdAt: new Date(Math.min(filed2.getTime(), now - 60_000)),
    });
  }

  // Approved: the demo provider's contract waits for its confirmation; the station's is not drafted yet.
  for (const [buyer, category, mineWins] of [
    [civil, 'children', true],
    [guanshang, 'elderly', false],
  ] as const) {
    const gaps = drawGaps(r, r.int(12, 18), category);
    const { sched } = fitToToday(b, gaps, (s) => past(s.publicityClosedAt));
    // Holidays can make the steps after the publicity jump by days: they are set from now instead.
    const closed = sched.publicityClosedAt.getTime();
    sched.contractCreated = new Date(Math.max(closed + 2 * HOUR, now - 2 * DAY));
    sched.buyerConfirmed = new Date(
      sched.contractCreated.getTime() + (now - sched.contractCreated.getTime()) / 2,
    );
    sched.providerConfirmed = new Date(now + 3 * DAY);
    const call = newCall(b, {
      buyer,
      category,
      status: 'approved',
      sched,
      published: true,
      capYuan: capOf(category),
      openRules: mineWins,
    });
    const apps = addApplications(b, call, 3, mineWins ? [provider] : []);
    submitAll(b, call, apps, sched);
    if (mineWins) {
      makeEligible(b, call, apps[0]);
      apps[0].quality = 99;
      for (const other of apps.slice(1)) other.quality = Math.min(other.quality, 88);
    } else if (!apps.some((a) => a.row.status === 'eligible')) makeEligible(b, call, apps[0]);
    const { award, winner } = finishReviewedProject(
      b,
      call,
      sched,
      Math.round((call.row.budgetCapFen * 0.9) / 10_000) * 10_000,
      {
        draftContract: mineWins,
        noContract: !mineWins,
      },
    );
    call.row.updatedAt = sched.publicityClosedAt;
    if (mineWins) {
      b.notify('provider', {
        kind: 'contract.drafted',
        title: '合同草稿待确认',
        body: `项目“${winner.title}”的合同已起草，购买方已确认，请核对后确认。`,
        link: `/contracts/${b.contractRows[b.contractRows.length - 1].id}`,
        createdAt: sched.buyerConfirmed,
      });
      b.notify('provider', {
        kind: 'award.approved',
        title: '项目已立项',
        body: `项目“${call.row.title}”立项公示结束，您的项目已立项，请等待签订合同。`,
        link: `/publicities/${award.publicityId}`,
        createdAt: sched.publicityClosedAt,
        readAt: new Date(sched.publicityClosedAt.getTime() + 3 * HOUR),
      });
    }
  }

  // Cancelled and failed lately.
  {
    const gaps = drawGaps(r, 20, 'venture_philanthropy');
    const sched = schedule(addDays(b.today, -25), gaps);
    const call = newCall(b, {
      buyer: civil,
      category: 'venture_philanthropy',
      status: 'cancelled',
      sched,
      published: true,
      capYuan: 100_000,
    });
    eventPublished(call);
    endCall(call, 'call.cancel', chinaInstant(addDays(b.today, -18), 16, 20), CANCEL_REASONS[0]);
  }
  {
    const gaps = drawGaps(r, 14, 'civilization');
    const { sched } = fitToToday(b, gaps, (s) => s.closes.getTime() < now - 12 * DAY);
    const call = newCall(b, {
      buyer: publicity,
      category: 'civilization',
      status: 'failed',
      sched,
      published: true,
      capYuan: capOf('civilization'),
    });
    eventPublished(call);
    eventClosed(call);
    const apps = addApplications(b, call, 1);
    submitAll(b, call, apps, sched);
    endCall(call, 'call.fail', new Date(sched.closes.getTime() + 2 * DAY), FAIL_REASONS.closed[1]);
  }

  demoContracts(b);
}

/**
 * Signed contracts between the demo provider and 民政局 (the demo buyer), whatever the history
 * happened to give them: one signed about seven months ago whose service area includes the demo
 * community (under way: implementation.ts gives it the demo users' waiting work), and two signed
 * days ago and not started yet (the browser tests start them).
 */
function demoContracts(b: PipelineBuilder) {
  const r = b.random;
  const now = b.now.getTime();
  const { civil } = b.buyers;
  const provider = b.demo.provider;
  const community = b.demo.community;
  for (const [category, signedAgo, live] of [
    ['elderly', 215, true],
    ['community_building', 9, false],
    ['children', 4, false],
  ] as const) {
    const gaps = drawGaps(r, r.int(12, 18), category);
    const { sched } = fitToToday(b, gaps, (s) => s.providerConfirmed.getTime() <= now - signedAgo * DAY);
    const call = newCall(b, {
      buyer: civil,
      category,
      status: 'contracted',
      sched,
      published: true,
      capYuan: Math.ceil((b.typicalYuan(category) * 1.2) / 10_000) * 10_000,
      include: live ? community : undefined,
      openRules: true,
    });
    call.row.updatedAt = sched.providerConfirmed;
    const apps = addApplications(
      b,
      call,
      3,
      [provider],
      live ? new Map([[provider.id, community]]) : undefined,
    );
    submitAll(b, call, apps, sched);
    makeEligible(b, call, apps[0]);
    apps[0].quality = 99;
    for (const other of apps.slice(1)) other.quality = Math.min(other.quality, 88);
    finishReviewedProject(b, call, sched, Math.round((call.row.budgetCapFen * 0.9) / 10_000) * 10_000, {
      signed: true,
    });
    const contract = b.contractRows[b.contractRows.length - 1];
    if (live) b.demoContracts.live = contract.id;
    else b.demoContracts.fresh.push(contract.id);
  }
}

/** A call in review: scoring (the demo expert accepted, sheets partly in) or still drawing. */
export function inReview(
  b: PipelineBuilder,
  buyer: Buyer,
  category: ServiceCategory,
  state: 'scoring' | 'drawing',
) {
  const r = b.random;
  const now = b.now.getTime();
  const gaps = drawGaps(r, r.int(12, 18), category);
  const yesterday = addDays(b.today, -1);
  const fit = fitToToday(b, gaps, (s) =>
    state === 'scoring' ? chinaDate(s.held) === yesterday : chinaDate(s.reviewStart) === yesterday,
  );
  const sched = fit.sched;
  if (state === 'drawing') sched.held = chinaInstant(addDays(b.today, 3), 9, 30);
  const call = newCall(b, {
    buyer,
    category,
    status: 'in_review',
    sched,
    published: true,
    capYuan: Math.ceil((b.typicalYuan(category) * 1.2) / 10_000) * 10_000,
  });
  call.row.updatedAt = sched.reviewStart;
  const apps = addApplications(b, call, state === 'scoring' ? 5 : 3);
  submitAll(b, call, apps, sched);
  for (const app of apps.slice(0, state === 'scoring' ? 3 : 2))
    if (app.row.status !== 'eligible') makeEligible(b, call, app);
  eventPublished(call);
  eventClosed(call);
  const expert = b.demo.expert;
  const review = reviewSession(b, call, sched, { status: state, keepSheets: false, withExpert: expert });
  eventReviewStarted(call, review.session);
  const seat = review.seats.find((s) => s.expertId === expert.id)!;
  b.notify('expert', {
    kind: 'review.invited',
    title: `评审邀请：${call.row.title}`,
    body: `您被随机抽取为“${call.row.title}”的路演评审专家，请登录平台确认参加，如与申报单位存在利益关系请声明回避。`,
    link: `/reviews/${review.session.id}`,
    dedupeKey: `review.invited:${review.session.id}`,
    createdAt: sched.reviewStart,
    readAt: seat.status === 'accepted' ? seat.respondedAt : null,
  });
  if (state === 'scoring') {
    // Three experts have submitted every sheet, a fourth has saved one, the demo expert none yet.
    const others = review.accepted.filter((id) => id !== expert.id);
    const scoredFor = new Map(review.rows.map((row) => [row.applicationId, row]));
    const submittedUntil = {
      held: sched.held,
      completed: new Date(Math.min(now - HOUR, sched.held.getTime() + 7 * HOUR)),
    };
    for (const [i, expertId] of others.entries()) {
      for (const [j, app] of call.apps.filter((a) => a.row.status === 'eligible').entries()) {
        if (i === 3 && j > 0) break;
        const t = scoredFor.get(app.row.id)!.totals.find((x) => x.expertId === expertId)!;
        b.sheets.push(
          scoreSheet(b, review.session, expertId, app.row.id, t.scores, t.totalCenti, submittedUntil, i < 3),
        );
      }
    }
    const opened = new Date(Math.max(...review.seats.map((s) => s.respondedAt?.getTime() ?? 0)));
    b.notify('expert', {
      kind: 'review.scoring_opened',
      title: `评审小组已组齐，可以评分：${call.row.title}`,
      link: `/reviews/${review.session.id}`,
      dedupeKey: `review.scoring_opened:${review.session.id}`,
      createdAt: opened,
    });
  }
  return call;
}
