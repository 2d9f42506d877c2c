/**
 * Chinese-aware text normalization and word segmentation.
 *
 * Sentences are cut on the original text so that their offsets can be used to highlight passages;
 * each sentence is then normalized on its own.
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
const PUNCTUATION_OR_SPACE = /[\p{P}\p{S}\s]+/gu;
// Full-width and ASCII sentence terminators; an ASCII '.' only when not inside a number.
const SENTENCE_END = /[。！？!?；;…\r\n]+|\.(?!\d)/g;

/** NFKC (full-width → half-width), lowercase, numbers → NUMBER_TOKEN, punctuation → single space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(NUMBER_RUN, ` ${NUMBER_TOKEN} `)
    .replace(PUNCTUATION_OR_SPACE, ' ')
    .trim();
}

/** Sentences of the original text with their offsets; sentences without any letter or digit are dropped. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (/[\p{L}\p{N}]/u.test(body)) spans.push({ start: start + lead, end: start + lead + body.length, text: body });
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
 * Sentences with their normalized words. The normalized sentences are joined and segmented in one
 * call: the Intl.Segmenter cost is per segment plus a per-call overhead, so one call per document is
 * cheaper than one per sentence.
 */
export function tokenizeSentences(text: string): TokenizedSentence[] {
  const spans = splitSentences(text);
  const normalized = spans.map((s) => normalizeText(s.text));
  const ends: number[] = [];
  let joined = '';
  for (const n of normalized) {
    joined += `${n}\n`;
    ends.push(joined.length);
  }
  const result: TokenizedSentence[] = spans.map((span) => ({ span, words: [] }));
  let sentence = 0;
  for (const s of wordSegmenter.segment(joined)) {
    if (!s.isWordLike) continue;
    while (s.index >= ends[sentence]) sentence++;
    result[sentence].words.push(s.segment);
  }
  return result.filter((t) => t.words.length > 0);
}

/** True when the runtime has the ICU dictionary for Chinese word breaks (Node's default full ICU). */
export function hasChineseWordSegmentation(): boolean {
  return segmentWords('社会工作').length === 2;
}
