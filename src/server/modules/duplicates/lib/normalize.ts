/**
 * Chinese-aware text normalization and word segmentation.
 *
 * Sentences are cut on the original text so that their offsets can be used to highlight passages;
 * the sentences are then normalized (one call for all, joined by line breaks) and segmented.
 */

export interface SentenceSpan {
  /** Offset (UTF-16 code units) of the first character in the original text. */
  start: number;
  /** Offset just after the last character in the original text. */
  end: number;
  text: string;
}

/** Every run of digits (with decimal/thousand separators and a trailing %) becomes this token. */
export const NUMBER_TOKEN = '0';

const NUMBER_RUN = /\d+(?:[.,]\d+)*%?/g;
// Fast pass over the common alphabet (Han, ASCII letters and digits); only runs of other characters
// go through the slower Unicode-property test, to keep letters of other scripts.
const NOT_COMMON = /[^\u3400-\u9fff\uf900-\ufaffa-z0-9\n]+/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}\p{M}\n]+/gu;
// Full-width and ASCII sentence terminators; an ASCII '.' only when not inside a number.
const SENTENCE_END = /[。！？!?；;…\r\n]+|\.(?!\d)/g;

/**
 * NFKC (full-width → half-width), lowercase, numbers → NUMBER_TOKEN, everything that is not a letter
 * or digit (punctuation, symbols, spaces) → a single space. Line breaks are kept.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(NUMBER_RUN, ` ${NUMBER_TOKEN} `)
    .replace(NOT_COMMON, (run) => (LETTER_OR_DIGIT.test(run) ? run.replace(NOT_LETTER_OR_DIGIT, ' ') : ' '))
    .replace(/ ?\n ?/g, '\n')
    .replace(/^ | $/g, '');
}

/** Sentences of the original text with their offsets; sentences without any letter or digit are dropped. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (/[\p{L}\p{N}]/u.test(body))
      spans.push({ start: start + lead, end: start + lead + body.length, text: body });
  };
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    push(end);
    start = end;
  }
  if (start < text.length) push(text.length);
  return spans;
}

const wordSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Word-like segments of an already normalized string. */
export function segmentWords(normalized: string): string[] {
  const words: string[] = [];
  for (const s of wordSegmenter.segment(normalized)) if (s.isWordLike) words.push(s.segment);
  return words;
}

export interface TokenizedSentence {
  span: SentenceSpan;
  words: string[];
}

/**
 * Word segmentation of space-free chunks, memoized. Intl.Segmenter costs about a microsecond per
 * segment (one object per segment crosses from ICU into JS), which alone would exceed the indexing
 * budget; proposals repeat the same phrases, so most chunks are segmented once. A space is always a
 * word boundary, so segmenting chunk by chunk gives the same words as segmenting the whole text.
 */
const chunkWords = new Map<string, string[]>();
// About 60 MB when full; the oldest quarter is evicted then (Map iterates in insertion order).
let maxCachedChunks = 200_000;
const cacheStats = { hits: 0, misses: 0 };

export function segmentationCacheStats(): { hits: number; misses: number; size: number } {
  return { ...cacheStats, size: chunkWords.size };
}

/** Sets the number of cached chunks (about 300 bytes each); 0 disables the cache. */
export function setSegmentationCacheLimit(chunks: number): void {
  maxCachedChunks = Math.max(0, Math.floor(chunks));
  if (chunkWords.size > maxCachedChunks) evictOldest(chunkWords.size - maxCachedChunks);
}

export function clearSegmentationCache(): void {
  chunkWords.clear();
  cacheStats.hits = 0;
  cacheStats.misses = 0;
}

/**
 * A copy of the string that does not share memory with the text it was cut from: V8 represents a
 * substring of 13 characters or more as a view on its parent, so a cached chunk would keep the whole
 * normalized text alive (measured: 500 bytes per cache entry instead of about 150).
 */
function detach(s: string): string {
  return s.length < 13 ? s : JSON.parse(JSON.stringify(s));
}

function evictOldest(count: number): void {
  let n = 0;
  for (const key of chunkWords.keys()) {
    if (n++ >= count) break;
    chunkWords.delete(key);
  }
}

/** Segments all the chunks in one Intl.Segmenter call (the per-call overhead is not negligible). */
function segmentChunks(chunks: readonly string[]): string[][] {
  const result = chunks.map((): string[] => []);
  const ends: number[] = [];
  let joined = '';
  for (const c of chunks) {
    joined += `${c}\n`;
    ends.push(joined.length);
  }
  let chunk = 0;
  for (const s of wordSegmenter.segment(joined)) {
    if (!s.isWordLike) continue;
    while (s.index >= ends[chunk]) chunk++;
    result[chunk].push(s.segment);
  }
  return result;
}

/** Sentences with their normalized words; sentences without words are dropped. */
export function tokenizeSentences(text: string): TokenizedSentence[] {
  const spans = splitSentences(text);
  // One normalization call for the whole text: per-sentence calls cost more than the work itself.
  const normalized = normalizeText(spans.map((s) => s.text).join('\n')).split('\n');
  const chunked = normalized.map((s) => (s === '' ? [] : s.split(' ')));
  const missing: string[] = [];
  const wordsOf = chunked.map((chunks) =>
    chunks.map((c) => {
      const cached = chunkWords.get(c);
      if (cached) {
        cacheStats.hits++;
        return cached;
      }
      cacheStats.misses++;
      missing.push(c);
      return undefined;
    }),
  );
  if (missing.length > 0) {
    const segmented = segmentChunks(missing);
    const fresh = new Map<string, string[]>();
    missing.forEach((c, i) => {
      fresh.set(c, segmented[i]);
    });
    if (maxCachedChunks > 0) {
      if (chunkWords.size + fresh.size > maxCachedChunks)
        evictOldest(Math.max(fresh.size, maxCachedChunks / 4));
      for (const [c, words] of fresh) chunkWords.set(detach(c), words);
    }
    wordsOf.forEach((list, i) => {
      list.forEach((words, j) => {
        if (!words) list[j] = fresh.get(chunked[i][j]);
      });
    });
  }
  const result: TokenizedSentence[] = [];
  spans.forEach((span, i) => {
    const words: string[] = [];
    for (const chunk of wordsOf[i]) for (const w of chunk!) words.push(w);
    if (words.length > 0) result.push({ span, words });
  });
  return result;
}

/** True when the runtime has the ICU dictionary for Chinese word breaks (Node's default full ICU). */
export function hasChineseWordSegmentation(): boolean {
  return segmentWords('社会工作').length === 2;
}
