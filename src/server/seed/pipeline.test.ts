import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyOfSeededDataDir } from '../../../e2e/server.js';
import { verifyDraw } from '../../domain/draw.js';
import { CALL_STATES } from '../../domain/lifecycle.js';
import { searchText } from '../../domain/search.js';
import { todayInShanghai } from '../../domain/working-days.js';
import { type Database, openDatabase } from '../db/client.js';
import {
  activities,
  alerts,
  applications,
  auditLog,
  awards,
  calls,
  contracts,
  creditEntries,
  evaluations,
  expenses,
  experts,
  indicatorReports,
  notifications,
  objections,
  orgs,
  panelMembers,
  payments,
  planLines,
  projects,
  publicities,
  recoveries,
  recoveryRepayments,
  rectifications,
  regions,
  reviewSessions,
  scoreSheets,
  timelineEvents,
  users,
} from '../db/schema.js';
import { sanitizeHtml, textOfHtml } from '../modules/calls/html.js';
import { loadFacts } from '../modules/redflags/facts.js';
import { INDICATORS } from '../modules/redflags/indicators/index.js';
import { thresholdsInForce } from '../modules/redflags/thresholds.js';
import { seedDemo } from './demo.js';
import { HISTORY_2022_YUAN, HISTORY_PROJECTS, type PipelinePlan, planPipeline } from './pipeline/index.js';
import { seededRandom } from './random.js';

// A fixed "now" (the seed takes one), so that the demo and its assertions do not depend on the
// day the tests run. The seed's speed is measured by `npm run bench -- seed`, not here.
const NOW = new Date('2026-12-01T10:00:00+08:00');
const TODAY = todayInShanghai(NOW);
const YEAR = Number(TODAY.slice(0, 4));
const TARGET_FEN = 82_000_000 * 100;

// Checking (and planning again) six years of history is tens of seconds of work for one test on
// a loaded 2-core machine.
vi.setConfig({ testTimeout: 180_000 });

// `first` is the demo with its history: in a whole run, a copy of the data directory that the
// browser tests' global setup had the real server seed on its first start (an hour before NOW);
// run alone, seeded here. `second` is only the district (history: false), for the determinism and
// awkward-day tests, which plan in memory.
let first: Database;
let second: Database;
let firstDir: string | undefined;

beforeAll(async () => {
  firstDir = await copyOfSeededDataDir(600_000);
  if (firstDir) {
    first = await openDatabase({ dataDir: firstDir });
  } else {
    first = await openDatabase({ dataDir: 'memory://' });
    await seedDemo(first.db, 2022, { now: NOW });
  }
  second = await openDatabase({ dataDir: 'memory://' });
  await seedDemo(second.db, 2022, { history: false });
}, 660_000);

afterAll(async () => {
  await first?.close();
  await second?.close();
  if (firstDir) rmSync(firstDir, { recursive: true, force: true });
});

const db = () => first.db;
/** Map.groupBy, which Node 20 lacks. */
function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
const userId = async (username: string) =>
  (await db().select({ id: users.id }).from(users).where(eq(users.username, username)))[0].id;
const orgOf = async (username: string) =>
  (await db().select({ orgId: users.orgId }).from(users).where(eq(users.username, username)))[0].orgId!;

