import { eq, sql } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { users } from '../accounts/schema.js';
import { notifications } from './schema.js';

const PLATFORM_NAME = '社会工作服务项目管理平台';

/** Notifications older than this are not e-mailed any more. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** The subset of a pino/Fastify logger the delivery uses. */
export interface MailLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends one message; rejects when the server refuses it or cannot be reached. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The sender address: SMTP_FROM, else SMTP_USER when it is an address, else no-reply@SMTP_HOST. */
export function senderOf(config: Pick<Config, 'SMTP_HOST' | 'SMTP_USER' | 'SMTP_FROM'>): string {
  if (config.SMTP_FROM) return config.SMTP_FROM;
  if (config.SMTP_USER?.includes('@')) return config.SMTP_USER;
  return `no-reply@${config.SMTP_HOST ?? 'localhost'}`;
}

/**
 * An SMTP mailer from the configuration (nodemailer, one pooled connection), or null when
 * SMTP_HOST is not set: then notifications stay in-app only. Port 465 uses implicit TLS; other
 * ports upgrade with STARTTLS when the server offers it.
 */
export function smtpMailer(config: Config): Mailer | null {
  if (!config.SMTP_HOST) return null;
  const transport = createTransport({
    pool: true,
    maxConnections: 1,
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_PORT === 465,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  const from = { name: PLATFORM_NAME, address: senderOf(config) };
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transport.close(),
  };
}

/** A user's e-mail address for notifications, or null (no address, or not plausibly one). */
export function emailOf(user: { email: string | null }): string | null {
  const email = user.email?.trim();
  return email && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** The text of a notification's e-mail. */
export function composeMail(
  user: { displayName: string },
  n: { title: string; body: string; link: string | null },
): Omit<OutgoingMail, 'to'> {
  const lines = [`${user.displayName}，您好：`, '', n.body || n.title, ''];
  lines.push(n.link ? `请登录平台处理（页面：${n.link}）。` : '请登录平台查看。');
  lines.push('', `—— ${PLATFORM_NAME}（系统自动发送，请勿直接回复）`);
  return { subject: n.title, text: lines.join('\n') };
}

/** Failed sends after which a notification is not e-mailed any more (it stays in the app). */
export const MAX_EMAIL_ATTEMPTS = 6;

/** The pause after the n-th failed send: doubling from `baseMs`, at most an hour. */
export function retryDelayMs(failures: number, baseMs: number, maxMs = 60 * 60 * 1000): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), maxMs);
}

export interface DeliveryOptions {
  log?: MailLog;
  now?: Date;
  /** At most this many messages per run. */
  limit?: number;
  /** Notifications older than this are not e-mailed any more (a new address gets no backlog). */
  maxAgeMs?: number;
  /** The pause after the first failure of a message (doubling after each further one). */
  retryBaseMs?: number;
}

// What emailOf() accepts, for the database to filter on.
const PLAUSIBLE_EMAIL = '^[^[:space:]@]+@[^[:space:]@]+$';

/**
 * Claims the oldest notification due for e-mail, in its own statement (committed at once), so
 * that no other run — in this process or another — takes it, and returns it with its recipient.
 * The candidate is picked in a materialized CTE: in `update … where id in (select … limit 1)`
 * PostgreSQL may run the subquery more than once and claim several rows.
 */
interface Claimed {
  id: string;
  title: string;
  body: string;
  link: string | null;
  attempts: number;
  email: string;
  displayName: string;
}

async function claimNext(db: Db, now: Date, maxAgeMs: number) {
  const result = await db.execute(sql`
    with next as materialized (
      select n.id from ${notifications} n join ${users} u on u.id = n.user_id
       where n.emailed_at is null and n.email_sending_at is null and n.read_at is null
         and n.email_attempts < ${MAX_EMAIL_ATTEMPTS}
         and (n.email_retry_at is null or n.email_retry_at <= ${now})
         and n.created_at > ${new Date(now.getTime() - maxAgeMs)}
         and u.active and btrim(u.email) ~ ${PLAUSIBLE_EMAIL}
       order by n.created_at, n.id
       limit 1
       for update of n skip locked
    )
    update ${notifications} set email_sending_at = ${new Date()}
      from next, ${users} u
     where ${notifications}.id = next.id and u.id = ${notifications}.user_id
       and ${notifications}.email_sending_at is null
    returning ${notifications}.id, ${notifications}.title, ${notifications}.body, ${notifications}.link,
              ${notifications}.email_attempts as attempts, u.email, u.display_name as "displayName"`);
  // Both drivers answer { rows }; the generic Db type does not say so.
  const [claimed] = (result as unknown as { rows: Claimed[] }).rows;
  return claimed ?? null;
}

/**
 * E-mails each notification due for it to its recipient, each at most once.
 *
 * Due: not yet sent nor claimed, not read in the app, younger than `maxAgeMs`, for an active user
 * with a usable address, and not waiting after a failure. Each message is claimed (marked as
 * sending, committed) before it is sent and marked sent after, so two runs at once — in two
 * processes — never send the same message, and a process dying in between leaves it claimed and
 * unsent rather than sending it twice. A failed send releases the claim, counts an attempt and
 * waits (retryDelayMs) before the next, up to MAX_EMAIL_ATTEMPTS; when the server cannot be
 * reached at all the run stops at the first failure.
 */
export async function deliverPendingEmails(db: Db, mailer: Mailer, options: DeliveryOptions = {}) {
  const now = options.now ?? new Date();
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const result = { sent: 0, failed: 0 };
  for (let i = 0; i < (options.limit ?? 50); i++) {
    const n = await claimNext(db, now, maxAgeMs);
    if (!n) break;
    try {
      await mailer.send({ to: emailOf(n)!, ...composeMail(n, n) });
    } catch (err) {
      result.failed++;
      const attempts = n.attempts + 1;
      await db
        .update(notifications)
        .set({
          emailSendingAt: null,
          emailAttempts: attempts,
          emailRetryAt: new Date(now.getTime() + retryDelayMs(attempts, options.retryBaseMs ?? 60_000)),
        })
        .where(eq(notifications.id, n.id));
      const responseCode = (err as { responseCode?: number }).responseCode;
      options.log?.warn(
        { err, notificationId: n.id, responseCode, attempts },
        attempts < MAX_EMAIL_ATTEMPTS
          ? 'notification e-mail failed; will retry later'
          : 'notification e-mail failed for the last time; it stays in the app only',
      );
      // No SMTP reply at all: the server is unreachable, so the rest would fail the same way.
      if (responseCode === undefined) break;
      continue;
    }
    await db.update(notifications).set({ emailedAt: new Date() }).where(eq(notifications.id, n.id));
    result.sent++;
  }
  if (result.sent || result.failed) options.log?.info(result, 'notification e-mails');
  return result;
}
