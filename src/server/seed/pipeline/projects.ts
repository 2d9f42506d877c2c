/** Whole projects: a call taken to a signed contract, or cancelled, or failed. */
import type { ServiceCategory } from '../../../domain/enums.js';
import { chinaDate, chinaInstant } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import { CANCEL_REASONS, FAIL_REASONS } from '../pipeline-content.js';
import { addApplications, applicantsFor, makeEligible, submitAll } from './applications.js';
import { addObjection, addPublicity, proposeAward } from './awards.js';
import type { PipelineBuilder } from './builder.js';
import { newCall, shortFlag } from './calls.js';
import { DAY, HOUR, SHEETS_FROM_YEAR } from './constants.js';
import { addContract } from './contracts.js';
import { drawGaps, nextWorkingDay, type Schedule, schedule } from './dates.js';
import { reviewSession } from './reviews.js';
import {
  endCall,
  eventAwarded,
  eventClosed,
  eventPublished,
  eventReviewCompleted,
  eventReviewStarted,
} from './timeline.js';
import type { Buyer, CallDraft } from './types.js';

/** A project that went all the way to a signed contract. */
export function contractedProject(
  b: PipelineBuilder,
  spec: {
    year?: number;
    buyer: Buyer;
    category: ServiceCategory;
    publishDate: string;
    amountYuan: number;
  },
) {
  const r = b.random;
  const { category } = spec;
  const shortWindow = r.next() < 0.02;
  const window = shortWindow ? r.int(4, 6) : r.int(10, 25);
  const gaps = drawGaps(r, window, category);
  let sched = schedule(spec.publishDate, gaps);
  // Long holidays can stretch a late project past today: it starts a week earlier then.
  for (let d = spec.publishDate; sched.providerConfirmed.getTime() > b.now.getTime() - DAY; ) {
    d = addDays(d, -7);
    sched = schedule(d, gaps);
  }
  const capYuan = Math.ceil((spec.amountYuan * (1 + r.int(0, 20) / 100)) / 10_000) * 10_000;
  const call = newCall(b, {
    buyer: spec.buyer,
    category,
    status: 'contracted',
    sched,
    published: true,
    capYuan,
    shortWindowFlag: shortWindow ? shortFlag(sched.opens, sched.closes) : null,
  });
  call.row.updatedAt = sched.providerConfirmed;
  // Before the platform (2022) fewer organizations competed for each call.
  const count =
    call.row.year < 2022
      ? b.weighted([
          [2, 45],
          [3, 40],
          [4, 15],
        ])
      : b.weighted([
          [2, 25],
          [3, 35],
          [4, 25],
          [5, 15],
        ]);
  const first =
    r.next() < 0.07 && applicantsFor(b, spec.publishDate, call.row.year).includes(b.demo.provider)
      ? [b.demo.provider]
      : [];
  const apps = addApplications(b, call, count, first);
  submitAll(b, call, apps, sched);
  // At least one eligible application: the first one is made to pass.
  if (!apps.some((a) => a.row.status === 'eligible')) makeEligible(b, call, apps[0]);
  finishReviewedProject(b, call, sched, spec.amountYuan * 100, {
    signed: true,
    objection: r.next() < 0.05,
  });
  return call;
}

/** From closing to the stage the call stops at: review, award, publicity, contract. */
export function finishReviewedProject(
  b: PipelineBuilder,
  call: CallDraft,
  sched: Schedule,
  amountFen: number,
  opts: { signed?: boolean; draftContract?: boolean; noContract?: boolean; objection?: boolean },
) {
  eventPublished(call);
  eventClosed(call);
  const review = reviewSession(b, call, sched, {
    status: 'completed',
    keepSheets: call.row.year >= SHEETS_FROM_YEAR,
  });
  eventReviewStarted(call, review.session);
  eventReviewCompleted(call, sched, review.rows.length);
  const { award, winner } = proposeAward(b, call, review, sched, amountFen);
  eventAwarded(call, sched, award, winner);
  const pub = addPublicity(b, call, sched, award, winner, false);
  if (opts.objection) {
    const filed = chinaInstant(addDays(sched.publicityOpensOn, 1), b.random.int(9, 20), b.random.int(0, 59));
    const answered = chinaInstant(nextWorkingDay(addDays(chinaDate(filed), 1)), 16, b.random.int(0, 59));
    addObjection(b, call, pub, award, filed, answered);
  }
  if (!opts.noContract) addContract(b, call, sched, award, winner, opts.signed ?? false);
  return { review, award, winner, pub };
}

/** A call cancelled while published, or failed after closing or after review. */
export function endedCall(
  b: PipelineBuilder,
  spec: {
    buyer: Buyer;
    category: ServiceCategory;
    publishDate: string;
    how: 'cancel' | 'fail_closed' | 'fail_review';
  },
) {
  const r = b.random;
  const sched = schedule(spec.publishDate, drawGaps(r, r.int(10, 20), spec.category));
  const status = spec.how === 'cancel' ? 'cancelled' : 'failed';
  const call = newCall(b, {
    buyer: spec.buyer,
    category: spec.category,
    status,
    sched,
    published: true,
    capYuan: Math.ceil(b.typicalYuan(spec.category) / 10_000) * 10_000,
  });
  eventPublished(call);
  if (spec.how === 'cancel') {
    const when = new Date(sched.opens.getTime() + r.int(2, 8) * DAY + r.int(1, 6) * HOUR);
    const apps = addApplications(b, call, r.int(0, 1));
    submitAll(b, call, apps, sched, when);
    endCall(call, 'call.cancel', when, r.pick(CANCEL_REASONS));
    return call;
  }
  eventClosed(call);
  if (spec.how === 'fail_closed') {
    const apps = addApplications(b, call, r.int(1, 2));
    submitAll(b, call, apps, sched);
    const eligible = apps.filter((a) => a.row.status === 'eligible').length;
    const reason = eligible <= 1 && apps.length === 1 ? FAIL_REASONS.closed[1] : FAIL_REASONS.closed[0];
    endCall(call, 'call.fail', new Date(sched.closes.getTime() + r.int(20, 60) * HOUR), reason);
    return call;
  }
  const apps = addApplications(b, call, r.int(2, 3));
  submitAll(b, call, apps, sched);
  if (!apps.some((a) => a.row.status === 'eligible')) makeEligible(b, call, apps[0]);
  const review = reviewSession(b, call, sched, {
    status: 'completed',
    keepSheets: call.row.year >= SHEETS_FROM_YEAR,
    failing: true,
  });
  for (const app of call.apps) if (app.row.status === 'eligible') app.row.status = 'scored';
  eventReviewStarted(call, review.session);
  eventReviewCompleted(call, sched, review.rows.length);
  endCall(
    call,
    'call.fail',
    new Date(sched.completed.getTime() + r.int(20, 50) * HOUR),
    FAIL_REASONS.review[0],
  );
  return call;
}
