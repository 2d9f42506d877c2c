/**
 * Checking the transparency log's evidence with nothing but WebCrypto (Ed25519, SHA-256), so that
 * a resident's browser verifies for itself that a public step is in the log the platform signed:
 * the checkpoint's signed-note signature (https://c2sp.org/signed-note, tlog-checkpoint) and an
 * RFC 9162 inclusion proof of the step's entry. The server side (modules/transparency/lib) uses
 * Node's crypto and shares the proof walk, `inclusionPath`.
 */

const encoder = new TextEncoder();

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const concat = (...parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const sha256 = async (...parts: readonly Uint8Array[]) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export const logLeafHash = (entry: Uint8Array) => sha256(Uint8Array.of(0), entry);
const logNodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right);

/**
 * RFC 9162 §2.1.3.2 for a proof of `proofLength` hashes of leaf `index` in a tree of `size`: for
 * each proof hash in turn, whether it goes on the left of the running hash. Null when no proof of
 * that length exists for that leaf.
 */
export function inclusionPath(index: number, size: number, proofLength: number): boolean[] | null {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  const onLeft: boolean[] = [];
  for (let i = 0; i < proofLength; i++) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      onLeft.push(true);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      onLeft.push(false);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? onLeft : null;
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

/** Why a piece of evidence did not verify, in words for the page. */
export class LogProofError extends Error {}

/** `<name>+<key id hex>+<base64(0x01 ‖ Ed25519 public key)>` */
async function parseVerifierKey(vkey: string) {
  // The base64 may itself contain '+': only the first two separate the fields.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  const [, name, idHex, b64] = m ?? [];
  const raw = b64 === undefined ? null : fromBase64(b64);
  if (!name || !idHex || !raw || raw.length !== 33 || raw[0] !== 1)
    throw new LogProofError('日志公钥格式不正确');
  const publicKey = raw.subarray(1);
  const id = (await sha256(encoder.encode(`${name}\n`), Uint8Array.of(1), publicKey)).subarray(0, 4);
  if (Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('') !== idHex)
    throw new LogProofError('日志公钥的密钥编号与公钥不符');
  return { name, id, key: await crypto.subtle.importKey('raw', publicKey, 'Ed25519', false, ['verify']) };
}

/** Verifies the log's signature on a checkpoint note and returns the checkpoint it signs. */
export async function openCheckpoint(note: string, verifierKey: string): Promise<SignedCheckpoint> {
  const verifier = await parseVerifierKey(verifierKey);
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new LogProofError('检查点格式不正确');
  const text = note.slice(0, split + 1);
  let signed = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    const raw = m ? fromBase64(m[2]) : null;
    if (!m || !raw || raw.length < 5) throw new LogProofError('检查点签名行格式不正确');
    if (m[1] !== verifier.name || !equalBytes(raw.subarray(0, 4), verifier.id)) continue; // a witness
    if (!(await crypto.subtle.verify('Ed25519', verifier.key, raw.subarray(4), encoder.encode(text))))
      throw new LogProofError('检查点签名无效');
    signed = true;
  }
  if (!signed) throw new LogProofError('检查点没有本日志的签名');
  const [origin, sizeLine, rootLine] = text.slice(0, -1).split('\n');
  const root = rootLine ? fromBase64(rootLine) : null;
  if (!origin || !/^(0|[1-9]\d*)$/.test(sizeLine ?? '') || !root || root.length !== 32)
    throw new LogProofError('检查点内容格式不正确');
  return { origin, size: Number(sizeLine), root };
}

/** Whether `entry` is leaf `index` of the tree the checkpoint signs, by the inclusion proof. */
export async function verifyInclusionProof(
  checkpoint: SignedCheckpoint,
  index: number,
  entry: Uint8Array,
  proofBase64: readonly string[],
): Promise<boolean> {
  const proof = proofBase64.map(fromBase64);
  const path = inclusionPath(index, checkpoint.size, proof.length);
  if (!path || proof.some((p) => p?.length !== 32)) return false;
  let hash = await logLeafHash(entry);
  for (const [i, onLeft] of path.entries()) {
    const sibling = proof[i] as Uint8Array;
    hash = onLeft ? await logNodeHash(sibling, hash) : await logNodeHash(hash, sibling);
  }
  return equalBytes(hash, checkpoint.root);
}

export const decodeLogBase64 = fromBase64;
