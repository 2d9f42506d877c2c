/**
 * The random draw of a review panel, pure and deterministic so that anyone holding the draw
 * record (seed, ordered candidate ids, exclusions) can re-run it and get the same panel, in the
 * browser or on the server.
 *
 * Algorithm (version 1; changing it breaks the verification of earlier draws):
 * 1. `state` = the first 4 bytes (big-endian) of SHA-256 of the seed's UTF-8 bytes.
 * 2. `eligible` = the candidates in their recorded order, without the excluded ids.
 * 3. Fisher–Yates shuffle of `eligible` with mulberry32(state): for i from the last index down to
 *    1, j = floor(next() × (i + 1)), swap i and j.
 * 4. The shuffled list is the draw order: the first `size` ids form the panel; when an expert
 *    declines, the next id in the order not yet invited replaces them.
 */

import { mulberry32 } from './random.js';

/** The platform's one seeded PRNG (src/domain/random.ts), re-exported: it is part of the algorithm. */
export { mulberry32 };

export interface DrawInput {
  seed: string;
  /** Every expert considered, in the recorded order (the server sorts them by id). */
  candidates: readonly string[];
  /** Candidates left out before the draw (conflicts of interest, no account). */
  exclusions: readonly { expertId: string }[];
  size: number;
}

export interface DrawResult {
  /** The eligible candidates in draw order. */
  order: string[];
  /** The first `size` of `order` (fewer when there are not enough candidates). */
  panel: string[];
  /** The rest of `order`: replacements, in turn. */
  reserves: string[];
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes. Synchronous and dependency-free because Web
 * Crypto's digest is async and missing on plain-http intranet pages, where districts often run.
 */
export function sha256(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 9 + 63) >> 6) << 6) >>> 0);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}

/** The PRNG state a seed string gives: the first 32 bits of its SHA-256. */
export function seedState(seed: string): number {
  const digest = sha256(seed);
  return new DataView(digest.buffer).getUint32(0);
}

export function drawPanel({ seed, candidates, exclusions, size }: DrawInput): DrawResult {
  const excluded = new Set(exclusions.map((e) => e.expertId));
  const order = candidates.filter((id) => !excluded.has(id));
  const next = mulberry32(seedState(seed));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { order, panel: order.slice(0, size), reserves: order.slice(size) };
}

/**
 * Whether the panel as it stands (every member ever invited, with their position in the draw
 * order) is exactly what the record gives: positions 0..n-1, each holding the drawn id.
 */
export function verifyDraw(
  input: DrawInput,
  members: readonly { expertId: string; drawPosition: number }[],
): boolean {
  const { order } = drawPanel(input);
  const sorted = [...members].sort((a, b) => a.drawPosition - b.drawPosition);
  if (sorted.length < Math.min(input.size, order.length)) return false;
  return sorted.every((m, i) => m.drawPosition === i && order[i] === m.expertId);
}

// ---------- who may sit on a panel ----------

/** An application's parties, as far as conflicts of interest go. */
export interface DrawApplicant {
  providerOrgId: string;
  providerOrgName: string;
  communityOrgId: string | null;
  communityOrgName: string | null;
  /** The "N" of "1+1+1+N": named partners (free text). */
  partners: readonly { name: string }[];
}

/** An active expert of the pool, with what a conflict of interest is judged on. */
export interface PoolExpert {
  id: string;
  field: string;
  employerOrgId: string | null;
  employerName: string | null;
  /** The name of the employer organization (`employerOrgId`), if any. */
  employerOrgName: string | null;
  formerEmployerOrgIds: readonly string[];
  userId: string | null;
}

/**
 * Why an expert may not review these applications, or null: the expert works, or worked, for an
 * applicant; works for the community committee co-signing an application, or for a named partner
 * (compared with the employer's name, trimmed); or has no platform account, so could neither
 * accept nor score.
 */
export function conflictReason(expert: PoolExpert, applicants: readonly DrawApplicant[]): string | null {
  const employerNames = [expert.employerName, expert.employerOrgName]
    .map((n) => n?.trim())
    .filter((n): n is string => !!n);
  for (const a of applicants) {
    if (expert.employerOrgId === a.providerOrgId) return `受聘于申报单位“${a.providerOrgName}”`;
    if (expert.formerEmployerOrgIds.includes(a.providerOrgId))
      return `曾受聘于申报单位“${a.providerOrgName}”`;
    if (a.communityOrgId && expert.employerOrgId === a.communityOrgId)
      return `受聘于联合申报社区“${a.communityOrgName ?? ''}”`;
    const partner = a.partners.find((p) => employerNames.includes(p.name.trim()));
    if (partner) return `受聘于申报合作方“${partner.name.trim()}”`;
  }
  if (!expert.userId) return '未开通平台账号，无法在线确认和评分';
  return null;
}

export interface DrawPool {
  /** The field the candidates were taken from, or null when the pool widened to every expert. */
  field: string | null;
  /** The candidates, sorted by id (code-unit order, not a database collation). */
  candidates: string[];
  /** The candidates left out before the draw, each with its reason. */
  exclusions: { expertId: string; reason: string }[];
}

/**
 * The candidates of a draw from the active pool: the experts of `field` when at least `panelSize`
 * of them are free of conflicts, otherwise every expert, so that a small field does not block the
 * review; and the exclusions among them with their reasons.
 */
export function drawPool(
  pool: readonly PoolExpert[],
  input: { field: string; panelSize: number; applicants: readonly DrawApplicant[] },
): DrawPool {
  const reasons = new Map(pool.map((e) => [e.id, conflictReason(e, input.applicants)]));
  const inField = pool.filter((e) => e.field === input.field);
  const wide = inField.filter((e) => !reasons.get(e.id)).length < input.panelSize;
  const candidates = (wide ? pool : inField).map((e) => e.id).sort();
  const exclusions = candidates.flatMap((id) => {
    const reason = reasons.get(id);
    return reason ? [{ expertId: id, reason }] : [];
  });
  return { field: wide ? null : input.field, candidates, exclusions };
}
