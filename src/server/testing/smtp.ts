/**
 * An SMTP server on a free local port that keeps every message it accepts, for the tests of
 * e-mail delivery (smtp-server, no STARTTLS, any sender).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
  /** The decoded Subject header. */
  subject: string;
}

export interface SmtpCapture {
  port: number;
  mails: CapturedMail[];
  /** While true, every message is refused with 451 (a temporary failure). */
  reject: boolean;
  close(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const capture: SmtpCapture = { port: 0, mails: [], reject: false, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (capture.reject) {
          callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        capture.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: headerOf(raw, 'Subject'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  capture.port = (server.server.address() as AddressInfo).port;
  capture.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}

/** A port where nothing answers SMTP any more (a server started and closed again). */
export async function closedSmtpPort(): Promise<number> {
  const closed = await startSmtpCapture();
  await closed.close();
  return closed.port;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= / Q) in a header value. */
function decodeHeader(value: string): string {
  const parts: Buffer[] = [];
  const re = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let last = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const between = value.slice(last, m.index);
    if (!/^\s*$/.test(between) || last === 0) parts.push(Buffer.from(between));
    parts.push(
      m[2].toUpperCase() === 'B'
        ? Buffer.from(m[3], 'base64')
        : Buffer.from(
            m[3]
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
            'latin1',
          ),
    );
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(value.slice(last)));
  return Buffer.concat(parts).toString('utf8');
}

/** A header of a raw message, unfolded and decoded. */
export function headerOf(raw: string, name: string): string {
  const unfolded = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return decodeHeader(line?.slice(name.length + 1).trim() ?? '');
}
