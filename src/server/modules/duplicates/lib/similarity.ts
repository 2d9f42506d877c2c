import { type SentenceSpan, tokenizeSentences } from './normalize';
import { DEFAULT_SHINGLES, type ShingleOptions, sentenceShingles, toShingleSet } from './shingles';

/** |A ∩ B| of two sorted shingle sets (merge walk). */
export function intersectionSize(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

export interface Overlap {
  intersection: number;
  /** |A ∩ B| / |A ∪ B| */
  jaccard: number;
  /** |A ∩ B| / min(|A|, |B|): 1 when one text is contained in the other (padding, splitting). */
  containment: number;
}

export function overlapOfSizes(intersection: number, sizeA: number, sizeB: number): Overlap {
  const union = sizeA + sizeB - intersection;
  const smaller = Math.min(sizeA, sizeB);
  return {
    intersection,
    jaccard: union === 0 ? 0 : intersection / union,
    containment: smaller === 0 ? 0 : intersection / smaller,
  };
}

export function overlap(a: ArrayLike<number>, b: ArrayLike<number>): Overlap {
  return overlapOfSizes(intersectionSize(a, b), a.length, b.length);
}

export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return overlap(a, b).jaccard;
}

export function containment(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return overlap(a, b).containment;
}

export interface PassageSentence extends SentenceSpan {
  /** Index among the document's sentences (after empty ones are dropped). */
  index: number;
  /** Share of this sentence's shingles found anywhere in the other document. */
  shared: number;
  /** The sentence of the other document sharing the most shingles with this one. */
  bestMatch: number;
}

export interface MatchingPassages {
  a: PassageSentence[];
  b: PassageSentence[];
}

export interface PassageOptions {
  shingles?: ShingleOptions;
  /** Minimum share of a sentence's shingles present in the other document. */
  minShared?: number;
}

interface SentenceSets {
  spans: SentenceSpan[];
  sets: Uint32Array[];
}

function sentenceSets(text: string, options: ShingleOptions): SentenceSets {
  const tokenized = tokenizeSentences(text);
  return {
    spans: tokenized.map((t) => t.span),
    sets: tokenized.map((t) => toShingleSet(sentenceShingles(t.words, options))),
  };
}

function matchingSentences(from: SentenceSets, to: SentenceSets, minShared: number): PassageSentence[] {
  const owners = new Map<number, number[]>();
  to.sets.forEach((set, index) => {
    for (const h of set) {
      const list = owners.get(h);
      if (list) list.push(index);
      else owners.set(h, [index]);
    }
  });
  const result: PassageSentence[] = [];
  from.sets.forEach((set, index) => {
    if (set.length === 0) return;
    let shared = 0;
    const perSentence = new Map<number, number>();
    for (const h of set) {
      const list = owners.get(h);
      if (!list) continue;
      shared++;
      for (const other of list) perSentence.set(other, (perSentence.get(other) ?? 0) + 1);
    }
    const share = shared / set.length;
    if (share < minShared) return;
    let bestMatch = -1;
    let best = 0;
    for (const [other, count] of perSentence) {
      if (count > best) {
        best = count;
        bestMatch = other;
      }
    }
    result.push({ ...from.spans[index], index, shared: share, bestMatch });
  });
  return result;
}

/**
 * Sentences of each text that share shingles with the other text, with offsets into the original
 * strings, so that a UI can highlight them side by side (`bestMatch` links the two sides).
 */
export function matchingPassages(
  textA: string,
  textB: string,
  options: PassageOptions = {},
): MatchingPassages {
  const shingles = options.shingles ?? DEFAULT_SHINGLES;
  const minShared = options.minShared ?? 0.5;
  const a = sentenceSets(textA, shingles);
  const b = sentenceSets(textB, shingles);
  return { a: matchingSentences(a, b, minShared), b: matchingSentences(b, a, minShared) };
}
