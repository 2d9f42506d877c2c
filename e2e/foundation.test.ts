/**
 * Browser tests of the foundation: public home, sign-in for every role with its own navigation,
 * the admin's organization workflow (create, field errors, edit, deactivate, audit trail, import
 * errors, export), session expiry, and the phone layout.
 */
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../src/domain/credit-code';
import { chromiumOrSkip, hidden, launchBrowser, screenshot, until, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('browser tests');

const ADMIN_NAV = ['工作台', '区划管理', '组织管理', '专家库', '用户管理', '审计日志'];
const ADMIN_ONLY = ['区划管理', '用户管理', '审计日志'];
const ROLE_CASES: { username: string; label: string; sees: string[]; doesNotSee: string[] }[] = [
  {
    username: 'admin',
    label: '平台管理员',
    sees: [...ADMIN_NAV, '项目管理', '申报查阅', '合同管理'],
    doesNotSee: [],
  },
  {
    username: 'supervisor',
    label: '监督单位',
    sees: ['工作台', '项目管理', '申报查阅', '合同管理', '组织管理', '专家库', '审计日志'],
    doesNotSee: ['用户管理', '区划管理'],
  },
  {
    username: 'buyer',
    label: '购买主体',
    sees: ['工作台', '项目管理', '申报审查', '合同管理', '组织管理', '专家库'],
    doesNotSee: ADMIN_ONLY,
  },
  {
    username: 'station',
    label: '购买主体',
    sees: ['工作台', '项目管理', '申报审查', '合同管理'],
    doesNotSee: ADMIN_ONLY,
  },
  {
    username: 'provider',
    label: '承接主体',
    sees: ['工作台', '可申报项目', '我的申报', '我的合同'],
    doesNotSee: [...ADMIN_NAV.slice(1), '项目管理'],
  },
  {
    username: 'community',
    label: '社区',
    sees: ['工作台', '待签章申报'],
    doesNotSee: [...ADMIN_NAV.slice(1), '项目管理', '合同管理'],
  },
  {
    username: 'expert',
    label: '评审专家',
    sees: ['工作台', '我的评审'],
    doesNotSee: [...ADMIN_NAV.slice(1), '项目管理'],
  },
  {
    username: 'evaluator',
    label: '评估机构',
    sees: ['工作台'],
    doesNotSee: [...ADMIN_NAV.slice(1), '项目管理'],
  },
  { username: 'resident', label: '居民', sees: ['工作台'], doesNotSee: [...ADMIN_NAV.slice(1), '项目管理'] },
];

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A valid 统一社会信用代码 for a social organization registered in Guandu (5 = 民政, 2 = 社会服务机构). */
function makeCreditCode(): string {
  let body = '52530111';
  while (body.length < 17) body += ALPHABET[Math.floor(Math.random() * 10)];
  return body + creditCodeCheckChar(body);
}
function breakCheckChar(code: string): string {
  const last = code[17];
  const other = ALPHABET[(ALPHABET.indexOf(last) + 1) % ALPHABET.length];
  return code.slice(0, 17) + other;
}

describe.skipIf(!chromiumPath)('browser tests', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser(chromiumPath!);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 800 }, mobile = false) {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      isMobile: mobile,
      hasTouch: mobile,
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors = watchErrors(page);
    return { context, page, errors };
  }

  async function login(page: Page, username: string, password = DEMO_PASSWORD) {
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
  }

  const sideMenu = (page: Page) => page.getByRole('menu', { name: '功能导航' });

  it('shows the public home page with a way to sign in', async () => {
    const { page, errors } = await newPage();
    await page.goto('/');
    await visible(page.getByRole('heading', { name: '社会工作服务项目管理平台' }));
    await visible(page.getByText('一站式发布、申报、评审、监管、评估、公开'));
    for (const stage of ['发布', '申报', '评审', '监管', '评估', '公开']) {
      await visible(page.getByRole('heading', { name: stage, exact: true }));
    }
    await screenshot(page, 'home-desktop');
    await page.getByRole('main').getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/login');
    await visible(page.getByText('账号登录'));
    expect(errors).toEqual([]);
  });

  it('shows the server message for a wrong password', async () => {
    const { page, errors } = await newPage();
    await login(page, 'admin', 'Wrong-password-1');
    const alert = page.getByTestId('login-error');
    await visible(alert);
    expect(await alert.textContent()).toContain('用户名或密码错误');
    expect(page.url()).toMatch(/\/login$/);
    await screenshot(page, 'login-wrong-password');
    expect(errors).toEqual([]);
  });

  for (const role of ROLE_CASES) {
    it(`signs in ${role.username}, shows the ${role.label} navigation, and signs out`, async () => {
      const { page, errors } = await newPage();
      await login(page, role.username);
      await page.waitForURL(/\/app$/);
      await visible(page.getByTestId('welcome-card'));
      expect(await page.getByTestId('welcome-card').textContent()).toContain(role.label);
      const menu = sideMenu(page);
      for (const label of role.sees) await visible(menu.getByRole('menuitem', { name: label }));
      for (const label of role.doesNotSee)
        expect(await menu.getByRole('menuitem', { name: label }).count()).toBe(0);
      if (role.username === 'admin' || role.username === 'provider')
        await screenshot(page, `dashboard-${role.username}`);
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.waitForURL(/\/login/);
      // The session is really gone: /app sends us back to the login page.
      await page.goto('/app');
      await page.waitForURL(/\/login\?next=/);
      expect(errors).toEqual([]);
    });
  }

  it('answers 403 for an area the role may not open and 404 for an unknown page', async () => {
    const { page, errors } = await newPage();
    await login(page, 'provider');
    await page.waitForURL(/\/app$/);
    await page.goto('/app/users');
    await visible(page.getByText('您的角色无权访问此页面'));
    await page.goto('/app/no-such-page');
    await visible(page.getByText('页面不存在'));
    await page.goto('/no-such-public-page');
    await visible(page.getByText('页面不存在'));
    expect(errors).toEqual([]);
  });

  it('lets the admin create, validate, edit and deactivate an organization, and audits it', async () => {
    const { page, errors } = await newPage();
    await login(page, 'admin');
    await page.waitForURL(/\/app$/);
    await sideMenu(page).getByRole('menuitem', { name: '组织管理' }).click();
    await page.waitForURL(/\/app\/orgs/);
    await visible(page.getByRole('table'));

    const name = `官渡区测试社会工作服务中心${Date.now().toString().slice(-6)}`;
    const code = makeCreditCode();

    // An invalid check character is caught on the field before anything is sent.
    await page.getByRole('button', { name: '新建' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    await dialog.getByLabel('名称', { exact: true }).fill(name);
    await dialog.getByLabel('统一社会信用代码').fill(breakCheckChar(code));
    await dialog.getByRole('button', { name: '保存' }).click();
    await visible(dialog.getByText('统一社会信用代码校验位不正确，请核对'));
    await screenshot(page, 'org-invalid-credit-code', { fullPage: false });

    await dialog.getByLabel('统一社会信用代码').fill(code);
    await dialog.getByLabel('联系人').fill('张测试');
    await dialog.getByLabel('联系电话').fill('0871-63123456');
    await dialog.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText(`已新建组织「${name}」`));
    await hidden(dialog);

    // The same credit code again: the server's 409 lands on the field.
    await page.getByRole('button', { name: '新建' }).click();
    await visible(dialog);
    await dialog.getByLabel('名称', { exact: true }).fill(`${name}（重复）`);
    await dialog.getByLabel('统一社会信用代码').fill(code);
    await dialog.getByRole('button', { name: '保存' }).click();
    await visible(dialog.getByText('该信用代码已登记'));
    await dialog.getByRole('button', { name: '取消' }).click();
    await hidden(dialog);

    // Find it, edit it.
    await page.getByPlaceholder('搜索名称或信用代码').fill(code);
    await page.getByPlaceholder('搜索名称或信用代码').press('Enter');
    await page.waitForURL(/q=/);
    const row = page.getByRole('row').filter({ hasText: name });
    await visible(row);
    // Only the header and our organization are left.
    await until(async () => (await page.getByRole('row').count()) === 2, 15_000, 'the search result');
    await row.getByRole('button', { name: '编辑' }).click();
    await visible(dialog);
    await dialog.getByLabel('联系人').fill('李修改');
    await dialog.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText(`已保存「${name}」`));
    await visible(row.getByText('李修改'));

    // Deactivate after confirmation; the row then offers 启用 instead of 停用.
    await row.getByRole('button', { name: '停用' }).click();
    await visible(page.getByText(`确定停用「${name}」吗？`));
    await page.getByRole('tooltip').getByRole('button', { name: '确定' }).click();
    await visible(page.getByText(`已停用「${name}」`));
    await visible(row.getByText('已停用'));
    await visible(row.getByRole('button', { name: '启用' }));
    expect(await row.getByRole('button', { name: '停用' }).count()).toBe(0);
    await screenshot(page, 'orgs-after-deactivate');

    // The audit trail has all three, newest first.
    await sideMenu(page).getByRole('menuitem', { name: '审计日志' }).click();
    await page.waitForURL(/\/app\/audit/);
    await page.getByPlaceholder('搜索操作人、对象或摘要').fill(name);
    await page.getByPlaceholder('搜索操作人、对象或摘要').press('Enter');
    await visible(page.getByRole('row').filter({ hasText: '新增单位' }));
    await visible(page.getByRole('row').filter({ hasText: '停用单位' }));
    await page.goto('/app/audit?targetType=org');
    const rows = page.getByRole('row');
    await visible(rows.filter({ hasText: '修改单位' }));
    const firstThree = await Promise.all([1, 2, 3].map((i) => rows.nth(i).textContent()));
    expect(firstThree[0]).toContain('停用单位');
    expect(firstThree[1]).toContain('修改单位');
    expect(firstThree[2]).toContain('新增单位');
    expect(firstThree[1]).toContain('李修改');
    await screenshot(page, 'audit-org-entries');

    // Export with the same filter downloads a workbook.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(errors).toEqual([]);
  });

  it('opens the other admin pages: regions (list and tree), experts, users', async () => {
    const { page, errors } = await newPage();
    await login(page, 'admin');
    await page.waitForURL(/\/app$/);

    await page.goto('/app/regions');
    await visible(page.getByRole('row').filter({ hasText: '关上街道' }));
    await page.getByRole('tab', { name: '树形' }).click();
    await visible(page.getByRole('tree').getByText('官渡区（区）'));
    await page.getByRole('button', { name: '新建' }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByLabel('上级区划'));
    await dialog.getByRole('button', { name: '取消' }).click();

    await page.goto('/app/experts');
    await visible(page.getByRole('columnheader', { name: '专业领域' }));
    await visible(page.getByRole('row').nth(5));
    await visible(page.getByRole('button', { name: '新增专家' }));

    await page.goto('/app/users?q=provider');
    const row = page.getByRole('row').filter({ hasText: '机构项目主管' });
    await visible(row);
    await row.getByRole('button', { name: '重置密码' }).click();
    await visible(dialog.getByText('重置密码：机构项目主管（provider）'));
    await dialog.getByLabel('新密码', { exact: true }).fill('weak');
    await dialog.getByRole('button', { name: '重置' }).click();
    await visible(dialog.getByText('密码至少需要10个字符'));
    await dialog.getByRole('button', { name: '取消' }).click();
    await screenshot(page, 'users');
    expect(errors).toEqual([]);
  });

  it('shows the supervisor organizations read-only: no create, edit or deactivate buttons', async () => {
    const { page, errors } = await newPage();
    await login(page, 'supervisor');
    await page.waitForURL(/\/app$/);
    await page.goto('/app/orgs');
    await visible(page.getByRole('row').nth(3));
    await visible(page.getByRole('button', { name: '导出' }));
    for (const name of ['新建', 'Excel 导入', '编辑', '停用', '启用']) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    // The record itself is readable.
    await page.getByRole('row').nth(1).getByRole('button').first().click();
    await visible(page.getByText('统一社会信用代码'));
    expect(errors).toEqual([]);
  });

  it('shows every bad row of a rejected Excel import', async () => {
    const { page, errors } = await newPage();
    await login(page, 'admin');
    await page.waitForURL(/\/app$/);
    await page.goto('/app/orgs');
    await visible(page.getByRole('button', { name: 'Excel 导入' }));

    // Start from the server's template so the headers are exactly right.
    const template = await page.request.get('/api/orgs/template.xlsx');
    expect(template.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await template.body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const row = (values: Record<string, string>) => sheet.addRow(headers.map((h) => values[h] ?? ''));
    row({ 名称: '导入测试机构甲', 类型: '社会组织', 统一社会信用代码: breakCheckChar(makeCreditCode()) });
    row({ 名称: '导入测试机构乙', 类型: '不存在的类型', 统一社会信用代码: makeCreditCode() });
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());

    await page.getByTestId('import-file').setInputFiles({
      name: '组织导入.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText('导入失败：请修改以下内容后重新导入'));
    const problemRows = dialog.getByRole('row');
    await visible(problemRows.filter({ hasText: '校验位不正确' }));
    expect(await problemRows.filter({ hasText: '校验位不正确' }).first().textContent()).toContain('2');
    await visible(problemRows.filter({ hasText: '类型' }).filter({ hasText: '3' }));
    await screenshot(page, 'org-import-errors', { fullPage: false });
    await dialog.getByRole('button', { name: '知道了' }).click();
    expect(errors).toEqual([]);
  });

  it('checks the password policy on the change-password page', async () => {
    const { page, errors } = await newPage();
    await login(page, 'evaluator');
    await page.waitForURL(/\/app$/);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.waitForURL(/\/app\/account\/password$/);
    await visible(page.getByText('包含小写字母、大写字母、数字、符号四类中的至少三类'));
    await page.getByLabel('当前密码').fill(DEMO_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await page.getByLabel('确认新密码').fill('short');
    await page.getByRole('button', { name: '确认修改' }).click();
    await visible(page.getByText('密码至少需要10个字符'));
    await page.getByLabel('新密码', { exact: true }).fill('alllowercaseletters');
    await visible(page.getByText('密码需包含小写字母、大写字母、数字、符号中的至少三类'));
    // A wrong current password comes back from the server onto its field.
    await page.getByLabel('当前密码').fill('Not-the-password-9');
    await page.getByLabel('新密码', { exact: true }).fill('Another@Pass2026');
    await page.getByLabel('确认新密码').fill('Another@Pass2026');
    await page.getByRole('button', { name: '确认修改' }).click();
    await visible(page.getByText('当前密码不正确'));
    await screenshot(page, 'change-password');
    expect(errors).toEqual([]);
  });

  it('sends the user to the login page when the session has ended', async () => {
    const { context, page, errors } = await newPage();
    await login(page, 'supervisor');
    await page.waitForURL(/\/app$/);
    // Let the dashboard's own request (the notification bell) finish with the session still alive.
    await visible(page.getByRole('button', { name: /通知/ }));
    await context.clearCookies({ name: 'sid' });
    await sideMenu(page).getByRole('menuitem', { name: '组织管理' }).click();
    await page.waitForURL(/\/login\?/);
    await visible(page.getByText('登录已过期，请重新登录'));
    expect(errors).toEqual([]);
  });

  it('works at 375 px: the hamburger opens the navigation, tables scroll inside the page', async () => {
    const { page, errors } = await newPage({ width: 375, height: 812 }, true);
    await page.goto('/');
    await visible(page.getByRole('heading', { name: '社会工作服务项目管理平台' }));
    await screenshot(page, 'home-mobile');
    await login(page, 'admin');
    await page.waitForURL(/\/app$/);
    await visible(page.getByTestId('welcome-card'));
    // No side menu until the hamburger is pressed.
    expect(await sideMenu(page).count()).toBe(0);
    await page.getByRole('button', { name: '打开导航菜单' }).click();
    const menu = sideMenu(page);
    for (const label of ADMIN_NAV) await visible(menu.getByRole('menuitem', { name: label }));
    await visible(page.getByRole('button', { name: '退出登录' }));
    await screenshot(page, 'mobile-menu-open', { fullPage: false });
    await menu.getByRole('menuitem', { name: '组织管理' }).click();
    await page.waitForURL(/\/app\/orgs/);
    await visible(page.getByRole('table'));
    await hidden(menu);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'mobile-orgs');
    await page.getByRole('button', { name: '新建' }).click();
    await visible(page.getByRole('dialog'));
    await screenshot(page, 'mobile-org-form', { fullPage: false });
    expect(errors).toEqual([]);
  });
});
