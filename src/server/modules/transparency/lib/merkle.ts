/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proofs (SHA-256).
 *
 *   leaf = SHA-256(0x00 ‖ entry), node = SHA-256(0x01 ‖ left ‖ right), empty tree = SHA-256("").
 *
 * Indexes and sizes are JavaScript numbers (exact up to 2^53, far beyond any audit trail).
 * Proof generation reads subtree hashes through an async `SubtreeHash` function, so the same
 * code works over in-memory leaves, stored tiles or tiles fetched over HTTP.
 */
import { createHash } from 'node:crypto';
import { inclusionPath } from '../../../../domain/log-proof.js';

export const HASH_SIZE = 32;

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const emptyRoot = (): Buffer => sha256();
export const leafHash = (entry: Uint8Array): Buffer => sha256(LEAF_PREFIX, entry);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export const isPowerOfTwo = (n: number) => n >= 1 && splitPoint(n + 1) === n;

/** MTH over a list of leaf hashes, straight from RFC 6962 §2.1 (for tests and small trees). */
export function rootFromLeafHashes(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHash(rootFromLeafHashes(leaves.slice(0, k)), rootFromLeafHashes(leaves.slice(k)));
}

/** Hash of a perfect subtree whose leaves are `hashes` (length a power of two). */
export function perfectRoot(hashes: readonly Buffer[]): Buffer {
  let level = hashes.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/** MTH(D[start:end]) for the tree being proven. */
export type SubtreeHash = (start: number, end: number) => Promise<Buffer>;

/** RFC 6962 §2.1.1 PATH(m, D[0:n]): the audit path of leaf `index` in a tree of `size` leaves. */
export async function inclusionProof(index: number, size: number, mth: SubtreeHash): Promise<Buffer[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const proof: Buffer[] = [];
  let start = 0;
  let end = size;
  let m = index;
  // Iterative form of PATH; collected from the root down, so reversed at the end.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      proof.push(await mth(start + k, end));
      end = start + k;
    } else {
      proof.push(await mth(start, start + k));
      start += k;
      m -= k;
    }
  }
  return proof.reverse();
}

/** RFC 6962 §2.1.2 PROOF(m, D[0:n]): a consistency proof from tree size m to n (0 < m ≤ n). */
export async function consistencyProof(m: number, n: number, mth: SubtreeHash): Promise<Buffer[]> {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from size ${m} to ${n}`);
  const proof: Buffer[] = [];
  let start = 0;
  let end = n;
  let mm = m;
  let whole = true;
  for (;;) {
    if (mm === end - start) {
      if (!whole) proof.push(await mth(start, end));
      break;
    }
    const k = splitPoint(end - start);
    if (mm <= k) {
      proof.push(await mth(start + k, end));
      end = start + k;
    } else {
      proof.push(await mth(start, start + k));
      start += k;
      mm -= k;
      whole = false;
    }
  }
  return proof.reverse();
}

const isHash = (h: Uint8Array) => h.length === HASH_SIZE;
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof is malformed. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | null {
  if (!isHash(leaf) || !proof.every(isHash)) return null;
  const path = inclusionPath(index, size, proof.length);
  if (!path) return null;
  let r: Buffer = Buffer.from(leaf);
  path.forEach((onLeft, i) => {
    r = onLeft ? nodeHash(proof[i], r) : nodeHash(r, proof[i]);
  });
  return r;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== null && equal(computed, root);
}

/**
 * RFC 9162 §2.1.4.2 consistency proof verification, with the edge cases of the Go
 * transparency-dev/merkle package: size1 = 0 is rejected (nothing to prove; callers treat the
 * empty tree specially), size1 = size2 needs an empty proof and equal roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!(size1 > 0 && size1 <= size2) || !proof.every(isHash)) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}
