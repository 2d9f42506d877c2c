import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from '../server/modules/transparency/lib/checkpoint.js';
import { inclusionProof, leafHash, rootFromLeafHashes } from '../server/modules/transparency/lib/merkle.js';
import {
  ALG_COSIGNATURE_V1,
  generateKey,
  signatureLine,
  signerFromPrivateKey,
  signNote,
} from '../server/modules/transparency/lib/note.js';
import { decodeLogBase64, openCheckpoint, verifyInclusionProof } from './log-proof.js';

// The browser's verifier (WebCrypto) against the server's log library (Node crypto): the two
// implementations of the same specifications must agree on every leaf of every small tree.
const log = generateKey('districtlog.example/api/transparency/log');
const signer = signerFromPrivateKey(log.skey);
const entries = Array.from({ length: 17 }, (_, i) => new TextEncoder().encode(`{"i":${i},"公开":true}`));
const hashes = entries.map((e) => leafHash(e));
const subtree = async (start: number, end: number) => rootFromLeafHashes(hashes.slice(start, end));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function signedCheckpoint(size: number) {
  return signNote(
    formatCheckpoint(
      'districtlog.example/api/transparency/log',
      size,
      rootFromLeafHashes(hashes.slice(0, size)),
    ),
    [signer],
  );
}

describe('the browser’s transparency-log verifier', () => {
  it('accepts every leaf’s inclusion proof in trees of 1 to 17 leaves', async () => {
    for (let size = 1; size <= entries.length; size++) {
      const checkpoint = await openCheckpoint(signedCheckpoint(size), log.vkey);
      expect(checkpoint.size).toBe(size);
      for (let index = 0; index < size; index++) {
        const proof = (await inclusionProof(index, size, subtree)).map(b64);
        expect(await verifyInclusionProof(checkpoint, index, entries[index], proof), `${index}/${size}`).toBe(
          true,
        );
        if (size > 1) {
          const other = (index + 1) % size;
          expect(await verifyInclusionProof(checkpoint, index, entries[other], proof)).toBe(false);
        }
      }
    }
  });

  it('refuses proofs of the wrong length, malformed hashes and leaves outside the tree', async () => {
    const checkpoint = await openCheckpoint(signedCheckpoint(11), log.vkey);
    const proof = (await inclusionProof(5, 11, subtree)).map(b64);
    expect(await verifyInclusionProof(checkpoint, 5, entries[5], proof.slice(1))).toBe(false);
    expect(await verifyInclusionProof(checkpoint, 5, entries[5], [...proof, proof[0]])).toBe(false);
    expect(
      await verifyInclusionProof(checkpoint, 5, entries[5], [proof[0].slice(4), ...proof.slice(1)]),
    ).toBe(false);
    expect(await verifyInclusionProof(checkpoint, 11, entries[5], proof)).toBe(false);
    expect(await verifyInclusionProof(checkpoint, -1, entries[5], proof)).toBe(false);
  });

  it('opens a checkpoint by the log’s signature, ignoring witnesses’ lines, and refuses any other', async () => {
    const note = signedCheckpoint(3);
    const witness = signerFromPrivateKey(generateKey('witness.example/w', ALG_COSIGNATURE_V1).skey);
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const witnessed = note + signatureLine(witness, text);
    expect((await openCheckpoint(witnessed, log.vkey)).root).toEqual(
      Uint8Array.from(rootFromLeafHashes(hashes.slice(0, 3))),
    );

    const stranger = generateKey('districtlog.example/api/transparency/log');
    await expect(openCheckpoint(note, stranger.vkey)).rejects.toThrow('检查点没有本日志的签名');
    const forged = note.replace('\n3\n', '\n4\n');
    await expect(openCheckpoint(forged, log.vkey)).rejects.toThrow('检查点签名无效');
    const [, name, id, key] = /^(.+?)\+(.+?)\+(.+)$/.exec(log.vkey)!;
    await expect(openCheckpoint(note, `${name}+00000000+${key}`)).rejects.toThrow('密钥编号');
    await expect(openCheckpoint(note, `${name}+${id}`)).rejects.toThrow('公钥格式');
    await expect(openCheckpoint('no signatures\n', log.vkey)).rejects.toThrow('检查点格式');
  });

  it('decodes only canonical base64', () => {
    expect(decodeLogBase64('AAEC')).toEqual(Uint8Array.of(0, 1, 2));
    expect(decodeLogBase64('AAE=')).toEqual(Uint8Array.of(0, 1));
    expect(decodeLogBase64('AAE')).toBeNull();
    expect(decodeLogBase64('A-E=')).toBeNull();
  });
});
