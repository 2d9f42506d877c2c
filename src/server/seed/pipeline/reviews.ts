/** Review sessions: the verifiable panel draw with the server's candidate rule, answers and score sheets. */
import { randomUUID } from 'node:crypto';
import { type DrawApplicant, drawPanel, drawPool } from '../../../domain/draw.js';
import { DEFAULT_RUBRIC } from '../../../domain/lifecycle.js';
import { aggregateScores, type CriterionScore, sheetTotalCenti } from '../../../domain/reviews.js';
import type { Partner, panelMembers, scoreSheets } from '../../db/schema.js';
import { DECLARED_CONFLICTS, REVIEW_PLACES, SHEET_COMMENTS } from '../pipeline-content.js';
import type { PipelineBuilder } from './builder.js';
import { HOUR, PANEL_SIZE } from './constants.js';
import type { Schedule } from './dates.js';
import type { CallDraft, Expert, SessionRow } from './types.js';

/**
 * The review session of a call: a verifiable draw over the pool, the panel's answers and (for
 * completed sessions) every accepted expert's sheet for every eligible application.
 * Returns the accepted experts and the aggregated ranking.
 */
export function reviewSession(
  b: PipelineBuilder,
  call: CallDraft,
  sched: Schedule,
  opts: {
    status: 'drawing' | 'scoring' | 'completed';
    keepSheets: boolean;
    /** For in-progress sessions: the draw seed is searched so that this expert sits on the panel. */
    withExpert?: Expert;
    /** Scores are lowered so that nobody reaches the 60-point line. */
    failing?: boolean;
  },
) {
  const r = b.random;
  const eligible = call.apps.filter((a) => a.row.status === 'eligible');
  const applicants: DrawApplicant[] = eligible.map((a) => ({
    providerOrgId: a.provider.id,
    providerOrgName: a.provider.name,
    communityOrgId: a.committee.id,
    communityOrgName: a.committee.name,
    partners: a.row.partners as Partner[],
  }));
  // The server's candidate rule (drawPool), over the pool loaded in memory.
  const { candidates, exclusions } = drawPool(b.pool, {
    field: call.row.category,
    panelSize: PANEL_SIZE,
    applicants,
  });
  const base = Array.from({ length: 4 }, () => r.int(0, 0xffff).toString(16).padStart(4, '0')).join('');
  let seed = base;
  let order = drawPanel({ seed, candidates, exclusions, size: PANEL_SIZE }).order;
  if (opts.withExpert) {
    const wanted = opts.withExpert.id;
    for (let n = 1; !order.slice(1, PANEL_SIZE).includes(wanted); n++) {
      if (n > 5_000 || !order.includes(wanted)) throw new Error('the demo expert cannot sit on this panel');
      seed = `${base}-${n}`;
      order = drawPanel({ seed, candidates, exclusions, size: PANEL_SIZE }).order;
    }
  }
  const session: SessionRow = {
    id: randomUUID(),
    callId: call.row.id,
    heldAt: sched.held,
    place: call.buyer.street ? `${call.buyer.street.name}社会工作服务站会议室` : r.pick(REVIEW_PLACES),
    panelSize: PANEL_SIZE,
    drawSeed: seed,
    drawCandidates: candidates,
    drawExclusions: exclusions,
    status: opts.status,
    createdAt: sched.reviewStart,
    updatedAt: sched.reviewStart,
  };
  b.sessions.push(session);

  // The panel: the first five of the draw order; a declared conflict is replaced by the sixth.
  const declines = opts.status !== 'completed' || (r.next() < 0.08 && order.length > PANEL_SIZE) ? 1 : 0;
  const declinedAt = opts.withExpert
    ? r.pick([0, 1, 2, 3, 4].filter((i) => order[i] !== opts.withExpert!.id))
    : r.int(0, PANEL_SIZE - 1);
  const latest = Math.min(b.now.getTime() - 10 * 60_000, sched.held.getTime() - HOUR);
  const respond = () =>
    new Date(
      Math.max(
        sched.reviewStart.getTime() + 10 * 60_000,
        Math.min(latest, sched.reviewStart.getTime() + r.int(1, 30) * HOUR + r.int(0, 59) * 60_000),
      ),
    );
  const seats: (typeof panelMembers.$inferInsert)[] = order
    .slice(0, PANEL_SIZE + declines)
    .map((expertId, drawPosition) => {
      const declined = declines > 0 && drawPosition === declinedAt;
      return {
        sessionId: session.id,
        expertId,
        drawPosition,
        status: declined ? 'declined' : 'accepted',
        conflictReason: declined ? r.pick(DECLARED_CONFLICTS) : null,
        respondedAt: respond(),
      };
    });
  if (opts.status === 'drawing') {
    // Still forming: the demo expert and two others have not answered yet.
    const pending = seats.filter(
      (s) =>
        s.status === 'accepted' && (s.expertId === opts.withExpert?.id || s.drawPosition >= PANEL_SIZE - 1),
    );
    for (const s of pending) {
      s.status = 'invited';
      s.respondedAt = null;
    }
  }
  b.panel.push(...seats);
  const accepted = seats.filter((s) => s.status === 'accepted').map((s) => s.expertId);
  // A panel still forming has no scores. (Returning here also keeps the random stream the same
  // whatever the draw order, which depends on the database's expert ids.)
  if (opts.status === 'drawing')
    return { session, seats, accepted, rows: [], aggregated: aggregateScores([]) };

  // Scores: each expert has a leniency; each criterion a little noise around the proposal's quality.
  const leniency = new Map(accepted.map((id) => [id, r.int(-30, 30) / 10]));
  const rows = eligible.map((app) => ({
    applicationId: app.row.id,
    totals: accepted.map((expertId) => {
      const quality = (opts.failing ? app.quality - 22 : app.quality) + leniency.get(expertId)!;
      const scores: CriterionScore[] = DEFAULT_RUBRIC.map((c) => {
        const raw = (c.weight * (quality + r.int(-40, 40) / 10)) / 100;
        return { key: c.key, score: Math.min(c.weight, Math.max(0, Math.round(raw * 10) / 10)) };
      });
      return { expertId, scores, totalCenti: sheetTotalCenti(scores) };
    }),
  }));
  if (opts.status === 'completed' && opts.keepSheets) {
    for (const row of rows)
      for (const t of row.totals)
        b.sheets.push(scoreSheet(b, session, t.expertId, row.applicationId, t.scores, t.totalCenti, sched));
  }
  const aggregated = aggregateScores(
    rows.map((row) => ({
      applicationId: row.applicationId,
      totals: row.totals.map(({ expertId, totalCenti }) => ({ expertId, totalCenti })),
    })),
  );
  return { session, seats, accepted, rows, aggregated };
}

export function scoreSheet(
  b: PipelineBuilder,
  session: SessionRow,
  expertId: string,
  applicationId: string,
  scores: CriterionScore[],
  totalCenti: number,
  sched: Pick<Schedule, 'held' | 'completed'>,
  submitted = true,
): typeof scoreSheets.$inferInsert {
  const r = b.random;
  const savedAt = new Date(sched.held.getTime() + r.int(30, 300) * 60_000);
  return {
    sessionId: session.id,
    expertId,
    applicationId,
    scores,
    totalCenti,
    comment: r.pick(SHEET_COMMENTS),
    submittedAt: submitted
      ? new Date(Math.min(savedAt.getTime() + 10 * 60_000, sched.completed.getTime()))
      : null,
    version: submitted ? 2 : 1,
    createdAt: savedAt,
    updatedAt: savedAt,
  };
}
