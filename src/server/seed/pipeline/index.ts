/**
 * Demo data for the project pipeline: the history the source document reports (600+ projects
 * worth about 82 million yuan from 2017 to 2022, then about 30 a year) and, around today, calls
 * in every state of the lifecycle, so that every page has something real to show.
 *
 * What it builds (see DOMAIN.md "One project's life"):
 * - History, 2017–2022 (scenarios.ts): HISTORY_PROJECTS contracted projects whose contracts add
 *   up to HISTORY_TOTAL_YUAN (2022 alone: about 32 projects and 5.9 million yuan, the platform's
 *   first year), plus a few cancelled and failed calls with their reasons. From 2023 to the current
 *   year about 30 contracted projects a year. One project = one call with one award and one contract.
 * - Each contracted project (projects.ts): a plan line, the call (published → closed → in review →
 *   awarded → in publicity → approved → contracted), 2–5 joint applications (one awarded, the
 *   others not awarded or ineligible with the system's eligibility checks), a completed review
 *   session with a verifiable 5-expert draw, the award, a closed publicity (now and then an
 *   objection, answered and rejected), a signed contract with 40/30/30 milestones that add up
 *   exactly, and the public timeline of every public step with plausible dates.
 * - Score sheets are stored for calls from SHEETS_FROM_YEAR (2022, the platform's launch) on;
 *   earlier sessions keep their panel and draw, and the award keeps its aggregated score, but
 *   the per-expert sheets are left out to keep the first start fast.
 * - Around today (current.ts): plan lines for this year and next, and calls in every state: draft,
 *   published (one flagged for a window under 7 days), closed, in review (one scoring, one still
 *   drawing), awarded, in publicity (the one OPEN publicity, with an open and an answered
 *   objection), approved (one contract drafted), contracted, cancelled, failed. Dates are relative
 *   to "now" (the real current date unless the caller passes one), so the demo stays fresh.
 * - The demo users have work waiting: `provider` has a draft (waiting for the community's
 *   co-signature) and a submitted application on open calls and a contract to confirm;
 *   `community` has that co-signature to give; `expert` sits on the panel being scored, with
 *   sheets to fill, and is invited to another; `buyer` (民政局) owns the calls in review and
 *   publicity; `station` has a draft call and an approved project to contract.
 * - After the contract (implementation.ts, activities.ts, money.ts, evaluations.ts): each project
 *   planned to its close and written as far as today reached it — started; activities confirmed
 *   by the community of their area (a few disputed); indicator progress; the milestones paid with
 *   voucher numbers; expenses with their receipts' data; mid-term and final evaluations with a
 *   realistic spread of grades (a failed one rectified); results publicities; closed. Contracts
 *   signed lately are not started; one project of 2021 was terminated, its recovery settled. The
 *   projects under way have their alerts computed by the red-flag indicators (write.ts), and the
 *   demo users have work waiting: `evaluator` a mid-term evaluation to score and a rectification
 *   to re-check, `community` activities to confirm, `buyer` a payment request, `provider` two
 *   signed contracts with 民政局 to start and a project under way.
 * - Red and black lists (credit.ts): a few red entries (one expired) and one black entry of each
 *   kind (the 活动异常名录 one expired), with reasons, deciding bodies and dates.
 * - Every expert of the pool gets an account (expert02…expert40, demo password): the draw leaves
 *   out experts without one, since they could neither accept nor score.
 *
 * Deterministic: the same seed gives the same calls, codes, titles, amounts, states, texts and
 * dates (for the same day). Row ids are random UUIDs, so which experts a draw puts on a panel
 * differs between databases: the draw is over the pool sorted by id, as the live draw is, with
 * the server's candidate rule (drawPool in src/domain/draw.ts).
 *
 * Layout: builder.ts (state, PRNG helpers, loading the district), dates.ts, one file per stage
 * (calls, applications, reviews, awards + publicity, contracts, timeline + notifications, plans,
 * credit, codes), projects.ts (whole projects), scenarios.ts (history, recent years), current.ts
 * (around today) and write.ts (the inserts).
 */
import type { Executor } from '../../db/client.js';
import type { Random } from '../random.js';
import { PipelineBuilder } from './builder.js';
import { codes } from './codes.js';
import { credit } from './credit.js';
import { current } from './current.js';
import { implementation } from './implementation.js';
import { plans } from './plans.js';
import { history, recent } from './scenarios.js';
import type { PipelineOptions, PipelineSummary } from './types.js';
import { write } from './write.js';

export {
  HISTORY_2022_YUAN,
  HISTORY_COUNTS,
  HISTORY_PROJECTS,
  HISTORY_TOTAL_YUAN,
  RECENT_PER_YEAR,
  SHEETS_FROM_YEAR,
} from './constants.js';
export type { PipelineOptions, PipelineSummary } from './types.js';
export type { PipelineBuilder };

/**
 * Seeds the pipeline of the demo district (regions, organizations, experts and demo accounts
 * must exist: see seedDemo). Prints nothing; returns the counts for the audit entry.
 */
export async function seedPipeline(
  db: Executor,
  random: Random,
  options: PipelineOptions = {},
): Promise<PipelineSummary> {
  const plan = await planPipeline(db, random, options);
  return write(plan, db);
}

/**
 * Everything seedPipeline would write, in memory (for tests of awkward dates). Only the expert
 * accounts are written, when missing.
 */
export async function planPipeline(db: Executor, random: Random, options: PipelineOptions = {}) {
  const builder = new PipelineBuilder(random, options.now ?? new Date());
  await builder.load(db);
  history(builder);
  recent(builder);
  current(builder);
  plans(builder);
  codes(builder);
  // After the codes (its public steps name the contracts); the credit lists follow its evaluations.
  implementation(builder);
  credit(builder);
  return builder;
}
export type PipelinePlan = Awaited<ReturnType<typeof planPipeline>>;
