import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import {
  checkStoredLog,
  integrate,
  loadLogSigner,
  TransparencyLogError,
  witnessVerifiers,
} from './service.js';

interface WorkerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TransparencyLog {
  /** The log's signed-note verifier key, for verify-log --key and witnesses. */
  verifierKey: string;
  origin: string;
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * Loads (or on the very first start generates) the log's signing key, checks that the stored log
 * was signed by it and that the stored tree extends the last signed checkpoint — throwing
 * TransparencyLogError otherwise, so the server refuses to start — integrates the audit entries
 * written so far, and then every TRANSPARENCY_CHECKPOINT_SECONDS integrates new entries and signs a
 * checkpoint. Runs never overlap. A run that finds the stored tree inconsistent signs nothing and
 * stops the worker (logged as an error).
 */
export async function startTransparencyLog(ctx: {
  db: Db;
  config: Config;
  log: WorkerLog;
}): Promise<TransparencyLog> {
  witnessVerifiers(ctx.config); // a bad witness key stops the start
  const signer = await loadLogSigner(ctx.db, ctx.config);
  await checkStoredLog(ctx.db, signer);
  const first = await integrate(ctx.db, signer);
  ctx.log.info({ treeSize: first.treeSize, added: first.added }, 'transparency log checkpoint signed');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    try {
      const result = await integrate(ctx.db, signer);
      if (result.signed)
        ctx.log.info(
          { treeSize: result.treeSize, added: result.added },
          'transparency log checkpoint signed',
        );
    } catch (err) {
      if (err instanceof TransparencyLogError) {
        ctx.log.error({ err }, 'transparency log is inconsistent with its last checkpoint: signing stopped');
        stopped = true;
        return;
      }
      ctx.log.error({ err }, 'transparency log integration failed; will retry');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, ctx.config.TRANSPARENCY_CHECKPOINT_SECONDS * 1000);
    timer.unref();
  };
  schedule();
  return {
    verifierKey: signer.signer.vkey,
    origin: signer.origin,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The line main.ts prints at start. */
export const verifierKeyLine = (log: TransparencyLog) =>
  `透明日志 (transparency log) ${log.origin}, verifier key: ${log.verifierKey}`;
