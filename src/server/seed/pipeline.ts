/**
 * Demo data for the project pipeline: the history the source document reports (600+ projects
 * worth about 82 million yuan from 2017 to 2022, then about 30 a year) and, around today, calls
 * in every state of the lifecycle, so that every page has something real to show.
 *
 * What it builds (see DOMAIN.md "One project's life"):
 * - History, 2017–2022: HISTORY_PROJECTS contracted projects whose contracts add up to
 *   HISTORY_TOTAL_YUAN (2022 alone: about 32 projects and 5.9 million yuan, the platform's first
 *   year), plus a few cancelled and failed calls with their reasons. From 2023 to the current year
 *   about 30 contracted projects a year. One project = one call with one award and one contract.
 * - Each contracted project: a plan line, the call (published → closed → in review → awarded →
 *   in publicity → approved → contracted), 2–5 joint applications (one awarded, the others not
 *   awarded or ineligible with the system's eligibility checks), a completed review session with
 *   a verifiable 5-expert draw, the award, a closed publicity (now and then an objection, answered
 *   and rejected), a signed contract with 40/30/30 milestones that add up exactly, and the public
 *   timeline of every public step with plausible dates.
 * - Score sheets are stored for calls from SHEETS_FROM_YEAR (2022, the platform's launch) on;
 *   earlier sessions keep their panel and draw, and the award keeps its aggregated score, but
 *   the per-expert sheets are left out to keep the first start fast.
 * - Around today: plan lines for this year and next, and calls in every state: draft, published
 *   (one flagged for a window under 7 days), closed, in review (one scoring, one still drawing),
 *   awarded, in publicity (the one OPEN publicity, with an open and an answered objection),
 *   approved (one contract drafted), contracted, cancelled, failed. Dates are relative to the
 *   real current date, so the demo stays fresh.
 * - The demo users have work waiting: `provider` has a draft (waiting for the community's
 *   co-signature) and a submitted application on open calls and a contract to confirm;
 *   `community` has that co-signature to give; `expert` sits on the panel being scored, with
 *   sheets to fill, and is invited to another; `buyer` (民政局) owns the calls in review and
 *   publicity; `station` has a draft call and an approved project to contract.
 * - Red and black lists: a few red entries (one expired) and one black entry of each kind (the
 *   活动异常名录 one expired), with reasons, deciding bodies and dates.
 * - Every expert of the pool gets an account (expert02…expert40, demo password): the draw leaves
 *   out experts without one, since they could neither accept nor score.
 *
 * Deterministic: the same seed gives the same calls, codes, titles, amounts, states, texts and
 * dates (for the same day). Row ids are random UUIDs, so which experts a draw puts on a panel
 * differs between databases: the draw is over the pool sorted by id, as the live draw is.
 */

import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { checkEligibility } from '../../domain/applications.js';
import { defaultMilestones, milestoneAmounts } from '../../domain/contracts.js';
import { drawPanel } from '../../domain/draw.js';
import { type Grade, type ServiceCategory, serviceCategoryLabels } from '../../domain/enums.js';
import { type CallState, DEFAULT_RUBRIC } from '../../domain/lifecycle.js';
import { formatFen } from '../../domain/money.js';
import { aggregateScores, type CriterionScore, sheetTotalCenti } from '../../domain/reviews.js';
import { searchText } from '../../domain/search.js';
import { addDays, addWorkingDays, isWorkingDay } from '../../domain/working-days.js';
import { insertAll } from '../db/bulk.js';
import type { Executor } from '../db/client.js';
import { users } from '../modules/accounts/schema.js';
import { applications, type Partner, type Proposal } from '../modules/applications/schema.js';
import { calls } from '../modules/calls/schema.js';
import { contracts } from '../modules/contracts/schema.js';
import { creditEntries } from '../modules/credit/schema.js';
import { experts } from '../modules/experts/schema.js';
import { notifications } from '../modules/notifications/schema.js';
import { orgs } from '../modules/orgs/schema.js';
import { planLines } from '../modules/plans/schema.js';
import { objections, publicities } from '../modules/publicity/schema.js';
import { regions } from '../modules/regions/schema.js';
import { conflictReason, type DrawApplicant } from '../modules/reviews/draw.js';
import { awards, panelMembers, reviewSessions, scoreSheets } from '../modules/reviews/schema.js';
import { timelineEvents } from '../modules/timeline/schema.js';
import * as names from './guandu.js';
import {
  CANCEL_REASONS,
  CONTENT,
  DECLARED_CONFLICTS,
  FAIL_REASONS,
  OBJECTIONS,
  OPEN_OBJECTION,
  PHASES,
  PLAN_NOTES,
  REVIEW_PLACES,
  SHEET_COMMENTS,
  TEAM_QUALIFICATIONS,
} from './pipeline-content.js';
import { proposalSections } from './proposals/generate.js';
import type { Random } from './random.js';

// ---------- the numbers of the source document ----------

/** Contracted projects per year, 2017–2022 (600余个; 2022: 30余个 through the new platform). */
export const HISTORY_COUNTS: Record<number, number> = {
  2017: 78,
  2018: 104,
  2019: 126,
  2020: 128,
  2021: 140,
  2022: 32,
};
export const HISTORY_PROJECTS = Object.values(HISTORY_COUNTS).reduce((a, b) => a + b, 0);
/** 2022 alone: 590余万元. */
export const HISTORY_2022_YUAN = 5_927_400;
/** 2017–2022: 8200多万元. */
export const HISTORY_TOTAL_YUAN = 82_346_000;
/** From 2023 on, about this many contracted projects a year. */
export const RECENT_PER_YEAR = 30;
/** Score sheets are stored for calls of this year and later. */
export const SHEETS_FROM_YEAR = 2022;

const PANEL_SIZE = 5;
const PUBLICITY_DAYS = 5;
const MIN_OPEN_DAYS = 7;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------- rows ----------

type CallRow = typeof calls.$inferInsert & { id: string; year: number; createdAt: Date };
type ApplicationRow = typeof applications.$inferInsert & { id: string };
type SessionRow = typeof reviewSessions.$inferInsert & { id: string };
type AwardRow = typeof awards.$inferInsert & { id: string };
type PublicityRow = typeof publicities.$inferInsert & { id: string };
type ContractRow = typeof contracts.$inferInsert & { id: string; createdAt: Date };
type TimelineRow = typeof timelineEvents.$inferInsert;

interface Region {
  id: string;
  name: string;
  code: string;
  level: string;
  parentId: string | null;
}
interface Org {
  id: string;
  name: string;
  kind: string;
  regionId: string | null;
  grade: Grade | null;
  registeredOn: string | null;
  categories: string[];
}
interface Expert {
  id: string;
  name: string;
  field: string;
  employerOrgId: string | null;
  employerName: string | null;
  employerOrgName: string | null;
  formerEmployerOrgIds: string[];
  userId: string | null;
}
interface Buyer {
  org: Org;
  /** The street of a street station; null for district departments. */
  street: Region | null;
  kind: 'organization' | 'publicity' | 'civil' | 'station';
}

/** An application while it is being built: the proposal comes last, once the amount is known. */
interface AppDraft {
  row: ApplicationRow;
  provider: Org;
  community: Region;
  committee: Org;
  title: string;
  /** Quality of the proposal, 0–100: drives the experts' scores. */
  quality: number;
}

/** A call while it is being built, with what it needs to finish its timeline once codes exist. */
interface CallDraft {
  row: CallRow;
  buyer: Buyer;
  theme: string;
  streets: Region[];
  areaCommunities: Region[];
  apps: AppDraft[];
  /** Built after codes are assigned (titles and details name the codes). */
  events: (() => TimelineRow)[];
}

export interface PipelineOptions {
  /** "Now", for tests; defaults to the real current time. */
  now?: Date;
}

export interface PipelineSummary {
  calls: number;
  byState: Record<string, number>;
  applications: number;
  reviewSessions: number;
  scoreSheets: number;
  awards: number;
  publicities: number;
  objections: number;
  contracts: number;
  planLines: number;
  timelineEvents: number;
  creditEntries: number;
  expertAccounts: number;
  /** Contracted projects of 2017–2022 and their contract value in fen. */
  historyProjects: number;
  historyFen: number;
}

// ---------- dates (Asia/Shanghai, no daylight saving) ----------

