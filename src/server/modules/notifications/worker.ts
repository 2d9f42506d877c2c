import type { WorkingDayCalendar } from '../../../domain/working-days.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { loadCalendar } from '../../calendar.js';
import { deliverPendingEmails, type Mailer, type MailLog, RetryBackoff, smtpMailer } from './mailer.js';
import { sendDeadlineReminders } from './reminders.js';

/** Deadline reminders need not be checked on every tick. */
const REMINDER_EVERY_MS = 15 * 60 * 1000;

export interface NotificationWorkerContext {
  db: Db;
  config: Config;
  log: MailLog;
  /** Defaults to the deployment's calendar (built-in table + DATA_DIR/holidays.json). */
  calendar?: WorkingDayCalendar;
  /** Defaults to SMTP from the configuration (closed by `stop`); null means in-app only. */
  mailer?: Mailer | null;
  /** For tests: the clock. */
  now?: () => Date;
}

/**
 * Starts the background notification work: every NOTIFY_INTERVAL_SECONDS it e-mails pending
 * notifications (only when SMTP_HOST is set), and every 15 minutes it sends deadline reminders.
 * Runs never overlap; a failing run is logged and the next one goes ahead. Returns `stop`, which
 * waits for a run in progress and closes the SMTP connection it opened.
 */
export function startNotificationWorker(ctx: NotificationWorkerContext): () => Promise<void> {
  const intervalMs = ctx.config.NOTIFY_INTERVAL_SECONDS * 1000;
  const calendar = ctx.calendar ?? loadCalendar(ctx.config.DATA_DIR);
  const ownMailer = ctx.mailer === undefined;
  const mailer = ownMailer ? smtpMailer(ctx.config) : (ctx.mailer ?? null);
  const now = ctx.now ?? (() => new Date());
  const backoff = new RetryBackoff(intervalMs);
  let lastReminders = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const at = now();
    if (at.getTime() - lastReminders >= REMINDER_EVERY_MS) {
      try {
        const reminded = await sendDeadlineReminders(ctx.db, at, calendar);
        lastReminders = at.getTime();
        if (reminded.providers || reminded.communities) ctx.log.info(reminded, 'deadline reminders sent');
      } catch (err) {
        ctx.log.error({ err }, 'deadline reminders failed; will retry');
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
