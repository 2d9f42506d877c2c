import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../../domain/credit-code.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { upload, xlsx } from '../../testing/uploads.js';
import { orgs } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const code = (body17: string) => body17 + creditCodeCheckChar(body17);
const validOrg = (name: string, creditCode: string) => ({
  name,
  kind: 'provider',
  creditCode,
  registeredOn: '2019-03-12',
  grade: '4A',
  legalRepresentative: '赵丽',
  contactName: '钱伟',
  contactPhone: '13912345678',
  address: '昆明市官渡区关上街道1号',
  categories: ['elderly', 'children'],
});

const HEADERS = [
  '名称',
  '类型',
  '统一社会信用代码',
  '所属区划',
  '登记日期',
  '评估等级',
  '法定代表人',
  '联系人',
  '联系电话',
  '地址',
  '服务领域',
];

describe('organizations', () => {
  it('lists the seeded directory with filters for admins, supervisors and buyers', async () => {
    const admin = await t.as('admin');
    const providers = (await admin.get('/api/orgs?kind=provider&pageSize=100')).json();
    expect(providers.total).toBe(60);
    expect(providers.actions).toEqual(['create', 'import', 'export']);
    expect(providers.items[0].actions).toEqual(['update', 'deactivate']);
    const all = (await admin.get('/api/orgs?pageSize=1')).json();
    expect(all.total).toBe(3 + 10 + 120 + 5 + 3 + 60);
    const sup = (await (await t.as('supervisor')).get('/api/orgs?q=民政局')).json();
    expect(sup.items[0]).toMatchObject({ name: '昆明市官渡区民政局', actions: [] });
    expect(sup.actions).toEqual(['export']);
    expect((await (await t.as('buyer')).get('/api/orgs?kind=evaluator')).json().total).toBe(5);
  });

  it('creates and edits a provider with a valid credit code, audited', async () => {
    const admin = await t.as('admin');
    const created = await admin.post(
      '/api/orgs',
      validOrg('昆明市官渡区新芽社会工作服务中心', code('52530111MJ1234567')),
    );
    expect(created.statusCode).toBe(201);
    const org = created.json();
    expect(org).toMatchObject({ kind: 'provider', grade: '4A', categories: ['elderly', 'children'] });
    const edited = await admin.patch(`/api/orgs/${org.id}`, { grade: '5A' });
    // Fields left out of a PATCH stay as they were.
    expect(edited.json()).toMatchObject({
      grade: '5A',
      categories: ['elderly', 'children'],
      legalRepresentative: '赵丽',
      contactPhone: '13912345678',
    });
    const audit = (await admin.get(`/api/audit?q=${org.id}`))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(['org.updated', 'org.created']);
  });

  it('rejects an invalid credit code, a missing one for a provider, and a duplicate, writing nothing', async () => {
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, [orgs]);
    const bad = await admin.post('/api/orgs', validOrg('校验位错误机构', '52530111MJ12345670'));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.fields).toEqual([
      { path: 'creditCode', message: '统一社会信用代码校验位不正确，请核对' },
    ]);
    const missing = await admin.post('/api/orgs', { ...validOrg('无代码机构', ''), creditCode: '' });
    expect(missing.json().details.fields[0]).toEqual({
      path: 'creditCode',
      message: '社会组织必须填写统一社会信用代码',
    });
    const existing = (await admin.get('/api/orgs?kind=provider&pageSize=1')).json().items[0];
    const dup = await admin.post('/api/orgs', validOrg('重复代码机构', existing.creditCode));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain(existing.name);
    const phone = await admin.post('/api/orgs', {
      ...validOrg('电话错误', code('52530111MJ7654321')),
      contactPhone: '12345',
    });
    expect(phone.json().details.fields[0].path).toBe('contactPhone');
    expect(await snapshotCounts(t, [orgs])).toEqual(before);
  });

  it('exports the directory and a template as Excel', async () => {
    const sup = await t.as('supervisor');
    const res = await sup.get('/api/orgs/export.xlsx?kind=provider');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe('名称');
    expect(sheet.rowCount).toBeGreaterThanOrEqual(61);
    expect((await sup.get('/api/orgs/template.xlsx')).statusCode).toBe(403);
  });

  it('imports all rows or none, reporting every bad row with its reason', async () => {
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, [orgs]);
    const existing = (await admin.get('/api/orgs?kind=provider&pageSize=1')).json().items[0];
    const bad = await xlsx([
      HEADERS,
      [
        '好机构甲',
        '社会组织',
        code('52530111MJ0000001'),
        '关上街道',
        '2020-01-01',
        '3A',
        '甲',
        '甲',
        '13800000001',
        '地址',
        '为老服务',
      ],
      ['坏代码', '社会组织', '52530111MJ00000020', '关上街道', '', '', '', '', '', '', ''],
      ['坏类型', '公司', code('52530111MJ0000003'), '', '', '', '', '', '', '', ''],
      ['坏区划', '社会组织', code('52530111MJ0000004'), '火星街道', '', '9A', '', '', '', '', '养猫'],
      ['重复已登记', '社会组织', existing.creditCode, '', '', '', '', '', '', '', ''],
      ['文件内重复', '社会组织', code('52530111MJ0000001'), '', '', '', '', '', '', '', ''],
    ]);
    const res = await upload(admin, '/api/orgs/import', bad);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toBe('import_invalid');
    const problems = body.details.rows.map((r: { row: number; field: string }) => `${r.row}:${r.field}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '3:统一社会信用代码',
        '4:类型',
        '5:所属区划',
        '5:评估等级',
        '5:服务领域',
        '6:统一社会信用代码',
        '7:统一社会信用代码',
      ]),
    );
    expect(problems).not.toContain('2:名称');
    expect(await snapshotCounts(t, [orgs])).toEqual(before);

    const good = await xlsx([
      HEADERS,
      [
        '导入机构甲',
        '社会组织',
        code('52530111MJ0000011'),
        '关上街道',
        '2020-01-01',
        '3A',
        '甲',
        '甲',
        '13800000001',
        '地址',
        '为老服务、儿童服务',
      ],
      ['导入机构乙', '第三方评估机构', '', '官渡区', '', '', '', '', '', '', ''],
    ]);
    const ok = await upload(admin, '/api/orgs/import', good);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ imported: 2 });
    const found = (await admin.get('/api/orgs?q=导入机构甲')).json().items[0];
    expect(found).toMatchObject({ regionName: '关上街道', categories: ['elderly', 'children'] });
  });

  it('rejects a file that is not a spreadsheet or lacks columns', async () => {
    const admin = await t.as('admin');
    const notXlsx = await upload(admin, '/api/orgs/import', Buffer.from('hello'));
    expect(notXlsx.statusCode).toBe(400);
    const missingColumns = await upload(admin, '/api/orgs/import', await xlsx([['名称']]));
    expect(missingColumns.statusCode).toBe(422);
    expect(missingColumns.json().message).toContain('表头缺少列');
  });

  it('forbids changes to everyone but admins, and listing to those without a need', async () => {
    const target = (await (await t.as('admin')).get('/api/orgs?kind=provider&pageSize=1')).json().items[0];
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
      { method: 'POST', url: '/api/orgs', body: validOrg('越权', code('52530111MJ5555555')) },
      [orgs],
    );
    await expectDeniedToEach(
      t,
      others,
      { method: 'PATCH', url: `/api/orgs/${target.id}`, body: { name: '越权改名' } },
      [orgs],
    );
    await expectDeniedToEach(t, others, { method: 'POST', url: `/api/orgs/${target.id}/deactivate` }, [orgs]);
    await expectDeniedToEach(t, others, { method: 'POST', url: '/api/orgs/import' }, [orgs]);
    await expectDeniedToEach(t, [null, 'provider', 'community', 'expert', 'evaluator', 'resident'], {
      method: 'GET',
      url: '/api/orgs',
    });
    await expectDeniedToEach(t, [null, 'buyer', 'provider', 'resident'], {
      method: 'GET',
      url: '/api/orgs/export.xlsx',
    });
  });
});
