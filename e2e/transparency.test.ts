/**
 * The transparency log in the browser: the public log page verifies the signed checkpoint itself,
 * and a project's public steps each show their place in the log, proven by the browser (WebCrypto)
 * — and refused when what the server hands over does not match the signature.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, screenshot, until, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('transparency log browser tests');

describe.skipIf(!chromiumPath)('transparency log browser tests', () => {
  let server: RunningServer;
  let browser: Browser;
  let callId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer({ env: { TRANSPARENCY_CHECKPOINT_SECONDS: '1' } });
    browser = await launchBrowser(chromiumPath!);
    const buyer = await new ApiClient(server.baseUrl).login('buyer', DEMO_PASSWORD);
    type Region = { id: string; level: string; children?: Region[] };
    const streetOf = (nodes: Region[]): string | undefined => {
      for (const n of nodes) {
        const found = n.level === 'street' ? n.id : streetOf(n.children ?? []);
        if (found) return found;
      }
    };
    const street = streetOf(await buyer.get<Region[]>('/api/regions/tree'));
    const created = await buyer.post<{ id: string }>('/api/calls', {
      title: `公开日志核验项目${Date.now().toString().slice(-6)}`,
      category: 'elderly',
      serviceAreaIds: [street],
      budgetCapFen: 20_000_000,
      totalBudgetFen: 50_000_000,
      servicePeriodStart: '2027-04-01',
      servicePeriodEnd: '2028-03-31',
      applicationOpensAt: '2026-12-02T09:00:00+08:00',
      applicationClosesAt: '2026-12-31T17:00:00+08:00',
    });
    callId = created.id;
    await buyer.post(`/api/calls/${callId}/publish`);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function page(viewport = { width: 1280, height: 860 }) {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport, locale: 'zh-CN' });
    contexts.push(context);
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    return { page: p, errors: watchErrors(p) };
  }

  it('shows the log’s key and its latest checkpoint, verified by the browser', async () => {
    const key = (await (await fetch(`${server.baseUrl}/api/transparency/log/key`)).text()).trim();
    const { page: p, errors } = await page();
    await p.goto('/');
    await p.getByRole('link', { name: '公开日志' }).first().click();
    await p.waitForURL(/\/transparency$/);
    await visible(p.getByText('本浏览器已用日志公钥验证了该检查点的签名'));
    expect((await p.getByTestId('log-key').textContent())?.trim()).toBe(key);
    expect(await p.getByTestId('log-checkpoint').textContent()).toMatch(/已记入条目[\d,]+ 条/);
    await screenshot(p, 'transparency-1-log-page');
    expect(errors).toEqual([]);

    const phone = await page({ width: 375, height: 812 });
    await phone.page.goto('/transparency');
    await visible(phone.page.getByText('本浏览器已用日志公钥验证了该检查点的签名'));
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
  });

  it('proves each public step of a project in the log, and refuses a checkpoint that was altered', async () => {
    const { page: p, errors } = await page();
    await p.goto(`/calls/${callId}`);
    const timeline = p.getByTestId('project-timeline');
    await visible(timeline.getByText(/发布项目征集/));
    const tag = timeline.getByTestId('log-inclusion').first();
    await until(
      async () => (await tag.getAttribute('data-state')) === 'verified',
      30_000,
      'the step verified',
    );
    expect(await tag.textContent()).toMatch(/^已记入公开日志 第 \d+ 条 · 已验证$/);
    expect(errors).toEqual([]);

    // The same page, handed a checkpoint whose tree size was changed after signing.
    const forged = await page();
    await forged.page.route('**/api/transparency/log/proofs?*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.checkpoint = body.checkpoint.replace(
        /\n(\d+)\n/,
        (_: string, n: string) => `\n${Number(n) + 1}\n`,
      );
      await route.fulfill({ response: res, json: body });
    });
    await forged.page.goto(`/calls/${callId}`);
    const refused = forged.page.getByTestId('log-inclusion').first();
    await until(
      async () => (await refused.getAttribute('data-state')) === 'failed',
      30_000,
      'the step refused',
    );
    expect(await refused.textContent()).toContain('检查点签名无效');
  });
});
