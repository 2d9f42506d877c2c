import { and, asc, eq, gt, isNotNull, isNull, notInArray } from 'drizzle-orm';
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

/**
 * Per-notification retry schedule of a long-running worker, in memory: after each failure the
 * pause doubles (from `baseMs` up to `maxMs`). Entries older than `forgetAfterMs` are dropped
 * (by then the notification is past the delivery age anyway).
 */
export class RetryBackoff {
  private readonly entries = new Map<string, { failures: number; nextAt: number; since: number }>();
  constructor(
    private readonly baseMs: number,
    private readonly maxMs = 60 * 60 * 1000,
    private readonly forgetAfterMs = DEFAULT_MAX_AGE_MS,
  ) {}

  failed(id: string, now: Date) {
    const previous = this.entries.get(id);
    const failures = (previous?.failures ?? 0) + 1;
    const wait = Math.min(this.baseMs * 2 ** (failures - 1), this.maxMs);
    this.entries.set(id, { failures, nextAt: now.getTime() + wait, since: previous?.since ?? now.getTime() });
  }

  succeeded(id: string) {
    this.entries.delete(id);
  }

  /** Ids whose next attempt is not due yet. */
  waiting(now: Date): string[] {
    const ids: string[] = [];
    for (const [id, e] of this.entries) {
      if (now.getTime() - e.since > this.forgetAfterMs) this.entries.delete(id);
      else if (e.nextAt > now.getTime()) ids.push(id);
    }
    return ids;
  }
}

export interface DeliveryOptions {
  log?: MailLog;
  now?: Date;
  /** At most this many messages per run. */
  limit?: number;
  /** Notifications older than this are not e-mailed any more (a new address gets no backlog). */
  maxAgeMs?: number;
  backoff?: RetryBackoff;
}

/**
 * E-mails each notification not yet e-mailed to its recipient and sets `emailedAt`.
 *
 * Skipped (and left with `emailedAt` null): users without a usable e-mail address, inactive
 * users, notifications already read in the app, and notifications older than `maxAgeMs`. A
 * failed send is logged and left for a later run (with `backoff`, after a growing pause); when
 * the server cannot be reached at all the run stops at the first failure.
 *
 * Delivery is at least once: a crash between the send and the update re-sends that message.
 * Run it in one process at a time (the worker does); two processes could both send a message.
 */
export async function deliverPendingEmails(db: Db, mailer: Mailer, options: DeliveryOptions = {}) {
  const now = options.now ?? new Date();
  const waiting = options.backoff?.waiting(now) ?? [];
  const pending = await db
    .select({
      id: notifications.id,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      email: users.email,
      displayName: users.displayName,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(
      and(
        isNull(notifications.emailedAt),
        isNull(notifications.readAt),
        gt(notifications.createdAt, new Date(now.getTime() - (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS))),
        eq(users.active, true),
        isNotNull(users.email),
        waiting.length ? notInArray(notifications.id, waiting) : undefined,
      ),
    )
    .orderBy(asc(notifications.createdAt), asc(notifications.id))
    .limit(options.limit ?? 50);

  const result = { sent: 0, failed: 0, skipped: 0 };
  for (const n of pending) {
    const to = emailOf(n);
    if (!to) {
      result.skipped++;
      continue;
    }
    try {
      await mailer.send({ to, ...composeMail(n, n) });
    } catch (err) {
      result.failed++;
      options.backoff?.failed(n.id, now);
      const responseCode = (err as { responseCode?: number }).responseCode;
      options.log?.warn(
        { err, notificationId: n.id, responseCode },
        'notification e-mail failed; will retry later',
      );
      // No SMTP reply at all: the server is unreachable, so the rest would fail the same way.
      if (responseCode === undefined) break;
      continue;
    }
    options.backoff?.succeeded(n.id);
    await db
      .update(notifications)
      .set({ emailedAt: new Date() })
      .where(and(eq(notifications.id, n.id), isNull(notifications.emailedAt)));
    result.sent++;
  }
  if (result.sent || result.failed) options.log?.info(result, 'notification e-mails');
  return result;
}
