/** Worker thread of parallel-build.ts: fingerprints batches of texts. */
import { parentPort, workerData } from 'node:worker_threads';
import { type DetectorOptions, DuplicateDetector } from '../../src/server/modules/duplicates/lib/detector';
import { setSegmentationCacheLimit } from '../../src/server/modules/duplicates/lib/normalize';

export interface FingerprintBatch {
  batch: number;
  texts: string[];
}

export interface FingerprintResult {
  batch: number;
  /** Shingles of text i are shingles[offsets[i]..offsets[i+1]). */
  shingles: Uint32Array;
  offsets: Uint32Array;
  /** Band hashes of text i are bandHashes[i*bands..(i+1)*bands). */
  bandHashes: Uint32Array;
}

// Each worker sees half of the texts; a smaller cache keeps its heap within the limit set by the parent.
setSegmentationCacheLimit(100_000);
const detector = new DuplicateDetector(workerData as DetectorOptions);
const bands = detector.options.lsh.bands;

parentPort!.on('message', ({ batch, texts }: FingerprintBatch) => {
  const fingerprints = texts.map((t) => detector.fingerprint(t));
  const offsets = new Uint32Array(texts.length + 1);
  fingerprints.forEach((fp, i) => {
    offsets[i + 1] = offsets[i] + fp.shingles.length;
  });
  const shingles = new Uint32Array(offsets[texts.length]);
  const bandHashes = new Uint32Array(texts.length * bands);
  fingerprints.forEach((fp, i) => {
    shingles.set(fp.shingles, offsets[i]);
    bandHashes.set(fp.bandHashes, i * bands);
  });
  const result: FingerprintResult = { batch, shingles, offsets, bandHashes };
  parentPort!.postMessage(result, [shingles.buffer, offsets.buffer, bandHashes.buffer]);
});