describe('the history the source document reports', () => {
  it('has about 600 contracted projects in 2017–2022 worth about 82 million yuan', async () => {
    const rows = await db()
      .select({ year: calls.year, amountFen: contracts.amountFen, status: contracts.status })
      .from(contracts)
      .innerJoin(calls, eq(calls.id, contracts.callId))
      .where(and(eq(calls.status, 'contracted'), sql`${calls.year} between 2017 and 2022`));
    expect(rows.length).toBe(HISTORY_PROJECTS);
    expect(rows.length).toBeGreaterThanOrEqual(600);
    expect(rows.length).toBeLessThanOrEqual(630);
    expect(rows.every((r) => r.status === 'signed')).toBe(true);
    const total = rows.reduce((s, r) => s + r.amountFen, 0);
    expect(Math.abs(total - TARGET_FEN) / TARGET_FEN).toBeLessThanOrEqual(0.02);

    const of2022 = rows.filter((r) => r.year === 2022);
    expect(of2022.length).toBeGreaterThanOrEqual(30);
    expect(of2022.length).toBeLessThanOrEqual(40);
    expect(of2022.reduce((s, r) => s + r.amountFen, 0)).toBe(HISTORY_2022_YUAN * 100);
    // Typical projects: 50 000 to 300 000 yuan.
    for (const r of rows) {
      expect(r.amountFen).toBeGreaterThanOrEqual(5_000_000);
      expect(r.amountFen).toBeLessThanOrEqual(30_000_000);
    }
  });

  it('has about 30 contracted projects a year since 2023, and a few cancelled or failed each year', async () => {
    const rows = await db()
      .select({ year: calls.year, status: calls.status, n: sql<number>`count(*)::int` })
      .from(calls)
      .groupBy(calls.year, calls.status);
    const count = (year: number, status: string) =>
      rows.find((r) => r.year === year && r.status === status)?.n ?? 0;
    for (let year = 2023; year < YEAR; year++) {
      expect(count(year, 'contracted')).toBeGreaterThanOrEqual(25);
      expect(count(year, 'contracted')).toBeLessThanOrEqual(36);
    }
    for (let year = 2017; year < YEAR; year++)
      expect(count(year, 'cancelled') + count(year, 'failed')).toBeGreaterThanOrEqual(1);
    const contractedSince2017 = rows.filter((r) => r.status === 'contracted').reduce((s, r) => s + r.n, 0);
    const endedSince2017 = rows
      .filter((r) => r.status === 'cancelled' || r.status === 'failed')
      .reduce((s, r) => s + r.n, 0);
    expect(endedSince2017 / contractedSince2017).toBeLessThan(0.06);
  });

  it('gives every contracted project its plan line, applications, review, award, publicity, contract and timeline', async () => {
    const contracted = await db().select().from(calls).where(eq(calls.status, 'contracted'));
    const [apps, sessions, awardRows, pubs, contractRows, events] = await Promise.all([
      db().select().from(applications),
      db().select().from(reviewSessions),
      db().select().from(awards),
      db().select().from(publicities),
      db().select().from(contracts),
      db().select().from(timelineEvents),
    ]);
    const panel = await db().select().from(panelMembers);
    const kinds = [
      'call.publish',
      'call.close',
      'call.startReview',
      'review.completed',
      'application.award',
      'call.openPublicity',
      'call.closePublicity',
      'contract.signed',
      'call.contract',
    ];
    const appsOf = groupBy(apps, (a) => a.callId);
    const seatsOf = groupBy(panel, (p) => p.sessionId);
    const eventsOf = groupBy(events, (e) => e.callId);
    for (const call of contracted) {
      expect(call.planLineId).not.toBeNull();
      const mine = appsOf.get(call.id) ?? [];
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine.length).toBeLessThanOrEqual(5);
      expect(mine.filter((a) => a.status === 'awarded')).toHaveLength(1);
      for (const a of mine) {
        expect(['awarded', 'not_awarded', 'ineligible']).toContain(a.status);
        expect(a.cosignedAt).not.toBeNull();
        if (a.status === 'ineligible') expect(a.eligibility.some((c) => !c.passed)).toBe(true);
        else expect(a.eligibility.every((c) => c.passed)).toBe(true);
        expect(a.proposal.budget.reduce((s, b) => s + b.amountFen, 0)).toBe(a.requestedFen);
      }
      const session = sessions.find((s) => s.callId === call.id)!;
      expect(session.status).toBe('completed');
      const seats = seatsOf.get(session.id) ?? [];
      expect(seats.filter((p) => p.status === 'accepted')).toHaveLength(5);
      const award = awardRows.find((a) => a.callId === call.id)!;
      expect(award.status).toBe('approved');
      expect(mine.find((a) => a.id === award.applicationId)!.status).toBe('awarded');
      expect(award.amountFen).toBeLessThanOrEqual(call.budgetCapFen);
      const pub = pubs.find((p) => p.callId === call.id && p.kind === 'approval')!;
      expect(pub.status).toBe('closed');
      expect(award.publicityId).toBe(pub.id);
      const contract = contractRows.find((c) => c.callId === call.id)!;
      expect(contract).toMatchObject({ status: 'signed', awardId: award.id, amountFen: award.amountFen });
      const timeline = eventsOf.get(call.id) ?? [];
      expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(kinds));
      const at = (kind: string) => timeline.find((e) => e.kind === kind)!.at.getTime();
      for (let i = 1; i < kinds.length; i++) expect(at(kinds[i])).toBeGreaterThanOrEqual(at(kinds[i - 1]));
    }
  });

  it('keeps score sheets from 2022 on, and every draw is verifiable', async () => {
    const sessions = await db().select().from(reviewSessions);
    const panel = await db().select().from(panelMembers);
    for (const s of sessions) {
      const members = panel.filter((p) => p.sessionId === s.id);
      const record = {
        seed: s.drawSeed!,
        candidates: s.drawCandidates,
        exclusions: s.drawExclusions,
        size: s.panelSize,
      };
      expect(verifyDraw(record, members)).toBe(true);
    }
    const sheetYears = await db()
      .selectDistinct({ year: calls.year })
      .from(scoreSheets)
      .innerJoin(reviewSessions, eq(reviewSessions.id, scoreSheets.sessionId))
      .innerJoin(calls, eq(calls.id, reviewSessions.callId));
    expect(Math.min(...sheetYears.map((y) => y.year))).toBe(2022);
    // Each stored sheet's total is the sum of its criteria, in hundredths of a point.
    const sheets = await db().select().from(scoreSheets).limit(200);
    for (const sheet of sheets)
      expect(sheet.totalCenti).toBe(Math.round(sheet.scores.reduce((s, c) => s + c.score * 100, 0)));
  });

  it('splits every contract 40/30/30 into milestones that add up exactly', async () => {
    const rows = await db().select().from(contracts);
    expect(rows.length).toBeGreaterThan(700);
    for (const c of rows) {
      expect(c.milestones.map((m) => m.shareBp)).toEqual([4000, 3000, 3000]);
      expect(c.milestones.reduce((s, m) => s + m.amountFen, 0)).toBe(c.amountFen);
      expect(c.code).toMatch(/^HT-\d{4}-\d{4}$/);
    }
  });
});

