import { count, eq, inArray } from 'drizzle-orm';
import { creditCodeCheckChar } from '../../domain/credit-code.js';
import { EXPERT_FIELDS, GRADES, type OrgKind, type Role, SERVICE_CATEGORIES } from '../../domain/enums.js';
import type { Db } from '../db/client.js';
import { experts, orgs, regions, users } from '../db/schema.js';
import { hashPassword } from '../modules/accounts/passwords.js';
import { appendAudit } from '../modules/audit/service.js';
import * as names from './guandu.js';
import { type PipelineSummary, seedPipeline } from './pipeline/index.js';
import { plantDuplicate } from './planted-duplicate.js';
import { seedPolicies } from './policies.js';
import { type Random, seededRandom } from './random.js';

export const DEMO_PASSWORD = 'Guandu@2026';

export async function isEmpty(db: Db) {
  const [row] = await db.select({ n: count() }).from(regions);
  return row.n === 0;
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid 统一社会信用代码: 5 (civil affairs) + 2 (social service agency) + area code + org code + check. */
export function demoCreditCode(random: Random, areaCode = names.DISTRICT.code, prefix = '52') {
  let body = `${prefix}${areaCode}MJ`;
  while (body.length < 17) body += CREDIT_ALPHABET[random.int(0, 9)];
  return body + creditCodeCheckChar(body);
}

const personName = (random: Random) =>
  random.pick([...names.SURNAMES]) +
  random.pick([...names.GIVEN_CHARS]) +
  (random.next() < 0.6 ? random.pick([...names.GIVEN_CHARS]) : '');
const mobile = (random: Random) =>
  `1${random.pick(['38', '39', '58', '87', '36', '51'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;

type OrgInsert = typeof orgs.$inferInsert;

/**
 * A deterministic Guandu-like district: regions, organizations, experts and one account per role,
 * and (unless `history: false`, as the API tests ask) the project pipeline's history and current
 * calls in every state (see pipeline/index.ts).
 */
export async function seedDemo(db: Db, seed = 2022, options: { history?: boolean; now?: Date } = {}) {
  const random = seededRandom(seed);
  await db.transaction(async (tx) => {
    const [district] = await tx
      .insert(regions)
      .values({ name: names.DISTRICT.name, code: names.DISTRICT.code, level: 'district' })
      .returning();
    const streets = await tx
      .insert(regions)
      .values(
        names.STREETS.map((name, i) => ({
          name,
          code: `${names.DISTRICT.code}${String(i + 1).padStart(3, '0')}`,
          level: 'street' as const,
          parentId: district.id,
        })),
      )
      .returning();
    const stems = random.sample(names.COMMUNITY_STEMS, names.COMMUNITY_STEMS.length);
    const communityValues = streets.flatMap((street, s) =>
      Array.from({ length: 12 }, (_, c) => {
        const stem = stems[(s * 12 + c) % stems.length];
        const suffix = s * 12 + c >= stems.length ? '第二社区' : c % 5 === 4 ? '村' : '社区';
        return {
          name: `${stem}${suffix}`,
          code: `${street.code}${String(c + 1).padStart(3, '0')}`,
          level: 'community' as const,
          parentId: street.id,
        };
      }),
    );
    const communities = await tx.insert(regions).values(communityValues).returning();

    const org = (
      kind: OrgKind,
      name: string,
      regionId: string,
      extra: Partial<OrgInsert> = {},
    ): OrgInsert => ({
      kind,
      name,
      regionId,
      contactName: personName(random),
      contactPhone: `0871-${random.int(6000_0000, 6999_9999)}`,
      address: `昆明市官渡区${name.slice(0, 12)}`,
      ...extra,
    });

    const orgValues: OrgInsert[] = [
      ...names.BUYER_DEPARTMENTS.map((n) => org('buyer', n, district.id)),
      ...streets.map((s) => org('station', `官渡区${s.name}社会工作服务站`, s.id)),
      ...communities.map((c) =>
        org(
          'community',
          `${c.name.endsWith('村') ? c.name.replace(/村$/, '村民委员会') : `${c.name}居民委员会`}`,
          c.id,
        ),
      ),
      ...names.EVALUATORS.map((n) =>
        org('evaluator', n, district.id, {
          creditCode: demoCreditCode(random, '530100', '52'),
          grade: random.pick(['4A', '5A'] as const),
        }),
      ),
      ...names.SUPERVISORS.map((n) => org('supervisor', n, district.id)),
    ];
    const providerNames = new Set<string>();
    while (providerNames.size < 60) {
      providerNames.add(
        `昆明市官渡区${random.pick(names.PROVIDER_STEMS)}${random.pick(names.PROVIDER_SUFFIXES)}`,
      );
    }
    for (const name of providerNames) {
      const street = random.pick(streets);
      orgValues.push(
        org('provider', name, street.id, {
          creditCode: demoCreditCode(random),
          registeredOn: `${random.int(2008, 2022)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
          grade: random.next() < 0.8 ? random.pick(GRADES) : null,
          legalRepresentative: personName(random),
          contactPhone: mobile(random),
          address: `昆明市官渡区${street.name}${random.pick(names.COMMUNITY_STEMS)}路${random.int(1, 300)}号`,
          categories: random.sample(SERVICE_CATEGORIES, random.int(1, 3)),
        }),
      );
    }
    const insertedOrgs = await tx
      .insert(orgs)
      .values(orgValues)
      .returning({ id: orgs.id, name: orgs.name, kind: orgs.kind });
    const byKind = (kind: OrgKind) => insertedOrgs.filter((o) => o.kind === kind);
    const providers = byKind('provider');

    const expertValues = Array.from({ length: 40 }, (_, i) => {
      const fromProvider = i % 8 === 3;
      const employer = fromProvider ? random.pick(providers) : null;
      return {
        name: personName(random),
        field: EXPERT_FIELDS[i % EXPERT_FIELDS.length],
        title: random.pick(names.EXPERT_TITLES),
        employerOrgId: employer?.id ?? null,
        employerName: employer ? null : random.pick(names.UNIVERSITIES),
        formerEmployerOrgIds: i % 10 === 7 ? [random.pick(providers).id] : [],
        phone: mobile(random),
      };
    });
    const insertedExperts = await tx
      .insert(experts)
      .values(expertValues)
      .returning({ id: experts.id, name: experts.name });

    const civilAffairs = insertedOrgs.find((o) => o.name === '昆明市官渡区民政局')!;
    const accountSpecs: {
      username: string;
      role: Role;
      org: { id: string; name: string } | null;
      displayName: string;
    }[] = [
      { username: 'admin', role: 'admin', org: civilAffairs, displayName: '平台管理员' },
      { username: 'buyer', role: 'buyer', org: civilAffairs, displayName: '民政局项目专员' },
      { username: 'station', role: 'buyer', org: byKind('station')[0], displayName: '关上社工站站长' },
      { username: 'provider', role: 'provider', org: providers[0], displayName: '机构项目主管' },
      { username: 'community', role: 'community', org: byKind('community')[0], displayName: '社区书记' },
      { username: 'expert', role: 'expert', org: null, displayName: insertedExperts[0].name },
      { username: 'evaluator', role: 'evaluator', org: byKind('evaluator')[0], displayName: '评估项目经理' },
      { username: 'supervisor', role: 'supervisor', org: byKind('supervisor')[0], displayName: '监督检查员' },
      { username: 'resident', role: 'resident', org: null, displayName: '热心居民' },
    ];
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const accounts = await tx
      .insert(users)
      .values(
        accountSpecs.map((a) => ({
          username: a.username,
          displayName: a.displayName,
          orgId: a.org?.id ?? null,
          roles: [a.role],
          passwordHash,
          phone: a.role === 'resident' ? mobile(random) : null,
        })),
      )
      .returning({ id: users.id, username: users.username });
    const expertAccount = accounts.find((a) => a.username === 'expert')!;
    await tx.update(experts).set({ userId: expertAccount.id }).where(eq(experts.id, insertedExperts[0].id));
    const pipeline: PipelineSummary | null =
      options.history === false ? null : await seedPipeline(tx, random, { now: options.now });
    if (pipeline) await plantDuplicate(tx);
    await seedPolicies(tx);

    await appendAudit(
      tx,
      { user: null, ip: null },
      {
        action: 'system.demo_seeded',
        targetType: 'system',
        summary: {
          seed,
          regions: 1 + streets.length + communities.length,
          orgs: insertedOrgs.length,
          experts: insertedExperts.length,
          users: accounts.length + (pipeline?.expertAccounts ?? 0),
          ...(pipeline ? { pipeline } : {}),
        },
      },
    );
  });
}

/** The demo accounts as they are in the database, for the start-up banner. */
export async function demoAccounts(db: Db) {
  const usernames = [
    'admin',
    'buyer',
    'station',
    'provider',
    'community',
    'expert',
    'evaluator',
    'supervisor',
    'resident',
  ];
  const rows = await db
    .select({
      username: users.username,
      roles: users.roles,
      displayName: users.displayName,
      orgName: orgs.name,
    })
    .from(users)
    .leftJoin(orgs, eq(orgs.id, users.orgId))
    .where(inArray(users.username, usernames));
  return usernames.flatMap((u) => rows.filter((r) => r.username === u));
}
