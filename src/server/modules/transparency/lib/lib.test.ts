import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { decodeBundle, encodeBundle } from './entries.js';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import {
  ALG_COSIGNATURE_V1,
  cosignatureTimestamp,
  generateKey,
  keyId,
  NoteError,
  openNote,
  parseNote,
  signerFromPrivateKey,
  signNote,
  verifierFromKey,
} from './note.js';
import vectors from './testdata/merkle-vectors.json' with { type: 'json' };
import { encodeTileIndex, parseTilePath, TileAppender, TileHashReader, tilePath, tilesOf } from './tiles.js';

const b64 = (s: string) => Buffer.from(s, 'base64');
const hex = (s: string) => Buffer.from(s, 'hex');

// transparency-dev/merkle testonly/constants.go (Apache-2.0): leaf inputs and expected roots.
const LEAF_INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];

function tilesFor(leaves: Buffer[]) {
  const appender = new TileAppender(0);
  for (const leaf of leaves) appender.append(leaf);
  return appender;
}
const readerFor = (size: number, appender: TileAppender) => new TileHashReader(size, appender.fetcher);

describe('RFC 6962 hashing (transparency-dev/merkle test vectors)', () => {
  it('hashes leaves and computes the root of every prefix of the reference tree', () => {
    const leaves = LEAF_INPUTS.map(leafHash);
    expect(leaves.map((h) => h.toString('hex'))).toEqual(LEAF_HASHES);
    expect(emptyRoot().toString('hex')).toBe(ROOTS[0]);
    for (let n = 1; n <= 8; n++)
      expect(rootFromLeafHashes(leaves.slice(0, n)).toString('hex')).toBe(ROOTS[n]);
  });

  it('computes the same roots from tiles', async () => {
    const leaves = LEAF_INPUTS.map(leafHash);
    const tiles = tilesFor(leaves);
    for (let n = 1; n <= 8; n++) expect((await readerFor(n, tiles).root()).toString('hex')).toBe(ROOTS[n]);
  });
});

describe('proof verification (transparency-dev/merkle testdata, all probes)', () => {
  it.each(vectors.inclusion.map((v) => [v.file, v] as const))('inclusion %s', (_file, v) => {
    const ok = verifyInclusion(
      v.leafIdx,
      v.treeSize,
      b64(v.leafHash ?? ''),
      (v.proof ?? []).map(b64),
      b64(v.root ?? ''),
    );
    expect(ok).toBe(!v.wantErr);
  });

  it.each(vectors.consistency.map((v) => [v.file, v] as const))('consistency %s', (_file, v) => {
    const ok = verifyConsistency(
      v.size1,
      v.size2,
      (v.proof ?? []).map(b64),
      b64(v.root1 ?? ''),
      b64(v.root2 ?? ''),
    );
    expect(ok).toBe(!v.wantErr);
  });
});

describe('proof generation from tiles', () => {
  const leaves = LEAF_INPUTS.map(leafHash);
  const tiles = tilesFor(leaves);

  it('reproduces every happy-path proof of the reference tree', async () => {
    const inclusion = vectors.inclusion.filter(
      (v) => !v.wantErr && v.treeSize <= 8 && v.file.match(/^inclusion\/\d\//),
    );
    expect(inclusion.length).toBeGreaterThan(3);
    for (const v of inclusion) {
      expect(b64(v.root ?? '').toString('hex')).toBe(ROOTS[v.treeSize]);
      const proof = await inclusionProof(v.leafIdx, v.treeSize, readerFor(v.treeSize, tiles).subtreeHash);
      expect(proof.map((p) => p.toString('base64'))).toEqual(v.proof ?? []);
    }
    const consistency = vectors.consistency.filter(
      (v) => !v.wantErr && v.size1 > 0 && v.file.match(/^consistency\/\d\//),
    );
    expect(consistency.length).toBeGreaterThan(3);
    for (const v of consistency) {
      const proof = await consistencyProof(v.size1, v.size2, readerFor(v.size2, tiles).subtreeHash);
      expect(proof.map((p) => p.toString('base64'))).toEqual(v.proof ?? []);
    }
  });

  it('proves every pair of sizes up to 300 leaves, across tile boundaries', async () => {
    const many = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const appender = tilesFor(many);
    const roots = [emptyRoot()];
    for (let n = 1; n <= many.length; n++) roots.push(rootFromLeafHashes(many.slice(0, n)));
    for (const n of [1, 2, 3, 7, 8, 255, 256, 257, 299, 300]) {
      const reader = readerFor(n, appender);
      expect(await reader.root()).toEqual(roots[n]);
      for (const m of [1, 2, 5, 128, 255, 256, 257, 299].filter((m) => m <= n)) {
        const proof = await consistencyProof(m, n, reader.subtreeHash);
        expect(verifyConsistency(m, n, proof, roots[m], roots[n])).toBe(true);
        const incl = await inclusionProof(m - 1, n, reader.subtreeHash);
        expect(verifyInclusion(m - 1, n, many[m - 1], incl, roots[n])).toBe(true);
      }
    }
  });

  it('builds upper-level tiles: 65,537 leaves need a level-2 tile', async () => {
    const n = 256 * 256 + 1;
    const many = Array.from({ length: n }, (_, i) => createHash('sha256').update(String(i)).digest());
    const appender = tilesFor(many);
    expect(appender.tiles.get('2/0')?.length).toBe(1);
    expect(await readerFor(n, appender).root()).toEqual(rootFromLeafHashes(many));
    expect(await readerFor(256 * 256, appender).root()).toEqual(appender.tiles.get('2/0')?.[0]);
  });
});

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it('encodes indexes as the spec and Go tlog do', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(123456078)).toBe('x123/x456/078');
    expect(encodeTileIndex(3057500)).toBe('x003/x057/500');
    expect(encodeTileIndex(1)).toBe('001');
    expect(tilePath(0, 1234067, 5)).toBe('tile/0/x001/x234/067.p/5');
    expect(tilePath('entries', 0)).toBe('tile/entries/000');
  });

  it('parses canonical paths only', () => {
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('entries/005.p/7')).toEqual({ level: 'entries', index: 5, width: 7 });
    expect(parseTilePath('63/000')).toEqual({ level: 63, index: 0, width: 256 });
    for (const bad of [
      '64/000',
      '01/000',
      'x000/005',
      '0/x000/005',
      '0/5',
      '0/005.p/0',
      '0/005.p/256',
      '0/005.p/07',
      'data/000',
    ])
      expect(parseTilePath(bad)).toBeNull();
  });

  it('lists the tiles of a 70,000-leaf tree like the spec’s example', () => {
    const tiles = [...tilesOf(70_000)];
    const at = (level: number) => tiles.filter((t) => t.level === level);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).at(-1)).toEqual({ level: 0, index: 273, width: 112 });
    expect(at(1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect([...tilesOf(256)]).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
  });

  it('round-trips entry bundles', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 7)];
    const bundle = encodeBundle(entries);
    expect(bundle.subarray(0, 2)).toEqual(Buffer.from([0, 1]));
    expect(decodeBundle(bundle)).toEqual(entries);
    expect(() => decodeBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/truncated/);
  });
});

