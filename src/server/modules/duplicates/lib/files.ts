import type { DuplicatePair } from './types';

export interface FileRecord {
  id: string;
  /** Content hashes of the attachments, e.g. hex SHA-256. */
  fileHashes: readonly string[];
}

export interface FilePair extends DuplicatePair {
  kind: 'file';
  sharedHashes: string[];
}

export interface FileDuplicateOptions {
  /** Hashes of files every application may attach (blank forms, the call's own template). */
  ignoreHashes?: Iterable<string>;
}

const normalizeHash = (h: string) => h.trim().toLowerCase();

/**
 * Pairs of applications with at least one identical attachment. Score = shared files / files of the
 * application with fewer files, so 1 means one application's attachments all reappear in the other.
 * `a` is the record that comes first in the input.
 */
export function findFileDuplicates(
  records: readonly FileRecord[],
  options: FileDuplicateOptions = {},
): FilePair[] {
  const ignored = new Set(Array.from(options.ignoreHashes ?? [], normalizeHash));
  const sets = records.map(
    (r) => new Set(r.fileHashes.map(normalizeHash).filter((h) => h && !ignored.has(h))),
  );
  const holders = new Map<string, number[]>();
  sets.forEach((set, index) => {
    for (const h of set) {
      const list = holders.get(h);
      if (list) list.push(index);
      else holders.set(h, [index]);
    }
  });
  const shared = new Map<string, string[]>();
  for (const [hash, list] of holders) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const pairKey = `${list[i]},${list[j]}`;
        const hashes = shared.get(pairKey);
        if (hashes) hashes.push(hash);
        else shared.set(pairKey, [hash]);
      }
    }
  }
  const pairs: FilePair[] = [];
  for (const [pairKey, hashes] of shared) {
    const [i, j] = pairKey.split(',').map(Number);
    if (records[i].id === records[j].id) continue;
    const score = hashes.length / Math.min(sets[i].size, sets[j].size);
    pairs.push({ a: records[i].id, b: records[j].id, score, kind: 'file', sharedHashes: hashes.sort() });
  }
  return pairs.sort((x, y) => y.score - x.score);
}
