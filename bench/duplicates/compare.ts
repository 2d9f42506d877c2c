/**
 * Measures how each shingling separates planted near-duplicates from unrelated proposals of the same
 * category, to choose the shingle kind and size.
 *
 *   npx tsx bench/duplicates/compare.ts [--docs 3000] [--pairs 20000]
 */
import { mulberry32 } from '../../src/server/modules/duplicates/lib/hash';
import { tokenizeSentences } from '../../src/server/modules/duplicates/lib/normalize';
import { type ShingleOptions, shingleSetOfSentences } from '../../src/server/modules/duplicates/lib/shingles';
import { overlap } from '../../src/server/modules/duplicates/lib/similarity';
import { generateCorpus, VARIANT_KINDS } from '../../src/server/seed/proposals/generate';
import { numberArg, percentile } from './stats';

const CONFIGS: ShingleOptions[] = [
  { mode: 'word', n: 1 },
  { mode: 'word', n: 2 },
  { mode: 'word', n: 3 },
  { mode: 'char', n: 3 },
  { mode: 'char', n: 4 },
  { mode: 'char', n: 5 },
];

const argv = process.argv.slice(2);
const corpus = generateCorpus({ docs: numberArg(argv, '--docs', 3000), seed: 42 });
const tokenized = corpus.map((p) => tokenizeSentences(p.text));
const index = new Map(corpus.map((p, i) => [p.id, i]));
const random = mulberry32(1);
const unrelated: [number, number][] = [];
const family = (i: number) => corpus[i].variantOf ?? corpus[i].id;
while (unrelated.length < numberArg(argv, '--pairs', 20000)) {
  const i = Math.floor(random() * corpus.length);
  const j = Math.floor(random() * corpus.length);
  if (i !== j && corpus[i].category === corpus[j].category && family(i) !== family(j)) unrelated.push([i, j]);
}

const rows: Record<string, string | number>[] = [];
for (const config of CONFIGS) {
  const sets = tokenized.map((t) => shingleSetOfSentences(t, config));
  const row: Record<string, string | number> = { shingles: `${config.mode}-${config.n}` };
  const u = unrelated.map(([i, j]) => overlap(sets[i], sets[j]));
  const uj = u.map((o) => o.jaccard);
  row['unrel J p99'] = percentile(uj, 0.99).toFixed(3);
  row['unrel J max'] = Math.max(...uj).toFixed(3);
  const uc = u.map((o) => o.containment);
  row['unrel C p99'] = percentile(uc, 0.99).toFixed(3);
  row['unrel C max'] = Math.max(...uc).toFixed(3);
  for (const kind of VARIANT_KINDS) {
    const pairs = corpus.filter((p) => p.variantKind === kind);
    const js = pairs.map((p) => overlap(sets[index.get(p.variantOf!)!], sets[index.get(p.id)!]));
    const share = (f: (o: (typeof js)[number]) => boolean) => (js.filter(f).length / pairs.length).toFixed(2);
    const p05 = percentile(
      js.map((o) => o.jaccard),
      0.05,
    ).toFixed(2);
    row[kind] =
      `${p05} ${share((o) => o.jaccard >= 0.5)} ${share((o) => Math.max(o.jaccard, o.containment) >= 0.5)}`;
  }
  rows.push(row);
}
console.log('Unrelated = random pairs of the same category. Per planted kind: 5th percentile of Jaccard,');
console.log('share of pairs with J >= 0.5, share with max(J, containment) >= 0.5.');
console.table(rows);