describe('signed notes (golang.org/x/mod/sumdb/note test vectors)', () => {
  const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
  const text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const peterSig =
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const enochSig =
    '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

  it('derives the key IDs of Go’s test keys', () => {
    const peter = verifierFromKey(peterVkey);
    expect(peter.keyId).toBe(0xc74f20a3);
    expect(verifierFromKey(enochVkey).keyId).toBe(0xaf0cfe78);
    expect(keyId('PeterNeumann', 1, b64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').subarray(1))).toBe(
      0xc74f20a3,
    );
    expect(signerFromPrivateKey(peterSkey).vkey).toBe(peterVkey);
  });

  it('signs exactly like Go’s TestSign', () => {
    expect(signNote(text, [signerFromPrivateKey(peterSkey)])).toBe(`${text}\n${peterSig}`);
  });

  it('opens like Go’s TestOpen: verifies known keys, ignores unknown ones, rejects bad signatures', () => {
    const note = openNote(`${text}\n${peterSig}${enochSig}`, [verifierFromKey(peterVkey)]);
    expect(note.text).toBe(text);
    expect(note.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    const both = openNote(`${text}\n${peterSig}${enochSig}`, [
      verifierFromKey(peterVkey),
      verifierFromKey(enochVkey),
    ]);
    expect(both.verified.map((s) => s.keyId)).toEqual([0xc74f20a3, 0xaf0cfe78]);
    expect(() => openNote(`${text}\n${peterSig}`, [verifierFromKey(enochVkey)])).toThrow(
      /no signature by a known key/,
    );
    const forged = `${text.replace('answer', 'question')}\n${peterSig}`;
    expect(() => openNote(forged, [verifierFromKey(peterVkey)])).toThrow(/invalid signature/);
  });

  it('rejects Go’s bad keys and malformed notes', () => {
    expect(() =>
      verifierFromKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    ).toThrow(NoteError);
    expect(() =>
      verifierFromKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(NoteError);
    expect(() =>
      verifierFromKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(NoteError);
    expect(() => parseNote(text)).toThrow(NoteError);
    expect(() => parseNote(`${text}\n— a+b AAAAAAA=\n`)).toThrow(NoteError);
    expect(() => parseNote(`${text}\n${peterSig}`.replace('\n—', '\t\n—'))).toThrow(NoteError);
  });

  it('verifies the signed-note spec’s example', () => {
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const note =
      'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(openNote(note, [verifierFromKey(vkey)]).verified).toHaveLength(1);
  });
});

describe('checkpoints and cosignatures', () => {
  it('formats and parses a checkpoint', () => {
    const text = formatCheckpoint(
      'example.com/behind-the-sofa',
      20852163,
      b64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='),
    );
    expect(text).toBe(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    expect(parseCheckpoint(text).size).toBe(20852163);
    expect(() => parseCheckpoint('o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n')).toThrow(NoteError);
    expect(() => parseCheckpoint('o\n1\nAAAA\n')).toThrow(NoteError);
  });

  it('cosigns with cosignature/v1 (key type 0x04, timestamped signature)', () => {
    const log = generateKey('example.com/log');
    const witness = generateKey('witness.example/w1', ALG_COSIGNATURE_V1);
    expect(witness.vkey).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B/); // base64 of 0x04 ‖ key
    const text = formatCheckpoint('example.com/log', 3, emptyRoot());
    const signed = signNote(text, [signerFromPrivateKey(log.skey)]);
    const cosigner = signerFromPrivateKey(witness.skey, () => 1679315147_000);
    const cosigned = signNote(text, [signerFromPrivateKey(log.skey), cosigner]);
    const note = openNote(cosigned, [verifierFromKey(log.vkey), verifierFromKey(witness.vkey)]);
    expect(note.verified).toHaveLength(2);
    expect(cosignatureTimestamp(note.verified[1].signature)).toBe(1679315147n);
    // A log signature is not a cosignature, even with the same key material.
    expect(() =>
      openNote(signed.replace('example.com/log ', 'witness.example/w1 '), [verifierFromKey(witness.vkey)]),
    ).toThrow();
  });
});