const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * HOUR).toISOString().slice(0, 10);
const at = (date: string, hour: number, minute = 0) =>
  new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`);
const nextWorkingDay = (date: string) => {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
};
function addMonths(date: string, months: number) {
  const [y, m] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}
const firstOfNextMonth = (date: string) => addMonths(date, 1);
const daysBetween = (from: string, to: string) =>
  Math.round((at(to, 0).getTime() - at(from, 0).getTime()) / DAY);
const monthLabel = (date: string) => `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月`;
/** "金色社区" + "社区营造服务" → "金色社区营造服务", not "金色社区社区营造服务". */
const place = (area: string, theme: string) =>
  area.endsWith('社区') && theme.startsWith('社区') ? `${area}${theme.slice(2)}` : `${area}${theme}`;
const CHINESE_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三'];

/** The dates of one project's whole life, computed from its publication date and random gaps. */
interface Gaps {
  created: number;
  window: number;
  reviewStart: number;
  held: number;
  award: number;
  publicityOpen: number;
  contractCreate: number;
  buyerConfirm: number;
  providerConfirm: number;
  months: number;
  minutes: number[];
}
interface Schedule {
  created: Date;
  opens: Date;
  closes: Date;
  reviewStart: Date;
  held: Date;
  completed: Date;
  awarded: Date;
  publicityOpensOn: string;
  publicityClosesOn: string;
  publicityClosedAt: Date;
  contractCreated: Date;
  buyerConfirmed: Date;
  providerConfirmed: Date;
  serviceStart: string;
  serviceEnd: string;
}

function drawGaps(random: Random, window: number, category: ServiceCategory): Gaps {
  return {
    created: random.int(3, 20),
    window,
    reviewStart: random.int(2, 5),
    held: random.int(4, 9),
    award: random.int(1, 3),
    publicityOpen: random.int(1, 3),
    contractCreate: random.int(2, 6),
    buyerConfirm: random.int(1, 3),
    providerConfirm: random.int(0, 3),
    months: category === 'venture_philanthropy' ? random.pick([8, 10]) : random.pick([10, 12, 12, 12]),
    minutes: Array.from({ length: 8 }, () => random.int(0, 59)),
  };
}

function schedule(publishDate: string, g: Gaps): Schedule {
  const m = g.minutes;
  const opens = at(publishDate, 9, m[0]);
  const closesOn = addDays(publishDate, g.window);
  const reviewOn = addDays(closesOn, g.reviewStart);
  const heldOn = addDays(reviewOn, g.held);
  const awardOn = addDays(heldOn, g.award);
  const publicityOpensOn = nextWorkingDay(addDays(awardOn, g.publicityOpen));
  const publicityClosesOn = addWorkingDays(publicityOpensOn, PUBLICITY_DAYS);
  const closedOn = nextWorkingDay(addDays(publicityClosesOn, 1));
  const contractOn = addDays(closedOn, g.contractCreate);
  const buyerOn = addDays(contractOn, g.buyerConfirm);
  const providerOn = addDays(buyerOn, g.providerConfirm);
  const serviceStart = firstOfNextMonth(providerOn);
  return {
    created: at(addDays(publishDate, -g.created), 10, m[1]),
    opens,
    closes: at(closesOn, 17, 30),
    reviewStart: at(reviewOn, 10, m[2]),
    held: at(heldOn, 9, 30),
    completed: at(heldOn, 16, m[3]),
    awarded: at(awardOn, 15, m[4]),
    publicityOpensOn,
    publicityClosesOn,
    publicityClosedAt: at(closedOn, 9, 30 + (m[5] % 30)),
    contractCreated: at(contractOn, 10, m[6]),
    buyerConfirmed: at(buyerOn, 11, m[7]),
    providerConfirmed: at(providerOn, 16, m[0]),
    serviceStart,
    serviceEnd: addDays(addMonths(serviceStart, g.months), -1),
  };
}

// ---------- the generator ----------

class PipelineBuilder {
  readonly now: Date;
  readonly today: string;
  readonly year: number;

  district!: Region;
  streets: Region[] = [];
  communitiesOf = new Map<string, Region[]>();
  committeeOf = new Map<string, Org>();
  regionById = new Map<string, Region>();
  providers: Org[] = [];
  buyers!: { organization: Buyer; publicity: Buyer; civil: Buyer; stations: Buyer[] };
  pool: Expert[] = [];
  demo!: {
    provider: Org;
    community: Region;
    communityOrg: Org;
    expert: Expert;
    userIds: Record<string, string>;
  };
  blackAbnormal!: Org;
  blackDishonest!: Org;
  dishonestSince!: string;

  planRows: (typeof planLines.$inferInsert)[] = [];
  drafts: CallDraft[] = [];
  sessions: SessionRow[] = [];
  panel: (typeof panelMembers.$inferInsert)[] = [];
  sheets: (typeof scoreSheets.$inferInsert)[] = [];
  awardRows: AwardRow[] = [];
  publicityRows: PublicityRow[] = [];
  objectionRows: (typeof objections.$inferInsert)[] = [];
  contractRows: ContractRow[] = [];
  creditRows: (typeof creditEntries.$inferInsert)[] = [];
  notificationRows: (typeof notifications.$inferInsert)[] = [];
  titles = new Set<string>();
  expertAccounts = 0;
  /** The demo user acting for a buyer organization (buyer, station), by org id. */
  buyerUser = new Map<string, string>();

  constructor(
    readonly random: Random,
    now: Date,
  ) {
    this.now = now;
    this.today = shanghaiDate(now);
    this.year = Number(this.today.slice(0, 4));
  }

  // ----- loading the district -----

  async load(db: Executor) {
    const regionRows = await db
      .select({
        id: regions.id,
        name: regions.name,
        code: regions.code,
        level: regions.level,
        parentId: regions.parentId,
      })
      .from(regions)
      .orderBy(asc(regions.code));
    for (const r of regionRows) this.regionById.set(r.id, r);
    this.district = regionRows.find((r) => r.level === 'district')!;
    this.streets = regionRows.filter((r) => r.level === 'street');
    for (const s of this.streets)
      this.communitiesOf.set(
        s.id,
        regionRows.filter((r) => r.parentId === s.id),
      );

    const orgRows: Org[] = (
      await db
        .select({
          id: orgs.id,
          name: orgs.name,
          kind: orgs.kind,
          regionId: orgs.regionId,
          grade: orgs.grade,
          registeredOn: orgs.registeredOn,
          categories: orgs.categories,
        })
        .from(orgs)
        .orderBy(asc(orgs.name))
    ).map((o) => ({ ...o, grade: o.grade as Grade | null }));
    for (const o of orgRows) if (o.kind === 'community' && o.regionId) this.committeeOf.set(o.regionId, o);
    this.providers = orgRows.filter((o) => o.kind === 'provider');
    const byName = (name: string) => orgRows.find((o) => o.name === name)!;
    const [organization, publicity, civil] = names.BUYER_DEPARTMENTS.map(byName);
    this.buyers = {
      organization: { org: organization, street: null, kind: 'organization' },
      publicity: { org: publicity, street: null, kind: 'publicity' },
      civil: { org: civil, street: null, kind: 'civil' },
      stations: this.streets.map((s) => ({
        org: orgRows.find((o) => o.kind === 'station' && o.regionId === s.id)!,
        street: s,
        kind: 'station' as const,
      })),
    };

    const userRows = await db
      .select({
        id: users.id,
        username: users.username,
        orgId: users.orgId,
        passwordHash: users.passwordHash,
      })
      .from(users);
    const userIds = Object.fromEntries(userRows.map((u) => [u.username, u.id]));
    for (const username of ['buyer', 'station']) {
      const u = userRows.find((x) => x.username === username);
      if (u?.orgId) this.buyerUser.set(u.orgId, u.id);
    }
    const providerUser = userRows.find((u) => u.username === 'provider')!;
    const communityUser = userRows.find((u) => u.username === 'community')!;
    const communityOrg = orgRows.find((o) => o.id === communityUser.orgId)!;

    await this.ensureExpertAccounts(db, userRows.find((u) => u.username === 'expert')!.passwordHash);
    this.pool = (
      await db
        .select({
          id: experts.id,
          name: experts.name,
          field: experts.field,
          employerOrgId: experts.employerOrgId,
          employerName: experts.employerName,
          employerOrgName: orgs.name,
          formerEmployerOrgIds: experts.formerEmployerOrgIds,
          userId: experts.userId,
        })
        .from(experts)
        .leftJoin(orgs, eq(orgs.id, experts.employerOrgId))
        .where(eq(experts.active, true))
    ).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const expertUser = userIds.expert;
    this.demo = {
      provider: orgRows.find((o) => o.id === providerUser.orgId)!,
      community: this.regionById.get(communityOrg.regionId!)!,
      communityOrg,
      expert: this.pool.find((e) => e.userId === expertUser)!,
      userIds,
    };

    // The black list: one organization of each kind, never the demo provider.
    const others = this.providers.filter((p) => p.id !== this.demo.provider.id);
    const [abnormal, dishonest] = this.random.sample(others, 2);
    this.blackAbnormal = abnormal;
    this.blackDishonest = dishonest;
    this.dishonestSince = addDays(this.today, -this.random.int(120, 200));
  }

  /**
   * Every expert gets an account, as the draw leaves out those without one. They share the hash
   * of the demo password (hashing 39 passwords would cost seconds at every first start).
   */
  async ensureExpertAccounts(db: Executor, passwordHash: string) {
    const rows = await db
      .select({ id: experts.id, name: experts.name, phone: experts.phone, userId: experts.userId })
      .from(experts)
      .orderBy(asc(experts.name), asc(experts.phone));
    const missing = rows.filter((e) => !e.userId);
    if (missing.length === 0) return;
    const accounts = missing.map((e, i) => ({
      id: randomUUID(),
      username: `expert${String(i + 2).padStart(2, '0')}`,
      displayName: e.name,
      roles: ['expert'],
      passwordHash,
      phone: e.phone,
    }));
    await db.insert(users).values(accounts);
    const cases = sql.join(
      missing.map((e, i) => sql`when ${e.id}::uuid then ${accounts[i].id}::uuid`),
      sql` `,
    );
    await db.execute(
      sql`update experts set user_id = case id ${cases} end where id in (${sql.join(
        missing.map((e) => sql`${e.id}::uuid`),
        sql`, `,
      )})`,
    );
    this.expertAccounts = accounts.length;
  }

  // ----- small helpers -----

  chance(p: number) {
    return this.random.next() < p;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.random.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return items[items.length - 1][0];
  }

  personName() {
    const r = this.random;
    return (
      r.pick([...names.SURNAMES]) +
      r.pick([...names.GIVEN_CHARS]) +
      (r.next() < 0.6 ? r.pick([...names.GIVEN_CHARS]) : '')
    );
  }

  uniqueTitle(candidates: string[]) {
    for (const t of candidates) {
      if (!this.titles.has(t)) {
        this.titles.add(t);
        return t;
      }
    }
    const base = candidates[candidates.length - 1].replace(/项目$/, '');
    for (let n = 2; ; n++) {
      const t = `${base}项目（第${CHINESE_ORDINALS[n - 1] ?? n}批）`;
      if (!this.titles.has(t)) {
        this.titles.add(t);
        return t;
      }
    }
  }

  /** A district department or street station for a project of year `year`. */
  pickBuyer(year: number): Buyer {
    const { organization, publicity, civil, stations } = this.buyers;
    // Street stations (社工站) came in 2021; civilization-practice centres from 2018.
    const weights: [Buyer | 'station', number][] =
      year >= 2021
        ? [
            [civil, 40],
            ['station', 34],
            [organization, 13],
            [publicity, 13],
          ]
        : [
            [civil, 70],
            [organization, 15],
            [publicity, year >= 2018 ? 15 : 0],
          ];
    const choice = this.weighted(weights);
    return choice === 'station' ? this.random.pick(stations) : choice;
  }

  pickCategory(buyer: Buyer): ServiceCategory {
    if (buyer.kind === 'organization') return 'party_building';
    if (buyer.kind === 'publicity') return 'civilization';
    if (buyer.kind === 'civil')
      return this.weighted<ServiceCategory>([
        ['elderly', 22],
        ['children', 18],
        ['community_building', 20],
        ['venture_philanthropy', 12],
        ['assistance', 10],
        ['disability', 10],
        ['youth', 8],
      ]);
    return this.weighted<ServiceCategory>([
      ['elderly', 30],
      ['children', 25],
      ['community_building', 20],
      ['assistance', 10],
      ['disability', 8],
      ['youth', 7],
    ]);
  }

  /** A typical award in yuan for a category, skewed towards the low end, in whole hundreds. */
  typicalYuan(category: ServiceCategory) {
    const [min, max] = CONTENT[category].yuan;
    return Math.round((min + (max - min) * this.random.next() ** 1.6) / 100) * 100;
  }

  // ----- calls -----

  /**
   * A call with its service area, title, texts and dates. `capYuan` is the budget cap.
   * `include` forces a community into the service area.
   */
  newCall(spec: {
    buyer: Buyer;
    category: ServiceCategory;
    status: CallState;
    sched: Schedule;
    published: boolean;
    capYuan: number;
    include?: Region;
    statusReason?: string | null;
    shortWindowFlag?: string | null;
    /** No grade or registration-age requirement. */
    openRules?: boolean;
  }): CallDraft {
    const r = this.random;
    const { buyer, category, sched } = spec;
    const content = CONTENT[category];
    const year = Number(sched.serviceStart.slice(0, 4));

    // Service area: communities of a station's street, or streets / communities of the district.
    let areaIds: string[];
    let areaCommunities: Region[];
    let streets: Region[];
    if (buyer.street) {
      const all = this.communitiesOf.get(buyer.street.id)!;
      if (!spec.include && r.next() < 0.35) {
        areaIds = [buyer.street.id];
        areaCommunities = all;
      } else {
        areaCommunities = r.sample(all, r.int(1, 3));
        if (spec.include && !areaCommunities.some((c) => c.id === spec.include!.id))
          areaCommunities = [spec.include, ...areaCommunities.slice(0, 2)];
        areaIds = areaCommunities.map((c) => c.id);
      }
      streets = [buyer.street];
    } else if (!spec.include && r.next() < 0.5) {
      streets = r.sample(this.streets, r.int(1, 3)).sort((a, b) => a.code.localeCompare(b.code));
      areaIds = streets.map((s) => s.id);
      areaCommunities = streets.flatMap((s) => this.communitiesOf.get(s.id)!);
    } else {
      const chosen = r.sample(this.streets, r.int(1, 2));
      areaCommunities = chosen.flatMap((s) => r.sample(this.communitiesOf.get(s.id)!, r.int(1, 3)));
      if (spec.include && !areaCommunities.some((c) => c.id === spec.include!.id))
        areaCommunities = [spec.include, ...areaCommunities];
      areaIds = areaCommunities.map((c) => c.id);
      const streetIds = new Set(areaCommunities.map((c) => c.parentId!));
      streets = this.streets.filter((s) => streetIds.has(s.id));
    }

    const theme = r.pick(content.themes);
    const title = this.callTitle(buyer, category, theme, year, streets, areaCommunities, areaIds);
    const targetGroups = r.sample(content.targets, Math.min(content.targets.length, r.int(1, 3)));
    const capFen = spec.capYuan * 100;
    const minGrade = r.next() < 0.15 && !spec.openRules ? ('3A' as const) : null;
    const minYearsRegistered = r.next() < 0.2 && !spec.openRules ? 2 : null;
    // Only tags the sanitizer keeps, no attributes, no characters it would escape: the HTML is
    // what calls/service.ts would store, and its text is the tags stripped (pipeline.test.ts checks both).
    const descriptionHtml = this.description(
      buyer,
      category,
      theme,
      targetGroups,
      streets,
      areaCommunities,
      areaIds,
      {
        capFen,
        start: sched.serviceStart,
        end: sched.serviceEnd,
        minGrade,
        minYearsRegistered,
      },
    );
    const streetNames = streets.map((s) => s.name);
    const row: CallRow = {
      id: randomUUID(),
      code: '',
      buyerOrgId: buyer.org.id,
      regionId: buyer.street?.id ?? (streets.length === 1 ? streets[0].id : this.district.id),
      year,
      title,
      category,
      serviceAreaIds: areaIds,
      streetIds: streets.map((s) => s.id),
      targetGroups,
      budgetCapFen: capFen,
      totalBudgetFen: capFen,
      servicePeriodStart: sched.serviceStart,
      servicePeriodEnd: sched.serviceEnd,
      applicationOpensAt: sched.opens,
      applicationClosesAt: sched.closes,
      reviewMethod: 'roadshow',
      aggregation: 'trimmed_mean',
      rubric: [...DEFAULT_RUBRIC],
      eligibility: { minGrade, minYearsRegistered },
      descriptionHtml,
      status: spec.status,
      shortWindowFlag: spec.shortWindowFlag ?? null,
      statusReason: spec.statusReason ?? null,
      publishedAt: spec.published ? sched.opens : null,
      searchText: searchText(
        title,
        descriptionHtml.replace(/<[^>]+>/g, ''),
        serviceCategoryLabels[category],
        targetGroups.join(' '),
        buyer.org.name,
        streetNames.join(' '),
      ),
      createdAt: sched.created,
      updatedAt: sched.created,
    };
    const draft: CallDraft = { row, buyer, theme, streets, areaCommunities, apps: [], events: [] };
    this.drafts.push(draft);
    return draft;
  }

  callTitle(
    buyer: Buyer,
    category: ServiceCategory,
    theme: string,
    year: number,
    streets: Region[],
    communities: Region[],
    areaIds: string[],
  ) {
    const short = (s: Region) => s.name.replace(/街道$/, '');
    const oneCommunity = areaIds.length === 1 && communities.length === 1 ? communities[0].name : '';
    if (category === 'venture_philanthropy') {
      const edition = CHINESE_ORDINALS[year - 2017] ?? String(year - 2016);
      const track = this.random.pick([
        '为老服务类',
        '儿童青少年类',
        '社区营造类',
        '助残济困类',
        '社区治理类',
      ]);
      return this.uniqueTitle([
        `${year}年官渡区第${edition}届社区公益创投大赛${track}资助项目`,
        `${year}年官渡区第${edition}届社区公益创投大赛${streets[0] ? short(streets[0]) : ''}${track}项目`,
      ]);
    }
    if (buyer.street) {
      return this.uniqueTitle([
        `${year}年${buyer.street.name}${place(oneCommunity, theme)}项目`,
        `${year}年${buyer.street.name}${place(communities[0]?.name ?? '', theme)}项目`,
        `${year}年${buyer.street.name}社工站${theme}项目`,
      ]);
    }
    const streetLabel = streets.length === 1 ? streets[0].name : `${streets.map(short).join('、')}街道`;
    return this.uniqueTitle([
      streets.length <= 2 && this.random.next() < 0.6
        ? `${year}年官渡区${streetLabel}${place(oneCommunity, theme)}项目`
        : `${year}年官渡区${theme}项目`,
      `${year}年官渡区${streetLabel}${theme}项目`,
      `${year}年官渡区${streetLabel}${place(communities[0]?.name ?? '', theme)}项目`,
    ]);
  }

  description(
    buyer: Buyer,
    category: ServiceCategory,
    theme: string,
    targets: string[],
    streets: Region[],
    communities: Region[],
    areaIds: string[],
    terms: {
      capFen: number;
      start: string;
      end: string;
      minGrade: string | null;
      minYearsRegistered: number | null;
    },
  ) {
    const content = CONTENT[category];
    const opening = {
      civil: '为贯彻落实民政部、财政部关于政府购买社会工作服务的指导意见，推进社会工作服务专业化、规范化，',
      organization: '为深入推进党建引领基层治理，推动党组织服务群众常态化、精准化，',
      publicity: '为推进新时代文明实践中心建设，打通宣传群众、教育群众、关心群众、服务群众的“最后一公里”，',
      station: '为发挥街道社工站“一中心多站点”的作用，回应辖区居民的服务需求，',
    }[buyer.kind];
    const area =
      areaIds.length === streets.length && areaIds.every((id) => streets.some((s) => s.id === id))
        ? streets.map((s) => s.name).join('、')
        : communities.map((c) => c.name).join('、');
    const items = this.random
      .sample(content.activities, 3)
      .map((a) => `<li>${a}；</li>`)
      .join('');
    const extra = [
      terms.minGrade ? `<li>社会组织评估等级须达到${terms.minGrade}及以上；</li>` : '',
      terms.minYearsRegistered ? `<li>申报单位须登记成立满${terms.minYearsRegistered}年；</li>` : '',
    ].join('');
    return [
      `<h3>一、项目背景</h3><p>${opening}${buyer.org.name}拟通过政府购买服务方式，面向社会组织公开征集${theme}项目。</p>`,
      `<h3>二、服务对象与区域</h3><p>服务对象：${targets.join('、')}。服务区域：${area}。</p>`,
      `<h3>三、服务内容</h3><ul>${items}</ul>`,
      '<h3>四、申报要求</h3><ol><li>在昆明市登记注册的社会组织，未被列入活动异常名录或严重违法失信名单；</li>',
      `<li>采取“1+1+1+N”联合申报：社区+社会组织+项目社工+社区参与力量；</li>${extra}</ol>`,
      `<h3>五、资金与服务期</h3><p>单个项目资助上限${formatFen(terms.capFen)}，服务期自${terms.start}至${terms.end}。路演评审，结果公示5个工作日。</p>`,
    ].join('');
  }

  // ----- applications -----

  /** Providers that may apply to a call published on `date` (registered, not black-listed). */
  applicantsFor(date: string, callYear: number) {
    const registeredBy = addDays(date, -180);
    const dishonest = date >= addDays(this.dishonestSince, -60);
    return this.providers.filter((p) => {
      if (p.registeredOn && p.registeredOn > registeredBy) return false;
      if (p.id === this.blackAbnormal.id && callYear >= 2021 && callYear <= 2024) return false;
      if (p.id === this.blackDishonest.id && dishonest) return false;
      return true;
    });
  }

  /**
   * Adds `count` applications from distinct providers, each in a community of the service area,
   * preferring providers working in the call's category. `first` providers come first.
   */
  addApplications(call: CallDraft, count: number, first: Org[] = [], communityOf?: Map<string, Region>) {
    const r = this.random;
    const date = shanghaiDate(call.row.applicationOpensAt);
    const pool = this.applicantsFor(date, call.row.year).filter((p) => !first.some((f) => f.id === p.id));
    const matching = pool.filter((p) => p.categories.includes(call.row.category));
    const chosen = [...first];
    while (chosen.length < count) {
      const source = matching.length && r.next() < 0.6 ? matching : pool;
      const p = r.pick(source);
      if (!chosen.some((c) => c.id === p.id)) chosen.push(p);
    }
    const content = CONTENT[call.row.category as ServiceCategory];
    const brands = r.sample(content.brands, content.brands.length);
    return chosen.map((provider, i) => {
      const community = communityOf?.get(provider.id) ?? r.pick(call.areaCommunities);
      const committee = this.committeeOf.get(community.id)!;
      const brand = brands[i % brands.length];
      const theme = call.theme.replace(/项目$/, '');
      const title =
        r.next() < 0.5
          ? `“${brand}”——${place(community.name, theme)}项目`
          : `${community.name}“${brand}”${theme}项目`;
      const partners: Partner[] = r
        .sample(content.partners, r.int(1, Math.min(2, content.partners.length)))
        .map(([name, kind]) => ({
          name: `${community.name.replace(/(社区|村)$/, '')}${name}`,
          kind,
          headcount: kind === 'volunteer_team' ? r.int(12, 60) : r.int(8, 30),
        }));
      const app: AppDraft = {
        row: {
          id: randomUUID(),
          callId: call.row.id,
          providerOrgId: provider.id,
          communityRegionId: community.id,
          communityOrgId: committee.id,
          socialWorkerName: this.personName(),
          socialWorkerCertificate: `S${r.int(2012, 2021)}5301${String(r.int(0, 999_999)).padStart(6, '0')}`,
          partners,
          proposal: undefined as unknown as Proposal,
          requestedFen: 0,
          status: 'draft',
        },
        provider,
        community,
        committee,
        title,
        quality: r.int(64, 90),
      };
      call.apps.push(app);
      return app;
    });
  }

  /** The proposal of an application, once its requested amount is known; the budget adds up exactly. */
  proposal(call: CallDraft, app: AppDraft, requestedFen: number): Proposal {
    const r = this.random;
    const content = CONTENT[call.row.category as ServiceCategory];
    const activities = r
      .sample(content.activities, r.int(3, Math.min(5, content.activities.length)))
      .map((a, i) => `${i + 1}. ${a}`)
      .join('；');
    const target = (
      [name, unit, min, max]: readonly [string, string, number, number],
      kind: 'output' | 'outcome',
    ) => {
      let value = r.int(min, max);
      if (value > 100) value = Math.round(value / 10) * 10;
      return { kind, name, target: value, unit };
    };
    const indicators = [
      ...r
        .sample(content.outputs, r.int(2, Math.min(3, content.outputs.length)))
        .map((s) => target(s, 'output')),
      ...r.sample(content.outcomes, r.int(1, content.outcomes.length)).map((s) => target(s, 'outcome')),
    ];
    const shares: [string, string, number][] = [
      ['personnel', '项目社工及督导人员经费', r.int(4200, 5200)],
      ['activities', '服务活动开展费用', r.int(2000, 2800)],
      ['materials', '活动物资及宣传品', r.int(500, 900)],
      ['training', '志愿者培训及专业督导', r.int(300, 600)],
      ['management', '项目管理费用', r.int(300, 700)],
    ];
    const budget = shares.map(([category, item, bp]) => ({
      category,
      item,
      amountFen: Math.floor((requestedFen * bp) / 10_000 / 100) * 100,
    }));
    budget.push({
      category: 'travel',
      item: '交通及通讯费用',
      amountFen: requestedFen - budget.reduce((s, b) => s + b.amountFen, 0),
    });
    const start = call.row.servicePeriodStart as string;
    const end = call.row.servicePeriodEnd as string;
    const span = daysBetween(start, end);
    const cut1 = addDays(start, Math.round(span * 0.2));
    const cut2 = addDays(start, Math.round(span * 0.8));
    // Free text from the duplicate benchmark's generator: varied enough that unrelated demo
    // applications do not flag each other, while the list of activities keeps the category's wording.
    const street = this.regionById.get(app.community.parentId ?? '')?.name ?? '关上街道';
    const text = proposalSections(r.int(1, 2 ** 30), call.row.category as string, {
      district: '官渡区',
      street,
      community: app.community.name,
    });
    return {
      title: app.title,
      needAssessment: `${content.need(app.community.name, r)}${text.need}`,
      objectives: text.objectives,
      activities: `${text.activities}\n${activities}。`,
      indicators,
      budget,
      timeline: [
        { period: `${monthLabel(start)}—${monthLabel(cut1)}`, work: PHASES[0] },
        { period: `${monthLabel(cut1)}—${monthLabel(cut2)}`, work: PHASES[1] },
        { period: `${monthLabel(cut2)}—${monthLabel(end)}`, work: PHASES[2] },
      ],
      team: [
        {
          name: app.row.socialWorkerName!,
          role: '项目主管',
          qualification: r.pick(TEAM_QUALIFICATIONS.slice(0, 2)),
        },
        { name: this.personName(), role: '项目社工', qualification: r.pick(TEAM_QUALIFICATIONS) },
        ...(r.next() < 0.6
          ? [{ name: this.personName(), role: '专业督导', qualification: '高级社会工作师' }]
          : []),
      ],
    };
  }

  /** Fills in what a submitted application holds: amount, proposal, co-signature, eligibility. */
  submit(call: CallDraft, app: AppDraft, requestedFen: number, submittedAt: Date) {
    const cap = call.row.budgetCapFen;
    const rules = call.row.eligibility!;
    const blacklisted =
      app.provider.id === this.blackDishonest.id && shanghaiDate(submittedAt) >= this.dishonestSince
        ? { list: 'black_dishonest', reason: this.dishonestReason() }
        : null;
    const checks = checkEligibility({
      today: shanghaiDate(submittedAt),
      org: {
        creditCodeValid: true,
        active: true,
        grade: app.provider.grade,
        registeredOn: app.provider.registeredOn,
      },
      blacklisted,
      call: { budgetCapFen: cap, minGrade: rules.minGrade, minYearsRegistered: rules.minYearsRegistered },
      requestedFen,
      insideServiceArea: true,
    });
    const opened = call.row.applicationOpensAt.getTime() + 30 * 60_000;
    const createdAt = Math.max(opened, submittedAt.getTime() - this.random.int(3, 10) * DAY);
    app.row.requestedFen = requestedFen;
    app.row.proposal = this.proposal(call, app, requestedFen);
    app.row.createdAt = new Date(Math.min(createdAt, submittedAt.getTime() - 2 * HOUR));
    app.row.cosignedAt = new Date(
      Math.max(app.row.createdAt.getTime() + HOUR, submittedAt.getTime() - this.random.int(2, 72) * HOUR),
    );
    app.row.cosignedBy = app.committee.id === this.demo.communityOrg.id ? this.demo.userIds.community : null;
    app.row.submittedAt = submittedAt;
    app.row.eligibility = checks;
    app.row.status = checks.every((c) => c.passed) ? 'eligible' : 'ineligible';
    app.row.updatedAt = submittedAt;
  }

  /** An application still being written: complete unless `partial`, not co-signed unless `cosignedBy`. */
  draftApplication(call: CallDraft, app: AppDraft, requestedFen: number, createdAt: Date) {
    app.row.requestedFen = requestedFen;
    app.row.proposal = this.proposal(call, app, requestedFen);
    app.row.status = 'draft';
    app.row.createdAt = createdAt;
    app.row.updatedAt = new Date(createdAt.getTime() + this.random.int(1, 30) * HOUR);
  }

  /**
   * Submits the applications of a call between its opening and `until`: the first gets
   * `firstFen`, the others a share of the cap, and one in `overCap` asks for more than the cap.
   */
  submitAll(call: CallDraft, apps: AppDraft[], sched: Pick<Schedule, 'opens' | 'closes'>, until?: Date) {
    const r = this.random;
    const cap = call.row.budgetCapFen;
    const from = sched.opens.getTime() + DAY;
    const to = Math.min(sched.closes.getTime() - HOUR, (until ?? sched.closes).getTime() - HOUR);
    for (const app of apps) {
      const overCap = r.next() < 0.1;
      const requested = overCap
        ? cap + r.int(20, 300) * 10_000
        : Math.round((cap * r.int(75, 100)) / 100 / 10_000) * 10_000;
      const when = new Date(from + Math.floor(r.next() * Math.max(HOUR, to - from)));
      this.submit(call, app, requested, when);
    }
  }

  dishonestReason() {
    return `在${this.year - 1}年度承接的社区服务项目中虚报服务人次、伪造活动签到记录，套取项目资金，经区民政局会同区财政局核查属实`;
  }

  // ----- review -----

  /**
   * The review session of a call: a verifiable draw over the pool, the panel's answers and (for
   * completed sessions) every accepted expert's sheet for every eligible application.
   * Returns the accepted experts and the aggregated ranking.
   */
  review(
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
    const r = this.random;
    const eligible = call.apps.filter((a) => a.row.status === 'eligible');
    const applicants: DrawApplicant[] = eligible.map((a) => ({
      providerOrgId: a.provider.id,
      providerOrgName: a.provider.name,
      communityOrgId: a.committee.id,
      communityOrgName: a.committee.name,
      partners: a.row.partners as Partner[],
    }));
    const reasons = new Map(this.pool.map((e) => [e.id, conflictReason(e, applicants)]));
    const inField = this.pool.filter((e) => e.field === call.row.category);
    const wide = inField.filter((e) => !reasons.get(e.id)).length < PANEL_SIZE;
    const candidates = (wide ? this.pool : inField).map((e) => e.id);
    const exclusions = candidates.flatMap((id) => {
      const reason = reasons.get(id);
      return reason ? [{ expertId: id, reason }] : [];
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
    this.sessions.push(session);

    // The panel: the first five of the draw order; a declared conflict is replaced by the sixth.
    const declines = opts.status !== 'completed' || (r.next() < 0.08 && order.length > PANEL_SIZE) ? 1 : 0;
    const declinedAt = opts.withExpert
      ? r.pick([0, 1, 2, 3, 4].filter((i) => order[i] !== opts.withExpert!.id))
      : r.int(0, PANEL_SIZE - 1);
    const latest = Math.min(this.now.getTime() - 10 * 60_000, sched.held.getTime() - HOUR);
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
    this.panel.push(...seats);
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
          this.sheets.push(this.sheet(session, t.expertId, row.applicationId, t.scores, t.totalCenti, sched));
    }
    const aggregated = aggregateScores(
      rows.map((row) => ({
        applicationId: row.applicationId,
        totals: row.totals.map(({ expertId, totalCenti }) => ({ expertId, totalCenti })),
      })),
    );
    return { session, seats, accepted, rows, aggregated };
  }

  sheet(
    session: SessionRow,
    expertId: string,
    applicationId: string,
    scores: CriterionScore[],
    totalCenti: number,
    sched: Pick<Schedule, 'held' | 'completed'>,
    submitted = true,
  ): typeof scoreSheets.$inferInsert {
    const r = this.random;
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

  // ----- award, publicity, contract -----

  /** Awards the top-ranked application `amountFen`, which becomes its requested amount. */
  award(call: CallDraft, review: ReturnType<PipelineBuilder['review']>, sched: Schedule, amountFen: number) {
    const ranking = review.aggregated.rankings.trimmed_mean;
    const winnerId = ranking[0];
    const winner = call.apps.find((a) => a.row.id === winnerId)!;
    const scored = review.aggregated.applications.find((a) => a.applicationId === winnerId)!;
    if (winner.row.requestedFen !== amountFen) {
      winner.row.requestedFen = amountFen;
      winner.row.proposal = this.proposal(call, winner, amountFen);
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
    this.awardRows.push(award);
    return { award, winner, facts: { scoreCenti: award.scoreCenti, rank: award.rank } };
  }

  awardFacts(award: AwardRow, winner: AppDraft) {
    return {
      awardId: award.id,
      projectTitle: winner.title,
      providerName: winner.provider.name,
      amountFen: award.amountFen,
      scoreCenti: award.scoreCenti,
      rank: award.rank,
    };
  }

  publicity(
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
      createdAt: new Date(at(sched.publicityOpensOn, 9).getTime() - 5 * 60_000),
      updatedAt: open ? at(sched.publicityOpensOn, 9) : sched.publicityClosedAt,
    };
    this.publicityRows.push(pub);
    award.publicityId = pub.id;
    award.status = open ? 'in_publicity' : 'approved';
    award.updatedAt = open ? at(sched.publicityOpensOn, 9) : sched.publicityClosedAt;
    const facts = this.awardFacts(award, winner);
    call.events.push(() => ({
      callId: call.row.id,
      at: at(sched.publicityOpensOn, 9),
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
  objection(
    call: CallDraft,
    pub: PublicityRow,
    award: AwardRow,
    filedAt: Date,
    answeredAt: Date | null,
    text?: { reason: string; answer: string },
  ) {
    const r = this.random;
    const chosen = text ?? r.pick(OBJECTIONS);
    const id = randomUUID();
    const surname = r.pick([...names.SURNAMES]);
    this.objectionRows.push({
      id,
      publicityId: pub.id,
      awardId: award.id,
      objectorName: r.next() < 0.5 ? `${surname}先生` : `${surname}女士`,
      objectorContact: `1380000${String(r.int(0, 9999)).padStart(4, '0')}`,
      reason: answeredAt ? chosen.reason : OPEN_OBJECTION,
      status: answeredAt ? 'rejected' : 'open',
      answer: answeredAt ? chosen.answer : null,
      answeredAt,
      answeredBy: answeredAt ? (this.buyerUser.get(call.buyer.org.id) ?? null) : null,
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

  contract(call: CallDraft, sched: Schedule, award: AwardRow, winner: AppDraft, signed: boolean) {
    const amountFen = award.amountFen;
    const row: ContractRow = {
      id: randomUUID(),
      code: '',
      awardId: award.id,
      callId: call.row.id,
      buyerOrgId: call.buyer.org.id,
      providerOrgId: winner.provider.id,
      amountFen,
      periodStart: call.row.servicePeriodStart as string,
      periodEnd: call.row.servicePeriodEnd as string,
      indicators: (winner.row.proposal as Proposal).indicators,
      milestones: milestoneAmounts(amountFen, defaultMilestones()),
      buyerConfirmedAt: sched.buyerConfirmed,
      providerConfirmedAt: signed ? sched.providerConfirmed : null,
      status: signed ? 'signed' : 'draft',
      signedAt: signed ? sched.providerConfirmed : null,
      version: signed ? 3 : 2,
      createdAt: sched.contractCreated,
      updatedAt: signed ? sched.providerConfirmed : sched.buyerConfirmed,
    };
    this.contractRows.push(row);
    if (signed) {
      call.events.push(() => ({
        callId: call.row.id,
        at: sched.providerConfirmed,
        kind: 'contract.signed',
        title: `合同签订：${winner.title}`,
        detail: {
          contractId: row.id,
          contractCode: row.code,
          projectTitle: winner.title,
          buyerName: call.buyer.org.name,
          providerName: winner.provider.name,
          amountFen,
          periodStart: row.periodStart,
          periodEnd: row.periodEnd,
          milestones: row.milestones.map((m) => ({
            label: m.label,
            shareBp: m.shareBp,
            amountFen: m.amountFen,
          })),
        },
      }));
      call.events.push(() => ({
        callId: call.row.id,
        at: new Date(sched.providerConfirmed.getTime() + 1000),
        kind: 'call.contract',
        title: '合同全部签订（1份）',
        detail: { contracts: 1 },
      }));
    }
    return row;
  }

  // ----- timeline of the early steps -----

  published(call: CallDraft) {
    call.events.push(() => ({
      callId: call.row.id,
      at: call.row.publishedAt!,
      kind: 'call.publish',
      title: `发布项目征集（${call.row.code}）`,
      detail: { code: call.row.code, applicationClosesAt: call.row.applicationClosesAt.toISOString() },
    }));
  }

  closed(call: CallDraft) {
    call.events.push(() => ({
      callId: call.row.id,
      at: call.row.applicationClosesAt,
      kind: 'call.close',
      title: '申报截止',
      detail: {},
    }));
  }

  reviewStarted(call: CallDraft, session: SessionRow) {
    call.events.push(() => ({
      callId: call.row.id,
      at: session.createdAt!,
      kind: 'call.startReview',
      title: `开始评审：随机抽取${PANEL_SIZE}名评审专家`,
      detail: { panelSize: PANEL_SIZE, drawSeed: session.drawSeed },
    }));
  }

  reviewCompleted(call: CallDraft, sched: Schedule, applicationsScored: number) {
    call.events.push(() => ({
      callId: call.row.id,
      at: sched.completed,
      kind: 'review.completed',
      title: '路演评审评分完成',
      detail: { panelSize: PANEL_SIZE, applications: applicationsScored },
    }));
  }

  awarded(call: CallDraft, sched: Schedule, award: AwardRow, winner: AppDraft) {
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

  ended(call: CallDraft, kind: 'call.cancel' | 'call.fail', atTime: Date, reason: string) {
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

  // ----- whole projects -----

  /** A project that went all the way to a signed contract. */
  contracted(spec: {
    year?: number;
    buyer: Buyer;
    category: ServiceCategory;
    publishDate: string;
    amountYuan: number;
  }) {
    const r = this.random;
    const { category } = spec;
    const shortWindow = r.next() < 0.02;
    const window = shortWindow ? r.int(4, 6) : r.int(10, 25);
    const gaps = drawGaps(r, window, category);
    let sched = schedule(spec.publishDate, gaps);
    // Long holidays can stretch a late project past today: it starts a week earlier then.
    for (let d = spec.publishDate; sched.providerConfirmed.getTime() > this.now.getTime() - DAY; ) {
      d = addDays(d, -7);
      sched = schedule(d, gaps);
    }
    const capYuan = Math.ceil((spec.amountYuan * (1 + r.int(0, 20) / 100)) / 10_000) * 10_000;
    const call = this.newCall({
      buyer: spec.buyer,
      category,
      status: 'contracted',
      sched,
      published: true,
      capYuan,
      shortWindowFlag: shortWindow ? this.shortFlag(sched.opens, sched.closes) : null,
    });
    call.row.updatedAt = sched.providerConfirmed;
    // Before the platform (2022) fewer organizations competed for each call.
    const count =
      call.row.year < 2022
        ? this.weighted([
            [2, 45],
            [3, 40],
            [4, 15],
          ])
        : this.weighted([
            [2, 25],
            [3, 35],
            [4, 25],
            [5, 15],
          ]);
    const first =
      r.next() < 0.07 && this.applicantsFor(spec.publishDate, call.row.year).includes(this.demo.provider)
        ? [this.demo.provider]
        : [];
    const apps = this.addApplications(call, count, first);
    this.submitAll(call, apps, sched);
    // At least one eligible application: the first one is made to pass.
    if (!apps.some((a) => a.row.status === 'eligible')) this.makeEligible(call, apps[0]);
    this.finishReviewedProject(call, sched, spec.amountYuan * 100, {
      signed: true,
      objection: r.next() < 0.05,
    });
    return call;
  }

  /**
   * Makes a submitted application pass: within the cap, and from a provider meeting the call's
   * rules (another provider takes its place when it does not).
   */
  makeEligible(call: CallDraft, app: AppDraft) {
    const submittedAt = app.row.submittedAt as Date;
    const requested = Math.min(app.row.requestedFen ?? 0, call.row.budgetCapFen) || call.row.budgetCapFen;
    const passes = (p: Org) => {
      const rules = call.row.eligibility!;
      return checkEligibility({
        today: shanghaiDate(submittedAt),
        org: { creditCodeValid: true, active: true, grade: p.grade, registeredOn: p.registeredOn },
        blacklisted: null,
        call: {
          budgetCapFen: call.row.budgetCapFen,
          minGrade: rules.minGrade,
          minYearsRegistered: rules.minYearsRegistered,
        },
        requestedFen: requested,
        insideServiceArea: true,
      }).every((c) => c.passed);
    };
    if (!passes(app.provider) || app.provider.id === this.blackDishonest.id) {
      const used = new Set(call.apps.map((a) => a.provider.id));
      const other = this.applicantsFor(shanghaiDate(call.row.applicationOpensAt), call.row.year).find(
        (p) => !used.has(p.id) && passes(p),
      );
      if (other) {
        app.provider = other;
        app.row.providerOrgId = other.id;
      } else {
        call.row.eligibility = { minGrade: null, minYearsRegistered: null };
      }
    }
    this.submit(call, app, requested, submittedAt);
  }

  /** From closing to the stage the call stops at: review, award, publicity, contract. */
  finishReviewedProject(
    call: CallDraft,
    sched: Schedule,
    amountFen: number,
    opts: { signed?: boolean; draftContract?: boolean; noContract?: boolean; objection?: boolean },
  ) {
    this.published(call);
    this.closed(call);
    const review = this.review(call, sched, {
      status: 'completed',
      keepSheets: call.row.year >= SHEETS_FROM_YEAR,
    });
    this.reviewStarted(call, review.session);
    this.reviewCompleted(call, sched, review.rows.length);
    const { award, winner } = this.award(call, review, sched, amountFen);
    this.awarded(call, sched, award, winner);
    const pub = this.publicity(call, sched, award, winner, false);
    if (opts.objection) {
      const filed = at(addDays(sched.publicityOpensOn, 1), this.random.int(9, 20), this.random.int(0, 59));
      const answered = at(nextWorkingDay(addDays(shanghaiDate(filed), 1)), 16, this.random.int(0, 59));
      this.objection(call, pub, award, filed, answered);
    }
    if (!opts.noContract) this.contract(call, sched, award, winner, opts.signed ?? false);
    return { review, award, winner, pub };
  }

  shortFlag(opens: Date, closes: Date) {
    const days = (closes.getTime() - opens.getTime()) / DAY;
    return `征集期仅${Math.floor(days * 10) / 10}天，少于${MIN_OPEN_DAYS}天`;
  }

  /** A call cancelled while published, or failed after closing or after review. */
  endedCall(spec: {
    buyer: Buyer;
    category: ServiceCategory;
    publishDate: string;
    how: 'cancel' | 'fail_closed' | 'fail_review';
  }) {
    const r = this.random;
    const sched = schedule(spec.publishDate, drawGaps(r, r.int(10, 20), spec.category));
    const status = spec.how === 'cancel' ? 'cancelled' : 'failed';
    const call = this.newCall({
      buyer: spec.buyer,
      category: spec.category,
      status,
      sched,
      published: true,
      capYuan: Math.ceil(this.typicalYuan(spec.category) / 10_000) * 10_000,
    });
    this.published(call);
    if (spec.how === 'cancel') {
      const when = new Date(sched.opens.getTime() + r.int(2, 8) * DAY + r.int(1, 6) * HOUR);
      const apps = this.addApplications(call, r.int(0, 1));
      this.submitAll(call, apps, sched, when);
      this.ended(call, 'call.cancel', when, r.pick(CANCEL_REASONS));
      return call;
    }
    this.closed(call);
    if (spec.how === 'fail_closed') {
      const apps = this.addApplications(call, r.int(1, 2));
      this.submitAll(call, apps, sched);
      const eligible = apps.filter((a) => a.row.status === 'eligible').length;
      const reason = eligible <= 1 && apps.length === 1 ? FAIL_REASONS.closed[1] : FAIL_REASONS.closed[0];
      this.ended(call, 'call.fail', new Date(sched.closes.getTime() + r.int(20, 60) * HOUR), reason);
      return call;
    }
    const apps = this.addApplications(call, r.int(2, 3));
    this.submitAll(call, apps, sched);
    if (!apps.some((a) => a.row.status === 'eligible')) this.makeEligible(call, apps[0]);
    const review = this.review(call, sched, {
      status: 'completed',
      keepSheets: call.row.year >= SHEETS_FROM_YEAR,
      failing: true,
    });
    for (const app of call.apps) if (app.row.status === 'eligible') app.row.status = 'scored';
    this.reviewStarted(call, review.session);
    this.reviewCompleted(call, sched, review.rows.length);
    this.ended(
      call,
      'call.fail',
      new Date(sched.completed.getTime() + r.int(20, 50) * HOUR),
      FAIL_REASONS.review[0],
    );
    return call;
  }

  // ----- history -----

  /** A random publication date of year `year` in [from, to]. */
  publishDateIn(year: number, from = `${year}-02-20`, to = `${year}-09-05`) {
    const span = daysBetween(from, to);
    return addDays(from, this.random.int(0, Math.max(0, span)));
  }

  /**
   * Scales typical amounts (yuan) so that they add up to exactly `targetYuan`, in whole hundreds,
   * each staying within [50 000, 300 000].
   */
  fitAmounts(amounts: number[], targetYuan: number) {
    const sum = amounts.reduce((a, b) => a + b, 0);
    const fitted = amounts.map((a) =>
      Math.min(300_000, Math.max(50_000, Math.round((a * targetYuan) / sum / 100) * 100)),
    );
    let residual = targetYuan - fitted.reduce((a, b) => a + b, 0);
    for (let i = 0; residual !== 0 && i < fitted.length * 20; i++) {
      const k = i % fitted.length;
      const step = Math.sign(residual) * Math.min(Math.abs(residual), 2_000);
      const next = fitted[k] + step;
      if (next < 50_000 || next > 300_000) continue;
      fitted[k] = next;
      residual -= step;
    }
    return fitted;
  }

  history() {
    const specs: { year: number; buyer: Buyer; category: ServiceCategory; yuan: number }[] = [];
    for (const [y, n] of Object.entries(HISTORY_COUNTS)) {
      for (let i = 0; i < n; i++) {
        const year = Number(y);
        const buyer = this.pickBuyer(year);
        const category = this.pickCategory(buyer);
        specs.push({ year, buyer, category, yuan: this.typicalYuan(category) });
      }
    }
    const early = specs.filter((s) => s.year < 2022);
    const late = specs.filter((s) => s.year === 2022);
    const earlyFit = this.fitAmounts(
      early.map((s) => s.yuan),
      HISTORY_TOTAL_YUAN - HISTORY_2022_YUAN,
    );
    const lateFit = this.fitAmounts(
      late.map((s) => s.yuan),
      HISTORY_2022_YUAN,
    );
    early.forEach((s, i) => {
      s.yuan = earlyFit[i];
    });
    late.forEach((s, i) => {
      s.yuan = lateFit[i];
    });
    for (const s of specs) {
      this.contracted({
        buyer: s.buyer,
        category: s.category,
        publishDate: this.publishDateIn(s.year),
        amountYuan: s.yuan,
      });
    }
    // A few percent ended without a contract.
    for (let year = 2017; year <= 2022; year++) this.endedOfYear(year, HISTORY_COUNTS[year] > 60 ? 3 : 1);
  }

  endedOfYear(year: number, count: number, to?: string) {
    for (let i = 0; i < count; i++) {
      const buyer = this.pickBuyer(year);
      const how = (['cancel', 'fail_closed', 'fail_review'] as const)[(year + i) % 3];
      this.endedCall({
        buyer,
        category: this.pickCategory(buyer),
        publishDate: this.publishDateIn(year, undefined, to),
        how,
      });
    }
  }

  /** 2023 to the current year: about 30 a year; this year only as many as have had time to finish. */
  recent() {
    const r = this.random;
    for (let year = 2023; year <= this.year; year++) {
      let to = `${year}-09-05`;
      let n = RECENT_PER_YEAR + r.int(-2, 3);
      if (year === this.year) {
        const latest = addDays(this.today, -80);
        if (latest < to) to = latest;
        const span = daysBetween(`${year}-02-20`, to);
        n = span <= 0 ? 0 : Math.round((n * Math.min(span, 197)) / 197);
      }
      for (let i = 0; i < n; i++) {
        const buyer = this.pickBuyer(year);
        const category = this.pickCategory(buyer);
        const yuan = Math.round((this.typicalYuan(category) * 1.15) / 100) * 100;
        this.contracted({
          buyer,
          category,
          publishDate: this.publishDateIn(year, undefined, to),
          amountYuan: Math.min(300_000, yuan),
        });
      }
      if (daysBetween(`${year}-02-20`, to) > 0) this.endedOfYear(year, 1, to);
    }
  }

  // ----- around today -----

  /** The latest publication date (going back from today) whose schedule satisfies `ok`. */
  fitToToday(gaps: Gaps, ok: (s: Schedule) => boolean, minBack = 0) {
    for (let back = minBack; back < 400; back++) {
      const date = addDays(this.today, -back);
      const s = schedule(date, gaps);
      if (ok(s)) return { date, sched: s };
    }
    throw new Error('no schedule fits today');
  }

  current() {
    const r = this.random;
    const { civil, organization, publicity, stations } = this.buyers;
    const guanshang = stations.find((s) => s.street?.id === this.demo.community.parentId) ?? stations[0];
    const now = this.now.getTime();
    const past = (d: Date) => d.getTime() <= now;
    const capOf = (category: ServiceCategory) =>
      Math.ceil((this.typicalYuan(category) * 1.2) / 10_000) * 10_000;
    const provider = this.demo.provider;
    const otherStation = stations.find((s) => s !== guanshang)!;

    // Drafts: planned, not yet public.
    for (const [buyer, category, back] of [
      [civil, 'children', 2],
      [guanshang, 'elderly', 6],
    ] as const) {
      const gaps = drawGaps(r, r.int(14, 21), category);
      const sched = schedule(addDays(this.today, 7), gaps);
      sched.created = at(addDays(this.today, -back), 10, r.int(0, 59));
      this.newCall({ buyer, category, status: 'draft', sched, published: false, capYuan: capOf(category) });
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
      const sched = schedule(addDays(this.today, -publishedAgo), gaps);
      const short = publishedAgo + closesIn < MIN_OPEN_DAYS;
      const call = this.newCall({
        buyer,
        category,
        status: 'published',
        sched,
        published: true,
        capYuan: capOf(category),
        include,
        openRules: !!include,
        shortWindowFlag: short ? this.shortFlag(sched.opens, sched.closes) : null,
      });
      this.published(call);
      return { call, sched };
    };
    const community = this.demo.community;
    {
      // The demo provider's draft, waiting for the demo community's co-signature.
      const { call, sched } = openCall(civil, 'elderly', 8, 14, community);
      const [mine, ...others] = this.addApplications(
        call,
        4,
        [provider],
        new Map([[provider.id, community]]),
      );
      this.draftApplication(
        call,
        mine,
        Math.round((call.row.budgetCapFen * 0.9) / 10_000) * 10_000,
        at(addDays(this.today, -3), 14, 20),
      );
      this.notify('community', {
        kind: 'application.cosign_requested',
        title: `联合申报签章请求：${call.row.title}`,
        body: `${provider.name} 请求社区联合签章`,
        link: `/app/applications/${mine.row.id}`,
        dedupeKey: `cosign:${mine.row.id}:1`,
        createdAt: at(addDays(this.today, -1), 9, 12),
      });
      this.submitAll(call, others.slice(0, 2), sched, this.now);
      this.draftApplication(call, others[2], call.row.budgetCapFen, at(addDays(this.today, -2), 11, 5));
      this.notifyBuyerOfSubmissions(call);
    }
    {
      // The demo provider's submitted application, co-signed by the demo community.
      const { call, sched } = openCall(guanshang, 'children', 5, 10, community);
      const [mine, ...others] = this.addApplications(
        call,
        3,
        [provider],
        new Map([[provider.id, community]]),
      );
      this.submit(
        call,
        mine,
        Math.round((call.row.budgetCapFen * 0.95) / 10_000) * 10_000,
        at(addDays(this.today, -1), 15, 42),
      );
      if (mine.row.status !== 'eligible') this.makeEligible(call, mine);
      this.submitAll(call, others, sched, this.now);
      this.notifyBuyerOfSubmissions(call);
    }
    {
      // Open for less than the minimum: flagged for the admins.
      const { call } = openCall(organization, 'party_building', 1, 4);
      this.notify('admin', {
        kind: 'call.short_window',
        title: `征集期过短：${call.row.title}`,
        body: call.row.shortWindowFlag!,
        link: `/app/calls/${call.row.id}`,
        createdAt: call.row.publishedAt!,
      });
    }
    {
      const { call, sched } = openCall(publicity, 'civilization', 12, 6);
      const apps = this.addApplications(call, 3);
      this.submitAll(call, apps, sched, this.now);
      // One withdrawn to revise.
      apps[2].row.status = 'withdrawn';
      apps[2].row.cosignedAt = null;
      apps[2].row.updatedAt = new Date(
        Math.min(now - HOUR, (apps[2].row.submittedAt as Date).getTime() + DAY),
      );
    }

    // Closed, waiting for the review to start (one with the black-listed organization refused).
    for (const [buyer, category, closedAgo] of [
      [civil, 'community_building', 2],
      [otherStation, 'assistance', 4],
    ] as const) {
      const gaps = drawGaps(r, r.int(12, 18), category);
      const { sched } = this.fitToToday(
        gaps,
        (s) => shanghaiDate(s.closes) <= addDays(this.today, -closedAgo),
        closedAgo,
      );
      const call = this.newCall({
        buyer,
        category,
        status: 'closed',
        sched,
        published: true,
        capYuan: capOf(category),
      });
      this.published(call);
      this.closed(call);
      const first = buyer === civil ? [this.blackDishonest] : [];
      const apps = this.addApplications(call, r.int(3, 4), first);
      this.submitAll(call, apps, sched);
    }

    // In review: one panel scoring (the demo expert still has sheets to fill), one still forming.
    this.inReview(civil, 'elderly', 'scoring');
    this.inReview(civil, 'disability', 'drawing');

    // Awarded: the review is done, the publicity not yet opened.
    {
      const gaps = drawGaps(r, r.int(12, 18), 'youth');
      const { sched } = this.fitToToday(gaps, (s) => past(s.awarded));
      const call = this.newCall({
        buyer: civil,
        category: 'youth',
        status: 'awarded',
        sched,
        published: true,
        capYuan: capOf('youth'),
      });
      const apps = this.addApplications(call, 3);
      this.submitAll(call, apps, sched);
      if (!apps.some((a) => a.row.status === 'eligible')) this.makeEligible(call, apps[0]);
      this.published(call);
      this.closed(call);
      const review = this.review(call, sched, { status: 'completed', keepSheets: true });
      this.reviewStarted(call, review.session);
      this.reviewCompleted(call, sched, review.rows.length);
      const amount = Math.round((call.row.budgetCapFen * 0.95) / 10_000) * 10_000;
      const { award, winner } = this.award(call, review, sched, amount);
      this.awarded(call, sched, award, winner);
      call.row.updatedAt = sched.awarded;
      this.notify('buyer', {
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
      const { sched } = this.fitToToday(
        gaps,
        // The award date moves a day per step, so the first fit opens on the last working day
        // before today, and 5 working days from then reach today or later.
        (s) => s.publicityOpensOn < this.today && s.publicityClosesOn >= this.today,
      );
      const call = this.newCall({
        buyer: civil,
        category: 'community_building',
        status: 'in_publicity',
        sched,
        published: true,
        capYuan: capOf('community_building'),
      });
      const apps = this.addApplications(call, 4);
      this.submitAll(call, apps, sched);
      if (!apps.some((a) => a.row.status === 'eligible')) this.makeEligible(call, apps[0]);
      this.published(call);
      this.closed(call);
      const review = this.review(call, sched, { status: 'completed', keepSheets: true });
      this.reviewStarted(call, review.session);
      this.reviewCompleted(call, sched, review.rows.length);
      const { award, winner } = this.award(
        call,
        review,
        sched,
        Math.round((call.row.budgetCapFen * 0.92) / 10_000) * 10_000,
      );
      this.awarded(call, sched, award, winner);
      const pub = this.publicity(call, sched, award, winner, true);
      call.row.updatedAt = at(sched.publicityOpensOn, 9);
      const opened = at(sched.publicityOpensOn, 9).getTime();
      const filed1 = new Date(opened + r.int(3, 6) * HOUR);
      // Answered the same afternoon (the opening day is before today).
      const answered = new Date(filed1.getTime() + r.int(60, 180) * 60_000);
      this.objection(call, pub, award, filed1, answered, OBJECTIONS[0]);
      const filed2 = new Date(Math.max(answered.getTime() + 30 * 60_000, now - r.int(2, 10) * HOUR));
      this.objection(call, pub, award, new Date(Math.min(filed2.getTime(), now - 60_000)), null);
      this.notify('buyer', {
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
      const { sched } = this.fitToToday(gaps, (s) => past(s.publicityClosedAt));
      // Holidays can make the steps after the publicity jump by days: they are set from now instead.
      const closed = sched.publicityClosedAt.getTime();
      sched.contractCreated = new Date(Math.max(closed + 2 * HOUR, now - 2 * DAY));
      sched.buyerConfirmed = new Date(
        sched.contractCreated.getTime() + (now - sched.contractCreated.getTime()) / 2,
      );
      sched.providerConfirmed = new Date(now + 3 * DAY);
      const call = this.newCall({
        buyer,
        category,
        status: 'approved',
        sched,
        published: true,
        capYuan: capOf(category),
        openRules: mineWins,
      });
      const apps = this.addApplications(call, 3, mineWins ? [provider] : []);
      this.submitAll(call, apps, sched);
      if (mineWins) {
        this.makeEligible(call, apps[0]);
        apps[0].quality = 99;
        for (const other of apps.slice(1)) other.quality = Math.min(other.quality, 88);
      } else if (!apps.some((a) => a.row.status === 'eligible')) this.makeEligible(call, apps[0]);
      const { award, winner } = this.finishReviewedProject(
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
        this.notify('provider', {
          kind: 'contract.drafted',
          title: '合同草稿待确认',
          body: `项目“${winner.title}”的合同已起草，购买方已确认，请核对后确认。`,
          link: `/contracts/${this.contractRows[this.contractRows.length - 1].id}`,
          createdAt: sched.buyerConfirmed,
        });
        this.notify('provider', {
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
      const sched = schedule(addDays(this.today, -25), gaps);
      const call = this.newCall({
        buyer: civil,
        category: 'venture_philanthropy',
        status: 'cancelled',
        sched,
        published: true,
        capYuan: 100_000,
      });
      this.published(call);
      this.ended(call, 'call.cancel', at(addDays(this.today, -18), 16, 20), CANCEL_REASONS[0]);
    }
    {
      const gaps = drawGaps(r, 14, 'civilization');
      const { sched } = this.fitToToday(gaps, (s) => s.closes.getTime() < now - 12 * DAY);
      const call = this.newCall({
        buyer: publicity,
        category: 'civilization',
        status: 'failed',
        sched,
        published: true,
        capYuan: capOf('civilization'),
      });
      this.published(call);
      this.closed(call);
      const apps = this.addApplications(call, 1);
      this.submitAll(call, apps, sched);
      this.ended(call, 'call.fail', new Date(sched.closes.getTime() + 2 * DAY), FAIL_REASONS.closed[1]);
    }
  }

  /** A call in review: scoring (the demo expert accepted, sheets partly in) or still drawing. */
  inReview(buyer: Buyer, category: ServiceCategory, state: 'scoring' | 'drawing') {
    const r = this.random;
    const now = this.now.getTime();
    const gaps = drawGaps(r, r.int(12, 18), category);
    const yesterday = addDays(this.today, -1);
    const fit = this.fitToToday(gaps, (s) =>
      state === 'scoring' ? shanghaiDate(s.held) === yesterday : shanghaiDate(s.reviewStart) === yesterday,
    );
    const sched = fit.sched;
    if (state === 'drawing') sched.held = at(addDays(this.today, 3), 9, 30);
    const call = this.newCall({
      buyer,
      category,
      status: 'in_review',
      sched,
      published: true,
      capYuan: Math.ceil((this.typicalYuan(category) * 1.2) / 10_000) * 10_000,
    });
    call.row.updatedAt = sched.reviewStart;
    const apps = this.addApplications(call, state === 'scoring' ? 5 : 3);
    this.submitAll(call, apps, sched);
    for (const app of apps.slice(0, state === 'scoring' ? 3 : 2))
      if (app.row.status !== 'eligible') this.makeEligible(call, app);
    this.published(call);
    this.closed(call);
    const expert = this.demo.expert;
    const review = this.review(call, sched, { status: state, keepSheets: false, withExpert: expert });
    this.reviewStarted(call, review.session);
    const seat = review.seats.find((s) => s.expertId === expert.id)!;
    this.notify('expert', {
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
          this.sheets.push(
            this.sheet(review.session, expertId, app.row.id, t.scores, t.totalCenti, submittedUntil, i < 3),
          );
        }
      }
      const opened = new Date(Math.max(...review.seats.map((s) => s.respondedAt?.getTime() ?? 0)));
      this.notify('expert', {
        kind: 'review.scoring_opened',
        title: `评审小组已组齐，可以评分：${call.row.title}`,
        link: `/reviews/${review.session.id}`,
        dedupeKey: `review.scoring_opened:${review.session.id}`,
        createdAt: opened,
      });
    }
    return call;
  }

  notifyBuyerOfSubmissions(call: CallDraft) {
    const username =
      call.buyer.org.id === this.buyers.civil.org.id
        ? 'buyer'
        : this.buyerUser.get(call.buyer.org.id) === this.demo.userIds.station
          ? 'station'
          : null;
    if (!username) return;
    for (const app of call.apps) {
      if (!app.row.submittedAt) continue;
      this.notify(username, {
        kind: 'application.submitted',
        title: `新申报：${app.title}`,
        body: `${app.provider.name}（资格审查${app.row.status === 'ineligible' ? '未通过' : '通过'}）`,
        link: `/app/applications/${app.row.id}`,
        createdAt: app.row.submittedAt as Date,
        readAt: this.chance(0.5) ? new Date((app.row.submittedAt as Date).getTime() + 2 * HOUR) : null,
      });
    }
  }

  notify(
    username: string,
    n: {
      kind: string;
      title: string;
      body?: string;
      link: string;
      dedupeKey?: string;
      createdAt: Date;
      readAt?: Date | null;
    },
  ) {
    const createdAt = new Date(Math.min(n.createdAt.getTime(), this.now.getTime() - 60_000));
    const readAt = n.readAt && n.readAt.getTime() < this.now.getTime() ? n.readAt : null;
    this.notificationRows.push({
      userId: this.demo.userIds[username],
      kind: n.kind,
      title: n.title,
      body: n.body ?? '',
      link: n.link,
      dedupeKey: n.dedupeKey ?? null,
      createdAt,
      readAt,
    });
  }

  // ----- plans, credit, codes -----

  plans() {
    const r = this.random;
    for (const d of this.drafts) {
      const opens = d.row.applicationOpensAt;
      const line = {
        id: randomUUID(),
        buyerOrgId: d.buyer.org.id,
        regionId: d.row.regionId,
        year: d.row.year,
        title: d.row.title.replace(/^\d{4}年/, ''),
        category: d.row.category,
        budgetFen: d.row.totalBudgetFen,
        // A line of next year's plan called late this year is planned for next year's first quarter.
        plannedQuarter:
          Number(shanghaiDate(opens).slice(0, 4)) === d.row.year
            ? Math.floor((Number(shanghaiDate(opens).slice(5, 7)) - 1) / 3) + 1
            : 1,
        note: r.pick(PLAN_NOTES),
        createdAt: new Date(d.row.createdAt.getTime() - r.int(10, 60) * DAY),
      };
      this.planRows.push({ ...line, updatedAt: line.createdAt });
      d.row.planLineId = line.id;
    }
    // Lines not yet called: the rest of this year and next year's plan.
    const planned = (year: number, count: number, quarters: number[]) => {
      for (let i = 0; i < count; i++) {
        const buyer = this.pickBuyer(year);
        const category = this.pickCategory(buyer);
        const theme = r.pick(CONTENT[category].themes);
        const area = buyer.street ? buyer.street.name : r.next() < 0.5 ? r.pick(this.streets).name : '官渡区';
        const createdAt = at(addDays(this.today, -r.int(5, 40)), 10, r.int(0, 59));
        this.planRows.push({
          id: randomUUID(),
          buyerOrgId: buyer.org.id,
          regionId: buyer.street?.id ?? this.district.id,
          year,
          title: this.uniqueTitle([`${area}${theme}项目`, `${area}${theme}项目（新增）`]).replace(
            /^\d{4}年/,
            '',
          ),
          category,
          budgetFen: Math.ceil((this.typicalYuan(category) * 1.2) / 10_000) * 1_000_000,
          plannedQuarter: r.pick(quarters),
          note: r.pick(PLAN_NOTES),
          createdAt,
          updatedAt: createdAt,
        });
      }
    };
    const quarter = Math.floor((Number(this.today.slice(5, 7)) - 1) / 3) + 1;
    if (quarter < 4)
      planned(
        this.year,
        4,
        [quarter + 1, 4].filter((q) => q <= 4),
      );
    const nextYearLines = this.planRows.filter((p) => p.year === this.year + 1).length;
    planned(this.year + 1, Math.max(8, RECENT_PER_YEAR - nextYearLines), [1, 1, 2, 2, 3, 4]);
  }

  credit() {
    const r = this.random;
    const decided = '昆明市官渡区民政局';
    const winners = (year: number) =>
      this.awardRows
        .filter((a) => a.status === 'approved')
        .map((a) => ({ a, d: this.drafts.find((d) => d.row.id === a.callId)! }))
        .filter(({ d }) => d.row.year === year && d.row.status === 'contracted')
        .map(({ a, d }) => ({
          amountFen: a.amountFen,
          app: d.apps.find((x) => x.row.id === a.applicationId)!,
        }))
        .filter(
          ({ app }) =>
            app.provider.id !== this.blackDishonest.id && app.provider.id !== this.blackAbnormal.id,
        )
        .sort((x, y) => y.amountFen - x.amountFen);
    const red = (app: AppDraft, year: number, startsOn: string) =>
      this.creditRows.push({
        orgId: app.provider.id,
        list: 'red',
        reason: `${year}年度承接项目（${app.title}）末期评估等级为优秀，项目资金使用规范，信用记录良好`,
        decidedBy: decided,
        startsOn,
        endsOn: addDays(`${Number(startsOn.slice(0, 4)) + 2}${startsOn.slice(4)}`, -1),
        createdAt: at(startsOn, 10),
        updatedAt: at(startsOn, 10),
      });
    const listedYear = this.year - 1;
    const seen = new Set<string>();
    const recent = winners(listedYear - 1).filter(
      ({ app }) => !seen.has(app.provider.id) && seen.add(app.provider.id),
    );
    const mine = winners(listedYear - 1).find(({ app }) => app.provider.id === this.demo.provider.id);
    const picks = [...(mine ? [mine] : []), ...recent.filter((w) => w !== mine)].slice(0, 3);
    for (const w of picks)
      red(w.app, listedYear - 1, `${listedYear}-03-${String(r.int(10, 28)).padStart(2, '0')}`);
    const old = winners(this.year - 5)[0] ?? winners(2021)[0];
    if (old) red(old.app, this.year - 5, `${this.year - 4}-03-${String(r.int(10, 28)).padStart(2, '0')}`);

    this.creditRows.push({
      orgId: this.blackAbnormal.id,
      list: 'black_abnormal',
      reason:
        '未按规定参加2020年度社会组织年度检查，且通过登记的住所无法取得联系，被登记管理机关列入活动异常名录',
      decidedBy: '昆明市官渡区民政局（社会组织登记管理机关）',
      startsOn: '2021-05-20',
      endsOn: '2024-05-19',
      createdAt: at('2021-05-20', 10),
      updatedAt: at('2021-05-20', 10),
    });
    this.creditRows.push({
      orgId: this.blackDishonest.id,
      list: 'black_dishonest',
      reason: this.dishonestReason(),
      decidedBy: '昆明市官渡区民政局、昆明市官渡区财政局',
      startsOn: this.dishonestSince,
      endsOn: addDays(`${Number(this.dishonestSince.slice(0, 4)) + 3}${this.dishonestSince.slice(4)}`, -1),
      createdAt: at(this.dishonestSince, 15),
      updatedAt: at(this.dishonestSince, 15),
    });
  }

  /** GD-<year>-<seq> by creation within each year, as createCall numbers them; HT-<year>-<seq> likewise. */
  codes() {
    const byYear = new Map<number, CallDraft[]>();
    for (const d of this.drafts) byYear.set(d.row.year, [...(byYear.get(d.row.year) ?? []), d]);
    for (const [year, list] of byYear) {
      list.sort(
        (a, b) =>
          a.row.createdAt.getTime() - b.row.createdAt.getTime() || a.row.title.localeCompare(b.row.title),
      );
      list.forEach((d, i) => {
        d.row.code = `GD-${year}-${String(i + 1).padStart(4, '0')}`;
      });
    }
    const contractsByYear = new Map<string, ContractRow[]>();
    for (const c of this.contractRows) {
      const y = shanghaiDate(c.createdAt).slice(0, 4);
      contractsByYear.set(y, [...(contractsByYear.get(y) ?? []), c]);
    }
    for (const [year, list] of contractsByYear) {
      list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      list.forEach((c, i) => {
        c.code = `HT-${year}-${String(i + 1).padStart(4, '0')}`;
      });
    }
  }

  // ----- writing -----

  /** The public timeline, oldest first. */
  timeline(): TimelineRow[] {
    return this.drafts
      .flatMap((d) => d.events.map((e) => e()))
      .sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
  }

  async write(db: Executor): Promise<PipelineSummary> {
    const allApps = this.drafts.flatMap((d) => d.apps.map((a) => a.row));
    if (allApps.some((a) => !a.proposal)) throw new Error('an application was left without its proposal');
    const callById = new Map(this.drafts.map((d) => [d.row.id, d.row]));
    const events = this.timeline();
    await insertAll(db, planLines, this.planRows);
    await insertAll(
      db,
      calls,
      this.drafts.map((d) => d.row),
    );
    await insertAll(db, applications, allApps);
    await insertAll(db, reviewSessions, this.sessions);
    await insertAll(db, panelMembers, this.panel);
    await insertAll(db, scoreSheets, this.sheets);
    await insertAll(db, awards, this.awardRows);
    await insertAll(db, publicities, this.publicityRows);
    await insertAll(db, objections, this.objectionRows);
    await insertAll(db, contracts, this.contractRows);
    await insertAll(db, timelineEvents, events);
    await insertAll(db, creditEntries, this.creditRows);
    await insertAll(db, notifications, this.notificationRows);

    const byState: Record<string, number> = {};
    for (const d of this.drafts) byState[d.row.status!] = (byState[d.row.status!] ?? 0) + 1;
    const history = this.contractRows.filter(
      (c) => callById.get(c.callId)!.year <= 2022 && c.status === 'signed',
    );
    return {
      calls: this.drafts.length,
      byState,
      applications: allApps.length,
      reviewSessions: this.sessions.length,
      scoreSheets: this.sheets.length,
      awards: this.awardRows.length,
      publicities: this.publicityRows.length,
      objections: this.objectionRows.length,
      contracts: this.contractRows.length,
      planLines: this.planRows.length,
      timelineEvents: events.length,
      creditEntries: this.creditRows.length,
      expertAccounts: this.expertAccounts,
      historyProjects: history.length,
      historyFen: history.reduce((s, c) => s + c.amountFen, 0),
    };
  }
}

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
  return plan.write(db);
}

/**
 * Everything seedPipeline would write, in memory (for tests of awkward dates). Only the expert
 * accounts are written, when missing.
 */
export async function planPipeline(db: Executor, random: Random, options: PipelineOptions = {}) {
  const builder = new PipelineBuilder(random, options.now ?? new Date());
  await builder.load(db);
  builder.history();
  builder.recent();
  builder.current();
  builder.plans();
  builder.credit();
  builder.codes();
  return builder;
}
export type PipelinePlan = Awaited<ReturnType<typeof planPipeline>>;
