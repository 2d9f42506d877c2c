/**
 * Open data in the browser: a visitor opens 开放数据 from the public menu, reads what is published,
 * downloads the bulk OCDS file and a CSV table; the bulk file validates against the official OCDS
 * 1.1.5 release-package schema, and the page stays 375 px wide on a phone.
 */
import { readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocdsValidators } from '../src/server/modules/opendata/validate';
import { chromiumOrSkip, launchBrowser, screenshot, visible, watchErrors } from './browser';
import { copyOfSeededDataDir, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('open data browser tests');

describe.skipIf(!chromiumPath)('open data browser tests', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  let dataDir: string | undefined;

  beforeAll(async () => {
    // The shared seed can take longer than startServer waits on a busy machine: waited for here.
    dataDir = await copyOfSeededDataDir(600_000);
    server = await startServer(dataDir ? { dataDir } : {});
    browser = await launchBrowser(chromiumPath!);
  }, 660_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function page(viewport = { width: 1280, height: 860 }) {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport,
      locale: 'zh-CN',
      acceptDownloads: true,
    });
    contexts.push(context);
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    return { page: p, errors: watchErrors(p) };
  }

  it('a visitor downloads the bulk file and a CSV from /open-data, and the bulk file validates', async () => {
    const { page: p, errors } = await page();
    await p.goto('/');
    await p.getByRole('link', { name: '开放数据' }).first().click();
    await p.waitForURL(/\/open-data$/);
    await visible(p.getByRole('heading', { name: '开放数据' }));
    // The first build of the releases after the server starts may take a while on a busy machine.
    await visible(p.getByTestId('opendata-updated'), 90_000);
    await visible(p.getByText('contracts[].implementation.transactions[].payer / payee'));
    await screenshot(p, 'open-data-1-page');

    const [bulk] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('link', { name: '下载全部数据' }).click(),
    ]);
    expect(bulk.suggestedFilename()).toMatch(/^ocds-[a-z0-9]{6}-releases\.json\.gz$/);
    const pkg = JSON.parse(gunzipSync(readFileSync((await bulk.path())!)).toString('utf8'));
    const { releasePackage, errors: why } = ocdsValidators();
    expect(releasePackage(pkg), why(releasePackage)).toBe(true);
    expect(pkg.releases.length).toBeGreaterThan(0);
    const tags = new Set(pkg.releases.map((r: { tag: string[] }) => r.tag[0]));
    for (const tag of ['tender', 'award', 'contract']) expect(tags.has(tag), tag).toBe(true);

    const [csv] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('link', { name: '合同（CSV）' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe('开放数据-合同.csv');
    const bytes = readFileSync((await csv.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toContain('合同金额（元，含变更）');
    // One line per signed contract of the demo, as many as the OCDS data has contracts.
    const contracts = new Set(
      pkg.releases.flatMap((r: { contracts?: { id: string }[] }) => (r.contracts ?? []).map((c) => c.id)),
    );
    expect(lines.length - 1).toBe(contracts.size);
    expect(errors).toEqual([]);
  });

  it('stays within a 375 px phone screen', async () => {
    const { page: p, errors } = await page({ width: 375, height: 812 });
    await p.goto('/open-data');
    await visible(p.getByRole('heading', { name: '开放数据' }));
    await visible(p.getByRole('link', { name: '下载全部数据' }));
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(p, 'open-data-2-phone');
    expect(errors).toEqual([]);
  });
});