describe('the calls', () => {
  it('has calls in every state', async () => {
    const rows = await db()
      .select({ status: calls.status, n: sql<number>`count(*)::int` })
      .from(calls)
      .groupBy(calls.status);
    for (const state of CALL_STATES) expect(rows.find((r) => r.status === state)?.n ?? 0).toBeGreaterThan(0);
    const cancelled = await db().select().from(calls).where(eq(calls.status, 'cancelled'));
    for (const c of cancelled) expect(c.statusReason).toBeTruthy();
  });

  it('fills search_text and street_ids the way the calls service does', async () => {
    const rows = await db()
      .select({ call: calls, buyerName: orgs.name })
      .from(calls)
      .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId));
    const regionRows = await db().select().from(regions);
    const byId = new Map(regionRows.map((r) => [r.id, r]));
    const sample = rows.filter((_, i) => i % 7 === 0);
    for (const { call } of rows) {
      expect(call.searchText.length).toBeGreaterThan(0);
      const streets = new Set(
        call.serviceAreaIds.map((id) => {
          const r = byId.get(id)!;
          return r.level === 'street' ? r.id : r.parentId!;
        }),
      );
      expect(new Set(call.streetIds)).toEqual(streets);
    }
    const labels: Record<string, string> = {
      elderly: '为老服务',
      children: '儿童服务',
      youth: '青少年服务',
      disability: '残障服务',
      assistance: '社会救助',
      community_building: '社区营造',
      party_building: '党建服务',
      civilization: '新时代文明实践',
      venture_philanthropy: '公益创投',
    };
    for (const { call, buyerName } of sample) {
      expect(sanitizeHtml(call.descriptionHtml)).toBe(call.descriptionHtml);
      const expected = searchText(
        call.title,
        textOfHtml(call.descriptionHtml),
        labels[call.category],
        call.targetGroups.join(' '),
        buyerName,
        call.streetIds.map((id) => byId.get(id)?.name).join(' '),
      );
      expect(call.searchText).toBe(expected);
    }
  });

  it('numbers calls GD-<year>-<seq> without gaps, so the next call of a year continues the sequence', async () => {
    const rows = await db()
      .select({ code: calls.code, year: calls.year })
      .from(calls)
      .orderBy(asc(calls.code));
    const byYear = new Map<number, string[]>();
    for (const r of rows) byYear.set(r.year, [...(byYear.get(r.year) ?? []), r.code]);
    for (const [year, codes] of byYear)
      expect(codes).toEqual(codes.map((_, i) => `GD-${year}-${String(i + 1).padStart(4, '0')}`));
    const titles = new Set((await db().select({ title: calls.title }).from(calls)).map((r) => r.title));
    expect(titles.size).toBe(rows.length);
  });

  it('puts no public step in the future and only plausible dates on calls', async () => {
    const [{ latest }] = await db()
      .select({ latest: sql<string>`max(${timelineEvents.at})` })
      .from(timelineEvents);
    expect(new Date(latest).getTime()).toBeLessThanOrEqual(NOW.getTime());
    const rows = await db().select().from(calls);
    for (const c of rows) {
      expect(c.applicationOpensAt.getTime()).toBeLessThan(c.applicationClosesAt.getTime());
      expect(c.servicePeriodStart < c.servicePeriodEnd).toBe(true);
      expect(c.year).toBe(Number(c.servicePeriodStart.slice(0, 4)));
      if (c.status === 'draft') expect(c.publishedAt).toBeNull();
      else expect(c.publishedAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it('has open calls, one flagged for a window under 7 days', async () => {
    const open = await db().select().from(calls).where(eq(calls.status, 'published'));
    expect(open.length).toBeGreaterThanOrEqual(3);
    for (const c of open) expect(c.applicationClosesAt.getTime()).toBeGreaterThan(NOW.getTime());
    const flagged = open.filter((c) => c.shortWindowFlag);
    expect(flagged).toHaveLength(1);
    expect(flagged[0].shortWindowFlag).toMatch(/少于7天/);
  });

  it('has exactly one open publicity, with one open objection and one answered', async () => {
    const open = await db().select().from(publicities).where(eq(publicities.status, 'open'));
    expect(open).toHaveLength(1);
    const [pub] = open;
    expect(pub.opensOn <= TODAY && TODAY <= pub.closesOn).toBe(true);
    const [call] = await db().select().from(calls).where(eq(calls.id, pub.callId));
    expect(call.status).toBe('in_publicity');
    expect(call.buyerOrgId).toBe(await orgOf('buyer'));
    const objs = await db().select().from(objections).where(eq(objections.publicityId, pub.id));
    expect(objs.filter((o) => o.status === 'open')).toHaveLength(1);
    const answered = objs.filter((o) => o.status === 'rejected');
    expect(answered).toHaveLength(1);
    expect(answered[0].answer).toBeTruthy();
    const [award] = await db().select().from(awards).where(eq(awards.publicityId, pub.id));
    expect(award.status).toBe('in_publicity');
    // Objectors' contacts are valid-looking but obviously fake numbers.
    for (const o of await db().select().from(objections)) expect(o.objectorContact).toMatch(/^1380000\d{4}$/);
  });

  it('has a review in progress: the demo expert sits on the panel with sheets to score', async () => {
    const inReview = await db().select().from(calls).where(eq(calls.status, 'in_review'));
    expect(inReview.length).toBeGreaterThanOrEqual(2);
    const buyerOrg = await orgOf('buyer');
    for (const c of inReview) expect(c.buyerOrgId).toBe(buyerOrg);
    const [expert] = await db()
      .select()
      .from(experts)
      .where(eq(experts.userId, await userId('expert')));
    const sessions = await db().select().from(reviewSessions);
    const scoring = sessions.find((s) => inReview.some((c) => c.id === s.callId) && s.status === 'scoring')!;
    const drawing = sessions.find((s) => inReview.some((c) => c.id === s.callId) && s.status === 'drawing')!;
    expect(scoring).toBeDefined();
    expect(drawing).toBeDefined();

    const seats = await db().select().from(panelMembers).where(eq(panelMembers.sessionId, scoring.id));
    expect(seats.find((s) => s.expertId === expert.id)?.status).toBe('accepted');
    const declined = seats.filter((s) => s.status === 'declined');
    expect(declined).toHaveLength(1);
    expect(declined[0].conflictReason).toBeTruthy();
    expect(seats.filter((s) => s.status === 'accepted')).toHaveLength(5);
    const sheets = await db().select().from(scoreSheets).where(eq(scoreSheets.sessionId, scoring.id));
    expect(sheets.filter((s) => s.submittedAt).length).toBeGreaterThan(0);
    expect(sheets.filter((s) => s.expertId === expert.id)).toHaveLength(0);

    const forming = await db().select().from(panelMembers).where(eq(panelMembers.sessionId, drawing.id));
    expect(forming.find((s) => s.expertId === expert.id)?.status).toBe('invited');
    expect(forming.filter((s) => s.status === 'accepted').length).toBeGreaterThan(0);
    expect(forming.filter((s) => s.status === 'declined')).toHaveLength(1);

    const waiting = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.userId, await userId('expert')));
    expect(waiting.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['review.invited', 'review.scoring_opened']),
    );
  });

  it('gives the demo provider and community work to do', async () => {
    const providerOrg = await orgOf('provider');
    const communityOrg = await orgOf('community');
    const mine = await db()
      .select({ app: applications, callStatus: calls.status })
      .from(applications)
      .innerJoin(calls, eq(calls.id, applications.callId))
      .where(eq(applications.providerOrgId, providerOrg));
    const onOpenCalls = mine.filter((m) => m.callStatus === 'published');
    const waiting = onOpenCalls.find((m) => m.app.status === 'draft' && !m.app.cosignedAt);
    expect(waiting?.app.communityOrgId).toBe(communityOrg);
    expect(onOpenCalls.some((m) => m.app.status === 'eligible' && m.app.submittedAt)).toBe(true);
    const [draftContract] = await db()
      .select()
      .from(contracts)
      .where(and(eq(contracts.providerOrgId, providerOrg), eq(contracts.status, 'draft')));
    expect(draftContract.buyerConfirmedAt).not.toBeNull();
    expect(draftContract.providerConfirmedAt).toBeNull();
    const [cosign] = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, await userId('community')),
          eq(notifications.kind, 'application.cosign_requested'),
        ),
      );
    expect(cosign.link).toContain(waiting!.app.id);
  });

  it('has plan lines for this year and next', async () => {
    for (const year of [YEAR, YEAR + 1]) {
      const rows = await db().select().from(planLines).where(eq(planLines.year, year));
      expect(rows.length).toBeGreaterThanOrEqual(8);
    }
  });
});

