/**
 * Builds a DuplicateDetector with the fingerprints computed in worker threads. Word segmentation
 * (Intl.Segmenter) dominates the cost of a fingerprint and is CPU-bound, so fingerprinting
 * parallelizes; the index itself is filled on the main thread, in input order.
 */
import { Worker } from 'node:worker_threads';
import type { DuplicateDetector, TextDocument } from '../../src/server/modules/duplicates/lib/detector';
import type { FingerprintBatch, FingerprintResult } from './fingerprint-worker';

const BATCH = 250;
const IN_FLIGHT_PER_WORKER = 3;

function startWorker(options: unknown): Worker {
  // Workers do not inherit tsx's loader: register it before importing the TypeScript module.
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./fingerprint-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  // A tighter heap makes the worker collect its garbage sooner; its segmentation cache (≤ 30 MB) fits.
  return new Worker(code, {
    eval: true,
    workerData: options,
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
  });
}

export async function buildInParallel(
  detector: DuplicateDetector,
  docs: readonly TextDocument[],
  workerCount: number,
  onProgress?: (done: number) => void,
): Promise<Uint32Array[]> {
  const workers = Array.from({ length: workerCount }, () => startWorker(detector.options));
  const batches = Math.ceil(docs.length / BATCH);
  const bands = detector.options.lsh.bands;
  const shingleSets: Uint32Array[] = [];
  const pending = new Map<number, FingerprintResult>();
  let nextToSend = 0;
  let nextToAdd = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (worker: Worker) => {
        if (nextToSend >= batches) return;
        const batch = nextToSend++;
        const texts = docs.slice(batch * BATCH, (batch + 1) * BATCH).map((d) => d.text);
        worker.postMessage({ batch, texts } satisfies FingerprintBatch);
      };
      const addReady = () => {
        for (let r = pending.get(nextToAdd); r; r = pending.get(nextToAdd)) {
          pending.delete(nextToAdd);
          const first = nextToAdd * BATCH;
          for (let i = 0; i + 1 < r.offsets.length; i++) {
            const shingles = r.shingles.subarray(r.offsets[i], r.offsets[i + 1]);
            const bandHashes = r.bandHashes.subarray(i * bands, (i + 1) * bands);
            detector.addFingerprint(docs[first + i].id, { shingles, bandHashes });
            shingleSets.push(shingles);
          }
          nextToAdd++;
          onProgress?.(Math.min(docs.length, nextToAdd * BATCH));
        }
        if (nextToAdd === batches) resolve();
      };
      for (const worker of workers) {
        worker.on('message', (result: FingerprintResult) => {
          pending.set(result.batch, result);
          send(worker);
          addReady();
        });
        worker.on('error', reject);
        for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) send(worker);
      }
      if (batches === 0) resolve();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return shingleSets;
}
