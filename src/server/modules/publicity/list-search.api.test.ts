import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchText } from '../../../domain/search.js';
import { insertCall, orgOf } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { publicities } from './schema.js';

let t: TestApp;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  const station = await orgOf(db, 'station');
  const specs = [
    { key: 'elderly', title: '乐龄同行：社区居家养老服务', year: 2019, buyerOrgId: undefined },
    { key: 'children', title: '童心港湾：困境儿童关爱服务', year: 2024, buyerOrgId: station },
    { key: 'disabled', title: '阳光家园：残疾人康复服务', year: 2024, buyerOrgId: undefined },
  ];
  for (const s of specs) {
    const call = await insertCall(db, {
      title: s.title,
      year: s.year,
      status: 'awarded',
      ...(s.buyerOrgId ? { buyerOrgId: s.buyerOrgId } : {}),
      searchText: searchText(s.title),
    });
    ids[s.key] = call.id;
    await db
      .insert(publicities)
      .values({ callId: call.id, opensOn: `${s.year}-06-01`, closesOn: `${s.year}-06-07`, workingDays: '5' });
  }
});
afterAll(() => t.close());

const titles = async (query: string) => {
  const res = await (await t.client()).get(`/api/public/publicities?${query}`);
  expect(res.statusCode).toBe(200);
  return res
    .json()
    .items.map((p: { callTitle: string }) => p.callTitle)
    .sort();
};

describe('public publicity list', () => {
  it('searches by a Chinese word of the project, and by its number', async () => {
    expect(await titles(`q=${encodeURIComponent('养老')}`)).toEqual(['乐龄同行：社区居家养老服务']);
    expect(await titles(`q=${encodeURIComponent('儿童')}`)).toEqual(['童心港湾：困境儿童关爱服务']);
    expect(await titles(`q=${encodeURIComponent('量子计算')}`)).toEqual([]);
  });

  it('filters by year and buyer, the total counting the same rows', async () => {
    expect(await titles('year=2024')).toEqual(['童心港湾：困境儿童关爱服务', '阳光家园：残疾人康复服务']);
    const station = await orgOf(t.database.db, 'station');
    expect(await titles(`year=2024&buyerId=${station}`)).toEqual(['童心港湾：困境儿童关爱服务']);
    const res = (await (await t.client()).get('/api/public/publicities?year=2019')).json();
    expect(res.total).toBe(1);
    const years = (await (await t.client()).get('/api/public/years')).json();
    expect(years.publicities).toEqual(expect.arrayContaining([2024, 2019]));
  });

  it('refuses a bad filter with a field message', async () => {
    const res = await (await t.client()).get('/api/public/publicities?year=abc&buyerId=x');
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['buyerId', 'year']);
  });
});