describe('after the contract: implementation, money, evaluations (issue 9)', () => {
  type Rows<T extends { $inferSelect: unknown }> = T['$inferSelect'][];
  let data: {
    contracts: Rows<typeof contracts>;
    calls: Map<string, typeof calls.$inferSelect>;
    projects: Map<string, typeof projects.$inferSelect>;
    activities: Map<string, Rows<typeof activities>>;
    reports: Map<string, Rows<typeof indicatorReports>>;
    payments: Map<string, Rows<typeof payments>>;
    expenses: Map<string, Rows<typeof expenses>>;
    evaluations: Map<string, Rows<typeof evaluations>>;
    rectifications: Rows<typeof rectifications>;
    publicities: Map<string, typeof publicities.$inferSelect>;
    regions: Map<string, typeof regions.$inferSelect>;
  };
  const of = <T>(map: Map<string, T[]>, id: string) => map.get(id) ?? [];
  const closed = () => [...data.projects.values()].filter((p) => p.status === 'closed');
  const underWay = () =>
    [...data.projects.values()].filter((p) =>
      ['in_implementation', 'midterm_evaluated', 'final_evaluation', 'results_publicity'].includes(p.status),
    );
  const contractOf = (id: string) => data.contracts.find((c) => c.id === id)!;

  beforeAll(async () => {
    const [c, k, p, a, r, pay, e, ev, rect, pub, reg] = await Promise.all([
      db().select().from(contracts).where(eq(contracts.status, 'signed')),
      db().select().from(calls),
      db().select().from(projects),
      db().select().from(activities),
      db().select().from(indicatorReports),
      db().select().from(payments),
      db().select().from(expenses),
      db().select().from(evaluations).orderBy(asc(evaluations.createdAt)),
      db().select().from(rectifications),
      db().select().from(publicities),
      db().select().from(regions),
    ]);
    data = {
      contracts: c,
      calls: new Map(k.map((x) => [x.id, x])),
      projects: new Map(p.map((x) => [x.id, x])),
      activities: groupBy(a, (x) => x.projectId),
      reports: groupBy(r, (x) => x.projectId),
      payments: groupBy(pay, (x) => x.projectId),
      expenses: groupBy(e, (x) => x.projectId),
      evaluations: groupBy(ev, (x) => x.projectId),
      rectifications: rect,
      publicities: new Map(pub.map((x) => [x.id, x])),
      regions: new Map(reg.map((x) => [x.id, x])),
    };
  });

  it('has closed the history, has projects under way this year and leaves the latest contracts to start', () => {
    const yearOf = (projectId: string) => data.calls.get(contractOf(projectId).callId)!.year;
    for (const c of data.contracts) {
      const year = data.calls.get(c.callId)!.year;
      if (year <= 2022) expect(data.projects.get(c.id)?.status, c.code).toBe('closed');
    }
    expect(closed().length).toBeGreaterThan(HISTORY_PROJECTS);
    const running = underWay();
    expect(running.length).toBeGreaterThanOrEqual(10);
    for (const p of running) expect(yearOf(p.id)).toBeGreaterThanOrEqual(YEAR - 1);
    // Signed lately, not started yet: no project row (已签约).
    const notStarted = data.contracts.filter((c) => !data.projects.has(c.id));
    expect(notStarted.length).toBeGreaterThanOrEqual(2);
    for (const p of data.projects.values()) {
      expect(p.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(p.closedAt === null).toBe(p.status !== 'closed');
    }
  });

  it('records activities in the service area, confirmed by the community, a few disputed with a reason', () => {
    const all = [...data.activities.values()].flat();
    for (const p of closed()) expect(of(data.activities, p.id).length, p.id).toBeGreaterThanOrEqual(3);
    for (const a of all) {
      const call = data.calls.get(contractOf(a.projectId).callId)!;
      const community = data.regions.get(a.communityRegionId)!;
      expect(community.level).toBe('community');
      expect(
        call.serviceAreaIds.includes(community.id) || call.serviceAreaIds.includes(community.parentId!),
      ).toBe(true);
      expect(a.heldOn >= call.servicePeriodStart && a.heldOn < TODAY).toBe(true);
      expect(a.participants.reduce((s, x) => s + x.count, 0)).toBeGreaterThan(0);
      expect(a.description.length).toBeGreaterThanOrEqual(10);
      if (a.status === 'disputed') expect(a.disputeReason).toBeTruthy();
      if (a.status === 'reported') expect(underWay().some((p) => p.id === a.projectId)).toBe(true);
      else expect(a.confirmedAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    const disputed = all.filter((a) => a.status === 'disputed').length;
    expect(disputed).toBeGreaterThan(0);
    expect(disputed / all.length).toBeLessThan(0.06);
    expect(all.filter((a) => a.status === 'confirmed').length / all.length).toBeGreaterThan(0.9);
  });

  it('reports progress on every contract indicator of every closed project', () => {
    for (const p of closed()) {
      const indices = new Set(of(data.reports, p.id).map((r) => r.indicatorIndex));
      expect(indices.size, p.id).toBe(contractOf(p.id).indicators.length);
    }
  });

  it('pays the milestones with voucher numbers, never more than the contract, exactly the contract when closed', () => {
    const vouchers = new Set<string>();
    for (const c of data.contracts) {
      const rows = of(data.payments, c.id);
      const paid = rows.filter((p) => p.status === 'paid');
      const paidFen = paid.reduce((s, p) => s + p.paidFen!, 0);
      expect(paidFen).toBeLessThanOrEqual(c.amountFen);
      for (const p of rows) {
        const milestone = c.milestones.find((m) => m.key === p.milestoneKey)!;
        expect(p.amountFen).toBe(milestone.amountFen);
      }
      for (const p of paid) {
        expect(p.paidFen).toBe(p.amountFen);
        expect(p.paidOn! < TODAY).toBe(true);
        expect(p.voucherNo).toMatch(/^GDCZ\d{10}$/);
        expect(vouchers.has(p.voucherNo!)).toBe(false);
        vouchers.add(p.voucherNo!);
      }
      const project = data.projects.get(c.id);
      if (project?.status === 'closed' && !project.terminatedAt) {
        expect(paid.map((p) => p.milestoneKey).sort()).toEqual(['final', 'midterm', 'signing']);
        expect(paidFen).toBe(c.amountFen);
      }
    }
  });

  it('records expenses against the budget categories with their receipts’ data, within the contract', () => {
    for (const p of closed()) {
      const rows = of(data.expenses, p.id);
      expect(rows.length, p.id).toBeGreaterThanOrEqual(4);
      expect(rows.reduce((s, e) => s + e.amountFen, 0)).toBeLessThanOrEqual(contractOf(p.id).amountFen);
    }
    for (const e of [...data.expenses.values()].flat()) {
      expect(e.amountFen).toBeGreaterThan(0);
      expect(e.spentOn < TODAY).toBe(true);
      expect(e.invoiceNo).toMatch(/^\d{20}$/);
      expect(e.payee.length).toBeGreaterThan(3);
    }
  });

  it('evaluates every closed project mid-term and final, with a realistic spread of grades that follow from the scores', () => {
    const finals: string[] = [];
    let failed = 0;
    for (const list of data.evaluations.values())
      for (const e of list) {
        if (e.grade === null) continue;
        const total = e.scores.reduce((s, x) => s + x.scoreDeci, 0);
        expect(e.totalDeci).toBe(total);
        const band = total >= 900 ? 'excellent' : total >= 800 ? 'good' : total >= 600 ? 'pass' : 'fail';
        expect(e.grade).toBe(band);
        if (e.grade === 'fail') failed++;
      }
    for (const p of closed()) {
      const list = of(data.evaluations, p.id);
      expect(
        list.some((e) => e.stage === 'midterm' && e.status === 'accepted'),
        p.id,
      ).toBe(true);
      const final = list.filter((e) => e.stage === 'final').at(-1)!;
      expect(final.grade, p.id).not.toBeNull();
      finals.push(final.grade!);
      if (p.terminatedAt) continue;
      expect(final.status).toBe('final');
      const pub = data.publicities.get(final.publicityId!)!;
      expect(pub).toMatchObject({ kind: 'evaluation', status: 'closed', callId: contractOf(p.id).callId });
      expect(pub.opensOn).toBe(todayInShanghai(final.acceptedAt!));
    }
    const share = (g: string) => finals.filter((x) => x === g).length / finals.length;
    expect(share('good') + share('pass')).toBeGreaterThan(0.65);
    expect(share('excellent')).toBeGreaterThan(0.05);
    expect(share('excellent')).toBeLessThan(0.3);
    expect(failed).toBeGreaterThanOrEqual(3);
    const open = [...data.publicities.values()].filter((p) => p.kind === 'evaluation' && p.status === 'open');
    expect(open).toEqual([]);
  });

  it('has a few rectifications of failed evaluations, most re-checked 合格, one open and one waiting for the re-check', () => {
    const evaluationById = new Map([...data.evaluations.values()].flat().map((e) => [e.id, e]));
    expect(data.rectifications.length).toBeGreaterThanOrEqual(3);
    for (const r of data.rectifications) {
      expect(evaluationById.get(r.evaluationId!)?.grade).toBe('fail');
      expect(r.dueOn > r.openedOn).toBe(true);
    }
    const by = (status: string) => data.rectifications.filter((r) => r.status === status);
    expect(by('passed').length).toBeGreaterThan(by('open').length + by('submitted').length);
    expect(by('open').length).toBeGreaterThanOrEqual(1);
    expect(by('submitted').length).toBeGreaterThanOrEqual(1);
  });

  it('terminated exactly one project after its final 不合格, recovered part of the money and closed it', async () => {
    const terminated = [...data.projects.values()].filter((p) => p.terminatedAt);
    expect(terminated).toHaveLength(1);
    const [p] = terminated;
    expect(p.status).toBe('closed');
    expect(p.terminationReason!.length).toBeGreaterThan(10);
    expect(of(data.evaluations, p.id).find((e) => e.stage === 'final')).toMatchObject({
      grade: 'fail',
      status: 'accepted',
    });
    const recoveryRows = await db().select().from(recoveries).where(eq(recoveries.projectId, p.id));
    expect(recoveryRows).toHaveLength(1);
    const [recovery] = recoveryRows;
    expect(recovery.status).toBe('settled');
    const repayments = await db()
      .select()
      .from(recoveryRepayments)
      .where(eq(recoveryRepayments.recoveryId, recovery.id));
    expect(repayments.length).toBeGreaterThanOrEqual(2);
    expect(repayments.reduce((s, r) => s + r.amountFen, 0)).toBe(recovery.amountFen);
    const paid = of(data.payments, p.id).filter((x) => x.status === 'paid');
    expect(recovery.amountFen).toBeLessThanOrEqual(paid.reduce((s, x) => s + x.paidFen!, 0));
    const kinds = (
      await db()
        .select()
        .from(timelineEvents)
        .where(eq(timelineEvents.callId, contractOf(p.id).callId))
    ).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'project.terminate',
        'recovery.opened',
        'recovery.repaid',
        'recovery.settle',
        'project.close',
      ]),
    );
    expect((await db().select().from(recoveries)).length).toBe(1);
  });

  it('puts every public step of a closed project on its timeline, in order', async () => {
    const events = groupBy(await db().select().from(timelineEvents), (e) => e.callId);
    for (const p of closed().filter((x) => !x.terminatedAt)) {
      const list = events.get(p.callId) ?? [];
      const kinds = list.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'payment.pay')).toHaveLength(3);
      for (const kind of [
        'project.start',
        'project.recordMidterm',
        'project.openResultsPublicity',
        'evaluation.finalize',
      ])
        expect(kinds, kind).toContain(kind);
      const at = (kind: string) => list.find((e) => e.kind === kind)!.at.getTime();
      expect(at('contract.signed')).toBeLessThan(at('project.start'));
      expect(at('project.start')).toBeLessThan(at('project.close'));
      expect(at('evaluation.finalize')).toBeLessThan(at('project.close'));
    }
  });

  it('has live alerts on projects under way, as the red-flag indicators compute them from the data', async () => {
    const open = await db()
      .select()
      .from(alerts)
      .where(inArray(alerts.status, ['raised', 'acknowledged']));
    const running = new Set(underWay().map((p) => p.id));
    const alerted = new Set(open.map((a) => a.projectId));
    expect(alerted.size).toBeGreaterThanOrEqual(3);
    for (const id of alerted) expect(running.has(id)).toBe(true);
    expect(new Set(open.map((a) => a.indicatorId)).size).toBeGreaterThanOrEqual(2);
    // The same findings again, from the data, for every project under way.
    const thresholds = await thresholdsInForce(db());
    for (const id of running) {
      const facts = await loadFacts(db(), id);
      const found = INDICATORS.flatMap((i) =>
        i.findings(facts, thresholds.get(i.id)!).map((f) => `${i.id}|${f.subject}`),
      );
      const live = open.filter((a) => a.projectId === id).map((a) => `${a.indicatorId}|${a.subject}`);
      expect(live.sort(), id).toEqual(found.sort());
    }
    const buyerOrg = await orgOf('buyer');
    expect(open.some((a) => contractOf(a.projectId).buyerOrgId === buyerOrg)).toBe(true);
  });

  it('leaves the evaluator, the community, the buyer and the provider work waiting', async () => {
    const evaluatorOrg = await orgOf('evaluator');
    const all = [...data.evaluations.values()].flat();
    const toScore = all.filter((e) => e.evaluatorOrgId === evaluatorOrg && e.status === 'commissioned');
    expect(toScore.length).toBeGreaterThanOrEqual(1);
    for (const e of toScore) expect(e.dueOn > TODAY).toBe(true);
    expect(
      data.rectifications.some((r) => r.status === 'submitted' && r.evaluatorOrgId === evaluatorOrg),
    ).toBe(true);

    const [community] = await db()
      .select({ regionId: orgs.regionId })
      .from(orgs)
      .where(eq(orgs.id, await orgOf('community')));
    const pending = [...data.activities.values()]
      .flat()
      .filter((a) => a.communityRegionId === community.regionId && a.status === 'reported');
    expect(pending.length).toBeGreaterThanOrEqual(1);

    const buyerOrg = await orgOf('buyer');
    const requested = [...data.payments.values()]
      .flat()
      .filter((p) => p.status === 'requested' && contractOf(p.projectId).buyerOrgId === buyerOrg);
    expect(requested.length).toBeGreaterThanOrEqual(1);

    const providerOrg = await orgOf('provider');
    const mine = data.contracts.filter((c) => c.providerOrgId === providerOrg && c.buyerOrgId === buyerOrg);
    expect(mine.filter((c) => !data.projects.has(c.id)).length).toBeGreaterThanOrEqual(2);
    expect(mine.some((c) => underWay().some((p) => p.id === c.id))).toBe(true);

    const kinds = async (username: string) =>
      (
        await db()
          .select()
          .from(notifications)
          .where(eq(notifications.userId, await userId(username)))
      ).map((n) => n.kind);
    expect(await kinds('evaluator')).toEqual(
      expect.arrayContaining(['evaluation.commissioned', 'rectification.submitted']),
    );
    expect(await kinds('community')).toContain('activity.recorded');
    expect(await kinds('buyer')).toEqual(expect.arrayContaining(['payment.requested', 'alert.raised']));
  });
});

