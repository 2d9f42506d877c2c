/**
 * Deterministic generator of synthetic social-work service proposals, with planted near-duplicates.
 *
 *   npx tsx bench/duplicates/generate.ts --docs 5000 [--seed 42] > corpus.jsonl
 */
import { mulberry32 } from '../../src/server/modules/duplicates/lib/hash';
import { CATEGORIES, CATEGORY_KEYS, COMMUNITY_SYLLABLES, type CategoryVocabulary, GENERAL, PLACES, SYNONYMS } from './vocabulary';

export const VARIANT_KINDS = [
  'reorder',
  'synonym',
  'added',
  'dropped',
  'numbers_places',
  'padding',
  'split',
  'combined',
] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

export interface Proposal {
  id: string;
  text: string;
  category: string;
  org: string;
  community: string;
  start: string;
  end: string;
  /** Id of the proposal this one was derived from, for planted near-duplicates. */
  variantOf?: string;
  variantKind?: VariantKind;
}

interface Place {
  district: string;
  street: string;
  community: string;
}

/** A proposal before rendering: sentences keep {区} {街道} {社区} {N} (count) {P} (percent) placeholders. */
interface Draft {
  category: string;
  place: Place;
  numberSeed: number;
  title: string;
  sections: { heading: string; sentences: string[] }[];
}

type Random = () => number;

class Picker {
  constructor(readonly random: Random) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }
}

type Template = (p: Picker, c: CategoryVocabulary) => string;
const G = GENERAL;

const NEED: Template[] = [
  (p, c) => `{社区}位于{区}{街道}，辖区共有居民{N}户、{N}人，其中${p.pick(c.groups)}约{N}人，占比{P}%。`,
  (p, c) => `通过入户走访和问卷调查，项目团队发现${p.pick(c.groups)}普遍存在${p.pick(c.problems)}、${p.pick(c.problems)}等问题。`,
  (p, c) => `前期调研共发放问卷{N}份，回收有效问卷{N}份，{P}%的受访者表示希望获得${p.pick(c.services)}方面的支持。`,
  (p, c) => `由于${p.pick(G.causes)}，部分${p.pick(c.groups)}面临${p.pick(c.problems)}的困境，亟需专业力量介入。`,
  (p, c) => `社区现有服务以${p.pick(G.basics)}为主，难以满足${p.pick(c.groups)}在${p.pick(c.services)}方面的个性化需求。`,
  (p, c) => `在与${p.pick(G.partners)}座谈时，工作人员反映${p.pick(c.groups)}的${p.pick(c.problems)}问题较为突出。`,
  (p, c) => `从${p.pick(G.theories)}来看，${p.pick(c.groups)}的${p.pick(c.problems)}不仅是个人问题，也与家庭和社区环境密切相关。`,
  (p, c) => `据${p.pick(G.partners)}统计，近年来辖区${p.pick(c.groups)}数量持续增加，${p.pick(c.problems)}已成为居民反映集中的问题之一。`,
  (p, c) => `调研还显示，多数${p.pick(c.groups)}对${p.pick(c.services)}的知晓率不足{P}%，参与意愿却较为强烈。`,
  (p, c) => `${p.pick(c.groups)}的家庭普遍${p.pick(G.familyIssues)}，在${p.pick(c.problems)}方面缺乏有效的支持。`,
  (p, c) => `综合需求评估结果，项目将${p.pick(c.problems)}和${p.pick(c.problems)}作为重点回应的问题。`,
  (p, c) => `{街道}近三年共受理${p.pick(c.groups)}相关求助{N}件，其中涉及${p.pick(c.problems)}的占{P}%。`,
];

const OBJECTIVE: Template[] = [
  (p, c) => `总目标：以${p.pick(G.theories)}为指导，回应${p.pick(c.groups)}的${p.pick(c.problems)}问题，使${p.pick(c.outcomes)}。`,
  (p, c) => `在项目周期内为{N}名${p.pick(c.groups)}提供${p.pick(c.services)}服务，服务满意度达到{P}%以上。`,
  (p, c) => `培育${p.pick(c.groups)}${p.pick(G.volunteers)}{N}支，骨干成员不少于{N}人。`,
  (p, c) => `通过${p.pick(c.services)}和${p.pick(c.services)}，帮助服务对象${p.pick(G.gains)}。`,
  (p) => `整合${p.pick(G.partners)}、${p.pick(G.partners)}等资源，搭建多方联动的服务平台。`,
  (p, c) => `项目结束时，${p.pick(c.outcomes)}，服务对象的${p.pick(G.measures)}较前测提高{P}%。`,
  (_, c) => `推动形成可复制、可推广的${c.label}模式，为{区}同类项目提供参考。`,
  (p, c) => `力争使{P}%以上的${p.pick(c.groups)}能够${p.pick(G.gains)}。`,
  (p, c) => `建立${p.pick(c.groups)}需求台账，动态跟进{N}户重点家庭的${p.pick(c.problems)}情况。`,
];

