import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { auditLog } from '../audit/schema.js';
import { signedContract } from '../projects/test-fixtures.js';
import { alertSettings, alerts } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const URL = '/api/alert-settings/management_cap';

type Settings = {
  indicatorId: string;
  thresholds: { key: string; value: number; defaultValue: number; min: number; max: number }[];
  version: number;
  actions: string[];
};

const settingsOf = async (indicatorId: string, as = 'admin') =>
  ((await (await t.as(as)).get('/api/alert-settings')).json().items as Settings[]).find(
    (s) => s.indicatorId === indicatorId,
  )!;

/** A started project of 10,000,001 fen that spent 1,200,000 fen (12%) on management. */
async function spendingOnManagement() {
  const { contract } = await signedContract(db());
  expect((await (await t.as('provider')).post(`/api/projects/${contract.id}/start`, {})).statusCode).toBe(
    200,
  );
  const res = await (await t.as('provider')).post(`/api/projects/${contract.id}/expenses`, {
    category: 'management',
    amountFen: 1_200_000,
    spentOn: '2026-11-30',
    invoiceNo: `FP-M-${contract.id.slice(0, 8)}`,
    payee: '某财务咨询公司',
  });
  expect(res.statusCode, res.body).toBe(201);
  return contract.id;
}

const capAlerts = async (projectId: string) =>
  (
    (await (await t.as('buyer')).get(`/api/projects/${projectId}/alerts?pageSize=100`)).json().items as {
      indicatorId: string;
      status: string;
      evidence: Record<string, unknown>;
    }[]
  ).filter((a) => a.indicatorId === 'management_cap');

describe('alert thresholds', () => {
  it('lists every indicator with its defaults, for admins, supervisors and buyers; others may not read them', async () => {
    const admin = (await (await t.as('admin')).get('/api/alert-settings')).json().items as Settings[];
    expect(admin.map((s) => s.indicatorId)).toEqual([
      'payment_before_milestone',
      'category_overrun',
      'management_cap',
      'spending_ahead_of_progress',
      'failed_evaluation_payments_scheduled',
    ]);
    const values = Object.fromEntries(admin.map((s) => [s.indicatorId, s.thresholds.map((x) => x.value)]));
    expect(values).toMatchObject({
      category_overrun: [1000],
      management_cap: [1000],
      spending_ahead_of_progress: [3000],
      payment_before_milestone: [],
    });
    expect(admin.find((s) => s.indicatorId === 'management_cap')).toMatchObject({
      version: 0,
      actions: ['change'],
      thresholds: [{ key: 'capBp', value: 1000, defaultValue: 1000, min: 0, max: 10_000 }],
    });
    // Nothing to change on an indicator without thresholds.
    expect(admin.find((s) => s.indicatorId === 'payment_before_milestone')?.actions).toEqual([]);
    for (const reader of ['supervisor', 'buyer', 'station'])
      expect((await settingsOf('management_cap', reader)).actions).toEqual([]);
    await expectDeniedToEach(t, ['provider', 'community', 'expert', 'evaluator', 'resident', null], {
      method: 'GET',
      url: '/api/alert-settings',
    });
  });

  it('an admin changes a threshold, audited with before and after; the open projects’ alerts follow at once', async () => {
    const projectId = await spendingOnManagement();
    expect((await capAlerts(projectId)).map((a) => a.status)).toEqual(['raised']);

    const admin = await t.as('admin');
    const res = await admin.put(URL, { settings: { capBp: 1500 }, version: 0 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      version: 1,
      thresholds: [{ key: 'capBp', value: 1500, defaultValue: 1000 }],
    });
    // 12% is within a 15% cap: the alert is resolved, kept as history.
    expect((await capAlerts(projectId)).map((a) => a.status)).toEqual(['resolved']);
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'alert_settings.updated'))
      .orderBy(auditLog.id);
    expect(entry).toMatchObject({
      targetType: 'alert_settings',
      targetId: 'management_cap',
      summary: { before: { capBp: 1000 }, after: { capBp: 1500 } },
    });

    // Back to 10%: the finding raises a new alert, whose evidence names the threshold in force.
    const back = await admin.put(URL, { settings: { capBp: 1000 }, version: 1 });
    expect(back.statusCode, back.body).toBe(200);
    const list = await capAlerts(projectId);
    expect(list.map((a) => a.status).sort()).toEqual(['raised', 'resolved']);
    expect(list.find((a) => a.status === 'raised')?.evidence).toMatchObject({
      capBp: 1000,
      capFen: 1_000_000,
    });

    // A tighter tolerance for overruns is read by the next write's computation too.
    const overrun = await admin.put('/api/alert-settings/category_overrun', { settings: { toleranceBp: 0 } });
    expect(overrun.statusCode, overrun.body).toBe(200);
    expect((await settingsOf('category_overrun')).thresholds[0].value).toBe(0);
  });

  it('refuses anyone but an admin, writing nothing', async () => {
    await expectDeniedToEach(
      t,
      ['buyer', 'station', 'supervisor', 'provider', 'community', 'expert', 'evaluator', 'resident', null],
      {
        method: 'PUT',
        url: '/api/alert-settings/spending_ahead_of_progress',
        body: { settings: { marginBp: 100 } },
      },
      [alertSettings, alerts],
    );
  });

  it('refuses unknown indicators and thresholds, values out of bounds or not integers, and a stale version', async () => {
    const admin = await t.as('admin');
    const before = await snapshotCounts(t, [alertSettings, alerts]);
    const url = '/api/alert-settings/spending_ahead_of_progress';
    const cases: [unknown, number, string | RegExp][] = [
      [{ settings: { marginBp: 10_001 } }, 422, '“支出进度可领先绩效进度”应在0%至100%之间'],
      [{ settings: { marginBp: -1 } }, 422, '“支出进度可领先绩效进度”应在0%至100%之间'],
      [{ settings: { marginBp: 12.5 } }, 422, '阈值应为整数（单位：万分之一）'],
      [{ settings: { marginBp: '3000' } }, 422, '阈值应为数字'],
      [{ settings: { capBp: 1000 } }, 422, '“支出进度快于绩效进度”没有阈值“capBp”'],
      [{ settings: { toString: 1000 } }, 422, /没有阈值“toString”/],
      [{ settings: {} }, 422, '请至少填写一项阈值'],
      [{}, 422, /.+/],
      [{ settings: { marginBp: 2000 }, version: 7 }, 409, '该记录已被他人修改，请刷新后重试'],
    ];
    for (const [body, status, message] of cases) {
      const res = await admin.put(url, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status });
      expect(res.body).toMatch(message);
    }
    const unknown = await admin.put('/api/alert-settings/no_such_indicator', { settings: { x: 1 } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toBe('预警指标不存在');
    expect(await snapshotCounts(t, [alertSettings, alerts])).toEqual(before);
  });

  it('applies one of two concurrent changes made from the same version', async () => {
    const [a, b] = await Promise.all([t.client('admin'), t.client('admin')]);
    const { version } = await settingsOf('spending_ahead_of_progress');
    const results = await Promise.all([
      a.put('/api/alert-settings/spending_ahead_of_progress', { settings: { marginBp: 2000 }, version }),
      b.put('/api/alert-settings/spending_ahead_of_progress', { settings: { marginBp: 4000 }, version }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const after = await settingsOf('spending_ahead_of_progress');
    expect(after.version).toBe(version + 1);
    const winner = results.find((r) => r.statusCode === 200)!.json();
    expect(after.thresholds[0].value).toBe(winner.thresholds[0].value);
  });
});
