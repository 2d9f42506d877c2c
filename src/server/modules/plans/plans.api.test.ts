import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload, xlsx } from '../../testing/uploads.js';
import { planLines } from './schema.js';

let t: TestApp;
let buyer: TestClient;
beforeAll(async () => {
  t = await buildTestApp();
  buyer = await t.as('buyer');
});
afterAll(() => t.close());

const line = (overrides: Record<string, unknown> = {}) => ({
  year: 2031,
  title: '社区居家养老服务项目',
  category: 'elderly',
  budgetFen: 30_000_000,
  plannedQuarter: 2,
  ...overrides,
});
const HEADERS = ['年度', '项目名称', '服务领域', '预算（元）', '计划季度', '备注'];

describe('annual release plan', () => {
  it('lets buyers enter lines, shown publicly with totals by buyer and category', async () => {
    expect((await buyer.post('/api/plans', line())).statusCode).toBe(201);
    expect(
      (
        await buyer.post(
          '/api/plans',
          line({ title: '困境儿童关爱项目', category: 'children', budgetFen: 12_345_678 }),
        )
      ).statusCode,
    ).toBe(201);
    const station = await t.as('station');
    expect(
      (
        await station.post(
          '/api/plans',
          line({ title: '关上街道社区营造', category: 'community_building', budgetFen: 5_000_000 }),
        )
      ).statusCode,
    ).toBe(201);
    const plan = (await (await t.client()).get('/api/public/plans?year=2031')).json();
    expect(plan.total).toEqual({ count: 3, budgetFen: 47_345_678 });
    expect(plan.byBuyer.map((b: { label: string; budgetFen: number }) => [b.label, b.budgetFen])).toEqual([
      ['昆明市官渡区民政局', 42_345_678],
      ['官渡区关上街道社会工作服务站', 5_000_000],
    ]);
    expect(plan.byCategory.find((c: { key: string }) => c.key === 'children')).toMatchObject({
      label: '儿童服务',
      count: 1,
    });
    expect(plan.years).toContain(2031);
    expect(plan.lines.every((l: { actions: string[] }) => l.actions.length === 0)).toBe(true);
  });

  it('lets only the owning buyer edit a line, audited publicly', async () => {
    const { id } = (await buyer.post('/api/plans', line({ title: '待修改的计划' }))).json();
    expect((await buyer.patch(`/api/plans/${id}`, { budgetFen: 40_000_000 })).statusCode).toBe(200);
    const mine = (await buyer.get('/api/public/plans?year=2031'))
      .json()
      .lines.find((l: { id: string }) => l.id === id);
    expect(mine).toMatchObject({ budgetFen: 40_000_000, plannedQuarter: 2, actions: ['update'] });
    await expectDeniedToEach(
      t,
      [null, 'station', 'admin', 'provider', 'community', 'expert', 'evaluator', 'supervisor', 'resident'],
      {
        method: 'PATCH',
        url: `/api/plans/${id}`,
        body: { title: '越权修改' },
      },
      [planLines],
    );
    await expectDeniedToEach(
      t,
      [null, 'admin', 'provider', 'community', 'expert', 'evaluator', 'supervisor', 'resident'],
      {
        method: 'POST',
        url: '/api/plans',
        body: line(),
      },
      [planLines],
    );
  });

  it('rejects bad input with field messages, writing nothing', async () => {
    const before = await snapshotCounts(t, [planLines]);
    const res = await buyer.post('/api/plans', {
      year: 1999,
      title: '短',
      category: 'x',
      budgetFen: 1.5,
      plannedQuarter: 5,
    });
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['budgetFen', 'category', 'plannedQuarter', 'title', 'year']);
    expect(await snapshotCounts(t, [planLines])).toEqual(before);
  });

  it('imports from Excel all or nothing, reporting every bad row', async () => {
    const before = await snapshotCounts(t, [planLines]);
    const bad = await upload(
      buyer,
      '/api/plans/import',
      await xlsx([
        HEADERS,
        [2032, '为老服务提升项目', '为老服务', '120000.50', 1, ''],
        [2032, '坏', '养猫', 'abc', 7, ''],
      ]),
    );
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.rows.map((r: { row: number; field: string }) => `${r.row}:${r.field}`)
        .sort(),
    ).toEqual(['3:服务领域', '3:预算（元）', '3:计划季度', '3:项目名称'].sort());
    expect(await snapshotCounts(t, [planLines])).toEqual(before);
    const ok = await upload(
      buyer,
      '/api/plans/import',
      await xlsx([HEADERS, [2032, '为老服务提升项目', '为老服务', '120000.50', 1, '']]),
    );
    expect(ok.json()).toEqual({ imported: 1 });
    const plan = (await buyer.get('/api/public/plans?year=2032')).json();
    expect(plan.lines[0]).toMatchObject({ budgetFen: 12_000_050, category: 'elderly' });
    const exported = await (await t.client()).get('/api/public/plans/export.xlsx?year=2032');
    expect(exported.headers['content-type']).toContain('spreadsheetml');
  });
});
