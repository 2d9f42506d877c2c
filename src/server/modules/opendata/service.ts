import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { compileReleases, OCDS_VERSION } from '../../../domain/ocds.js';
import type { Db } from '../../db/client.js';
import { freshRead } from '../../http/data-version.js';
import { fieldError } from '../../http/errors.js';
import { buildReleases, type Release, sortKey } from './releases.js';
import { loadSources } from './sources.js';

export const PUBLISHER = { name: '社会工作服务项目管理平台' };
export const PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

interface Snapshot {
  version: string;
  releases: Release[];
  keys: string[];
  byOcid: Map<string, Release[]>;
  /** The newest release's date: the packages' publishedDate, so the same data is the same bytes. */
  publishedDate: string;
  bulk?: Buffer;
}

/**
 * The releases are derived from append-only data (releases.ts), so they are built once per public
 * data version (the version the public cache uses, src/server/http/data-version.ts: bumped in the
 * transaction of every write to the timeline and the other public tables) and kept until it moves.
 */
export function openDataStore(db: Db, prefix: string) {
  let snapshot: Snapshot | null = null;
  const currentVersion = async () => {
    const result = await db.execute(sql`select version::text as version from data_version`);
    return (result as unknown as { rows: { version: string }[] }).rows[0]?.version ?? '0';
  };
  const rebuild = freshRead(async () => {
    const version = await currentVersion();
    if (snapshot?.version === version) return snapshot;
    const releases = buildReleases(prefix, await loadSources(db));
    const byOcid = new Map<string, Release[]>();
    for (const r of releases) {
      const list = byOcid.get(r.ocid);
      if (list) list.push(r);
      else byOcid.set(r.ocid, [r]);
    }
    snapshot = {
      version,
      releases,
      keys: releases.map(sortKey),
      byOcid,
      publishedDate: releases.at(-1)?.date ?? '2017-01-01T00:00:00+08:00',
    };
    return snapshot;
  });
  return { current: rebuild };
}

export type OpenDataStore = ReturnType<typeof openDataStore>;

const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
function decodeCursor(cursor: string) {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{15}\|ocds-[a-z0-9]{6}-\S+$/.test(key) || encodeCursor(key) !== cursor)
    throw fieldError('cursor', '分页游标无效，请从第一页重新开始');
  return key;
}

/** The first index whose key sorts after `key` (binary search over the sorted keys). */
function after(keys: string[], key: string) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function packageHeader(snapshot: Snapshot, uri: string) {
  return { uri, version: OCDS_VERSION, publishedDate: snapshot.publishedDate, publisher: PUBLISHER };
}

/** One page of the release list: keyset pagination over (date, id), the cursor naming the last one served. */
export function releasePage(snapshot: Snapshot, base: string, query: { cursor?: string; limit?: number }) {
  const limit = Math.min(query.limit ?? PAGE_SIZE, MAX_PAGE_SIZE);
  const start = query.cursor ? after(snapshot.keys, decodeCursor(query.cursor)) : 0;
  const releases = snapshot.releases.slice(start, start + limit);
  const more = start + limit < snapshot.releases.length;
  const self = `${base}/api/opendata/ocds/releases`;
  const next = more
    ? `${self}?${new URLSearchParams({ cursor: encodeCursor(snapshot.keys[start + limit - 1]), limit: String(limit) })}`
    : null;
  return {
    ...packageHeader(snapshot, query.cursor ? `${self}?cursor=${query.cursor}` : self),
    releases,
    ...(next ? { links: { next } } : {}),
  };
}

export function recordPackage(snapshot: Snapshot, base: string, ocid: string) {
  const releases = snapshot.byOcid.get(ocid);
  if (!releases) return null;
  return {
    ...packageHeader(snapshot, `${base}/api/opendata/ocds/records/${encodeURIComponent(ocid)}`),
    records: [{ ocid, releases, compiledRelease: compileReleases(releases) as Release }],
  };
}

/** Every release in one gzip-compressed release package, built once per data version. */
export function bulkFile(snapshot: Snapshot, base: string) {
  snapshot.bulk ??= gzipSync(
    JSON.stringify({
      ...packageHeader(snapshot, `${base}/api/opendata/ocds/bulk.json.gz`),
      releases: snapshot.releases,
    }),
  );
  return snapshot.bulk;
}
