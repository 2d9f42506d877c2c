import { and, eq } from 'drizzle-orm';
import { DEFAULT_RUBRIC } from '../../domain/lifecycle.js';
import type { Db } from '../db/client.js';
import { users } from '../modules/accounts/schema.js';
import { applications, type Proposal } from '../modules/applications/schema.js';
import { calls } from '../modules/calls/schema.js';
import { orgs } from '../modules/orgs/schema.js';
import { regions } from '../modules/regions/schema.js';

/** Rows inserted directly in a given state, for tests of later pipeline steps. */
let sequence = 0;

export async function orgOf(db: Db, username: string) {
  const [row] = await db.select({ orgId: users.orgId }).from(users).where(eq(users.username, username));
  return row.orgId!;
}

export async function communitiesOf(db: Db, streetName = '关上街道') {
  const [street] = await db.select().from(regions).where(eq(regions.name, streetName));
  const communities = await db.select().from(regions).where(eq(regions.parentId, street.id));
  const committees = await db.select().from(orgs).where(eq(orgs.kind, 'community'));
  return communities.map((c) => ({ region: c, committee: committees.find((o) => o.regionId === c.id)! }));
}

export async function insertCall(db: Db, overrides: Partial<typeof calls.$inferInsert> = {}) {
  sequence++;
  const buyerOrgId = overrides.buyerOrgId ?? (await orgOf(db, 'buyer'));
  const areas = await communitiesOf(db);
  const now = Date.now();
  const [row] = await db
    .insert(calls)
    .values({
      code: `TEST-${Date.now().toString(36)}-${sequence}`,
      buyerOrgId,
      year: 2026,
      title: `测试项目${sequence}：关上街道社区居家养老服务`,
      category: 'elderly',
      serviceAreaIds: areas.map((a) => a.region.id),
      targetGroups: ['高龄独居老人'],
      budgetCapFen: 30_000_000,
      totalBudgetFen: 60_000_000,
      servicePeriodStart: '2027-01-01',
      servicePeriodEnd: '2027-12-31',
      applicationOpensAt: new Date(now - 86_400_000),
      applicationClosesAt: new Date(now + 10 * 86_400_000),
      rubric: [...DEFAULT_RUBRIC],
      eligibility: { minGrade: null, minYearsRegistered: null },
      status: 'published',
      publishedAt: new Date(now - 86_400_000),
      ...overrides,
    })
    .returning();
  return row;
}

export const sampleProposal = (title = '乐龄同行：社区居家养老服务项目'): Proposal => ({
  title,
  needAssessment: '社区60岁以上老人占比较高，其中独居、空巢老人约三百人，存在照料缺失、社会参与不足等需求。',
  objectives: '建立社区互助网络，提升老人生活质量和社会参与度。',
  activities: '入户探访、健康讲座、兴趣小组、志愿者培训、邻里互助结对。',
  indicators: [
    { kind: 'output', name: '入户探访', target: 300, unit: '人次' },
    { kind: 'outcome', name: '服务对象满意度', target: 90, unit: '%' },
  ],
  budget: [
    { category: 'personnel', item: '项目社工补贴', amountFen: 12_000_000 },
    { category: 'activities', item: '活动物资', amountFen: 8_000_000 },
  ],
  timeline: [{ period: '2027年1-3月', work: '需求调研与志愿者招募' }],
  team: [{ name: '王芳', role: '项目主管', qualification: '中级社会工作师' }],
});

export async function insertApplication(
  db: Db,
  call: { id: string },
  overrides: Partial<typeof applications.$inferInsert> & { providerUsername?: string } = {},
) {
  const { providerUsername, ...values } = overrides;
  const providerOrgId = values.providerOrgId ?? (await orgOf(db, providerUsername ?? 'provider'));
  const areas = await communitiesOf(db);
  const taken = await db
    .select({ c: applications.communityRegionId })
    .from(applications)
    .where(and(eq(applications.callId, call.id), eq(applications.providerOrgId, providerOrgId)));
  const area = areas.find((a) => !taken.some((t) => t.c === a.region.id))!;
  const proposal = values.proposal ?? sampleProposal();
  const [row] = await db
    .insert(applications)
    .values({
      callId: call.id,
      providerOrgId,
      communityRegionId: area.region.id,
      communityOrgId: area.committee.id,
      socialWorkerName: '王芳',
      socialWorkerCertificate: 'S2019530100123',
      partners: [{ name: '银龄志愿服务队', kind: 'volunteer_team', headcount: 20 }],
      proposal,
      requestedFen: proposal.budget.reduce((s, b) => s + b.amountFen, 0),
      status: 'eligible',
      cosignedAt: new Date(),
      submittedAt: new Date(),
      ...values,
    })
    .returning();
  return row;
}

/** A user with the demo password, for tests that need more accounts than the demo has. */
export async function insertUser(db: Db, username: string, role: string, orgId: string | null) {
  const { hashPassword } = await import('../modules/accounts/passwords.js');
  const [row] = await db
    .insert(users)
    .values({
      username,
      displayName: username,
      orgId,
      roles: [role],
      passwordHash: await hashPassword('Guandu@2026'),
    })
    .returning();
  return row;
}
