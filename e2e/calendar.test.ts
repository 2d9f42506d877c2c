/**
 * Browser test of the holiday years (issue 9, part 8): on 2026-12-01 the admin pages warn that
 * 2027's arrangement is not loaded; the admin downloads the Excel template, types the notice in,
 * first with a bad row (reported with its row number, nothing loaded), then correctly; 2027 is
 * listed with its 文号 and the warning is gone.
 */
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, hidden, launchBrowser, screenshot, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('browser tests of the holiday years');
const NOTICE = '国办发明电〔2026〕99号';

describe.skipIf(!chromiumPath)('the holiday years (节假日安排)', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  // The server's start waits for the seeded data directory, which a loaded machine builds slowly.
  beforeAll(async () => {
    server = await startServer({ timeoutMs: 540_000 });
    browser = await launchBrowser(chromiumPath!);
  }, 600_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function adminPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = watchErrors(page);
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app$/);
    return { page, errors };
  }

  async function workbook(page: Page, rows: string[][]) {
    const template = await page.request.get('/api/calendar/template.xlsx');
    expect(template.status()).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await template.body()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      '节日名称',
      '放假开始日期',
      '放假结束日期',
      '调休上班日期',
    ]);
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  const upload = (page: Page, buffer: Buffer) =>
    page.getByTestId('import-file').setInputFiles({
      name: '2027年节假日安排.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });

  it('warns the admin until 2027 is loaded from the notice typed into Excel', async () => {
    const { page, errors } = await adminPage();
    const warning = page.getByTestId('calendar-warning');
    await visible(warning);
    expect(await warning.textContent()).toContain('2027年的节假日安排尚未载入');

    await page.getByRole('menu', { name: '功能导航' }).getByRole('link', { name: '节假日安排' }).click();
    await page.waitForURL(/\/app\/calendar$/);
    await visible(page.getByRole('cell', { name: '国办发明电〔2024〕12号' }));

    const excel = page.locator('.ant-card').filter({ hasText: '从 Excel 导入' });
    await excel.getByLabel('通知文号').fill(NOTICE);
    await excel.getByLabel('发布日期').click();
    await excel.getByLabel('发布日期').fill('2026-11-20');
    await page.keyboard.press('Enter');
    expect(await excel.getByLabel('年份').inputValue()).toBe('2027');

    // A bad row: reported with its row number, nothing loaded.
    await upload(
      page,
      await workbook(page, [
        ['元旦', '2027年1月1日', '1月3日', ''],
        ['春节', '2027-02-30', '2027-02-14', '2027-02-20'],
      ]),
    );
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText('导入失败：请修改以下内容后重新导入'));
    const problem = dialog.getByRole('row').filter({ hasText: '日期无效：2027-02-30' });
    await visible(problem);
    expect(await problem.textContent()).toContain('3');
    await screenshot(page, 'calendar-import-errors', { fullPage: false });
    await dialog.getByRole('button', { name: '知道了' }).click();
    await visible(warning);

    await upload(
      page,
      await workbook(page, [
        ['元旦', '2027年1月1日', '1月3日（周日）', ''],
        ['春节', '2027-02-06', '2027-02-14', '2月20日（周六）'],
      ]),
    );
    await visible(page.getByText('导入成功，共 2 条'));
    const row2027 = page.getByRole('row').filter({ hasText: NOTICE });
    await visible(row2027);
    expect(await row2027.textContent()).toContain('Excel 导入');
    await hidden(warning);
    await screenshot(page, 'calendar-loaded', { fullPage: false });

    // The public calendar counts with it from now on.
    const calendar = await (await page.request.get('/api/public/calendar')).json();
    expect(calendar.years).toContain(2027);
    expect(errors).toEqual([]);
  }, 240_000);
});
