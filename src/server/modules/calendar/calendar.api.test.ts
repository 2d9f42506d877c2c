import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CN_HOLIDAYS } from '../../../domain/holidays-cn.js';
import {
  addWorkingDays,
  arrangementsOf,
  buildCalendar,
  CN_CALENDAR,
  type HolidayEntry,
  mergeArrangements,
  todayInShanghai,
} from '../../../domain/working-days.js';
import { buildApp } from '../../app.js';
import { openDatabase } from '../../db/client.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { insertApplication, insertCall, sampleProposal } from '../../testing/factories.js';
import { ALL_ROLES_USERS, buildTestApp, type TestApp, TestClient } from '../../testing/test-app.js';
import { upload, xlsx } from '../../testing/uploads.js';
import { auditLog } from '../audit/schema.js';
import { awards } from '../awards/schema.js';
import { notifications } from '../notifications/schema.js';
import { rectifications } from '../projects/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { publicities } from '../publicity/schema.js';
import { holidayYears } from './schema.js';

let t: TestApp;
let admin: TestClient;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.as('admin');
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const NON_ADMINS = [...ALL_ROLES_USERS.filter((u) => u !== 'admin'), null];

/** A fictional 2027 arrangement (the real notice is not out yet): 元旦 Fri–Sun, 春节 with a make-up Saturday. */
const HOLIDAYS_2027: HolidayEntry[] = [
  { name: '元旦', from: '2027-01-01', to: '2027-01-03', workdays: [] },
  { name: '春节', from: '2027-02-06', to: '2027-02-14', workdays: ['2027-02-20'] },
];
const NOTICE_2027 = { year: 2027, noticeNo: '国办发明电〔2026〕99号', issuedOn: '2026-11-20' };
const WITH_2027 = buildCalendar(
  mergeArrangements(CN_HOLIDAYS, { arrangements: arrangementsOf(2027, HOLIDAYS_2027) }),
);

const HEADERS = ['节日名称', '放假开始日期', '放假结束日期', '调休上班日期'];

/** An approval publicity opened through the API on `opensOn`, of a call with one proposed award. */
async function openPublicity(opensOn: string) {
  const call = await insertCall(db(), { status: 'awarded' });
  const application = await insertApplication(db(), call, {
    status: 'awarded',
    proposal: sampleProposal(`节假日测试项目${call.code}`),
  });
  await db().insert(awards).values({
    callId: call.id,
    applicationId: application.id,
    amountFen: 1_000_000,
    rank: 1,
    scoreCenti: 9000,
  });
  const res = await (await t.as('buyer')).post(`/api/calls/${call.id}/publicity`, { opensOn });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; closesOn: string; closesOnEstimated: boolean };
}

/** A rectification of a running project, opened by the buyer for `workingDays`. */
async function openRectification(workingDays: number) {
  const { contract } = await signedContract(db());
  expect((await (await t.as('provider')).post(`/api/projects/${contract.id}/start`, {})).statusCode).toBe(
    200,
  );
  const { own } = await evaluatorOrgs(db());
  const res = await (await t.as('buyer')).post(`/api/projects/${contract.id}/rectifications`, {
    reason: '服务台账记录不完整，需补齐',
    workingDays,
    evaluatorOrgId: own,
  });
  expect(res.statusCode, res.body).toBe(201);
  const [row] = await db().select().from(rectifications).where(eq(rectifications.projectId, contract.id));
  return row;
}

const publicityRow = async (id: string) =>
  (await db().select().from(publicities).where(eq(publicities.id, id)))[0];

