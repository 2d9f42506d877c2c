/**
 * Deterministic generator of synthetic social-work service proposals, with planted near-duplicates.
 *
 *   npx tsx src/server/seed/proposals/generate.ts --docs 5000 [--seed 42] > corpus.jsonl
 */
import { mulberry32 } from '../../../domain/random.js';
import { ACTIVITY, NEED, OBJECTIVE, OUTCOME, PADDING, TITLE } from './templates';
import {
  CATEGORIES,
  CATEGORY_KEYS,
  type CategoryVocabulary,
  COMMUNITY_SYLLABLES,
  GENERAL,
  PLACES,
  SYNONYMS,
} from './vocabulary';

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

/** A proposal before rendering: sentences keep the %D %S %C %N %P placeholders of templates.ts. */
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

const G = GENERAL;

function expandTemplate(p: Picker, template: string, c: CategoryVocabulary): string {
  const slots: Record<string, readonly string[]> = {
    group: c.groups,
    problem: c.problems,
    service: c.services,
    activity: c.activities,
    outcome: c.outcomes,
    label: [c.label],
    theory: G.theories,
    method: G.methods,
    partner: G.partners,
    freq: G.frequencies,
    eval: G.evaluations,
    cause: G.causes,
    basic: G.basics,
    family: G.familyIssues,
    vol: G.volunteers,
    gain: G.gains,
    measure: G.measures,
    station: G.stations,
    form: G.forms,
    material: G.materials,
    festival: G.festivals,
    product: G.products,
    supervisor: G.supervisors,
    brand: G.brands,
  };
  return template
    .replace(/\{([^{}]*)\}/g, (_, alternatives: string) => p.pick(alternatives.split('|')))
    .replace(/\$(\w+)/g, (_, slot: string) => p.pick(slots[slot]));
}

const SECTIONS: { heading: string; templates: string[]; min: number }[] = [
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
  const title = expandTemplate(p, TITLE, c);
  const sections = SECTIONS.map((s) => ({ heading: s.heading, sentences: [] as string[] }));
  const draft: Draft = { category, place: randomPlace(p), numberSeed: p.int(1, 2 ** 30), title, sections };
  const used = SECTIONS.map(() => new Set<number>());
  // Placeholders are about as long as what replaces them, so the raw length is a good estimate.
  let length = title.length + SECTIONS.reduce((n, s) => n + s.heading.length + 1, 0);
  const addTo = (i: number) => {
    const templates = SECTIONS[i].templates;
    if (used[i].size === templates.length) return;
    let t = p.int(0, templates.length - 1);
    while (used[i].has(t)) t = (t + 1) % templates.length;
    used[i].add(t);
    const sentence = expandTemplate(p, templates[t], c);
    sections[i].sentences.push(sentence);
    length += sentence.length;
  };
  SECTIONS.forEach((s, i) => {
    for (let k = 0; k < s.min; k++) addTo(i);
  });
  for (let guard = 0; length < target && guard < 40; guard++) addTo(guard % SECTIONS.length);
  return draft;
}

function render(d: Draft): string {
  const numbers = mulberry32(d.numberSeed);
  const fill = (s: string) =>
    s
      .replaceAll('%D', d.place.district)
      .replaceAll('%S', d.place.street)
      .replaceAll('%C', d.place.community)
      .replace(/%N/g, () => String(2 + Math.floor(numbers() * 300)))
      .replace(/%P/g, () => String(10 + Math.floor(numbers() * 86)));
  const body = d.sections.map((s) => `${s.heading}\n${s.sentences.join('')}`).join('\n');
  return fill(`${d.title}\n${body}`);
}

function cloneDraft(d: Draft): Draft {
  return {
    ...d,
    place: { ...d.place },
    sections: d.sections.map((s) => ({ ...s, sentences: [...s.sentences] })),
  };
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
      s.sentences.splice(
        p.int(0, s.sentences.length),
        0,
        expandTemplate(p, p.pick(SECTIONS[i].templates), c),
      );
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
    for (let guard = 0; render(d).length < target && guard < 40; guard++)
      extra.sentences.push(expandTemplate(p, p.pick(pool), c));
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
    for (const k of ['reorder', 'synonym', 'numbers_places', 'added', 'dropped'] as const)
      transforms[k](p, d);
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
    out.push({
      ...base,
      id: `R${String(i).padStart(6, '0')}`,
      text: rewordText(p, base.text),
      variantOf: base.id,
    });
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
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  for (const proposal of generateProposals({ docs, seed }))
    process.stdout.write(`${JSON.stringify(proposal)}\n`);
}

/**
 * The text sections of one fresh proposal at a real place, for the demo data: as varied as the
 * benchmark's corpus, so unrelated demo applications do not look like duplicates of each other.
 */
export function proposalSections(seed: number, category: string, place: Place) {
  const p = new Picker(mulberry32(seed));
  const draft = newDraft(p, CATEGORY_KEYS.includes(category) ? category : p.pick(CATEGORY_KEYS));
  draft.place = place;
  const [need, objectives, activities, outcomes] = render(draft)
    .split('\n')
    .slice(1)
    .filter((_, i) => i % 2 === 1);
  return { need, objectives, activities: `${activities}${outcomes ?? ''}` };
}
