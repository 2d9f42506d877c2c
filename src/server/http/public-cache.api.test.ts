import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { openDatabase } from '../db/client.js';
import { calls } from '../modules/calls/schema.js';
import { insertApplication, insertCall } from '../testing/factories.js';
import { databaseUrl } from '../testing/templates.js';
import { buildTestApp, type TestApp, TestClient } from '../testing/test-app.js';
import { freshRead } from './data-version.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const publicCall = async () => insertCall(t.database.db, { title: '关上街道社区居家养老服务（缓存测试）' });

/** Changes a call without bumping the data version (triggers off): what a stale cache would keep showing. */
async function writeBehindTheCache(id: string, values: Partial<typeof calls.$inferInsert>) {
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.update(calls).set(values).where(eq(calls.id, id));
  });
}
const retitleBehindTheCache = (id: string, title: string) => writeBehindTheCache(id, { title });

/**
 * Reads a page until it comes from the cache: on PostgreSQL the notification of a write made just
 * before (by the test, outside any request) may arrive after a first read was stored.
 */
async function cached(client: TestClient, url: string) {
  await expect
    .poll(async () => (await client.get(url)).headers['x-public-cache'], { timeout: 5000, interval: 20 })
    .toBe('hit');
  return client.get(url);
}

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const dataVersion = async () =>
  rowsOf<{ v: string }>(await t.database.db.execute(sql`select version::text as v from data_version`))[0].v;

