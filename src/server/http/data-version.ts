/**
 * The public data version (migrations 0009 and 0018) as this process knows it: bumped in the
 * transaction of every write to a table the public pages read, announced on channel
 * `data_version` at commit, heard here with LISTEN.
 *
 * - PGlite runs in this process and delivers a notification before the writing query returns,
 *   so every write, from a request or a background job, is known before anything can read again.
 * - PostgreSQL delivers it on the listening connection moments after the commit. A write by this
 *   process (any non-GET request) therefore also forgets the version, and the next read asks the
 *   database: what a client wrote here, it reads here. A write by another process is known once its
 *   notification arrives (well under a millisecond on an idle machine). Until the listener is
 *   connected, or after it lost its connection, every read asks the database.
 *
 * Asking costs a database round trip per request; listening costs nothing per request. Measured
 * under load (bench/http), the per-request query left the server mostly idle, waiting for
 * PostgreSQL, at a fraction of the request rate; and signed-in users, who make the writes that
 * matter, are never answered from the cache anyway.
 */
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { Db } from '../db/client.js';

const CHANNEL = 'data_version';
const RECONNECT_MS = 1000;

/**
 * Wraps a read so that concurrent callers share one: a caller gets the result of a read that
 * started after it called (never one already on its way, which may predate a write it must see).
 */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const start = () => {
    const current = read().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}

type PgliteClient = { listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> };
type PgPool = { connect(): Promise<pg.PoolClient> };

export function dataVersion(db: Db, log: FastifyBaseLogger) {
  /** The newest version heard of; null: ask the database. */
  let known: bigint | null = null;
  let listening = false;
  /** Counts forgets: a read that started before one must not restore what was forgotten. */
  let epoch = 0;
  let stopped = false;
  let stopListening: (() => Promise<void>) | null = null;
  let retry: NodeJS.Timeout | null = null;

  const learn = (version: bigint) => {
    if (known === null || version > known) known = version;
  };
  const ask = freshRead(async () => {
    const startedIn = epoch;
    const result = await db.execute(sql`select version::text as version from data_version`);
    const version = BigInt((result as unknown as { rows: { version: string }[] }).rows[0]?.version ?? 0);
    if (startedIn === epoch) learn(version);
    return version;
  });
  const heard = (payload: string | undefined) => {
    if (payload && /^\d+$/.test(payload)) learn(BigInt(payload));
  };
  const reconnect = () => {
    if (!stopped) retry = setTimeout(() => void start(), RECONNECT_MS).unref();
  };
  const lost = (error: Error) => {
    if (!listening) return;
    listening = false;
    known = null;
    log.warn(
      { err: error },
      'public cache: data version listener lost; asking the database until it is back',
    );
    const stop = stopListening;
    stopListening = null;
    stop?.().catch(() => {});
    reconnect();
  };

  async function listenPostgres(pool: PgPool) {
    // A connection of its own (out of the pool) for as long as the app runs.
    const connection = await pool.connect();
    try {
      connection.on('notification', (message) => {
        if (message.channel === CHANNEL) heard(message.payload);
      });
      connection.on('error', lost);
      connection.on('end', () => lost(new Error('connection ended')));
      await connection.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      connection.release(true);
      throw error;
    }
    return async () => {
      listening = false;
      connection.release(true);
    };
  }

  async function start() {
    retry = null;
    const client = (db as unknown as { $client: unknown }).$client as Partial<PgliteClient & PgPool>;
    try {
      if (typeof client?.listen === 'function') stopListening = await client.listen(CHANNEL, heard);
      else if (typeof client?.connect === 'function') stopListening = await listenPostgres(client as PgPool);
      else return;
    } catch (error) {
      log.warn({ err: error }, 'public cache: cannot listen for the data version; asking the database');
      return reconnect();
    }
    if (stopped) return void (await stopListening());
    // What was written before LISTEN took effect was not announced to us: ask once.
    known = null;
    epoch++;
    listening = true;
  }

  return {
    /** The version to answer a read under, when it is known without asking; else null. */
    known: (): bigint | null => (listening ? known : null),
    /** The version to answer a read under. */
    current: (): Promise<bigint> => (listening && known !== null ? Promise.resolve(known) : ask()),
    /** After a write by this process: the next read asks the database. */
    forget() {
      known = null;
      epoch++;
    },
    start,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      listening = false;
      await stopListening?.();
      stopListening = null;
    },
  };
}
