import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { experts } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('expert pool', () => {
  it('has 40 experts across fields; phones only for admins', async () => {
    const admin = (await (await t.as('admin')).get('/api/experts?pageSize=100')).json();
    expect(admin.total).toBe(40);
    expect(admin.items.every((e: { phone: string | null }) => /^1\d{10}$/.test(e.phone ?? ''))).toBe(true);
    const buyer = (await (await t.as('buyer')).get('/api/experts?pageSize=100')).json();
    expect(buyer.items.every((e: { phone: string | null }) => e.phone === null)).toBe(true);
    expect(buyer.actions).toEqual([]);
    const finance = (await (await t.as('supervisor')).get('/api/experts?field=finance')).json();
    expect(finance.items.length).toBeGreaterThan(0);
    expect(finance.items.every((e: { field: string }) => e.field === 'finance')).toBe(true);
  });

  it('keeps the employer, for conflict-of-interest checks later', async () => {
    const admin = await t.as('admin');
    const provider = (await admin.get('/api/orgs?kind=provider&pageSize=1')).json().items[0];
    const res = await admin.post('/api/experts', {
      name: '周敏',
      field: 'elderly',
      title: '高级社会工作师',
      employerOrgId: provider.id,
      formerEmployerOrgIds: [provider.id],
      phone: '13700001111',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ employerName: provider.name, formerEmployerOrgIds: [provider.id] });
    const edited = await admin.patch(`/api/experts/${res.json().id}`, { title: '教授' });
    expect(edited.json()).toMatchObject({
      title: '教授',
      formerEmployerOrgIds: [provider.id],
      employerName: provider.name,
    });
    const audit = (await admin.get(`/api/audit?q=${res.json().id}`)).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['expert.updated', 'expert.created']);
    expect(JSON.stringify(audit)).not.toContain('13700001111');
  });

  it('rejects bad input and unknown employers, writing nothing', async () => {
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, [experts]);
    const bad = await admin.post('/api/experts', { name: '', field: 'astrology', phone: '123' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['field', 'name', 'phone']);
    const unknown = await admin.post('/api/experts', {
      name: '某人',
      field: 'youth',
      employerOrgId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.json().details.fields[0]).toEqual({ path: 'employerOrgId', message: '所选单位不存在' });
    expect(await snapshotCounts(t, [experts])).toEqual(before);
  });

  it('exports to Excel for supervisors, without phones', async () => {
    const res = await (await t.as('supervisor')).get('/api/experts/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('专家库.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const cells: string[] = [];
    sheet.eachRow((row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        cells.push(cell.text);
      }),
    );
    // One row per expert under the header, so that the check below looks at the real export.
    const pool = await t.database.db.select({ name: experts.name, phone: experts.phone }).from(experts);
    expect(sheet.actualRowCount).toBe(pool.length + 1);
    expect(cells).toEqual(expect.arrayContaining(pool.map((e) => e.name)));
    const phones = pool.map((e) => e.phone).filter((p): p is string => Boolean(p));
    expect(phones.length).toBeGreaterThan(0);
    const leaked = cells.filter((text) => /1\d{10}/.test(text) || phones.some((p) => text.includes(p)));
    expect(leaked).toEqual([]);
  });

  it('forbids changes to everyone but admins', async () => {
    const one = (await (await t.as('admin')).get('/api/experts?pageSize=1')).json().items[0];
    const others = [
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
    await expectDeniedToEach(
      t,
      others,
      { method: 'POST', url: '/api/experts', body: { name: '越权', field: 'youth' } },
      [experts],
    );
    await expectDeniedToEach(
      t,
      others,
      { method: 'PATCH', url: `/api/experts/${one.id}`, body: { name: '越权' } },
      [experts],
    );
    await expectDeniedToEach(t, others, { method: 'POST', url: `/api/experts/${one.id}/deactivate` }, [
      experts,
    ]);
    await expectDeniedToEach(t, [null, 'provider', 'community', 'expert', 'evaluator', 'resident'], {
      method: 'GET',
      url: '/api/experts',
    });
  });
});
