/**
 * One clock in the browser: a browser set to UTC still shows every date and time in Asia/Shanghai,
 * and what its date pickers show and send are Shanghai times. A call created through the API with
 * a deadline of 07:30 Shanghai time (23:30 UTC the day before) must read 07:30 everywhere.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary } from '../src/domain/calls';
import { chinaDateTime, weekdayOf } from '../src/domain/time';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('time zone browser tests');

const OPENS_AT = '2030-03-01T09:00:00+08:00';
/** 07:30 in Shanghai is 23:30 UTC on 2030-03-14: another day and another hour in the browser's zone. */
const CLOSES_AT = '2030-03-15T07:30:00+08:00';
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const longDate = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日 ${WEEKDAYS[weekdayOf(day)]}`;
};

describe.skipIf(!chromiumPath)('time zone browser tests', () => {
  let server: RunningServer;
  let browser: Browser;
  let buyer: ApiClient;
  let callId = '';
  const title = `时区核对项目${Date.now().toString().slice(-6)}`;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser(chromiumPath!);
    buyer = await new ApiClient(server.baseUrl).login('buyer', DEMO_PASSWORD);
    const tree = await buyer.get<{ id: string; level: string; children?: unknown[] }[]>('/api/regions/tree');
    const streets: string[] = [];
    const walk = (nodes: { id: string; level: string; children?: unknown[] }[]) => {
      for (const n of nodes) {
        if (n.level === 'street') streets.push(n.id);
        else walk((n.children ?? []) as typeof nodes);
      }
    };
    walk(tree);
    const created = await buyer.post<{ id: string }>('/api/calls', {
      title,
      category: 'elderly',
      serviceAreaIds: [streets[0]],
      budgetCapFen: 20_000_000,
      totalBudgetFen: 50_000_000,
      servicePeriodStart: '2030-04-01',
      servicePeriodEnd: '2031-03-31',
      applicationOpensAt: OPENS_AT,
      applicationClosesAt: CLOSES_AT,
    });
    callId = created.id;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  /**
   * A page in a browser whose zone is UTC, signed in through the form when `username` is given;
   * its clock is the run's test clock, or set to `at`.
   */
  async function utcPage(username?: string, at?: string) {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'UTC',
    });
    contexts.push(context);
    if (at) await context.clock.setSystemTime(new Date(at));
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = watchErrors(page);
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
    if (username) {
      await page.goto('/login');
      await page.getByLabel('用户名', { exact: true }).fill(username);
      await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL(/\/app$/);
    }
    return { page, errors };
  }

  const inputValue = (page: Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();

  it('shows a public deadline of the demo data in Shanghai time', async () => {
    const { page, errors } = await utcPage();
    const list = await new ApiClient(server.baseUrl).get<{ items: CallSummary[] }>('/api/public/calls');
    const call = list.items[0];
    const shanghai = chinaDateTime(new Date(call.applicationClosesAt));
    await page.goto(`/calls?q=${encodeURIComponent(call.title)}`);
    const card = page.getByTestId('call-card').filter({ hasText: call.title }).first();
    await visible(card);
    expect(await card.textContent()).toContain(`申报截止 ${shanghai}`);
    expect(errors).toEqual([]);
  });

  it("shows the buyer's deadline in Shanghai time in the list, the call and the editor", async () => {
    const { page, errors } = await utcPage('buyer');

    await page.goto(`/app/calls?q=${encodeURIComponent(title)}`);
    const row = page.getByRole('row').filter({ hasText: title });
    await visible(row);
    expect(await row.textContent()).toContain('2030-03-15 07:30');
    expect(await row.textContent()).not.toContain('23:30');

    await page.goto(`/app/calls/${callId}`);
    await visible(page.getByText('2030-03-01 09:00 至 2030-03-15 07:30'));

    await page.goto(`/app/calls/${callId}/edit`);
    await visible(page.getByLabel('申报截止时间', { exact: true }));
    expect(await inputValue(page, '申报开始时间')).toBe('2030-03-01 09:00');
    expect(await inputValue(page, '申报截止时间')).toBe('2030-03-15 07:30');
    expect(await inputValue(page, '服务期开始')).toBe('2030-04-01');
    expect(await inputValue(page, '服务期结束')).toBe('2031-03-31');
    expect(errors).toEqual([]);
  });

  it('sends the Shanghai instant that the date picker shows', async () => {
    const { page, errors } = await utcPage('buyer');
    await page.goto(`/app/calls/${callId}/edit`);
    const closes = page.getByLabel('申报截止时间', { exact: true });
    await visible(closes);
    await closes.click();
    await closes.fill('2030-03-16 08:45');
    await closes.press('Enter');
    await page.getByRole('button', { name: '保存修改' }).click();
    await page.waitForURL(new RegExp(`/app/calls/${callId}$`));
    await visible(page.getByText('2030-03-01 09:00 至 2030-03-16 08:45'));
    const saved = await buyer.get<{ applicationOpensAt: string; applicationClosesAt: string }>(
      `/api/calls/${callId}`,
    );
    expect(new Date(saved.applicationClosesAt).toISOString()).toBe('2030-03-16T00:45:00.000Z');
    // The field left alone keeps its instant.
    expect(new Date(saved.applicationOpensAt).toISOString()).toBe('2030-03-01T01:00:00.000Z');
    expect(errors).toEqual([]);
  });

  it('says today and now in Shanghai when the UTC date is still the day before', async () => {
    // 07:30 on 2 December in Shanghai is 23:30 on 1 December in UTC.
    const { page, errors } = await utcPage('buyer', '2026-12-02T07:30:00+08:00');
    await visible(page.getByTestId('welcome-card'));
    expect(await page.locator('.page-header').first().textContent()).toContain(longDate('2026-12-02'));

    await page.goto('/app/calls/new');
    const opens = page.getByLabel('申报开始时间', { exact: true });
    await visible(opens);
    expect(await opens.inputValue()).toMatch(/^2026-12-02 07:3\d$/);
    // The deadline starts 14 days later at 17:00, the service period the next month.
    expect(await inputValue(page, '申报截止时间')).toBe('2026-12-16 17:00');
    expect(await inputValue(page, '服务期开始')).toBe('2027-01-01');
    await opens.click();
    const today = page.locator(
      '.ant-picker-dropdown:not(.ant-picker-dropdown-hidden) .ant-picker-cell-today',
    );
    await visible(today);
    expect(await today.getAttribute('title')).toBe('2026-12-02');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
