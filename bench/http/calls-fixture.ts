/**
 * The HTTP benchmark's data on top of the demo district: bulk calls (realistic titles, every state
 * but draft, spread over streets and ten years), and open calls with one draft application each
 * for the autosave scenario.
 */
import { eq } from 'drizzle-orm';
import { SERVICE_CATEGORIES, serviceCategoryLabels } from '../../src/domain/enums.js';
import { DEFAULT_RUBRIC } from '../../src/domain/lifecycle.js';
import { searchText } from '../../src/domain/search.js';
import { insertAll } from '../../src/server/db/bulk.js';
import type { Db } from '../../src/server/db/client.js';
import { users } from '../../src/server/modules/accounts/schema.js';
import { applications } from '../../src/server/modules/applications/schema.js';
import { calls } from '../../src/server/modules/calls/schema.js';
import { orgs } from '../../src/server/modules/orgs/schema.js';
import { regions } from '../../src/server/modules/regions/schema.js';
import { seededRandom } from '../../src/server/seed/random.js';

const THEMES = ['关爱', '守护', '同行', '共建', '赋能', '陪伴', '互助', '成长', '融合', '暖心'];
const SERVICES: Record<string, string[]> = {
  elderly: ['居家养老服务', '高龄独居老人探访', '老年食堂运营', '认知症照护支持'],
  children: ['困境儿童关爱', '四点半课堂', '儿童友好社区建设', '留守儿童陪伴'],
  youth: ['青少年成长辅导', '青少年法治教育', '社区青年志愿服务'],
  disability: ['残障人士康复服务', '残疾人就业支持', '心智障碍者家庭支持'],
  assistance: ['低保家庭帮扶', '临时救助对象跟进', '困难群众心理支持'],
  community_building: ['社区营造', '睦邻互助网络', '社区议事协商'],
  party_building: ['党建引领社区治理', '红色物业服务'],
  civilization: ['新时代文明实践站运营', '文明实践志愿服务'],
  venture_philanthropy: ['公益创投孵化', '社区基金培育'],
};
const STATES = [
  'published',
  'closed',
  'in_review',
  'awarded',
  'in_publicity',
  'approved',
  'contracted',
  'cancelled',
  'failed',
];

/** `n` calls in 2017–2026, in chunks of 5,000 rows (db/bulk.ts: one JSON parameter per 500). */
export async function insertBenchCalls(db: Db, n: number) {
  const random = seededRandom(10_000);
  const buyers = await db.select({ id: orgs.id, name: orgs.name }).from(orgs).where(eq(orgs.kind, 'buyer'));
  const stations = await db
    .select({ id: orgs.id, name: orgs.name })
    .from(orgs)
    .where(eq(orgs.kind, 'station'));
  const streets = await db.select().from(regions).where(eq(regions.level, 'street'));
  const communities = await db.select().from(regions).where(eq(regions.level, 'community'));
  const buyerPool = [...buyers, ...stations];
  const communitiesOf = new Map(streets.map((s) => [s.id, communities.filter((c) => c.parentId === s.id)]));
  for (let start = 0; start < n; start += 5000) {
    const rows = Array.from({ length: Math.min(5000, n - start) }, (_, k) => {
      const i = start + k;
      const category = SERVICE_CATEGORIES[i % SERVICE_CATEGORIES.length];
      const street = streets[i % streets.length];
      const areas = random.sample(communitiesOf.get(street.id)!, random.int(1, 4));
      const buyer = random.pick(buyerPool);
      const year = 2017 + (i % 10);
      const title = `${street.name}${random.pick(SERVICES[category])}${random.pick(THEMES)}项目（${year}）`;
      const published = new Date(Date.UTC(year, random.int(0, 11), random.int(1, 28)));
      return {
        code: `GD-${year}-B${String(i).padStart(5, '0')}`,
        buyerOrgId: buyer.id,
        regionId: street.id,
        year,
        title,
        category,
        serviceAreaIds: areas.map((a) => a.id),
        streetIds: [street.id],
        targetGroups: [],
        budgetCapFen: random.int(50, 300) * 100_000,
        totalBudgetFen: random.int(300, 600) * 100_000,
        servicePeriodStart: `${year}-03-01`,
        servicePeriodEnd: `${year}-12-31`,
        applicationOpensAt: published,
        applicationClosesAt: new Date(published.getTime() + 14 * 86_400_000),
        rubric: [...DEFAULT_RUBRIC],
        eligibility: { minGrade: null, minYearsRegistered: null },
        descriptionHtml: `<p>面向${street.name}${serviceCategoryLabels[category]}对象，开展${title}。</p>`,
        status: STATES[i % STATES.length],
        publishedAt: published,
        searchText: searchText(title, serviceCategoryLabels[category], buyer.name, street.name),
      };
    });
    await insertAll(db, calls, rows);
  }
}

