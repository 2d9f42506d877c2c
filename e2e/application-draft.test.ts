/**
 * Browser test of "one draft per provider and call": starting an application on a call opens a
 * draft; coming back to the call offers that draft instead of a new one, and a second start made
 * anyway (a tab opened before the draft existed) reopens the same draft.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, visible } from './browser';
import { clockShiftMs, DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('one application draft per call in the browser');

interface CallSummary {
  id: string;
  title: string;
  applicationOpensAt: string;
  applicationClosesAt: string;
}

describe.skipIf(!chromiumPath)('one application draft per call in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let call: CallSummary | undefined;

  beforeAll(async () => {
    server = await startServer({ timeoutMs: 120_000 });
    browser = await launchBrowser(chromiumPath!);
    // An open call the demo provider has not applied to yet.
    const provider = await new ApiClient(server.baseUrl).login('provider', DEMO_PASSWORD);
    const now = Date.now() + clockShiftMs();
    const calls = await provider.get<{ items: CallSummary[] }>(
      '/api/public/calls?status=published&pageSize=50',
    );
    for (const c of calls.items) {
      if (Date.parse(c.applicationOpensAt) > now || Date.parse(c.applicationClosesAt) <= now) continue;
      const mine = await provider.get<{ total: number }>(`/api/applications?callId=${c.id}`);
      if (mine.total === 0) {
        call = c;
        break;
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app/);
    return page;
  }

  it('opens the existing draft instead of starting another', async () => {
    expect(call, 'the demo has an open call the provider has not applied to').toBeTruthy();
    const page = await signedIn('provider');
    await page.goto(`/app/open-calls/${call!.id}`);
    await page.getByRole('button', { name: '新建申报' }).click();
    await page.waitForURL(/\/app\/applications\/[0-9a-f-]{36}$/);
    const draftUrl = page.url();

    // Back on the call: the draft is listed and offered; no second "新建申报".
    await page.goto(`/app/open-calls/${call!.id}`);
    await visible(page.getByText('本机构对该项目的申报'));
    await visible(page.getByText('未选社区'));
    expect(await page.getByRole('button', { name: '新建申报' }).count()).toBe(0);
    await page.getByRole('button', { name: '继续填写草稿' }).click();
    await page.waitForURL(draftUrl);

    // A tab that still shows "新建申报" (its list loaded before the draft existed) gets the same draft.
    const stale = await page.context().newPage();
    await stale.route(
      (url) => url.pathname === '/api/applications' && url.searchParams.has('callId'),
      (route) => route.fulfill({ json: { items: [], total: 0, page: 1, pageSize: 50 } }),
    );
    await stale.goto(`/app/open-calls/${call!.id}`);
    await stale.getByRole('button', { name: '新建申报' }).click();
    await visible(stale.getByText('已打开本机构在该项目的申报草稿'));
    await stale.waitForURL(draftUrl);
    await page.context().close();
  });
});