const ACTIVITY: Template[] = [
  (p, c) => `活动一：${p.pick(c.activities)}，${p.pick(G.frequencies)}开展一次，每次邀请{N}名${p.pick(c.groups)}参与，由专业社工带领。`,
  (p, c) => `${p.pick(G.frequencies)}组织${p.pick(c.activities)}，围绕${p.pick(c.services)}设计{N}节主题课程。`,
  (p, c) => `运用${p.pick(G.methods)}方法，为{N}名重点${p.pick(c.groups)}建立个案档案，开展${p.pick(c.services)}。`,
  (p, c) => `联合${p.pick(G.partners)}举办${p.pick(c.activities)}，预计服务{N}人次。`,
  (p, c) => `招募并培训${p.pick(G.volunteers)}成员{N}名，协助开展${p.pick(c.services)}和日常探访。`,
  (p, c) => `在{社区}党群服务中心设立${p.pick(G.stations)}，提供${p.pick(c.services)}等常态化服务。`,
  (p, c) => `开展${p.pick(c.activities)}，以${p.pick(G.forms)}的方式增进服务对象之间的互动。`,
  (p, c) => `针对${p.pick(c.problems)}问题，开设${p.pick(c.activities)}小组，共{N}节，每节{N}分钟。`,
  (p) => `编印${p.pick(G.materials)}{N}册，在{街道}范围内发放宣传。`,
  (p, c) => `${p.pick(G.festivals)}期间举办${p.pick(c.activities)}，邀请${p.pick(G.partners)}共同参与。`,
  (p, c) => `利用微信群和社区公众号发布${p.pick(c.services)}信息，{N}个楼栋实现服务信息全覆盖。`,
  (p, c) => `对接${p.pick(G.partners)}的场地和人员，为${p.pick(c.groups)}提供${p.pick(c.services)}。`,
];

const OUTCOME: Template[] = [
  (p, c) => `预期成效：${p.pick(c.outcomes)}，服务对象满意度不低于{P}%。`,
  (p) => `项目将采用${p.pick(G.evaluations)}和${p.pick(G.evaluations)}相结合的方式评估服务成效。`,
  (p, c) => `预计直接受益${p.pick(c.groups)}{N}人，间接惠及家庭成员{N}人。`,
  (p, c) => `通过项目实施，${p.pick(c.outcomes)}，${p.pick(c.outcomes)}。`,
  (p) => `形成${p.pick(G.products)}{N}份，为后续服务提供经验。`,
  (p, c) => `项目结束后，${p.pick(G.volunteers)}将继续在{社区}开展${p.pick(c.services)}，保障服务的可持续性。`,
  (p) => `社工将${p.pick(G.frequencies)}整理服务记录，接受${p.pick(G.supervisors)}的过程监督。`,
];

const PADDING: Template[] = [
  () => `本机构成立于{N}年，现有专职社工{N}名，其中持证社工{N}名，累计承接政府购买服务项目{N}个。`,
  (p) => `机构曾获评${p.pick(['5A级社会组织', '4A级社会组织', '优秀社工机构', '先进社会组织'])}，在${p.pick(G.methods)}方面积累了丰富经验。`,
  (p) => `项目负责人从事社会工作{N}年，擅长${p.pick(G.methods)}和${p.pick(G.methods)}。`,
  (p) => `项目经费将严格按照预算执行，${p.pick(['人员经费', '活动经费', '宣传经费', '督导评估经费'])}占比约{P}%。`,
  (p) => `机构建立了${p.pick(['财务管理制度', '项目督导制度', '档案管理制度', '安全管理制度'])}，确保项目规范运行。`,
];

const SECTIONS: { heading: string; templates: Template[]; min: number }[] = [
  { heading: '一、需求分析', templates: NEED, min: 2 },
  { heading: '二、项目目标', templates: OBJECTIVE, min: 2 },
  { heading: '三、项目活动', templates: ACTIVITY, min: 2 },
  { heading: '四、预期成效', templates: OUTCOME, min: 1 },
];

