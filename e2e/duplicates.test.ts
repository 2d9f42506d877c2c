/**
 * Browser test of the duplicate check (查重): on the demo district, the buyer and the panel expert
 * open the application that copies an earlier funded project and see the two texts side by side
 * with the shared sentences highlighted; the applicant sees only that it was flagged.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, screenshot, visible } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('duplicate check in the browser');

type Report = { flagged: boolean; hits: { kind: string; score: number }[] | null };

describe.skipIf(!chromiumPath)('duplicate check in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let flaggedId: string;

  beforeAll(async () => {
    server = await startServer({ timeoutMs: 120_000 });
    browser = await launchBrowser(chromiumPath!);
    const buyer = await new ApiClient(server.baseUrl).login('buyer', DEMO_PASSWORD);
    const list = await buyer.get<{ items: { id: string; status: string }[] }>(
      '/api/applications?pageSize=100&status=eligible',
    );
    for (const a of list.items) {
      const report = await buyer.get<Report>(`/api/applications/${a.id}/duplicates`);
      if (report.hits?.some((h) => h.score > 0.9)) flaggedId = a.id;
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(username: string, password = DEMO_PASSWORD): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      locale: 'zh-CN',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app/);
    return page;
  }

  it('shows the buyer the copied project side by side with the shared sentences highlighted', async () => {
    expect(flaggedId, 'the demo data plants one reworded copy under review').toBeTruthy();
    const page = await signedIn('buyer');
    await page.goto(`/app/applications/${flaggedId}`);
    await visible(page.getByText(/查重结果（\d+）/));
    await page.getByText('文本相似').first().click();
    await visible(page.getByText('本申报', { exact: true }));
    expect(await page.locator('.duplicate-text mark').count()).toBeGreaterThan(3);
    await screenshot(page, 'duplicates-buyer');
  });

  it('tells the applicant only that its application was flagged', async () => {
    const admin = await new ApiClient(server.baseUrl).login('admin', DEMO_PASSWORD);
    const app = await admin.get<{ providerOrgId: string }>(`/api/applications/${flaggedId}`);
    const users = await admin.get<{ items: { username: string }[] }>(
      `/api/users?orgId=${app.providerOrgId}&role=provider`,
    );
    let username = users.items[0]?.username;
    let password = DEMO_PASSWORD;
    if (!username) {
      // The applicant organization has no account in the demo: open one as an admin would.
      username = 'dup_applicant';
      password = 'Applicant@2027';
      await admin.post('/api/users', {
        username,
        displayName: '查重测试申报人',
        orgId: app.providerOrgId,
        roles: ['provider'],
        password: 'Applicant@2026',
      });
      const self = await new ApiClient(server.baseUrl).login(username, 'Applicant@2026');
      await self.post('/api/auth/password', { currentPassword: 'Applicant@2026', newPassword: password });
    }
    const page = await signedIn(username, password);
    await page.goto(`/app/applications/${flaggedId}`);
    await visible(page.getByText(/系统查重提示：本申报与其他申报或已资助项目存在\d+处相似/));
    expect(await page.locator('.duplicate-text').count()).toBe(0);
    await screenshot(page, 'duplicates-applicant');
  });
});