describe('the red and black lists', () => {
  it('has red entries and one black entry of each kind, one of them expired', async () => {
    const rows = await db().select().from(creditEntries);
    const red = rows.filter((r) => r.list === 'red');
    expect(red.length).toBeGreaterThanOrEqual(3);
    expect(red.some((r) => r.endsOn >= TODAY)).toBe(true);
    const abnormal = rows.filter((r) => r.list === 'black_abnormal');
    const dishonest = rows.filter((r) => r.list === 'black_dishonest');
    expect(abnormal).toHaveLength(1);
    expect(dishonest).toHaveLength(1);
    expect(abnormal[0].endsOn < TODAY).toBe(true);
    expect(dishonest[0].startsOn <= TODAY && TODAY <= dishonest[0].endsOn).toBe(true);
    for (const r of rows) expect(r.reason.length > 10 && r.decidedBy.length > 4).toBe(true);
    // The listed organization was refused when it applied, and won nothing since.
    const refused = await db()
      .select()
      .from(applications)
      .where(eq(applications.providerOrgId, dishonest[0].orgId));
    const after = refused.filter(
      (a) => a.submittedAt && todayInShanghai(a.submittedAt) >= dishonest[0].startsOn,
    );
    expect(after.length).toBeGreaterThan(0);
    for (const a of after) {
      expect(a.status).toBe('ineligible');
      expect(a.eligibility.find((c) => c.rule === 'black_list')?.passed).toBe(false);
    }
  });
});

