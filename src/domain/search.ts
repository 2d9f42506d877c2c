/**
 * Chinese-aware search tokens: Intl.Segmenter's word segmentation (ICU dictionary, built into
 * Node and browsers), lower-cased, punctuation dropped. Stored space-separated so PostgreSQL's
 * 'simple' text-search configuration indexes the words as they are, on PGlite and PostgreSQL alike.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

export function searchTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike) tokens.push(s.segment);
  }
  return tokens;
}

export const searchText = (...parts: (string | null | undefined)[]) =>
  searchTokens(parts.filter(Boolean).join(' ')).join(' ');

/** A tsquery matching documents that contain every word of the query (prefix match on the last). */
export function toTsQuery(query: string): string | null {
  const tokens = searchTokens(query)
    .map((t) => t.replace(/[&|!():*<>'\\]/g, ''))
    .filter(Boolean);
  if (tokens.length === 0) return null;
  return tokens.map((t, i) => (i === tokens.length - 1 ? `'${t}':*` : `'${t}'`)).join(' & ');
}
