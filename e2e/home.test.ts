/**
 * The public home page and what it leads to: a visitor reads the district's figures and a chart,
 * follows a stage card to the annual plan, searches the publicity list, and searches the policy
 * library and opens a document.
 */
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchBrowser, screenshot, until, visible, watchErrors } from './browser';
import { copyOfSeededDataDir, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('home page browser tests');

describe.skipIf(!chromiumPath)('home page browser tests', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let dataDir: string | undefined;

  beforeAll(async () => {
    // Run alone, this file's server is the run's first: it waits for the demo history's seeding
    // (minutes on a busy machine), longer than startServer waits for it.
    dataDir = await copyOfSeededDataDir(600_000);
    server = await startServer({ dataDir, env: { SITE_ICP: '滇ICP备00000001号' } });
    browser = await launchBrowser(chromiumPath!);
  }, 600_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function page() {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1366, height: 900 },
      locale: 'zh-CN',
    });
    contexts.push(context);
    const p = await context.newPage();
    p.setDefaultTimeout(20_000);
    return { page: p, errors: watchErrors(p) };
  }

  it('shows the district, its figures and charts, and every stage card leads somewhere', async () => {
    const stats = await (await fetch(`${server.baseUrl}/api/public/stats`)).json();
    const { page: p, errors } = await page();
    await p.goto('/');
    await visible(p.getByRole('heading', { level: 1, name: /官渡区/ }));
    const figures = p.getByTestId('home-figures');
    await visible(figures);
    const headline = (await figures.getByRole('heading', { level: 2 }).textContent()) ?? '';
    expect(headline).toMatch(/共实施政府购买社会工作服务项目\d+余?个、资金\d+多?万元/);
    expect(await figures.textContent()).toContain(`${stats.totals.projects}个`);
    await until(
      async () => (await p.locator('[data-testid="chart-by-year"] canvas').count()) > 0,
      20_000,
      'the chart drawn',
    );
    await visible(p.getByTestId('site-footer').getByText('滇ICP备00000001号'));
    await visible(p.getByTestId('latest-calls').getByRole('link').nth(1));
    const cards = p.getByTestId('stage-card');
    expect(await cards.count()).toBe(6);
    for (const href of await cards.evaluateAll((links) => links.map((a) => a.getAttribute('href'))))
      expect(href).toMatch(/^\/[a-z]/);
    await screenshot(p, 'home-1-figures');

    await cards.filter({ has: p.getByRole('heading', { name: '发布', exact: true }) }).click();
    await p.waitForURL(/\/plans$/);
    await visible(p.getByRole('heading', { name: '年度计划' }));
    await visible(p.getByTestId('plan-total'));
    expect(errors).toEqual([]);
  }, 120_000);

  it('searches the publicity list', async () => {
    const list = await (await fetch(`${server.baseUrl}/api/public/publicities?pageSize=1`)).json();
    const { callCode, callTitle } = list.items[0];
    const { page: p, errors } = await page();
    await p.goto('/publicity');
    const box = p.getByPlaceholder('搜索项目名称、编号、购买主体');
    await box.fill(callCode);
    await box.press('Enter');
    await p.waitForURL(/q=/);
    await visible(p.getByTestId('publicity-card').filter({ hasText: callTitle }));
    const found = await (
      await fetch(`${server.baseUrl}/api/public/publicities?q=${encodeURIComponent(callCode)}`)
    ).json();
    const cards = p.getByTestId('publicity-card');
    await until(async () => (await cards.count()) === found.items.length, 15_000, 'the filtered list');
    for (const text of await cards.allTextContents()) expect(text).toContain(callCode);
    expect(errors).toEqual([]);
  });

  it('searches the policy library and opens a document', async () => {
    const { page: p, errors } = await page();
    await p.goto('/');
    await p.getByRole('link', { name: '政策法规' }).first().click();
    await p.waitForURL(/\/policies$/);
    const box = p.getByPlaceholder('搜索标题、文号、发布机关、正文');
    await box.fill('信用');
    await box.press('Enter');
    const card = p.getByTestId('policy-card').filter({ hasText: '社会组织信用信息管理办法' });
    await visible(card);
    await card.getByRole('link', { name: '社会组织信用信息管理办法' }).click();
    await visible(p.getByTestId('policy-title'));
    expect(await p.getByTestId('policy-title').textContent()).toBe('社会组织信用信息管理办法');
    await visible(p.getByText('民政部令第60号'));
    await screenshot(p, 'home-2-policy');
    expect(errors).toEqual([]);
  });
});