describe('the seed itself', () => {
  it('writes one audit entry summarizing the counts, and one per alert the indicators raised', async () => {
    const entries = await db().select().from(auditLog);
    const seeded = entries.filter((e) => e.action === 'system.demo_seeded');
    expect(seeded).toHaveLength(1);
    const alertRows = await db().select().from(alerts);
    expect(seeded[0].summary).toMatchObject({
      pipeline: { historyProjects: HISTORY_PROJECTS, alerts: alertRows.length },
    });
    const raised = entries.filter((e) => e.action !== 'system.demo_seeded');
    expect(raised.map((e) => e.action)).toEqual(alertRows.map(() => 'alert.raised'));
    expect(new Set(raised.map((e) => e.targetId))).toEqual(new Set(alertRows.map((a) => a.id)));
  });

  it('is deterministic: the same seed gives the same district, calls, applications and money', async () => {
    // The district (regions, organizations, experts, accounts) of two databases seeded alike.
    const district = async (database: Database) => {
      const hash = createHash('sha256');
      hash.update(
        JSON.stringify(await database.db.select({ code: regions.code, name: regions.name }).from(regions)),
      );
      const orgRows = await database.db
        .select({ name: orgs.name, kind: orgs.kind, code: orgs.creditCode, grade: orgs.grade })
        .from(orgs)
        .orderBy(asc(orgs.name));
      hash.update(JSON.stringify(orgRows));
      const expertRows = await database.db
        .select({ name: experts.name, field: experts.field, phone: experts.phone })
        .from(experts)
        .orderBy(asc(experts.name), asc(experts.phone));
      hash.update(JSON.stringify(expertRows));
      return hash.digest('hex');
    };
    expect(await district(second)).toBe(await district(first));

    // The pipeline planned on each: what seedPipeline writes is exactly the plan (write.ts).
    // Row ids differ between the databases, and with them which experts a draw picks.
    const digest = (plan: PipelinePlan) => {
      const hash = createHash('sha256');
      const byCode = <T extends { code: string }>(rows: T[]) =>
        rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      const callRows = byCode(
        plan.drafts.map(({ row }) => ({
          code: row.code!,
          title: row.title,
          status: row.status,
          cap: row.budgetCapFen,
          opens: row.applicationOpensAt,
          text: row.searchText,
        })),
      );
      for (const r of callRows) hash.update(JSON.stringify(r));
      const appRows = plan.drafts
        .flatMap((d) =>
          d.apps.map((a) => ({
            code: d.row.code!,
            title: a.row.proposal.title,
            fen: a.row.requestedFen,
            status: a.row.status,
          })),
        )
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.title < b.title ? -1 : 1));
      for (const r of appRows) hash.update(JSON.stringify(r));
      const contractRows = byCode(
        plan.contractRows.map((c) => ({ code: c.code!, fen: c.amountFen, milestones: c.milestones })),
      );
      for (const r of contractRows) hash.update(JSON.stringify(r));
      // The timeline without its details (an in-progress draw's seed depends on the expert ids).
      const codeOf = new Map(plan.drafts.map((d) => [d.row.id, d.row.code!]));
      const events = plan
        .timeline()
        .map((e) => ({ code: codeOf.get(e.callId!)!, at: e.at as Date, kind: e.kind, title: e.title }))
        .sort(
          (a, b) =>
            (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
            a.at.getTime() - b.at.getTime() ||
            (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
        );
      for (const r of events) hash.update(JSON.stringify(r));
      for (const rows of [
        plan.panel,
        plan.sheets,
        plan.objectionRows,
        plan.notificationRows,
        plan.planRows,
        plan.creditRows,
      ])
        hash.update(JSON.stringify({ n: rows.length }));
      return { hash: hash.digest('hex'), calls: callRows.length };
    };
    const a = digest(await planPipeline(first.db, seededRandom(2022), { now: NOW }));
    const b = digest(await planPipeline(second.db, seededRandom(2022), { now: NOW }));
    expect(a.calls).toBeGreaterThan(700);
    expect(a.hash).toBe(b.hash);
  });

  it('copes with awkward days: New Year, the Spring Festival, the National Day week, New Year’s Eve', async () => {
    for (const when of [
      '2027-01-01T08:00:00+08:00',
      '2026-02-17T12:00:00+08:00',
      '2026-10-04T20:00:00+08:00',
      '2026-12-31T23:50:00+08:00',
      '2026-05-01T00:10:00+08:00',
    ]) {
      const now = new Date(when);
      const plan = await planPipeline(second.db, seededRandom(7), { now });
      const states = new Set(plan.drafts.map((d) => d.row.status));
      for (const state of CALL_STATES) expect(states.has(state), `${state} on ${when}`).toBe(true);
      const latest = Math.max(...plan.timeline().map((e) => (e.at as Date).getTime()));
      expect(latest, when).toBeLessThanOrEqual(now.getTime());
      const today = todayInShanghai(now);
      const open = plan.publicityRows.filter((p) => p.status === 'open');
      expect(open, when).toHaveLength(1);
      expect(open[0].opensOn <= today && today <= open[0].closesOn, when).toBe(true);
      for (const d of plan.drafts.filter((x) => x.row.status === 'published'))
        expect(d.row.applicationClosesAt.getTime(), when).toBeGreaterThan(now.getTime());
    }
  }, 120_000);
});

describe('seedDemo({ history: false })', () => {
  it('leaves the pipeline empty, for fast API tests', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      await seedDemo(database.db, 2022, { history: false });
      expect(await database.db.select().from(calls)).toHaveLength(0);
      expect((await database.db.select().from(experts)).filter((e) => e.userId)).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
