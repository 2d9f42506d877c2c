/**
 * Benchmark of the duplicate-application detector on a synthetic corpus.
 *
 *   npx tsx bench/duplicates/run.ts [--docs 100000] [--subset 5000] [--queries 1000] [--brute 50]
 *                                   [--workers 2] [--single 10000] [--bands 42] [--rows 3]
 *
 * The machine may be shared and noisy, so timings are also given relative to baselines measured in
 * the same run (brute-force scans with the same exact similarity).
 */

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  DuplicateDetector,
  findTextDuplicates,
  resolveDetectorOptions,
  type ScoreMode,
  textScore,
} from '../../src/server/modules/duplicates/lib/detector';
import { candidateProbability, lshThreshold } from '../../src/server/modules/duplicates/lib/minhash';
import { segmentationCacheStats } from '../../src/server/modules/duplicates/lib/normalize';
import { shingleSet } from '../../src/server/modules/duplicates/lib/shingles';
import {
  intersectionSize,
  overlap,
  overlapOfSizes,
} from '../../src/server/modules/duplicates/lib/similarity';
import {
  generateCorpus,
  generateQueries,
  type Proposal,
  VARIANT_KINDS,
} from '../../src/server/seed/proposals/generate';
import { forEachOverlappingPair, forEachPairBruteForce } from './exhaustive';
import { buildInParallel } from './parallel-build';
import { median, numberArg, percentile } from './stats';

// Explicit collections between phases, so that the generator's garbage is not counted in the
// detector's memory (the index sizes are measured as heap growth after a full collection).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const argv = process.argv.slice(2);
const DOCS = numberArg(argv, '--docs', 100_000);
const SUBSET = Math.min(DOCS, numberArg(argv, '--subset', 5000));
const QUERIES = numberArg(argv, '--queries', 1000);
const BRUTE = numberArg(argv, '--brute', 50);
const THRESHOLD = 0.5;
const WORKERS = numberArg(argv, '--workers', availableParallelism(), 0);
const SINGLE = Math.min(DOCS, numberArg(argv, '--single', 10_000, 0));
const lsh = { bands: numberArg(argv, '--bands', 42), rows: numberArg(argv, '--rows', 3) };

