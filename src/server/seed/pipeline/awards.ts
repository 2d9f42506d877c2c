/** Awards, approval publicities and objections, with their timeline events. */
import { randomUUID } from 'node:crypto';
import { formatFen } from '../../../domain/money.js';
import { chinaInstant } from '../../../domain/time.js';
import * as names from '../guandu.js';
import { OBJECTIONS, OPEN_OBJECTION } from '../pipeline-content.js';
import { buildProposal } from './applications.js';
import type { PipelineBuilder } from './builder.js';
import { PUBLICITY_DAYS } from './constants.js';
import type { Schedule } from './dates.js';
import type { reviewSession } from './reviews.js';
import type { AppDraft, AwardRow, CallDraft, PublicityRow } from './types.js';

/** Awards the top-ranked application `amountFen`, which becomes its requested amount. */
export function proposeAward(
  b: PipelineBuilder,
  call: CallDraft,
  review: ReturnType<typeof reviewSession>,
  sched: Schedule,
  amountFen: number,
) {
  const ranking = review.aggregated.rankings.trimmed_mean;
  const winnerId = ranking[0];
  const winner = call.apps.find((a) => a.row.id === winnerId)!;
  const scored = review.aggregated.applications.find((a) => a.applicationId === winnerId)!;
  if (winner.row.requestedFen !== amountFen) {
    winner.row.requestedFen = amountFen;
    winner.row.proposal = buildProposal(b, call, winner, amountFen);
  }
  for (const app of call.apps) {
    if (app.row.status !== 'eligible') continue;
    app.row.status = app.row.id === winnerId ? 'awarded' : 'not_awarded';
    app.row.updatedAt = sched.awarded;
  }
  const award: AwardRow = {
    id: randomUUID(),
    callId: call.row.id,
    applicationId: winnerId,
    amountFen,
    rank: scored.ranks.trimmed_mean,
    scoreCenti: scored.scoreCenti.trimmed_mean,
    status: 'proposed',
    createdAt: sched.awarded,
    updatedAt: sched.awarded,
  };
  b.awardRows.push(award);
  return { award, winner, facts: { scoreCenti: award.scoreCenti, rank: award.rank } };
}

export function awardFacts(award: AwardRow, winner: AppDraft) {
  return {
    awardId: award.id,
    projectTitle: winner.title,
    providerName: winner.provider.name,
    amountFen: award.amountFen,
    scoreCenti: award.scoreCenti,
    rank: award.rank,
  };
}

export function addPublicity(
  b: PipelineBuilder,
  call: CallDraft,
  sched: Schedule,
  award: AwardRow,
  winner: AppDraft,
  open: boolean,
): PublicityRow {
  const pub: PublicityRow = {
    id: randomUUID(),
    callId: call.row.id,
    opensOn: sched.publicityOpensOn,
    closesOn: sched.publicityClosesOn,
    workingDays: String(PUBLICITY_DAYS),
    status: open ? 'open' : 'closed',
    closedAt: open ? null : sched.publicityClosedAt,
    createdAt: new Date(chinaInstant(sched.publicityOpensOn, 9).getTime() - 5 * 60_000),
    updatedAt: open ? chinaInstant(sched.publicityOpensOn, 9) : sched.publicityClosedAt,
  };
  b.publicityRows.push(pub);
  award.publicityId = pub.id;
  award.status = open ? 'in_publicity' : 'approved';
  award.updatedAt = open ? chinaInstant(sched.publicityOpensOn, 9) : sched.publicityClosedAt;
  const facts = awardFacts(award, winner);
  call.events.push(() => ({
    callId: call.row.id,
    at: chinaInstant(sched.publicityOpensOn, 9),
    kind: 'call.openPublicity',
    title: `开始立项公示（${sched.publicityOpensOn}至${sched.publicityClosesOn}，${PUBLICITY_DAYS}个工作日）`,
    detail: {
      publicityId: pub.id,
      opensOn: sched.publicityOpensOn,
      closesOn: sched.publicityClosesOn,
      workingDays: PUBLICITY_DAYS,
      awards: [facts],
    },
  }));
  if (!open) {
    call.events.push(() => ({
      callId: call.row.id,
      at: sched.publicityClosedAt,
      kind: 'call.closePublicity',
      title: `公示结束，1个项目立项（合计${formatFen(award.amountFen)}）`,
      detail: { publicityId: pub.id, approved: [facts], revoked: [], totalFen: award.amountFen },
    }));
  }
  return pub;
}

/** An objection filed `filedAt`; answered (rejected) at `answeredAt` unless null. */
export function addObjection(
  b: PipelineBuilder,
  call: CallDraft,
  pub: PublicityRow,
  award: AwardRow,
  filedAt: Date,
  answeredAt: Date | null,
  text?: { reason: string; answer: string },
) {
  const r = b.random;
  const chosen = text ?? r.pick(OBJECTIONS);
  const id = randomUUID();
  const surname = r.pick([...names.SURNAMES]);
  b.objectionRows.push({
    id,
    publicityId: pub.id,
    awardId: award.id,
    objectorName: r.next() < 0.5 ? `${surname}先生` : `${surname}女士`,
    objectorContact: `1380000${String(r.int(0, 9999)).padStart(4, '0')}`,
    reason: answeredAt ? chosen.reason : OPEN_OBJECTION,
    status: answeredAt ? 'rejected' : 'open',
    answer: answeredAt ? chosen.answer : null,
    answeredAt,
    answeredBy: answeredAt ? (b.buyerUser.get(call.buyer.org.id) ?? null) : null,
    ip: `203.0.113.${r.int(1, 254)}`,
    version: answeredAt ? 2 : 1,
    createdAt: filedAt,
    updatedAt: answeredAt ?? filedAt,
  });
  call.events.push(() => ({
    callId: call.row.id,
    at: filedAt,
    kind: 'publicity.objection_filed',
    title: '收到异议',
    detail: { publicityId: pub.id, objectionId: id, awardId: award.id },
  }));
  if (answeredAt) {
    call.events.push(() => ({
      callId: call.row.id,
      at: answeredAt,
      kind: 'publicity.objection_answered',
      title: '异议答复：异议不成立',
      detail: {
        publicityId: pub.id,
        objectionId: id,
        awardId: award.id,
        decision: 'rejected',
        answer: chosen.answer,
      },
    }));
  }
  return id;
}