describe('public response cache', () => {
  it('answers a repeated anonymous read from the cache, and the first read after a write afresh', async () => {
    const call = await publicCall();
    const visitor = await t.client();
    const url = `/api/public/calls/${call.id}`;
    const first = await visitor.get(url);
    expect(first.json().title).toBe(call.title);
    expect(first.headers['x-public-cache']).toBe('miss');
    expect((await cached(visitor, url)).json().title).toBe(call.title);

    await retitleBehindTheCache(call.id, '未经版本更新的标题');
    expect((await visitor.get(url)).json().title).toBe(call.title);
    expect((await visitor.get('/api/public/calls?pageSize=100')).json().items).toContainEqual(
      expect.objectContaining({ id: call.id, title: '未经版本更新的标题' }),
    );

    const buyer = await t.as('buyer');
    const edit = await buyer.patch(`/api/calls/${call.id}`, {
      title: '修改后的项目标题',
      changeReason: '更正',
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await visitor.get(url)).json().title).toBe('修改后的项目标题');
    expect((await visitor.get('/api/public/calls?pageSize=100')).json().items).toContainEqual(
      expect.objectContaining({ id: call.id, title: '修改后的项目标题' }),
    );
  });

  it('hears of a write made outside any request, as by a background job', async () => {
    const call = await publicCall();
    const visitor = await t.client();
    const url = `/api/public/calls/${call.id}`;
    expect((await visitor.get(url)).json().title).toBe(call.title);
    await t.database.db.update(calls).set({ title: '后台任务改写的标题' }).where(eq(calls.id, call.id));
    // PGlite announces it before the write returns; PostgreSQL moments after the commit.
    await expect
      .poll(async () => (await visitor.get(url)).json().title, { timeout: 5000, interval: 20 })
      .toBe('后台任务改写的标题');
  });

  it('keys the cache by the whole URL, query string included', async () => {
    const call = await publicCall();
    const visitor = await t.client();
    await visitor.get('/api/public/calls?pageSize=5');
    await retitleBehindTheCache(call.id, '查询串不同的页面');
    const other = (await visitor.get('/api/public/calls?pageSize=99')).json();
    expect(other.items.find((c: { id: string }) => c.id === call.id).title).toBe('查询串不同的页面');
  });

  it('sends an ETag and answers 304 to If-None-Match while nothing changed', async () => {
    const call = await publicCall();
    const visitor = await t.client();
    const url = `/api/public/calls/${call.id}`;
    const first = await visitor.get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('no-cache');

    const again = await visitor.request('GET', url, undefined, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const listed = await visitor.request('GET', url, undefined, { 'if-none-match': `"other", W/${etag}` });
    expect(listed.statusCode).toBe(304);

    // A write elsewhere empties the cache; the page itself did not change, so it still matches.
    await (await t.as('buyer')).patch(`/api/calls/${(await publicCall()).id}`, {
      title: '另一个项目改名',
      changeReason: '更正',
    });
    expect((await visitor.request('GET', url, undefined, { 'if-none-match': etag })).statusCode).toBe(304);

    await (await t.as('buyer')).patch(url.replace('/public', ''), {
      title: '关上街道养老服务项目（改名）',
      changeReason: '更正',
    });
    const changed = await visitor.request('GET', url, undefined, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().title).toBe('关上街道养老服务项目（改名）');
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('gives a first visit its CSRF cookie also when the page comes from the cache', async () => {
    const call = await publicCall();
    const url = `/api/public/calls/${call.id}`;
    await cached(await t.client(), url);
    await retitleBehindTheCache(call.id, '未经版本更新的标题');

    const firstVisit = await t.app.inject({ method: 'GET', url });
    expect(firstVisit.json().title).toBe(call.title);
    const csrf = firstVisit.cookies.find((c) => c.name === 'csrf_token');
    expect(csrf?.value).toMatch(/^[\w-]{32}$/);
    expect(firstVisit.headers['x-content-type-options']).toBe('nosniff');

    const cached304 = await t.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': firstVisit.headers.etag as string },
    });
    expect(cached304.statusCode).toBe(304);
    expect(cached304.cookies.map((c) => c.name)).toContain('csrf_token');
  });

  it('never answers a signed-in user from the cache, nor keeps what it was answered', async () => {
    const visitor = await t.client();
    const buyer = await t.as('buyer');
    expect((await visitor.get('/api/public/plans')).json().actions).toEqual([]);
    const signedIn = await buyer.get('/api/public/plans');
    expect(signedIn.json().actions).toEqual(expect.arrayContaining(['create']));
    expect(signedIn.headers.etag).toBeUndefined();
    expect((await visitor.get('/api/public/plans')).json().actions).toEqual([]);

    const call = await publicCall();
    await buyer.get(`/api/public/calls/${call.id}`);
    await retitleBehindTheCache(call.id, '登录用户看到的是实时数据');
    expect((await buyer.get(`/api/public/calls/${call.id}`)).json().title).toBe('登录用户看到的是实时数据');
    expect((await visitor.get(`/api/public/calls/${call.id}`)).json().title).toBe('登录用户看到的是实时数据');
  });

  it('does not cache errors', async () => {
    const visitor = await t.client();
    const draft = await insertCall(t.database.db, { status: 'draft', publishedAt: null });
    expect((await visitor.get(`/api/public/calls/${draft.id}`)).statusCode).toBe(404);
    await writeBehindTheCache(draft.id, { status: 'published', publishedAt: new Date() });
    expect((await visitor.get(`/api/public/calls/${draft.id}`)).statusCode).toBe(200);
  });

  it('keeps the cache through a draft application autosave (drafts are private)', async () => {
    const call = await publicCall();
    const draft = await insertApplication(t.database.db, call, { status: 'draft', submittedAt: null });
    const before = await dataVersion();
    const res = await (await t.as('provider')).patch(`/api/applications/${draft.id}`, {
      socialWorkerName: '李娜',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await dataVersion()).toBe(before);

    await insertApplication(t.database.db, call, { status: 'submitted' });
    expect(BigInt(await dataVersion())).toBeGreaterThan(BigInt(before));
  });

  it('bumps the data version once per transaction, however many rows it writes', async () => {
    const before = BigInt(await dataVersion());
    await t.database.db.transaction(async (tx) => {
      await tx.update(calls).set({ updatedAt: new Date() }).where(sql`${calls.status} <> 'draft'`);
      await tx.update(calls).set({ updatedAt: new Date() }).where(sql`${calls.status} <> 'draft'`);
    });
    expect(BigInt(await dataVersion())).toBe(before + 1n);
  });

  it.runIf(process.env.TEST_DB === 'postgres')(
    'shows a write through one app process to readers of another on the same database',
    async () => {
      const [{ name }] = rowsOf<{ name: string }>(
        await t.database.db.execute(sql`select current_database() as name`),
      );
      const otherDatabase = await openDatabase({ url: databaseUrl(name), dataDir: '' });
      const other = await buildApp(t.config, otherDatabase);
      await other.ready();
      try {
        const call = await publicCall();
        const url = `/api/public/calls/${call.id}`;
        const reader = new TestClient(other);
        expect((await cached(reader, url)).json().title).toBe(call.title);
        await retitleBehindTheCache(call.id, '未经版本更新的标题');
        expect((await reader.get(url)).json().title).toBe(call.title);

        const edit = await (await t.as('buyer')).patch(`/api/calls/${call.id}`, {
          title: '另一进程写入的标题',
          changeReason: '更正',
        });
        expect(edit.statusCode).toBe(200);
        // The other process hears of the write (LISTEN/NOTIFY) moments after its commit.
        await expect
          .poll(async () => (await reader.get(url)).json().title, { timeout: 5000, interval: 20 })
          .toBe('另一进程写入的标题');
      } finally {
        await other.close();
        await otherDatabase.close();
      }
    },
  );
});

describe('freshRead', () => {
  it('gives a caller a read started after it called, shared with the callers waiting with it', async () => {
    let reads = 0;
    const pending: (() => void)[] = [];
    const read = freshRead(
      () =>
        new Promise<number>((resolve) => {
          const n = ++reads;
          pending.push(() => resolve(n));
        }),
    );
    const first = read();
    const second = read();
    const third = read();
    expect(reads).toBe(1);
    pending.shift()!();
    expect(await first).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toBe(2);
    pending.shift()!();
    expect(await second).toBe(2);
    expect(await third).toBe(2);
  });
});