describe('the holiday years', () => {
  it('start as the built-in years, with the 2025 notice’s 文号', async () => {
    const res = await admin.get('/api/calendar/years');
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json();
    expect(list.actions).toEqual(['load']);
    expect(list.items.map((y: { year: number }) => y.year)).toEqual([2025, 2026]);
    expect(list.items[0]).toMatchObject({
      year: 2025,
      noticeNo: '国办发明电〔2024〕12号',
      issuedOn: '2024-11-12',
      source: 'builtin',
      loadedBy: null,
      actions: ['replace'],
    });
    expect(list.items[1]).toMatchObject({
      year: 2026,
      noticeNo: null,
      source: 'builtin',
      offDays: 33,
      makeupDays: 6,
    });
  });

  it('answer 403 to every other role and 401 to the anonymous visitor, writing nothing', async () => {
    const tables = [holidayYears];
    const body = { ...NOTICE_2027, holidays: HOLIDAYS_2027 };
    for (const request of [
      { method: 'GET' as const, url: '/api/calendar/status' },
      { method: 'GET' as const, url: '/api/calendar/years' },
      { method: 'GET' as const, url: '/api/calendar/template.xlsx' },
      { method: 'POST' as const, url: '/api/calendar/years', body },
      { method: 'PUT' as const, url: '/api/calendar/years/2026', body: { ...body, reason: '更正' } },
      { method: 'POST' as const, url: '/api/calendar/years/import?year=2027&noticeNo=x&issuedOn=2026-11-20' },
    ])
      await expectDeniedToEach(t, NON_ADMINS, request, tables);
  });

  it('gives the Excel template', async () => {
    const res = await admin.get('/api/calendar/template.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
  });
});

describe('a year without data', () => {
  let publicity: { id: string; closesOn: string; closesOnEstimated: boolean };
  let within2026: { id: string; closesOn: string; closesOnEstimated: boolean };
  let rectification: typeof rectifications.$inferSelect;
  let closedId: string;

  it('still answers, weekends only, and every deadline counted so is stored as estimated', async () => {
    // Opened Mon 2026-12-28 for 5 working days: 12-29, 12-30, 12-31, Fri 01-01 (a working day by
    // weekends only), Mon 01-04.
    publicity = await openPublicity('2026-12-28');
    expect(publicity).toMatchObject({ closesOn: '2027-01-04', closesOnEstimated: true });
    expect((await publicityRow(publicity.id)).closesOnEstimated).toBe(true);
    const publicPage = (await (await t.client()).get(`/api/public/publicities/${publicity.id}`)).json();
    expect(publicPage).toMatchObject({ closesOn: '2027-01-04', closesOnEstimated: true });

    within2026 = await openPublicity(todayInShanghai());
    expect(within2026).toMatchObject({
      closesOn: addWorkingDays(todayInShanghai(), 5),
      closesOnEstimated: false,
    });

    rectification = await openRectification(30);
    expect(rectification.dueOn).toBe(addWorkingDays(todayInShanghai(), 30, CN_CALENDAR));
    expect(rectification.dueOn > '2027-01-01').toBe(true);
    expect(rectification.dueOnEstimated).toBe(true);

    // A closed period keeps the date it ended on.
    const closed = await openPublicity('2026-12-29');
    await db().update(publicities).set({ status: 'closed' }).where(eq(publicities.id, closed.id));
    closedId = closed.id;
  });

  it('raises the standing warning with the deadlines counted over 2027', async () => {
    const res = await admin.get('/api/calendar/status');
    expect(res.statusCode, res.body).toBe(200);
    const status = res.json();
    expect(status.loadedYears).toEqual([2025, 2026]);
    expect(status.missing).toEqual([{ year: 2027, estimatedDeadlines: expect.any(Number), upcoming: true }]);
    expect(status.missing[0].estimatedDeadlines).toBeGreaterThanOrEqual(2);
    expect(status.warning).toContain('2027年的节假日安排尚未载入');
  });

  it('refuses impossible dates and bad arrangements with 422, writing nothing', async () => {
    const before = await snapshotCounts(t, [holidayYears, publicities]);
    const post = (holidays: unknown, extra: Record<string, unknown> = {}) =>
      admin.post('/api/calendar/years', { ...NOTICE_2027, holidays, ...extra });
    const impossible = await post([{ name: '春节', from: '2027-02-30', to: '2027-03-01', workdays: [] }]);
    expect(impossible.statusCode).toBe(422);
    expect(impossible.json().details.fields).toEqual([
      { path: 'holidays.0.from', message: '日期不存在：2027-02-30' },
    ]);
    const bad = await post([
      { name: '元旦', from: '2027-01-03', to: '2027-01-01', workdays: [] },
      { name: '春节', from: '2027-02-06', to: '2027-02-14', workdays: ['2027-02-17', '2027-02-13'] },
      { name: '国庆节', from: '2028-10-01', to: '2028-10-07', workdays: [] },
      { name: '劳动节', from: '2027-05-01', to: '2027-05-25', workdays: [] },
    ]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.fields.map((f: { path: string }) => f.path)).toEqual([
      'holidays.0.to',
      'holidays.2.from',
      'holidays.2.to',
      'holidays.3.to',
      'holidays.1.workdays',
      'holidays.1.workdays',
    ]);
    expect(bad.json().message).toContain('调休上班日2027-02-17不是周六或周日');
    expect(bad.json().message).toContain('2027-02-13在“春节”放假期间');
    const future = await post(HOLIDAYS_2027, { issuedOn: '2026-12-31' });
    expect(future.statusCode).toBe(422);
    expect(future.json().details.fields).toEqual([{ path: 'issuedOn', message: '通知发布日期不能晚于今天' }]);
    const shape = await admin.post('/api/calendar/years', { year: 1999, noticeNo: '', holidays: [] });
    expect(shape.statusCode).toBe(422);
    expect(await snapshotCounts(t, [holidayYears, publicities])).toEqual(before);
  });

  it('reports every bad Excel row with its row number, writing nothing', async () => {
    const before = await snapshotCounts(t, [holidayYears, publicities]);
    const file = await xlsx([
      HEADERS,
      ['元旦', '2027年1月1日', '1月3日', ''],
      ['春节', '2027-02-30', '2027-02-14', '2027-02-20'],
      ['', '2027-04-03', '2027-04-05', ''],
      ['劳动节', '2027-05-01', '2027-05-05', '2027-04-28（周三）'],
    ]);
    const res = await upload(admin, `/api/calendar/years/import?${new URLSearchParams(query())}`, file);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toBe('import_invalid');
    expect(res.json().details.rows).toEqual([
      { row: 3, field: '放假开始日期', message: '日期无效：2027-02-30' },
      { row: 4, field: '节日名称', message: '请填写节日名称' },
      { row: 5, field: '调休上班日期', message: '调休上班日2027-04-28不是周六或周日' },
    ]);
    const noFile = await admin.post(`/api/calendar/years/import?${new URLSearchParams(query())}`, {});
    expect(noFile.statusCode).toBe(400);
    const badQuery = await upload(
      admin,
      '/api/calendar/years/import?year=2027&noticeNo=&issuedOn=2027-02-29',
      file,
    );
    expect(badQuery.statusCode).toBe(422);
    expect(await snapshotCounts(t, [holidayYears, publicities])).toEqual(before);
  });

  it('is loaded from the Excel template: exactly the estimated deadlines are counted again, in the same transaction', async () => {
    const file = await xlsx([
      HEADERS,
      ['元旦', '2027年1月1日', '1月3日（周日）', ''],
      ['春节', '2027-02-06', '2027-02-14', '2月20日（周六）'],
    ]);
    const res = await upload(admin, `/api/calendar/years/import?${new URLSearchParams(query())}`, file);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result.year).toMatchObject({
      year: 2027,
      noticeNo: NOTICE_2027.noticeNo,
      issuedOn: NOTICE_2027.issuedOn,
      source: 'excel',
      holidays: HOLIDAYS_2027,
      loadedBy: expect.any(String),
      replaceReason: null,
    });
    expect(result.imported).toBe(2);

    const publicityAfter = addWorkingDays('2026-12-28', 5, WITH_2027);
    expect(publicityAfter).toBe('2027-01-05');
    const rectificationAfter = addWorkingDays(rectification.openedOn, 30, WITH_2027);
    const mine = result.recomputed.filter((d: { id: string }) =>
      [publicity.id, within2026.id, rectification.id, closedId].includes(d.id),
    );
    expect(mine).toEqual([
      {
        kind: 'rectification',
        id: rectification.id,
        title: expect.any(String),
        before: rectification.dueOn,
        after: rectificationAfter,
        wasEstimated: true,
        estimated: false,
      },
      {
        kind: 'publicity',
        id: publicity.id,
        title: expect.stringContaining('立项公示'),
        before: '2027-01-04',
        after: '2027-01-05',
        wasEstimated: true,
        estimated: false,
      },
    ]);
    // Whatever else it counted again (the demo's open deadlines) reached into 2027.
    for (const d of result.recomputed) expect(d.before >= '2027-01-01' || d.after >= '2027-01-01').toBe(true);

    expect(await publicityRow(publicity.id)).toMatchObject({
      closesOn: '2027-01-05',
      closesOnEstimated: false,
    });
    expect(await publicityRow(within2026.id)).toMatchObject({
      closesOn: within2026.closesOn,
      closesOnEstimated: false,
    });
    expect(await publicityRow(closedId)).toMatchObject({ closesOn: '2027-01-05', closesOnEstimated: true });
    const [rect] = await db().select().from(rectifications).where(eq(rectifications.id, rectification.id));
    expect(rect).toMatchObject({ dueOn: rectificationAfter, dueOnEstimated: false });

    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calendar.year_loaded'), eq(auditLog.targetId, '2027')));
    expect(entry.visibility).toBe('public');
    expect((entry.summary as { recomputed: unknown[] }).recomputed).toEqual(result.recomputed);
    const told = await db()
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.kind, 'deadline.recomputed'), like(notifications.link, `%${publicity.id}`)),
      );
    expect(told.length).toBeGreaterThan(0);
    expect(told[0].body).toContain('由2027-01-04（预计）调整为2027-01-05');
  });

  it('is what the calendar of the app counts with from then on, and the warning is gone', async () => {
    const calendar = (await (await t.client()).get('/api/public/calendar')).json();
    expect(calendar.years).toEqual([2025, 2026, 2027]);
    const status = (await admin.get('/api/calendar/status')).json();
    expect(status).toEqual({ loadedYears: [2025, 2026, 2027], missing: [], warning: null });
    const later = await openPublicity('2026-12-28');
    expect(later).toMatchObject({ closesOn: '2027-01-05', closesOnEstimated: false });
    const publicPage = (await (await t.client()).get(`/api/public/publicities/${publicity.id}`)).json();
    expect(publicPage).toMatchObject({ closesOn: '2027-01-05', closesOnEstimated: false });
  });
});

