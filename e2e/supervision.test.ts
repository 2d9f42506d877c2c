/**
 * Browser test of the supervisors' console (监督检查): a supervisor finds a project, opens one of
 * its receipts (the read lands in the audit trail), records an inspection; the buyer answers it;
 * the supervisor downloads the project's dossier, and the test opens the ZIP.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipEntries } from '../src/server/modules/supervision/zip-testing';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, screenshot, until, visible } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('supervisors’ console in the browser');
const receipt = Buffer.from('%PDF-1.4\n% e2e receipt\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

type Project = { id: string; callId: string; contractCode: string; projectTitle: string; status: string };
type Call = { id: string; code: string; title: string };

describe.skipIf(!chromiumPath)('supervisors’ console in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let call: Call;
  let expenseId: string;

  beforeAll(async () => {
    server = await startServer({ timeoutMs: 120_000 });
    browser = await launchBrowser(chromiumPath!);
    // A project under way with one expense and its receipt, as its provider would record them.
    const provider = await new ApiClient(server.baseUrl).login('provider', DEMO_PASSWORD);
    const projects = await provider.get<{ items: Project[] }>(
      '/api/projects?pageSize=100&status=in_implementation',
    );
    const project = projects.items[0];
    expect(project, 'the demo has a project under way for the demo provider').toBeTruthy();
    const expense = await provider.post<{ id: string }>(`/api/projects/${project.id}/expenses`, {
      category: 'activities',
      amountFen: 88_800,
      spentOn: '2026-06-01',
      invoiceNo: 'E2E-0001',
      payee: '昆明某印务有限公司',
      description: '活动物料',
    });
    expenseId = expense.id;
    await provider.upload(`/api/expenses/${expenseId}/receipt`, '监督测试票据.pdf', receipt);
    const supervisor = await new ApiClient(server.baseUrl).login('supervisor', DEMO_PASSWORD);
    call = await supervisor.get<Call>(`/api/calls/${project.callId}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedIn(username: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      locale: 'zh-CN',
      viewport: { width, height: 900 },
      acceptDownloads: true,
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

  it('finds the project, opens a receipt (audited), records an inspection the buyer answers, downloads the dossier', async () => {
    const page = await signedIn('supervisor');
    await page.getByRole('menuitem', { name: '监督检查' }).click();
    await page.getByLabel('项目名称或编号').fill(call.code);
    await page.getByLabel('项目名称或编号').press('Enter');
    await visible(page.getByRole('link', { name: new RegExp(call.code) }));
    await page.getByRole('link', { name: new RegExp(call.code) }).click();
    await visible(page.getByRole('tab', { name: '资金' }));

    await page.getByRole('tab', { name: '资金' }).click();
    const supervisor = await new ApiClient(server.baseUrl).login('supervisor', DEMO_PASSWORD);
    const reads = async () =>
      (
        await supervisor.get<{ items: { targetId: string; summary: { read?: string } }[] }>(
          '/api/audit?action=supervision.read&targetType=expense&pageSize=50',
        )
      ).items.filter((e) => e.targetId === expenseId);
    expect(await reads()).toHaveLength(0);
    const popup = page.waitForEvent('popup');
    await page.getByRole('link', { name: '监督测试票据.pdf' }).click();
    await popup;
    await until(async () => (await reads()).length === 1, 15_000, 'the receipt read in the audit trail');
    expect((await reads())[0].summary.read).toBe('attachment');

    await page.getByRole('tab', { name: '检查记录' }).click();
    await page.getByLabel('检查范围').fill('资金使用与票据');
    await page.getByLabel('检查发现').fill('活动物料支出票据齐全');
    await page.getByLabel('整改要求').fill('补充物料发放签收表');
    await page.getByLabel('答复期限').click();
    await page.getByLabel('答复期限').fill('2026-12-31');
    await page.getByLabel('答复期限').press('Enter');
    await page.getByRole('button', { name: '记录检查' }).click();
    await visible(page.getByText('检查发现：活动物料支出票据齐全'));
    await screenshot(page, 'supervision-inspection');

    const buyer = await signedIn('buyer', 375);
    await buyer.goto('/app/inspections');
    await visible(buyer.getByText('检查发现：活动物料支出票据齐全'));
    await buyer.getByRole('button', { name: '答复' }).first().click();
    await buyer.getByLabel('答复', { exact: true }).fill('已补充签收表，请查验');
    await buyer.getByRole('button', { name: '提交答复' }).click();
    await visible(buyer.getByText('购买主体答复：已补充签收表，请查验'));
    await screenshot(buyer, 'supervision-buyer-answer-375');

    await page.reload();
    await page.getByRole('tab', { name: '检查记录' }).click();
    await visible(page.getByText('购买主体答复：已补充签收表，请查验'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载档案（ZIP）' }).click();
    const file = await (await download).path();
    const entries = await unzipEntries(await readFile(file));
    const names = [...entries.keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        '摘要/01-征集.pdf',
        '摘要/05-资金.pdf',
        '摘要/07-监督检查.pdf',
        '台账/支出明细.xlsx',
        '审计/审计记录.xlsx',
      ]),
    );
    const stored = names.find((n) => n.endsWith('E2E-0001-监督测试票据.pdf'));
    expect(stored, names.join('\n')).toBeTruthy();
    expect(entries.get(stored!)!.equals(receipt)).toBe(true);
  });
});
