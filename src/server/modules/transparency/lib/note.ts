/**
 * C2SP signed-note (https://c2sp.org/signed-note), compatible with Go's golang.org/x/mod/sumdb/note:
 * Ed25519 signatures (type 0x01), verifier keys `<name>+<key id hex>+<base64(type ‖ public key)>`,
 * private keys `PRIVATE+KEY+<name>+<key id hex>+<base64(type ‖ 32-byte seed)>`, and timestamped
 * Ed25519 cosignatures (type 0x04, c2sp.org/tlog-cosignature) verified through the same interface.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;

// DER prefixes that turn raw RFC 8032 keys into PKCS#8 / SPKI for node:crypto.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {}

/** Key names are non-empty and contain no Unicode space and no plus sign. */
export const isValidKeyName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

/** key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

export const ed25519PrivateKey = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
export const ed25519PublicKey = (raw: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
const rawPublicKey = (key: KeyObject) =>
  key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);

export interface NoteSigner {
  name: string;
  keyId: number;
  type: number;
  /** The verifier key for this signer. */
  vkey: string;
  /** Signature bytes (without the key ID) over the note text. */
  sign(text: string): Buffer;
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  type: number;
  vkey: string;
  verify(text: string, signature: Buffer): boolean;
}

export function encodeVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  return `${name}+${hex8(keyId(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

export function encodePrivateKey(name: string, type: number, seed: Uint8Array): string {
  const pub = rawPublicKey(createPublicKey(ed25519PrivateKey(seed)));
  return `PRIVATE+KEY+${name}+${hex8(keyId(name, type, pub))}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

/** A new Ed25519 key pair: `type` 0x01 for a log, 0x04 for a witness (cosigner). */
export function generateKey(name: string, type = ALG_ED25519): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const seed = randomBytes(32);
  const skey = encodePrivateKey(name, type, seed);
  return { skey, vkey: signerFromPrivateKey(skey).vkey };
}

const strictBase64 = (s: string): Buffer | null => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : null;
};

export const decodeBase64 = strictBase64;

/** Splits at the first n-1 plus signs (base64 key material contains plus signs too). */
function splitPlus(s: string, n: number): string[] {
  const parts: string[] = [];
  let rest = s;
  while (parts.length < n - 1) {
    const i = rest.indexOf('+');
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  return parts;
}

/** Parses a private key; for type 0x04 the signer produces cosignature/v1 signatures. */
export function signerFromPrivateKey(skey: string, now: () => number = () => Date.now()): NoteSigner {
  const parts = splitPlus(skey.trim(), 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw new NoteError('malformed private key');
  const [, , name, idHex, b64] = parts;
  const raw = strictBase64(b64);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !raw || raw.length !== 33)
    throw new NoteError('malformed private key');
  const type = raw[0];
  if (type !== ALG_ED25519 && type !== ALG_COSIGNATURE_V1) throw new NoteError(`unknown key type ${type}`);
  const key = ed25519PrivateKey(raw.subarray(1));
  const pub = rawPublicKey(createPublicKey(key));
  const id = keyId(name, type, pub);
  if (hex8(id) !== idHex) throw new NoteError('private key ID does not match the key');
  return {
    name,
    keyId: id,
    type,
    vkey: encodeVerifierKey(name, type, pub),
    sign(text) {
      if (type === ALG_ED25519) return sign(null, Buffer.from(text), key);
      const timestamp = BigInt(Math.floor(now() / 1000));
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(timestamp);
      return Buffer.concat([ts, sign(null, cosignatureMessage(text, timestamp), key)]);
    },
  };
}

/** The cosignature/v1 signed message: header line, time line, then the checkpoint note text. */
export function cosignatureMessage(text: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** The timestamp of a cosignature/v1 signature (seconds since the epoch). */
export function cosignatureTimestamp(signature: Buffer): bigint | null {
  return signature.length === 72 ? signature.readBigUInt64BE(0) : null;
}

export function verifierFromKey(vkey: string): NoteVerifier {
  const parts = splitPlus(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoteError(`malformed verifier key ${JSON.stringify(vkey)}`);
  const [name, idHex, b64] = parts;
  const raw = strictBase64(b64);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || !raw || raw.length < 1)
    throw new NoteError(`malformed verifier key ${JSON.stringify(vkey)}`);
  const type = raw[0];
  const pubRaw = raw.subarray(1);
  if ((type !== ALG_ED25519 && type !== ALG_COSIGNATURE_V1) || pubRaw.length !== 32)
    throw new NoteError(`unsupported verifier key type ${type} in ${JSON.stringify(vkey)}`);
  const id = keyId(name, type, pubRaw);
  if (hex8(id) !== idHex)
    throw new NoteError(`verifier key ID does not match the key in ${JSON.stringify(vkey)}`);
  const pub = ed25519PublicKey(pubRaw);
  return {
    name,
    keyId: id,
    type,
    vkey: vkey.trim(),
    verify(text, signature) {
      if (type === ALG_ED25519)
        return signature.length === 64 && verify(null, Buffer.from(text), pub, signature);
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === null || timestamp >= 2n ** 63n) return false;
      return verify(null, cosignatureMessage(text, timestamp), pub, signature.subarray(8));
    },
  };
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  signature: Buffer;
  /** The whole signature line, with its final newline. */
  line: string;
}

export interface Note {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

export function signatureLine(signer: NoteSigner, text: string): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `— ${signer.name} ${Buffer.concat([id, signer.sign(text)]).toString('base64')}\n`;
}

function checkText(text: string) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the spec forbids exactly these
  if (!text.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text))
    throw new NoteError('malformed note');
}

/** Signs `text` (which must end in a newline) with every signer. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  return `${text}\n${signers.map((s) => signatureLine(s, text)).join('')}`;
}

const MAX_SIGNATURES = 100;

/** Splits a signed note into text and signature lines, without verifying anything. */
export function parseNote(message: string): Note {
  checkText(message);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2).split('\n');
  lines.pop(); // after the final newline
  if (lines.length === 0) throw new NoteError('malformed note: no signatures');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    const raw = m && strictBase64(m[2]);
    if (!m || !isValidKeyName(m[1]) || !raw || raw.length < 5)
      throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    return { name: m[1], keyId: raw.readUInt32BE(0), signature: raw.subarray(4), line: `${line}\n` };
  });
  return { text, signatures };
}

export interface OpenedNote extends Note {
  /** Signatures by the given verifiers that verified, with the verifier that checked them. */
  verified: (NoteSignature & { verifier: NoteVerifier })[];
}

/**
 * Parses a note and verifies the signatures of known keys (name and key ID both matching).
 * Unknown signatures are ignored; a known signature that fails, or no verified signature at
 * all, throws.
 */
export function openNote(message: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(message);
  const verified: OpenedNote['verified'] = [];
  for (const sig of note.signatures) {
    const verifier = verifiers.find((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (!verifier || verified.some((v) => v.verifier === verifier)) continue;
    if (!verifier.verify(note.text, sig.signature))
      throw new NoteError(`invalid signature by ${sig.name}+${hex8(sig.keyId)}`);
    verified.push({ ...sig, verifier });
  }
  if (verified.length === 0) throw new NoteError('no signature by a known key');
  return { ...note, verified };
}
