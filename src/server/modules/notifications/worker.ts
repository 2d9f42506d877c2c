import pg from 'pg';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { deliverPendingEmails, type Mailer, type MailLog, smtpMailer } from './mailer.js';

/**
 * Periodic work of another module (deadline reminders), handed to the worker by main.ts so
 * that this module knows nothing of the deadlines themselves.
 */
export interface WorkerJob {
  name: string;
  everyMs: number;
  /** Returns what to log when it did something, or null. */
  run: (db: Db, now: Date) => Promise<Record<string, unknown> | null>;
}

export interface NotificationWorkerContext {
  db: Db;
  config: Config;
  log: MailLog;
  jobs?: readonly WorkerJob[];
  /** Defaults to SMTP from the configuration (closed by `stop`); null means in-app only. */
  mailer?: Mailer | null;
  /** For tests: the clock. */
  now?: () => Date;
}

// Any constant: it only has to be the same in every process of a deployment.
const WORKER_LOCK_KEY = 7_262_010;

/** Whether this process is the one that does the work; `release` gives the role up. */
interface Election {
  elected(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * On PostgreSQL, the process holding a session-level advisory lock is the worker: it keeps one
 * pooled connection for as long as it runs, and when that connection (or the process) dies the
 * lock is free and another process takes it on its next tick. PGlite is one process: always it.
 */
function electionOf(db: Db): Election {
  const pool = (db as unknown as { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) return { elected: async () => true, release: async () => {} };
  let held: pg.PoolClient | null = null;
  const drop = () => {
    held?.release(true);
    held = null;
  };
  return {
    async elected() {
      if (held) {
        try {
          await held.query('select 1');
          return true;
        } catch {
          drop(); // the connection is gone, and the lock with it
        }
      }
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1) as locked',
          [WORKER_LOCK_KEY],
        );
        if (!rows[0].locked) {
          client.release();
          return false;
        }
        held = client;
        return true;
      } catch (error) {
        client.release(true);
        throw error;
      }
    },
    async release() {
      if (!held) return;
      await held.query('select pg_advisory_unlock($1)', [WORKER_LOCK_KEY]).catch(() => {});
      held.release();
      held = null;
    },
  };
}

/**
 * Starts the background notification work: every NOTIFY_INTERVAL_SECONDS it e-mails pending
 * notifications (only when SMTP_HOST is set) and runs each job that is due — in one process of
 * a deployment only (electionOf); the others stand by and take over when it stops.
 * Runs never overlap; a failing run is logged and the next one goes ahead. Returns `stop`, which
 * waits for a run in progress, gives up the election and closes the SMTP connection it opened.
 */
export function startNotificationWorker(ctx: NotificationWorkerContext): () => Promise<void> {
  const intervalMs = ctx.config.NOTIFY_INTERVAL_SECONDS * 1000;
  const ownMailer = ctx.mailer === undefined;
  const mailer = ownMailer ? smtpMailer(ctx.config) : (ctx.mailer ?? null);
  const now = ctx.now ?? (() => new Date());
  const election = electionOf(ctx.db);
  const lastRun = new Map<string, number>();
  let wasElected: boolean | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const elected = async () => {
    let result = false;
    try {
      result = await election.elected();
    } catch (err) {
      ctx.log.error({ err }, 'notification worker election failed; will retry');
    }
    if (result !== wasElected)
      ctx.log.info(
        {},
        result
          ? 'notification worker elected: this process sends e-mail and runs the reminder jobs'
          : 'notification worker standing by: another process is sending e-mail',
      );
    wasElected = result;
    return result;
  };

  const tick = async () => {
    if (!(await elected())) return;
    const at = now();
    for (const job of ctx.jobs ?? []) {
      if (at.getTime() - (lastRun.get(job.name) ?? Number.NEGATIVE_INFINITY) < job.everyMs) continue;
      try {
        const done = await job.run(ctx.db, at);
        lastRun.set(job.name, at.getTime());
        if (done) ctx.log.info(done, job.name);
      } catch (err) {
        ctx.log.error({ err }, `${job.name} failed; will retry`);
      }
    }
    if (mailer && !stopped) {
      try {
        await deliverPendingEmails(ctx.db, mailer, { log: ctx.log, now: at, retryBaseMs: intervalMs });
      } catch (err) {
        ctx.log.error({ err }, 'notification e-mail delivery failed; will retry');
      }
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  };
  ctx.log.info(
    { intervalSeconds: ctx.config.NOTIFY_INTERVAL_SECONDS, email: mailer ? 'smtp' : 'off' },
    'notification worker started',
  );
  schedule(0);

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    await election.release();
    if (ownMailer) mailer?.close();
  };
}
