import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { deliverPendingEmails, type Mailer, type MailLog, RetryBackoff, smtpMailer } from './mailer.js';

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

/**
 * Starts the background notification work: every NOTIFY_INTERVAL_SECONDS it e-mails pending
 * notifications (only when SMTP_HOST is set) and runs each job that is due.
 * Runs never overlap; a failing run is logged and the next one goes ahead. Returns `stop`, which
 * waits for a run in progress and closes the SMTP connection it opened.
 */
export function startNotificationWorker(ctx: NotificationWorkerContext): () => Promise<void> {
  const intervalMs = ctx.config.NOTIFY_INTERVAL_SECONDS * 1000;
  const ownMailer = ctx.mailer === undefined;
  const mailer = ownMailer ? smtpMailer(ctx.config) : (ctx.mailer ?? null);
  const now = ctx.now ?? (() => new Date());
  const backoff = new RetryBackoff(intervalMs);
  const lastRun = new Map<string, number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
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
        await deliverPendingEmails(ctx.db, mailer, { log: ctx.log, now: at, backoff });
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
    if (ownMailer) mailer?.close();
  };
}
