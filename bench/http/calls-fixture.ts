/** Bulk calls for the list benchmark: realistic titles, every state but draft, spread over streets. */
import { eq } from 'drizzle-orm';
import { SERVICE_CATEGORIES, serviceCategoryLabels } from '../../src/domain/enums.js';
import { DEFAULT_RUBRIC } from '../../src/domain/lifecycle.js';
import { searchText } from '../../src/domain/search.js';
import type { Db } from '../../src/server/db/client.js';
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
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const i = start + k;
      const category = SERVICE_CATEGORIES[i % SERVICE_CATEGORIES.length];
      const street = streets[i % streets.length];
      const areas = random.sample(
        communities.filter((c) => c.parentId === street.id),
        random.int(1, 4),
      );
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
    await db.insert(calls).values(rows);
  }
}
