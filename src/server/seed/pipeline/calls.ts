/** Calls: service area, title, description and dates of a new call, as calls/service.ts would store it. */
import { randomUUID } from 'node:crypto';
import { type ServiceCategory, serviceCategoryLabels } from '../../../domain/enums.js';
import { type CallState, DEFAULT_RUBRIC } from '../../../domain/lifecycle.js';
import { formatFen } from '../../../domain/money.js';
import { searchText } from '../../../domain/search.js';
import { CONTENT } from '../pipeline-content.js';
import type { PipelineBuilder } from './builder.js';
import { CHINESE_ORDINALS, DAY, MIN_OPEN_DAYS } from './constants.js';
import type { Schedule } from './dates.js';
import type { Buyer, CallDraft, CallRow, Region } from './types.js';

/**
 * A call with its service area, title, texts and dates. `capYuan` is the budget cap.
 * `include` forces a community into the service area.
 */
export function newCall(
  b: PipelineBuilder,
  spec: {
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
  },
): CallDraft {
  const r = b.random;
  const { buyer, category, sched } = spec;
  const content = CONTENT[category];
  const year = Number(sched.serviceStart.slice(0, 4));

  // Service area: communities of a station's street, or streets / communities of the district.
  let areaIds: string[];
  let areaCommunities: Region[];
  let streets: Region[];
  if (buyer.street) {
    const all = b.communitiesOf.get(buyer.street.id)!;
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
    streets = r.sample(b.streets, r.int(1, 3)).sort((a, b) => a.code.localeCompare(b.code));
    areaIds = streets.map((s) => s.id);
    areaCommunities = streets.flatMap((s) => b.communitiesOf.get(s.id)!);
  } else {
    const chosen = r.sample(b.streets, r.int(1, 2));
    areaCommunities = chosen.flatMap((s) => r.sample(b.communitiesOf.get(s.id)!, r.int(1, 3)));
    if (spec.include && !areaCommunities.some((c) => c.id === spec.include!.id))
      areaCommunities = [spec.include, ...areaCommunities];
    areaIds = areaCommunities.map((c) => c.id);
    const streetIds = new Set(areaCommunities.map((c) => c.parentId!));
    streets = b.streets.filter((s) => streetIds.has(s.id));
  }

  const theme = r.pick(content.themes);
  const title = callTitle(b, buyer, category, theme, year, streets, areaCommunities, areaIds);
  const targetGroups = r.sample(content.targets, Math.min(content.targets.length, r.int(1, 3)));
  const capFen = spec.capYuan * 100;
  const minGrade = r.next() < 0.15 && !spec.openRules ? ('3A' as const) : null;
  const minYearsRegistered = r.next() < 0.2 && !spec.openRules ? 2 : null;
  // Only tags the sanitizer keeps, no attributes, no characters it would escape: the HTML is
  // what calls/service.ts would store, and its text is the tags stripped (pipeline.test.ts checks both).
  const descriptionHtml = callDescription(
    b,
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
    regionId: buyer.street?.id ?? (streets.length === 1 ? streets[0].id : b.district.id),
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
  b.drafts.push(draft);
  return draft;
}

export function callTitle(
  b: PipelineBuilder,
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
    const track = b.random.pick(['为老服务类', '儿童青少年类', '社区营造类', '助残济困类', '社区治理类']);
    return b.uniqueTitle([
      `${year}年官渡区第${edition}届社区公益创投大赛${track}资助项目`,
      `${year}年官渡区第${edition}届社区公益创投大赛${streets[0] ? short(streets[0]) : ''}${track}项目`,
    ]);
  }
  if (buyer.street) {
    return b.uniqueTitle([
      `${year}年${buyer.street.name}${place(oneCommunity, theme)}项目`,
      `${year}年${buyer.street.name}${place(communities[0]?.name ?? '', theme)}项目`,
      `${year}年${buyer.street.name}社工站${theme}项目`,
    ]);
  }
  const streetLabel = streets.length === 1 ? streets[0].name : `${streets.map(short).join('、')}街道`;
  return b.uniqueTitle([
    streets.length <= 2 && b.random.next() < 0.6
      ? `${year}年官渡区${streetLabel}${place(oneCommunity, theme)}项目`
      : `${year}年官渡区${theme}项目`,
    `${year}年官渡区${streetLabel}${theme}项目`,
    `${year}年官渡区${streetLabel}${place(communities[0]?.name ?? '', theme)}项目`,
  ]);
}

export function callDescription(
  b: PipelineBuilder,
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
  const items = b.random
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

export function shortFlag(opens: Date, closes: Date) {
  const days = (closes.getTime() - opens.getTime()) / DAY;
  return `征集期仅${Math.floor(days * 10) / 10}天，少于${MIN_OPEN_DAYS}天`;
}

/** "金色社区" + "社区营造服务" → "金色社区营造服务", not "金色社区社区营造服务". */
export const place = (area: string, theme: string) =>
  area.endsWith('社区') && theme.startsWith('社区') ? `${area}${theme.slice(2)}` : `${area}${theme}`;
