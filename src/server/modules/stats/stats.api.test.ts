import { isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { contracts } from '../contracts/schema.js';
import { signedContract } from '../projects/test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { DISTRICT_NAME: '测试区', SITE_ICP: '滇ICP备12345678号' } });
});
afterAll(() => t.close());

const stats = async () => (await (await t.client()).get('/api/public/stats')).json();
const signedSum = async () => {
  const [row] = await t.database.db
    .select({ n: sql<number>`count(*)::int`, fen: sql<string>`coalesce(sum(${contracts.amountFen}), 0)` })
    .from(contracts)
    .where(isNotNull(contracts.signedAt));
  return { projects: Number(row.n), amountFen: Number(row.fen) };
};

describe('public statistics', () => {
  it('counts every signed contract at its value after amendments, and no draft', async () => {
    const before = await stats();
    expect(before.totals).toEqual(await signedSum());

    const { contract } = await signedContract(t.database.db, { amountFen: 10_000_000 });
    await signedContract(t.database.db, { amountFen: 99_000_000, status: 'draft' });
    const buyer = await t.as('buyer');
    const amended = await buyer.post(`/api/contracts/${contract.id}/amendments`, {
      reason: '服务对象增加，追加服务内容',
      changes: { amountFen: 12_500_000 },
    });
    expect(amended.statusCode).toBe(201);

    const after = await stats();
    expect(after.totals).toEqual({
      projects: before.totals.projects + 1,
      amountFen: before.totals.amountFen + 12_500_000,
    });
    expect(after.totals).toEqual(await signedSum());
    const sum = (groups: { projects: number; amountFen: number }[]) =>
      groups.reduce((s, g) => ({ projects: s.projects + g.projects, amountFen: s.amountFen + g.amountFen }), {
        projects: 0,
        amountFen: 0,
      });
    for (const groups of [after.byYear, after.byBuyer, after.byCategory, after.byStreet])
      expect(sum(groups)).toEqual(after.totals);
    expect(after.byBuyer[0].amountFen).toBeGreaterThanOrEqual(after.byBuyer.at(-1).amountFen);
    expect(after.thisYear.year).toBe(2026);
  });

  it('names the years of each public list and the configured site', async () => {
    const anonymous = await t.client();
    const years = (await anonymous.get('/api/public/years')).json();
    expect(years.calls.length).toBeGreaterThan(0);
    expect([...years.calls].sort((a: number, b: number) => b - a)).toEqual(years.calls);
    expect(Object.keys(years).sort()).toEqual(['calls', 'plans', 'publicities']);
    const site = (await anonymous.get('/api/site')).json();
    expect(site).toEqual({
      districtName: '测试区',
      hostBody: '昆明市官渡区民政局',
      contact: '',
      icp: '滇ICP备12345678号',
    });
  });
});
