/**
 * The state of the demo pipeline while it is being built: the district as loaded from the
 * database, the seeded PRNG, every row planned so far, and the small helpers all stages share.
 * The stages are free functions over this state, one file each (calls.ts, applications.ts, …);
 * scenarios.ts and current.ts put them together, write.ts inserts the rows.
 */

import { randomUUID } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import type { Grade, ServiceCategory } from '../../../domain/enums.js';
import { chinaDate } from '../../../domain/time.js';
import { addDays } from '../../../domain/working-days.js';
import type { Executor } from '../../db/client.js';
import {
  type activities,
  type budgetAdjustments,
  type creditEntries,
  type evaluations,
  type expenses,
  experts,
  type indicatorReports,
  type notifications,
  type objections,
  orgs,
  type panelMembers,
  type payments,
  type planLines,
  type projects,
  type recoveries,
  type recoveryRepayments,
  type rectifications,
  regions,
  type scoreSheets,
  users,
} from '../../db/schema.js';
import { loadExpertPool } from '../../modules/reviews/draw.js';
import * as names from '../guandu.js';
import { CONTENT } from '../pipeline-content.js';
import type { Random } from '../random.js';
import { CHINESE_ORDINALS } from './constants.js';
import type {
  AwardRow,
  Buyer,
  CallDraft,
  ContractRow,
  Expert,
  Org,
  PublicityRow,
  Region,
  SessionRow,
  TimelineRow,
} from './types.js';

export class PipelineBuilder {
  readonly now: Date;
  readonly today: string;
  readonly year: number;

  district!: Region;
  streets: Region[] = [];
  communitiesOf = new Map<string, Region[]>();
  committeeOf = new Map<string, Org>();
  regionById = new Map<string, Region>();
  providers: Org[] = [];
  evaluators: Org[] = [];
  buyers!: { organization: Buyer; publicity: Buyer; civil: Buyer; stations: Buyer[] };
  pool: Expert[] = [];
  demo!: {
    provider: Org;
    community: Region;
    communityOrg: Org;
    evaluatorOrg: Org;
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
  // After the contract (implementation.ts, money.ts, evaluations.ts).
  projectRows: (typeof projects.$inferInsert)[] = [];
  activityRows: (typeof activities.$inferInsert)[] = [];
  indicatorReportRows: (typeof indicatorReports.$inferInsert)[] = [];
  paymentRows: (typeof payments.$inferInsert)[] = [];
  expenseRows: (typeof expenses.$inferInsert)[] = [];
  adjustmentRows: (typeof budgetAdjustments.$inferInsert)[] = [];
  evaluationRows: (typeof evaluations.$inferInsert & { id: string })[] = [];
  rectificationRows: (typeof rectifications.$inferInsert)[] = [];
  recoveryRows: (typeof recoveries.$inferInsert & { id: string })[] = [];
  repaymentRows: (typeof recoveryRepayments.$inferInsert)[] = [];
  /** The demo provider's contracts with the demo buyer that current.ts made sure of. */
  demoContracts: { live: string | null; fresh: string[] } = { live: null, fresh: [] };
  voucherSeq = 0;
  invoiceSeq = 0;
  /** Projects whose alerts are computed once their rows are written (write.ts). */
  alertProjectIds: string[] = [];
  titles = new Set<string>();
  expertAccounts = 0;
  /** The demo user acting for a buyer organization (buyer, station), by org id. */
  buyerUser = new Map<string, string>();

  constructor(
    readonly random: Random,
    now: Date,
  ) {
    this.now = now;
    this.today = chinaDate(now);
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
    this.evaluators = orgRows.filter((o) => o.kind === 'evaluator');
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
    const evaluatorUser = userRows.find((u) => u.username === 'evaluator')!;

    await this.ensureExpertAccounts(db, userRows.find((u) => u.username === 'expert')!.passwordHash);
    // Sorted in code, not by the database's collation, so the demo is the same everywhere.
    this.pool = (await loadExpertPool(db)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const expertUser = userIds.expert;
    this.demo = {
      provider: orgRows.find((o) => o.id === providerUser.orgId)!,
      community: this.regionById.get(communityOrg.regionId!)!,
      communityOrg,
      evaluatorOrg: orgRows.find((o) => o.id === evaluatorUser.orgId)!,
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

  /** The public timeline, oldest first. */
  timeline(): TimelineRow[] {
    return this.drafts
      .flatMap((d) => d.events.map((e) => e()))
      .sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
  }
}