let peakRss = 0;
let phase = 'generation';
const peakByPhase = new Map<string, number>();
const sampleMemory = (next?: string) => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  peakByPhase.set(phase, Math.max(peakByPhase.get(phase) ?? 0, rss));
  if (next) {
    log(`${phase}: peak rss ${mb(peakByPhase.get(phase)!)}`);
    phase = next;
  }
};
// Also samples while the main thread waits for the worker threads.
const sampler = setInterval(sampleMemory, 100);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(3)} ms`;
const log = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

// 1. Corpus
let t = performance.now();
const corpus = generateCorpus({ docs: DOCS, seed: 42 });
const avgChars = corpus.reduce((s, p) => s + p.text.length, 0) / corpus.length;
log(`generated ${corpus.length} proposals (avg ${avgChars.toFixed(0)} chars) in ${seconds(t).toFixed(1)} s`);
sampleMemory('index build');
gc();
const heapAndBuffers = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const heapBefore = heapAndBuffers();

// 2. Index build: fingerprints in worker threads (or here with --workers 0), index on this thread
const detector = new DuplicateDetector({ threshold: THRESHOLD, lsh });
const progress = (done: number) => {
  if (done % 10_000 < 250 || done === DOCS) {
    sampleMemory();
    log(`indexed ${done} in ${seconds(t).toFixed(1)} s`);
  }
};
t = performance.now();
let cpu = process.cpuUsage();
let sets: Uint32Array[] = [];
if (WORKERS > 0) sets = await buildInParallel(detector, corpus, WORKERS, progress);
else {
  for (let i = 0; i < corpus.length; i++) {
    sets.push(detector.add(corpus[i]).shingles);
    progress(i + 1);
  }
}
const buildSeconds = seconds(t);
// CPU time of the whole process (all threads): unlike wall time, hardly affected by other load.
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const buildCpuSeconds = cpuSeconds(cpu);
sampleMemory('single-thread baselines');
gc();
const indexHeap = heapAndBuffers() - heapBefore;
const indexStats = detector.stats();
const rssAfterBuild = process.memoryUsage().rss;
const avgShingles = sets.reduce((s, x) => s + x.length, 0) / sets.length;

// Baselines on this thread: a bare Intl.Segmenter pass over the first documents (the least any
// word-based method must do), then fingerprinting and indexing them (cold segmentation cache)
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
t = performance.now();
let segments = 0;
for (const doc of corpus.slice(0, SINGLE)) for (const _ of segmenter.segment(doc.text)) segments++;
const segmentMsPerDoc = SINGLE === 0 ? Number.NaN : (seconds(t) * 1000) / SINGLE;
t = performance.now();
cpu = process.cpuUsage();
const reference = new DuplicateDetector({ threshold: THRESHOLD, lsh });
for (const doc of corpus.slice(0, SINGLE)) reference.add(doc);
const singleMsPerDoc = SINGLE === 0 ? Number.NaN : (seconds(t) * 1000) / SINGLE;
const singleCpuMsPerDoc = SINGLE === 0 ? Number.NaN : (cpuSeconds(cpu) * 1000) / SINGLE;
const cache = segmentationCacheStats();
sampleMemory('queries');

// 3. Queries against the full index: half new proposals, half reworded copies of indexed ones
const queries = generateQueries(corpus, QUERIES, 7);
for (const q of queries.slice(0, 20)) detector.query({ text: q.text });
const queryTimes: number[] = [];
const queryCpuTimes: number[] = [];
const fingerprintTimes: number[] = [];
const candidateCounts: number[] = [];
let copiesFound = 0;
let copies = 0;
let freshFlagged = 0;
for (const q of queries) {
  const cpuStart = process.cpuUsage();
  let start = performance.now();
  const hits = detector.query({ text: q.text });
  queryTimes.push(performance.now() - start);
  queryCpuTimes.push(cpuSeconds(cpuStart) * 1000);
  start = performance.now();
  const fp = detector.fingerprint(q.text);
  fingerprintTimes.push(performance.now() - start);
  candidateCounts.push(detector.candidates(fp).length);
  if (q.variantOf) {
    copies++;
    if (hits.some((h) => h.id === q.variantOf)) copiesFound++;
  } else if (hits.length > 0) freshFlagged++;
}
sampleMemory('brute force');

// 4. Baseline: brute-force exact scan of the same queries
const options = resolveDetectorOptions({ threshold: THRESHOLD });
const bruteScan = (text: string, over: readonly Uint32Array[]) => {
  const q = shingleSet(text);
  let hits = 0;
  for (const s of over) {
    const o = overlapOfSizes(intersectionSize(q, s), q.length, s.length);
    if (textScore(o, Math.min(q.length, s.length), options) >= THRESHOLD) hits++;
  }
  return hits;
};
const timeBrute = (over: readonly Uint32Array[], count: number) =>
  queries.slice(0, count).map((q) => {
    const start = performance.now();
    bruteScan(q.text, over);
    return performance.now() - start;
  });
const bruteFull = timeBrute(sets, BRUTE);
const bruteSubset = timeBrute(sets.slice(0, SUBSET), Math.min(QUERIES, 200));

// 5. Quality on a subset, against exhaustive pairwise exact similarity
sampleMemory('ground truth');
const subset = corpus.slice(0, SUBSET);
const subsetSets = sets.slice(0, SUBSET);
const pairKey = (i: number, j: number) => (i < j ? i * SUBSET + j : j * SUBSET + i);
const family = (p: Proposal) => p.variantOf ?? p.id;
const truth: Record<ScoreMode, Set<number>> = { jaccard: new Set(), max: new Set() };
let unrelatedMaxJ = 0;
let unrelatedMaxScore = 0;
const sameCategoryPairs = (() => {
  const perCategory = new Map<string, Map<string, number>>();
  for (const p of subset) {
    const families = perCategory.get(p.category) ?? new Map<string, number>();
    families.set(family(p), (families.get(family(p)) ?? 0) + 1);
    perCategory.set(p.category, families);
  }
  let pairs = 0;
  for (const families of perCategory.values()) {
    const n = [...families.values()].reduce((x, y) => x + y, 0);
    pairs += (n * (n - 1)) / 2;
    for (const f of families.values()) pairs -= (f * (f - 1)) / 2;
  }
  return pairs;
})();
const checkSample = subsetSets.slice(0, 400);
const viaIndex: string[] = [];
const viaPairs: string[] = [];
forEachOverlappingPair(checkSample, (i, j, n) => viaIndex.push(`${i},${j},${n}`));
forEachPairBruteForce(checkSample, (i, j, n) => viaPairs.push(`${i},${j},${n}`));
if (viaIndex.sort().join() !== viaPairs.sort().join())
  throw new Error('inverted-index scan disagrees with pairwise scan');
t = performance.now();
forEachOverlappingPair(subsetSets, (i, j, intersection) => {
  const a = subsetSets[i];
  const b = subsetSets[j];
  const o = overlapOfSizes(intersection, a.length, b.length);
  const score = textScore(o, Math.min(a.length, b.length), options);
  if (o.jaccard >= THRESHOLD) truth.jaccard.add(i * SUBSET + j);
  if (score >= THRESHOLD) truth.max.add(i * SUBSET + j);
  if (subset[i].category === subset[j].category && family(subset[i]) !== family(subset[j])) {
    if (o.jaccard > unrelatedMaxJ) unrelatedMaxJ = o.jaccard;
    if (score > unrelatedMaxScore) unrelatedMaxScore = score;
  }
});
const exhaustiveSeconds = seconds(t);
sampleMemory('subset detection');
const indexOf = new Map(subset.map((p, i) => [p.id, i]));
const detect = (scoreMode: ScoreMode) => {
  const pairs = findTextDuplicates(subset, { threshold: THRESHOLD, scoreMode, lsh });
  return new Set(pairs.map((p) => pairKey(indexOf.get(p.a)!, indexOf.get(p.b)!)));
};
const quality = (['jaccard', 'max'] as const).map((mode) => {
  const found = detect(mode);
  let truePositives = 0;
  for (const k of found) if (truth[mode].has(k)) truePositives++;
  return {
    mode,
    found,
    truePairs: truth[mode].size,
    detected: found.size,
    precision: found.size === 0 ? 1 : truePositives / found.size,
    recall: truth[mode].size === 0 ? 1 : truePositives / truth[mode].size,
  };
});
const maxMode = quality[1];
let unrelatedFlagged = 0;
for (const k of maxMode.found) {
  const a = subset[Math.floor(k / SUBSET)];
  const b = subset[k % SUBSET];
  if (a.category === b.category && family(a) !== family(b)) unrelatedFlagged++;
}
const planted = VARIANT_KINDS.map((kind) => {
  const pairs = subset.filter((p) => p.variantKind === kind && indexOf.has(p.variantOf!));
  const keys = pairs.map((p) => pairKey(indexOf.get(p.id)!, indexOf.get(p.variantOf!)!));
  const js = pairs.map((p) =>
    overlap(subsetSets[indexOf.get(p.id)!], subsetSets[indexOf.get(p.variantOf!)!]),
  );
  return {
    kind,
    pairs: pairs.length,
    'median J': median(js.map((o) => o.jaccard)).toFixed(2),
    'min J': Math.min(...js.map((o) => o.jaccard)).toFixed(2),
    'min containment': Math.min(...js.map((o) => o.containment)).toFixed(2),
    recall: (keys.filter((k) => maxMode.found.has(k)).length / Math.max(1, pairs.length)).toFixed(3),
  };
});
sampleMemory('report');
clearInterval(sampler);
const maxRss = process.resourceUsage().maxRSS * 1024;

// 6. Report
const qMedian = median(queryTimes);
const rows: [string, string, string][] = [
  ['documents indexed', String(DOCS), ''],
  ['avg characters / shingles per document', `${avgChars.toFixed(0)} / ${avgShingles.toFixed(0)}`, ''],
  [
    'LSH bands × rows (S-curve threshold)',
    `${lsh.bands} × ${lsh.rows} (${lshThreshold(lsh.bands, lsh.rows).toFixed(3)})`,
    `P(candidate | J=0.5) = ${candidateProbability(0.5, lsh.bands, lsh.rows).toFixed(4)}`,
  ],
  [
    `index build, total (${WORKERS === 0 ? 'main thread only' : `${WORKERS} worker threads`})`,
    `${buildSeconds.toFixed(1)} s`,
    '≤ 60 s',
  ],
  ['index build, per document', ms((buildSeconds * 1000) / DOCS), ''],
  ['index build, CPU time of all threads', `${buildCpuSeconds.toFixed(1)} s`, 'insensitive to other load'],
  [`single-thread build, per document (first ${SINGLE})`, ms(singleMsPerDoc), ''],
  [`  single-thread build extrapolated to ${DOCS}`, `${((singleMsPerDoc * DOCS) / 1000).toFixed(1)} s`, ''],
  [`  single-thread build, CPU time per document`, ms(singleCpuMsPerDoc), ''],
  [
    `bare Intl.Segmenter pass, per document (first ${SINGLE})`,
    ms(segmentMsPerDoc),
    `${(segments / Math.max(1, SINGLE)).toFixed(0)} segments`,
  ],
  ['  single-thread build / bare segmentation', (singleMsPerDoc / segmentMsPerDoc).toFixed(2), ''],
  [
    'segmentation cache hit rate (main thread)',
    (cache.hits / Math.max(1, cache.hits + cache.misses)).toFixed(3),
    'share of chunks already segmented',
  ],
  ['check one application, median', ms(qMedian), '≤ 20 ms'],
  ['check one application, p99', ms(percentile(queryTimes, 0.99)), ''],
  [
    'check one application, CPU time median / p99',
    `${ms(median(queryCpuTimes))} / ${ms(percentile(queryCpuTimes, 0.99))}`,
    '',
  ],
  ['  of which fingerprint (median)', ms(median(fingerprintTimes)), ''],
  [
    '  LSH candidates per query (median / p99)',
    `${median(candidateCounts)} / ${percentile(candidateCounts, 0.99)}`,
    '',
  ],
  [`brute-force exact scan of ${DOCS}, median (${BRUTE} queries)`, ms(median(bruteFull)), ''],
  ['  speed-up of the index over brute force', `${(median(bruteFull) / qMedian).toFixed(1)}×`, ''],
  [`brute-force exact scan of ${SUBSET}, median`, ms(median(bruteSubset)), ''],
  [
    `  indexed query over ${DOCS} / brute force over ${SUBSET}`,
    (qMedian / median(bruteSubset)).toFixed(2),
    '',
  ],
  ['reworded copies found among queries', `${copiesFound}/${copies}`, ''],
  ['new proposals flagged among queries', `${freshFlagged}/${queries.length - copies}`, ''],
  [
    'index payload (shingle sets + band entries)',
    mb(indexStats.payloadBytes),
    `${(indexStats.payloadBytes / DOCS / 1024).toFixed(2)} KB per document`,
  ],
  ['main-thread heap + array buffers growth during build', mb(indexHeap), ''],
  ['RSS after build (corpus texts included)', mb(rssAfterBuild), ''],
  ['peak RSS (sampled / maxRSS)', `${mb(peakRss)} / ${mb(maxRss)}`, '≤ 1 GB'],
  [
    `exhaustive exact similarity of all subset pairs`,
    `${exhaustiveSeconds.toFixed(1)} s`,
    'inverted index, checked against the pairwise scan on 400 docs',
  ],
];
for (const q of quality) {
  const label = q.mode === 'jaccard' ? 'J ≥ 0.5' : 'max(J, containment) ≥ 0.5';
  rows.push([`subset: true pairs with ${label} / detected`, `${q.truePairs} / ${q.detected}`, '']);
  rows.push([`subset: precision (${label})`, q.precision.toFixed(4), '≥ 0.95']);
  rows.push([`subset: recall (${label})`, q.recall.toFixed(4), '≥ 0.95']);
}
rows.push([
  `subset: unrelated same-category pairs flagged`,
  `${unrelatedFlagged} of ${sameCategoryPairs}`,
  `max J ${unrelatedMaxJ.toFixed(3)}, max score ${unrelatedMaxScore.toFixed(3)}`,
]);

const width = Math.max(...rows.map((r) => r[0].length));
const valueWidth = Math.max(...rows.map((r) => r[1].length));
console.log('\nDuplicate detection benchmark');
for (const [name, value, note] of rows)
  console.log(`${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${note}`);
console.log(
  '\nPlanted near-duplicates in the subset (recall with the default score max(J, containment) ≥ 0.5)',
);
console.table(planted);
