import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { ALL_ROLES_USERS, buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload, xlsx } from '../../testing/uploads.js';
import { auditLog } from '../audit/schema.js';
import { attachments } from '../files/schema.js';
import { policies } from './schema.js';

let t: TestApp;
let admin: TestClient;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.as('admin');
});
afterAll(() => t.close());

const NON_ADMINS = [null, ...ALL_ROLES_USERS.filter((u) => u !== 'admin')];
const HEADERS = ['标题', '层级', '发布机关', '文号', '发布日期', '施行日期', '分类', '摘要', '正文'];
const doc = (overrides: Record<string, unknown> = {}) => ({
  title: '官渡区政府购买社会工作服务项目资金管理办法',
  level: 'district',
  issuer: '官渡区民政局',
  docNumber: '官民发〔2026〕1号',
  issuedOn: '2026-03-01',
  effectiveOn: '2026-04-01',
  category: '财政资金管理',
  summary: '规范项目资金的拨付节点和使用范围。',
  body: '第一条 为规范社区养老服务项目资金管理，制定本办法。',
  ...overrides,
});
const list = async (query = '') => (await (await t.client()).get(`/api/public/policies${query}`)).json();

describe('policy library', () => {
  it('shows the demo documents to everyone, newest first, with their years', async () => {
    const page = await list('?pageSize=100');
    expect(page.total).toBe(12);
    expect(page.items.map((p: { docNumber: string }) => p.docNumber)).toContain('财政部令第102号');
    const dates = page.items.map((p: { issuedOn: string }) => p.issuedOn);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(page.years).toContain(2020);
    expect(page.years).toContain(1998);
    expect(page.items[0].body).toBeUndefined();
  });

  it('finds documents by a Chinese word, by their number, and by filters', async () => {
    const bySearch = await list(`?q=${encodeURIComponent('信用')}`);
    expect(bySearch.items.map((p: { title: string }) => p.title)).toContain('社会组织信用信息管理办法');
    expect(
      bySearch.items.every((p: { title: string; summary: string }) =>
        `${p.title}${p.summary}`.includes('信用'),
      ),
    ).toBe(true);
    const byNumber = await list(`?q=${encodeURIComponent('财政部令第102号')}`);
    expect(byNumber.items[0].title).toBe('政府购买服务管理办法');
    expect((await list(`?q=${encodeURIComponent('量子')}`)).total).toBe(0);
    const repealed = await list('?status=repealed');
    expect(repealed.items.map((p: { docNumber: string }) => p.docNumber)).toEqual(['财综〔2014〕96号']);
    const of1998 = await list('?year=1998');
    expect(of1998.total).toBe(2);
    const category = await list(`?category=${encodeURIComponent('社会组织管理')}&level=central`);
    expect(category.total).toBe(4);
    expect((await (await t.client()).get('/api/public/policies?level=county')).statusCode).toBe(422);
  });

  it('lets admins add, edit and retire a document, each step audited', async () => {
    const created = await admin.post('/api/policies', doc());
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const found = await list(`?q=${encodeURIComponent('养老')}&level=district`);
    expect(found.items.map((p: { id: string }) => p.id)).toEqual([id]);

    const edited = await admin.patch(`/api/policies/${id}`, {
      version: 1,
      title: '官渡区社会工作服务项目资金管理办法',
    });
    expect(edited.statusCode).toBe(200);
    expect((await admin.patch(`/api/policies/${id}`, { version: 1, title: '过期的修改' })).statusCode).toBe(
      409,
    );
    const stale = await admin.post(`/api/policies/${id}/retire`, {
      status: 'repealed',
      reason: '已被新办法替代',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    const retired = await admin.post(`/api/policies/${id}/retire`, {
      status: 'revised',
      reason: '2027年修订',
      version: 2,
    });
    expect(retired.statusCode).toBe(200);
    const detail = (await (await t.client()).get(`/api/public/policies/${id}`)).json();
    expect(detail).toMatchObject({
      title: '官渡区社会工作服务项目资金管理办法',
      status: 'revised',
      statusReason: '2027年修订',
      body: expect.stringContaining('第一条'),
    });
    expect(
      (await admin.post(`/api/policies/${id}/retire`, { status: 'revised', reason: '再次', version: 3 }))
        .statusCode,
    ).toBe(409);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['policy.created', 'policy.revise', 'policy.updated']);
  });

  it('attaches a file to a document, downloadable by anyone', async () => {
    const { id } = (await admin.post('/api/policies', doc({ title: '附件测试文件' }))).json();
    const pdf = Buffer.from('%PDF-1.4\n% policy\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const res = await upload(admin, `/api/policies/${id}/attachments`, pdf, '原文.pdf', 'application/pdf');
    expect(res.statusCode).toBe(201);
    const detail = (await (await t.client()).get(`/api/public/policies/${id}`)).json();
    expect(detail.attachments).toEqual([
      expect.objectContaining({ name: '原文.pdf', mime: 'application/pdf' }),
    ]);
    const file = await (await t.client()).get(`/api/files/${detail.attachments[0].id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    const provider = await t.as('provider');
    const before = await snapshotCounts(t, [attachments]);
    expect((await upload(provider, `/api/policies/${id}/attachments`, pdf)).statusCode).toBe(403);
    expect(await snapshotCounts(t, [attachments])).toEqual(before);
  });

  it('refuses every write to everyone but admins, writing nothing', async () => {
    const [{ id, version }] = await t.database.db.select().from(policies).limit(1);
    const requests = [
      { method: 'POST' as const, url: '/api/policies', body: doc() },
      { method: 'PATCH' as const, url: `/api/policies/${id}`, body: { version, title: '越权修改' } },
      {
        method: 'POST' as const,
        url: `/api/policies/${id}/retire`,
        body: { status: 'repealed', reason: '越权', version },
      },
      { method: 'POST' as const, url: '/api/policies/import' },
      { method: 'GET' as const, url: '/api/policies/template.xlsx' },
    ];
    for (const request of requests) await expectDeniedToEach(t, NON_ADMINS, request, [policies]);
  });

  it('rejects bad input with field messages, writing nothing', async () => {
    const before = await snapshotCounts(t, [policies]);
    const res = await admin.post('/api/policies', {
      title: '',
      level: 'county',
      issuer: '民政局',
      issuedOn: '2026-02-30',
      effectiveOn: '2026-01-01',
      category: '养猫',
    });
    expect(res.statusCode).toBe(422);
    const paths = res
      .json()
      .details.fields.map((f: { path: string }) => f.path)
      .sort();
    expect(paths).toEqual(['category', 'issuedOn', 'level', 'title']);
    const early = await admin.post('/api/policies', doc({ effectiveOn: '2026-01-01' }));
    expect(early.statusCode).toBe(422);
    expect(early.json().details.fields).toEqual([
      { path: 'effectiveOn', message: '施行日期不能早于发布日期' },
    ]);
    expect(
      (
        await admin.post('/api/policies/00000000-0000-4000-8000-000000000000/retire', {
          status: 'repealed',
          reason: '无',
          version: 1,
        })
      ).statusCode,
    ).toBe(404);
    expect(await snapshotCounts(t, [policies])).toEqual(before);
  });

  it('imports from Excel all or nothing, reporting every bad row', async () => {
    const template = await admin.get('/api/policies/template.xlsx');
    expect(template.headers['content-type']).toContain('spreadsheetml');
    const before = await snapshotCounts(t, [policies]);
    const good = [
      '关于推进社区社会工作室建设的通知',
      '区级',
      '官渡区民政局',
      '官民发〔2026〕9号',
      '2026-05-01',
      '',
      '社会工作',
      '摘要',
      '正文',
    ];
    const bad = await upload(
      admin,
      '/api/policies/import',
      await xlsx([HEADERS, good, ['', '县级', '', '', '2026-13-01', '', '养猫', '', '']]),
    );
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.rows.map((r: { row: number; field: string }) => `${r.row}:${r.field}`)
        .sort(),
    ).toEqual(['3:发布日期', '3:发布机关', '3:层级', '3:标题', '3:分类'].sort());
    expect(await snapshotCounts(t, [policies])).toEqual(before);
    const ok = await upload(admin, '/api/policies/import', await xlsx([HEADERS, good]));
    expect(ok.json()).toEqual({ imported: 1 });
    const found = await list(`?q=${encodeURIComponent('社会工作室')}`);
    expect(found.items[0]).toMatchObject({
      level: 'district',
      docNumber: '官民发〔2026〕9号',
      effectiveOn: null,
    });
  });
});
