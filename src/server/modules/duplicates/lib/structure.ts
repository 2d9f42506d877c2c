import type { DuplicatePair } from './types';

/**
 * Structural duplicates, after the Open Contracting red flags on related bidders (R043/R044): the
 * same provider — or providers sharing a legal representative, phone number or address — funded for
 * the same service category in the same community over overlapping periods, typically by two
 * different buyers.
 */
export interface StructureRecord {
  id: string;
  org?: string;
  community?: string;
  category?: string;
  /** ISO date YYYY-MM-DD, inclusive. */
  start?: string;
  /** ISO date YYYY-MM-DD, inclusive. */
  end?: string;
  legalRep?: string;
  phone?: string;
  address?: string;
}

export type StructureReason = 'same_org' | 'shared_legal_rep' | 'shared_phone' | 'shared_address';

export interface StructurePair extends DuplicatePair {
  kind: 'structure';
  reasons: StructureReason[];
}

/** Score of a pair run by the same organization. */
export const SAME_ORG_SCORE = 1;
/**
 * Score of a pair run by different organizations linked through a person, phone or address: weaker
 * evidence, since sister organizations may legitimately share an office.
 */
export const RELATED_ORG_SCORE = 0.8;

function key(value: string | undefined): string {
  return (value ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, '');
}

function phoneKey(value: string | undefined): string {
  const digits = (value ?? '').normalize('NFKC').replace(/\D/g, '');
  // Drop the country code so that +86 138… and 138… compare equal.
  return digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
}

/** Inclusive overlap of two periods; false when either period is incomplete. */
export function periodsOverlap(
  a: Pick<StructureRecord, 'start' | 'end'>,
  b: Pick<StructureRecord, 'start' | 'end'>,
) {
  if (!a.start || !a.end || !b.start || !b.end) return false;
  return a.start <= b.end && b.start <= a.end;
}

export function providerLink(a: StructureRecord, b: StructureRecord): StructureReason[] {
  const reasons: StructureReason[] = [];
  const same = (x: string, y: string) => x !== '' && x === y;
  if (same(key(a.org), key(b.org))) reasons.push('same_org');
  if (same(key(a.legalRep), key(b.legalRep))) reasons.push('shared_legal_rep');
  if (same(phoneKey(a.phone), phoneKey(b.phone))) reasons.push('shared_phone');
  if (same(key(a.address), key(b.address))) reasons.push('shared_address');
  return reasons;
}

/**
 * Pairs in the same community and service category, with overlapping periods, whose providers are
 * the same or linked. Records missing the community, the category or a complete period are skipped.
 * `a` is the record that comes first in the input.
 */
export function findStructuralDuplicates(records: readonly StructureRecord[]): StructurePair[] {
  const groups = new Map<string, number[]>();
  records.forEach((r, index) => {
    const community = key(r.community);
    const category = key(r.category);
    if (!community || !category || !r.start || !r.end) return;
    const groupKey = `${community}\u0000${category}`;
    const group = groups.get(groupKey);
    if (group) group.push(index);
    else groups.set(groupKey, [index]);
  });
  const pairs: StructurePair[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = records[group[i]];
        const b = records[group[j]];
        if (a.id === b.id || !periodsOverlap(a, b)) continue;
        const reasons = providerLink(a, b);
        if (reasons.length === 0) continue;
        const score = reasons.includes('same_org') ? SAME_ORG_SCORE : RELATED_ORG_SCORE;
        pairs.push({ a: a.id, b: b.id, score, kind: 'structure', reasons });
      }
    }
  }
  return pairs;
}