function randomPlace(p: Picker): Place {
  const district = p.chance(0.6) ? '官渡区' : p.pick(Object.keys(PLACES));
  const name = p.pick(COMMUNITY_SYLLABLES) + p.pick(COMMUNITY_SYLLABLES);
  return { district, street: p.pick(PLACES[district]), community: `${name}社区` };
}

function randomOrg(p: Picker): string {
  return `昆明市${p.pick(G.orgWords)}${p.pick(G.orgKinds)}`;
}

/** Sentences are drawn round-robin over the sections until the text reaches a random length. */
function newDraft(p: Picker, category: string): Draft {
  const c = CATEGORIES[category];
  const target = p.int(300, 800);
  const title = `{社区}“${p.pick(G.brands)}”${p.pick(c.groups)}${p.pick(c.services)}项目`;
  const sections = SECTIONS.map((s) => ({ heading: s.heading, sentences: [] as string[] }));
  const draft: Draft = { category, place: randomPlace(p), numberSeed: p.int(1, 2 ** 30), title, sections };
  const used = SECTIONS.map(() => new Set<number>());
  const addTo = (i: number) => {
    const templates = SECTIONS[i].templates;
    if (used[i].size === templates.length) return;
    let t = p.int(0, templates.length - 1);
    while (used[i].has(t)) t = (t + 1) % templates.length;
    used[i].add(t);
    sections[i].sentences.push(templates[t](p, c));
  };
  SECTIONS.forEach((s, i) => {
    for (let k = 0; k < s.min; k++) addTo(i);
  });
  for (let guard = 0; render(draft).length < target && guard < 40; guard++) addTo(guard % SECTIONS.length);
  return draft;
}

function render(d: Draft): string {
  const numbers = mulberry32(d.numberSeed);
  const fill = (s: string) =>
    s
      .replaceAll('{区}', d.place.district)
      .replaceAll('{街道}', d.place.street)
      .replaceAll('{社区}', d.place.community)
      .replace(/\{N\}/g, () => String(2 + Math.floor(numbers() * 300)))
      .replace(/\{P\}/g, () => String(10 + Math.floor(numbers() * 86)));
  const body = d.sections.map((s) => `${s.heading}\n${s.sentences.join('')}`).join('\n');
  return fill(`${d.title}\n${body}`);
}

function cloneDraft(d: Draft): Draft {
  return { ...d, place: { ...d.place }, sections: d.sections.map((s) => ({ ...s, sentences: [...s.sentences] })) };
}

function swapSynonyms(p: Picker, s: string): string {
  let out = s;
  for (const [x, y] of SYNONYMS) {
    out = out.replace(new RegExp(`${x}|${y}`, 'g'), (m) => (p.chance(0.8) ? (m === x ? y : x) : m));
  }
  return out;
}

const transforms: Record<Exclude<VariantKind, 'combined'>, (p: Picker, d: Draft) => void> = {
  reorder: (p, d) => {
    for (const s of d.sections) p.shuffle(s.sentences);
    d.sections = [d.sections[0], ...p.shuffle(d.sections.slice(1))];
  },
  synonym: (p, d) => {
    d.title = swapSynonyms(p, d.title);
    for (const s of d.sections) s.sentences = s.sentences.map((x) => swapSynonyms(p, x));
  },
  added: (p, d) => {
    const c = CATEGORIES[d.category];
    for (let k = p.int(1, 2); k > 0; k--) {
      const i = p.int(0, SECTIONS.length - 1);
      const s = d.sections.find((x) => x.heading === SECTIONS[i].heading)!;
      s.sentences.splice(p.int(0, s.sentences.length), 0, p.pick(SECTIONS[i].templates)(p, c));
    }
  },
  dropped: (p, d) => {
    for (let k = p.int(1, 2); k > 0; k--) {
      const s = p.pick(d.sections.filter((x) => x.sentences.length > 1));
      if (s) s.sentences.splice(p.int(0, s.sentences.length - 1), 1);
    }
  },
  numbers_places: (p, d) => {
    d.place = randomPlace(p);
    d.numberSeed = p.int(1, 2 ** 30);
  },
  padding: (p, d) => {
    const length = render(d).length;
    const extra = { heading: '五、机构介绍与补充说明', sentences: [] as string[] };
    d.sections.push(extra);
    const target = length * (1.3 + p.random() * 0.7);
    const c = CATEGORIES[p.pick(CATEGORY_KEYS)];
    const pool = [...PADDING, ...NEED, ...ACTIVITY];
    for (let guard = 0; render(d).length < target && guard < 40; guard++) extra.sentences.push(p.pick(pool)(p, c));
  },
  split: (p, d) => {
    d.title = `${d.title}（一期）`;
    for (const s of d.sections.slice(1)) {
      const keep = Math.max(1, Math.ceil(s.sentences.length / 2));
      const start = p.int(0, s.sentences.length - keep);
      s.sentences = s.sentences.slice(start, start + keep);
    }
  },
};

