/**
 * The HTTP benchmark's big project: one project of the demo buyer (民政局) under way, given 1,000
 * activities (in the communities of its service area, most confirmed) and 2,000 expenses over its
 * budget categories, inserted directly — what the project page reads at the end of a busy year.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { BUDGET_CATEGORIES } from '../../src/domain/applications.js';
import { ACTIVITY_TYPES } from '../../src/domain/implementation.js';
import { addDays } from '../../src/domain/working-days.js';
import { insertAll } from '../../src/server/db/bulk.js';
import type { Db } from '../../src/server/db/client.js';
import { users } from '../../src/server/modules/accounts/schema.js';
import { calls } from '../../src/server/modules/calls/schema.js';
import { contracts } from '../../src/server/modules/contracts/schema.js';
import { expenses } from '../../src/server/modules/funds/schema.js';
import { activities } from '../../src/server/modules/implementation/schema.js';
import { projects } from '../../src/server/modules/projects/schema.js';
import { regions } from '../../src/server/modules/regions/schema.js';
import { seededRandom } from '../../src/server/seed/random.js';

/** Returns the project's id. */
export async function insertBenchProject(db: Db, counts = { activities: 1000, expenses: 2000 }) {
  const random = seededRandom(20_000);
  const [buyer] = await db.select({ orgId: users.orgId }).from(users).where(eq(users.username, 'buyer'));
  // The demo buyer's project under way, else its newest signed contract, started here.
  const [running] = await db
    .select({ id: contracts.id, callId: contracts.callId })
    .from(contracts)
    .innerJoin(projects, eq(projects.id, contracts.id))
    .where(and(eq(contracts.buyerOrgId, buyer.orgId!), eq(projects.status, 'in_implementation')))
    .orderBy(asc(contracts.code))
    .limit(1);
  const project =
    running ??
    (
      await db
        .select({ id: contracts.id, callId: contracts.callId })
        .from(contracts)
        .where(and(eq(contracts.buyerOrgId, buyer.orgId!), eq(contracts.status, 'signed')))
        .orderBy(sql`${contracts.signedAt} desc`)
        .limit(1)
    )[0];
  if (!running)
    await db
      .insert(projects)
      .values({ id: project.id, callId: project.callId, status: 'in_implementation', version: 2 });
  const [call] = await db.select().from(calls).where(eq(calls.id, project.callId));
  const area = await db
    .select({ id: regions.id, name: regions.name })
    .from(regions)
    .where(
      and(
        eq(regions.level, 'community'),
        or(inArray(regions.id, call.serviceAreaIds), inArray(regions.parentId, call.serviceAreaIds)),
      ),
    );
  const start = call.servicePeriodStart;
  const day = (i: number, n: number) => addDays(start, Math.floor((i / n) * 300));
  await insertAll(
    db,
    activities,
    Array.from({ length: counts.activities }, (_, i) => {
      const community = random.pick(area);
      const status = random.next() < 0.9 ? 'confirmed' : random.next() < 0.5 ? 'disputed' : 'reported';
      return {
        projectId: project.id,
        heldOn: day(i, counts.activities),
        place: `${community.name}居民活动室`,
        communityRegionId: community.id,
        type: random.pick(ACTIVITY_TYPES),
        participants: [{ group: '社区居民', count: random.int(3, 60) }],
        volunteers: random.int(0, 8),
        volunteerHoursDeci: random.int(0, 200),
        description: `第${i + 1}次服务活动：入户探访、小组活动或社区活动，记录服务对象需求并跟进。`,
        status,
        disputeReason: status === 'disputed' ? '活动地点与登记不符，社区未接到活动报备' : null,
        confirmedAt: status === 'reported' ? null : new Date(`${day(i, counts.activities)}T10:00:00+08:00`),
      };
    }),
  );
  await insertAll(
    db,
    expenses,
    Array.from({ length: counts.expenses }, (_, i) => ({
      projectId: project.id,
      category: random.pick(BUDGET_CATEGORIES),
      amountFen: random.int(1_000, 200_000),
      spentOn: day(i, counts.expenses),
      invoiceNo: `2553200000${String(9_000_000_000 + i)}`,
      payee: '昆明恒信文化用品有限公司',
      description: '活动物资及宣传品',
    })),
  );
  return project.id;
}