const query = (extra: Record<string, string> = {}) => ({
  year: String(NOTICE_2027.year),
  noticeNo: NOTICE_2027.noticeNo,
  issuedOn: NOTICE_2027.issuedOn,
  ...extra,
});

describe('a loaded year', () => {
  it('is loaded once: a second load is 409, and a replacement needs a reason', async () => {
    const before = await snapshotCounts(t, [holidayYears]);
    const again = await admin.post('/api/calendar/years', { ...NOTICE_2027, holidays: HOLIDAYS_2027 });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('2027年的节假日安排已载入，替换需填写原因');
    const file = await xlsx([HEADERS, ['元旦', '2027-01-01', '2027-01-03', '']]);
    const importAgain = await upload(
      admin,
      `/api/calendar/years/import?${new URLSearchParams(query())}`,
      file,
    );
    expect(importAgain.statusCode).toBe(409);
    const { year: _, ...notice } = NOTICE_2027;
    const noReason = await admin.put('/api/calendar/years/2027', { ...notice, holidays: HOLIDAYS_2027 });
    expect(noReason.statusCode).toBe(422);
    const unknown = await admin.put('/api/calendar/years/2031', {
      ...notice,
      holidays: [{ name: '元旦', from: '2031-01-01', to: '2031-01-01', workdays: [] }],
      reason: '更正',
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(await snapshotCounts(t, [holidayYears])).toEqual(before);
  });

  it('is replaced with a reason, kept in the audit trail with what it was', async () => {
    const { year: _, ...notice } = NOTICE_2027;
    const holidays = [
      ...HOLIDAYS_2027,
      { name: '清明节', from: '2027-04-03', to: '2027-04-05', workdays: [] },
    ];
    const res = await admin.put('/api/calendar/years/2027', { ...notice, holidays, reason: '补录清明节' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().year).toMatchObject({ source: 'form', replaceReason: '补录清明节', holidays });
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calendar.year_replaced'), eq(auditLog.targetId, '2027')));
    expect(entry.summary).toMatchObject({
      reason: '补录清明节',
      before: { source: 'excel', holidays: HOLIDAYS_2027 },
    });
    const calendar = (await (await t.client()).get('/api/public/calendar')).json();
    expect(calendar.arrangements.filter((a: { year: number }) => a.year === 2027)).toHaveLength(3);
  });

  it('is loaded once when two administrators load it at the same moment', async () => {
    const [a, b] = await Promise.all([t.client('admin'), t.client('admin')]);
    const body = {
      ...NOTICE_2027,
      year: 2028,
      holidays: [{ name: '元旦', from: '2028-01-01', to: '2028-01-03', workdays: [] }],
    };
    const results = await Promise.all([
      a.post('/api/calendar/years', body),
      b.post('/api/calendar/years', body),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const entries = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'calendar.year_loaded'), eq(auditLog.targetId, '2028')));
    expect(entries).toHaveLength(1);
  });

  it.runIf(process.env.TEST_DB === 'postgres')(
    'reaches another app process on the same database through its NOTIFY',
    async () => {
      const url = (db() as unknown as { $client: { options: { connectionString: string } } }).$client.options
        .connectionString;
      const otherDatabase = await openDatabase({ url, dataDir: '' });
      const other = await buildApp(t.config, otherDatabase);
      await other.ready();
      try {
        const reader = new TestClient(other);
        const years = async () => (await reader.get('/api/public/calendar')).json().years;
        expect(await years()).toContain(2028);
        const body = {
          ...NOTICE_2027,
          year: 2029,
          holidays: [{ name: '元旦', from: '2029-01-01', to: '2029-01-01', workdays: [] }],
        };
        expect((await admin.post('/api/calendar/years', body)).statusCode).toBe(201);
        await expect.poll(years, { timeout: 5000, interval: 20 }).toContain(2029);
      } finally {
        await other.close();
        await otherDatabase.close();
      }
    },
  );
});

describe('the seed years', () => {
  it('were written at the first start without an audit entry', async () => {
    const rows = await db().select().from(holidayYears).where(eq(holidayYears.source, 'builtin'));
    expect(rows.map((r) => r.year).sort()).toEqual([2025, 2026]);
    const synced = await db().select().from(auditLog).where(eq(auditLog.action, 'calendar.seed_synced'));
    expect(synced).toHaveLength(0);
  });

  it('take a year added to holidays.json at the next start, and never a year an administrator loaded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-holidays-'));
    const file = {
      arrangements: [
        { year: 2027, name: '元旦', off: { from: '2027-01-01', to: '2027-01-04' }, workdays: [] },
        { year: 2030, name: '元旦', off: { from: '2030-01-01', to: '2030-01-01' }, workdays: [] },
      ],
    };
    writeFileSync(path.join(dir, 'holidays.json'), JSON.stringify(file));
    const restarted = await buildApp({ ...t.config, DATA_DIR: dir }, t.database);
    await restarted.ready();
    try {
      const rows = await db().select().from(holidayYears);
      const byYear = new Map(rows.map((r) => [r.year, r]));
      expect(byYear.get(2027)).toMatchObject({ source: 'form', replaceReason: '补录清明节' });
      expect(byYear.get(2030)).toMatchObject({
        source: 'file',
        noticeNo: null,
        holidays: [{ name: '元旦', from: '2030-01-01', to: '2030-01-01', workdays: [] }],
      });
      const synced = await db().select().from(auditLog).where(eq(auditLog.action, 'calendar.seed_synced'));
      expect(synced).toHaveLength(1);
      expect(synced[0].summary).toMatchObject({ inserted: [2030], updated: [], deleted: [] });
    } finally {
      await restarted.close();
    }
  });
});
