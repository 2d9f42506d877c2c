export const DUPLICATE_KINDS = ['text', 'structure', 'file'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/** One flagged pair; `a` and `b` are application ids. */
export interface DuplicatePair {
  a: string;
  b: string;
  score: number;
  kind: DuplicateKind;
}
