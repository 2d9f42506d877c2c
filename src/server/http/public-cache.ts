/**
 * A cache of public GET responses, for the routes that opt in with `config: { publicCache: true }`.
 *
 * - What is cached: the serialized 200 body of an anonymous request (no signed-in user), per URL
 *   (path and query string, as sent), with its ETag. JSON is the only representation these
 *   routes have. Signed-in requests are never answered from, nor stored in, the cache: their
 *   responses carry what that user may do.
 * - When it is current: every entry records the public data version it was built under
 *   (data-version.ts: bumped in the transaction of any write to a table the public pages read,
 *   and heard by every process) and the Shanghai calendar day (a publicity's phase changes at
 *   midnight); an entry of another version is built again.
 * - What a hit still does: every hook before this one runs as for any request (the CSRF cookie of
 *   a first visit, security headers); the response gets the same ETag and Cache-Control, and a
 *   matching If-None-Match gets 304 without a body, cached or not.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { dataVersion } from './data-version.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anonymous 200 responses of this GET route may be served from the public cache. */
    publicCache?: boolean;
  }
  interface FastifyRequest {
    /** The data version an anonymous, cacheable request was answered under; null otherwise. */
    publicCacheVersion: string | null;
  }
}

interface Entry {
  version: string;
  etag: string;
  body: string;
  contentType: string;
}

export interface PublicCacheOptions {
  db: Db;
  /** Upper bound of the cached bodies, in bytes (UTF-16, as held in memory). */
  maxBytes?: number;
}

const CACHE_CONTROL = 'no-cache';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DAY_MS = 86_400_000;
let day = '';
let dayStarts = 0;

/** The Shanghai calendar day (no daylight saving time there, so an offset is exact), kept until it ends. */
function shanghaiDay() {
  const now = Date.now();
  if (now < dayStarts || now >= dayStarts + DAY_MS) {
    const shifted = now + SHANGHAI_OFFSET_MS;
    day = new Date(shifted).toISOString().slice(0, 10);
    dayStarts = Math.floor(shifted / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  }
  return day;
}

const etagOf = (body: string) => `"${createHash('sha1').update(body).digest('base64url')}"`;

function matches(ifNoneMatch: string | undefined, etag: string) {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function withCacheHeaders(reply: FastifyReply, etag: string) {
  return reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('vary', 'Cookie');
}

/**
 * Registers the cache's hooks: after the auth hook (it needs `request.user`), before the routes.
 */
export function registerPublicCache(app: FastifyInstance, options: PublicCacheOptions) {
  const cache = new LRUCache<string, Entry>({
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (entry) => 2 * (entry.body.length + entry.etag.length) + 64,
  });
  const version = dataVersion(options.db, app.log);
  app.addHook('onReady', () => version.start());
  app.addHook('onClose', () => version.stop());

  app.decorateRequest('publicCacheVersion', null);

  const cacheable = (request: FastifyRequest) =>
    request.method === 'GET' && request.routeOptions.config?.publicCache === true && !request.user;

  /** Answers from the cache under this version, or marks the request to be stored under it. */
  const answer = (request: FastifyRequest, reply: FastifyReply, known: bigint, done: () => void) => {
    const current = `${known}@${shanghaiDay()}`;
    const entry = cache.get(request.url);
    if (!entry || entry.version !== current) {
      request.publicCacheVersion = current;
      return done();
    }
    withCacheHeaders(reply, entry.etag).header('x-public-cache', 'hit');
    if (matches(request.headers['if-none-match'], entry.etag)) reply.code(304).send();
    else reply.code(200).type(entry.contentType).send(entry.body);
  };

  // Callback hooks, not async ones: a hit, the common case, then costs no promise at all.
  app.addHook('onRequest', (request, reply, done) => {
    if (!cacheable(request)) return done();
    const known = version.known();
    if (known !== null) return answer(request, reply, known, done);
    version.current().then(
      (current) => answer(request, reply, current, done),
      (error) => {
        // Without the version nothing can be served from or stored in the cache; the route answers.
        request.log.warn({ err: error }, 'public cache: data version unavailable');
        done();
      },
    );
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (!SAFE_METHODS.has(request.method)) version.forget();
    const built = request.publicCacheVersion;
    if (built === null || reply.statusCode !== 200 || typeof payload !== 'string' || request.user)
      return done(null, payload);
    const etag = etagOf(payload);
    const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
    cache.set(request.url, { version: built, etag, body: payload, contentType });
    withCacheHeaders(reply, etag).header('x-public-cache', 'miss');
    if (!matches(request.headers['if-none-match'], etag)) return done(null, payload);
    reply.code(304).removeHeader('content-type');
    done(null, null);
  });

  return { cache };
}

/**
 * Cache-Control of the built web app (@fastify/static `setHeaders`, with its own cacheControl
 * off): files under /assets have a content hash in their names and never change; index.html,
 * which names them, is revalidated on every load.
 */
export function staticCacheHeaders(reply: FastifyReply, file: string) {
  reply.header(
    'cache-control',
    /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}
