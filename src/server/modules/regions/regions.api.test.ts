import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { regions } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const NON_ADMINS = [
  null,
  'buyer',
  'station',
  'provider',
  'community',
  'expert',
  'evaluator',
  'supervisor',
  'resident',
];

describe('regions', () => {
  it('lists the seeded district tree publicly: 1 district, 10 streets, 120 communities', async () => {
    const visitor = await t.client();
    const tree = (await visitor.get('/api/regions/tree')).json();
    expect(tree).toHaveLength(1);
    expect(tree[0].name).toBe('官渡区');
    expect(tree[0].children).toHaveLength(10);
    expect(tree[0].children.reduce((n: number, s: { children: unknown[] }) => n + s.children.length, 0)).toBe(
      120,
    );
    const page = (await visitor.get('/api/regions?level=street&pageSize=5')).json();
    expect(page).toMatchObject({ total: 10, page: 1, pageSize: 5, actions: [] });
    expect(page.items[0]).toMatchObject({ level: 'street', parentName: '官渡区', actions: [] });
  });

  it('filters and searches', async () => {
    const c = await t.client();
    const street = (await c.get('/api/regions?q=关上')).json().items[0];
    const communities = (await c.get(`/api/regions?parentId=${street.id}&pageSize=50`)).json();
    expect(communities.total).toBe(12);
    expect(communities.items.every((r: { parentName: string }) => r.parentName === '关上街道')).toBe(true);
  });

  it('lets an admin create, edit, deactivate and reactivate a community', async () => {
    const admin = await t.as('admin');
    const street = (await admin.get('/api/regions?q=太和')).json().items[0];
    const created = await admin.post('/api/regions', {
      name: '新建社区',
      code: '530111002099',
      level: 'community',
      parentId: street.id,
    });
    expect(created.statusCode).toBe(201);
    const region = created.json();
    expect(region).toMatchObject({ parentName: '太和街道', actions: ['update', 'deactivate'] });
    expect((await admin.patch(`/api/regions/${region.id}`, { name: '新建和美社区' })).json().name).toBe(
      '新建和美社区',
    );
    expect((await admin.post(`/api/regions/${region.id}/deactivate`)).json()).toMatchObject({
      active: false,
      actions: ['update', 'activate'],
    });
    expect((await admin.post(`/api/regions/${region.id}/deactivate`)).statusCode).toBe(409);
    expect((await admin.post(`/api/regions/${region.id}/activate`)).json().active).toBe(true);
    const audit = (await admin.get(`/api/audit?targetType=region&q=${region.id}`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      'region.activated',
      'region.deactivated',
      'region.updated',
      'region.created',
    ]);
  });

  it('enforces the level of the parent and unique codes, writing nothing', async () => {
    const admin = await t.as('admin');
    const district = (await admin.get('/api/regions?level=district')).json().items[0];
    const before = await snapshotCounts(t, [regions]);
    const wrongParent = await admin.post('/api/regions', {
      name: '错层社区',
      code: '530111999001',
      level: 'community',
      parentId: district.id,
    });
    expect(wrongParent.statusCode).toBe(422);
    expect(wrongParent.json().details.fields[0]).toEqual({
      path: 'parentId',
      message: '社区/村的上级应为街道/乡镇',
    });
    const noParent = await admin.post('/api/regions', {
      name: '孤立街道',
      code: '530111999',
      level: 'street',
    });
    expect(noParent.json().details.fields[0].path).toBe('parentId');
    const dupCode = await admin.post('/api/regions', {
      name: '重复',
      code: '530111001',
      level: 'street',
      parentId: district.id,
    });
    expect(dupCode.statusCode).toBe(409);
    const bad = await admin.post('/api/regions', { name: '', code: 'abc', level: 'city' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['code', 'level', 'name']);
    expect(await snapshotCounts(t, [regions])).toEqual(before);
  });

  it('answers 404 for an unknown region and 422 for a malformed id', async () => {
    const c = await t.client();
    expect((await c.get('/api/regions/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await c.get('/api/regions/abc')).statusCode).toBe(422);
  });

  it('forbids changes to everyone but admins', async () => {
    const district = (await (await t.client()).get('/api/regions?level=district')).json().items[0];
    await expectDeniedToEach(
      t,
      NON_ADMINS,
      {
        method: 'POST',
        url: '/api/regions',
        body: { name: 'x', code: '530111888', level: 'street', parentId: district.id },
      },
      [regions],
    );
    await expectDeniedToEach(
      t,
      NON_ADMINS,
      { method: 'PATCH', url: `/api/regions/${district.id}`, body: { name: '改名' } },
      [regions],
    );
    await expectDeniedToEach(
      t,
      NON_ADMINS,
      { method: 'POST', url: `/api/regions/${district.id}/deactivate` },
      [regions],
    );
  });
});