function variantDraft(p: Picker, base: Draft, kind: VariantKind): Draft {
  const d = cloneDraft(base);
  if (kind === 'combined') {
    for (const k of ['reorder', 'synonym', 'numbers_places', 'added', 'dropped'] as const) transforms[k](p, d);
  } else transforms[kind](p, d);
  return d;
}

function period(p: Picker, year: number): { start: string; end: string } {
  const month = p.int(1, 6);
  const months = p.int(6, 12);
  const endMonth = month + months - 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  const endYear = year + Math.floor((endMonth - 1) / 12);
  const em = ((endMonth - 1) % 12) + 1;
  const lastDay = new Date(Date.UTC(endYear, em, 0)).getUTCDate();
  return { start: `${year}-${pad(month)}-01`, end: `${endYear}-${pad(em)}-${pad(lastDay)}` };
}

export interface CorpusOptions {
  docs: number;
  seed?: number;
  /** Share of base proposals followed by a planted near-duplicate. */
  variantRate?: number;
  idPrefix?: string;
}

/** Proposals in order; a planted variant directly follows its base, so any prefix keeps its pairs. */
export function* generateProposals(options: CorpusOptions): Generator<Proposal> {
  const p = new Picker(mulberry32(options.seed ?? 42));
  const rate = options.variantRate ?? 0.1;
  const prefix = options.idPrefix ?? 'P';
  let n = 0;
  const nextId = () => `${prefix}${String(++n).padStart(6, '0')}`;
  while (n < options.docs) {
    const draft = newDraft(p, p.pick(CATEGORY_KEYS));
    const org = randomOrg(p);
    const year = p.int(2018, 2024);
    const base: Proposal = {
      id: nextId(),
      text: render(draft),
      category: draft.category,
      org,
      community: draft.place.community,
      ...period(p, year),
    };
    yield base;
    if (n < options.docs && p.chance(rate)) {
      const kind = p.pick(VARIANT_KINDS);
      const v = variantDraft(p, draft, kind);
      yield {
        id: nextId(),
        text: render(v),
        category: v.category,
        org: p.chance(0.5) ? org : randomOrg(p),
        community: v.place.community,
        ...period(p, p.chance(0.5) ? year : year + 1),
        variantOf: base.id,
        variantKind: kind,
      };
    }
  }
}

export function generateCorpus(options: CorpusOptions): Proposal[] {
  return [...generateProposals(options)];
}

/** Reorders the sentences of each line and swaps synonyms: a reworded copy of a rendered text. */
function rewordText(p: Picker, text: string): string {
  return text
    .split('\n')
    .map((line) => swapSynonyms(p, p.shuffle(line.split(/(?<=。)/)).join('')))
    .join('\n');
}

/** New applications to check against an indexed corpus: half fresh, half reworded copies of `corpus` docs. */
export function generateQueries(corpus: readonly Proposal[], count: number, seed = 7): Proposal[] {
  const p = new Picker(mulberry32(seed));
  const out = generateCorpus({ docs: Math.ceil(count / 2), seed: seed + 1, variantRate: 0, idPrefix: 'Q' });
  for (let i = 1; out.length < count; i++) {
    const base = p.pick(corpus);
    out.push({ ...base, id: `R${String(i).padStart(6, '0')}`, text: rewordText(p, base.text), variantOf: base.id });
  }
  return out;
}

function parseArgs(argv: string[]): { docs: number; seed: number } {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return { docs: get('--docs', 1000), seed: get('--seed', 42) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { docs, seed } = parseArgs(process.argv.slice(2));
  for (const proposal of generateProposals({ docs, seed })) process.stdout.write(`${JSON.stringify(proposal)}\n`);
}