const DAY = 86_400_000;

/**
 * `n` calls open for applications now, each with a draft application of the demo provider's
 * organization: what the autosave scenario PATCHes, one draft per connection (two concurrent
 * saves of one draft would rightly conflict). Returns the drafts' ids.
 */
export async function insertAutosaveDrafts(db: Db, n: number): Promise<string[]> {
  const [buyer] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.kind, 'buyer'));
  const [provider] = await db
    .select({ orgId: users.orgId })
    .from(users)
    .where(eq(users.username, 'provider'));
  const streets = await db.select().from(regions).where(eq(regions.level, 'street'));
  const now = Date.now();
  const open = await db
    .insert(calls)
    .values(
      Array.from({ length: n }, (_, i) => ({
        code: `GD-2027-A${String(i).padStart(4, '0')}`,
        buyerOrgId: buyer.id,
        regionId: streets[i % streets.length].id,
        year: 2027,
        title: `${streets[i % streets.length].name}居家养老服务项目（2027，第${i + 1}包）`,
        category: 'elderly',
        serviceAreaIds: [streets[i % streets.length].id],
        streetIds: [streets[i % streets.length].id],
        targetGroups: ['高龄独居老人'],
        budgetCapFen: 20_000_000,
        totalBudgetFen: 40_000_000,
        servicePeriodStart: '2027-03-01',
        servicePeriodEnd: '2027-12-31',
        applicationOpensAt: new Date(now - DAY),
        applicationClosesAt: new Date(now + 30 * DAY),
        rubric: [...DEFAULT_RUBRIC],
        eligibility: { minGrade: null, minYearsRegistered: null },
        status: 'published',
        publishedAt: new Date(now - DAY),
      })),
    )
    .returning({ id: calls.id });
  const drafts = await db
    .insert(applications)
    .values(
      open.map((call) => ({
        callId: call.id,
        providerOrgId: provider.orgId!,
        proposal: autosaveBody(0).proposal,
        status: 'draft',
      })),
    )
    .returning({ id: applications.id });
  return drafts.map((d) => d.id);
}

/** What the application form autosaves: the whole proposal as typed so far. */
export const autosaveBody = (revision: number) => ({
  socialWorkerName: '王芳',
  proposal: {
    title: '乐龄同行：社区居家养老服务项目',
    needAssessment: `社区60岁以上老人占比较高，其中独居、空巢老人约三百人，存在照料缺失、社会参与不足等需求（第${revision}稿）。`,
    objectives: '建立社区互助网络，提升老人生活质量和社会参与度。',
    activities: '入户探访、健康讲座、兴趣小组、志愿者培训、邻里互助结对。',
    indicators: [
      { kind: 'output' as const, name: '入户探访', target: 300, unit: '人次' },
      { kind: 'outcome' as const, name: '服务对象满意度', target: 90, unit: '%' },
    ],
    budget: [
      { category: 'personnel' as const, item: '项目社工补贴', amountFen: 12_000_000 },
      { category: 'activities' as const, item: '活动物资', amountFen: 8_000_000 },
    ],
    timeline: [{ period: '2027年3-5月', work: '需求调研与志愿者招募' }],
    team: [{ name: '王芳', role: '项目主管', qualification: '中级社会工作师' }],
  },
});
