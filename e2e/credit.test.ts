/**
 * 红黑榜 in a real browser (issue 10's done-when path, parts 1–5): a final 不合格 evaluation
 * (driven through the API) proposes a black-list entry → the admin confirms it in the UI with
 * its 文号 → the organization's next application is refused with the entry named → the
 * organization appeals → the admin rejects the appeal → the public 红黑榜 and the organization's
 * profile show the entry and the decision.
 */
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, screenshot, visible, watchErrors } from './browser';
import { clockShiftMs, copyOfSeededDataDir, DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('credit browser test');
const PDF = Buffer.from('%PDF-1.4\n% report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const DOCUMENT_NO = '官民社决〔2026〕88号';

type Session = { user: { org: { id: string; name: string } } };
type ProjectItem = { id: string; projectTitle: string; buyerOrgId: string; providerOrgId: string };

describe.skipIf(!chromiumPath)('credit browser test', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let project: ProjectItem;
  let providerOrg: { id: string; name: string };
  let entryId: string;
  let applicationId: string;
  let seededCopy: string | undefined;

  beforeAll(async () => {
    // On a loaded machine the run's demo seed can take longer than startServer waits for it.
    seededCopy = await copyOfSeededDataDir(600_000);
    server = await startServer(seededCopy ? { dataDir: seededCopy } : {});
    browser = await launchBrowser(chromiumPath!);
    const client = (username: string) => new ApiClient(server.baseUrl).login(username, DEMO_PASSWORD);
    const [provider, buyer, evaluator, admin] = await Promise.all(
      ['provider', 'buyer', 'evaluator', 'admin'].map(client),
    );
    const buyerOrg = (await buyer.get<Session>('/api/auth/session')).user.org;
    providerOrg = (await provider.get<Session>('/api/auth/session')).user.org;
    const evaluatorOrg = (await evaluator.get<Session>('/api/auth/session')).user.org;
    const list = await provider.get<{ items: ProjectItem[] }>('/api/projects?status=contracted&pageSize=100');
    const found = list.items.find((p) => p.buyerOrgId === buyerOrg.id);
    if (!found) throw new Error('The demo has no signed contract between the demo buyer and provider');
    project = found;
    await provider.post(`/api/projects/${project.id}/start`, {});

    // The final evaluation, 不合格: commissioned, scored at half of every weight, reported, accepted.
    // The server's clock (test-clock.ts), 30 days on, as a Shanghai date.
    const due = new Date(Date.now() + clockShiftMs() + 30 * 86_400_000 + 8 * 3_600_000)
      .toISOString()
      .slice(0, 10);
    const evaluation = await buyer.post<{ id: string }>(`/api/projects/${project.id}/evaluations`, {
      stage: 'final',
      evaluatorOrgId: evaluatorOrg.id,
      dueOn: due,
    });
    const detail = await evaluator.get<{ dimensions: { indicators: { key: string; weight: number }[] }[] }>(
      `/api/evaluations/${evaluation.id}`,
    );
    await evaluator.request('PUT', `/api/evaluations/${evaluation.id}/scores`, {
      scores: detail.dimensions.flatMap((d) =>
        d.indicators.map((i) => ({ key: i.key, score: Math.round(i.weight * 5) / 10, note: '见评估报告' })),
      ),
      reportSummary: '服务台账不完整，产出指标大部分未完成，资金使用不规范。',
    });
    await evaluator.upload(`/api/evaluations/${evaluation.id}/report`, '末期评估报告.pdf', PDF);
    await evaluator.post(`/api/evaluations/${evaluation.id}/submit`, {});
    await buyer.post(`/api/evaluations/${evaluation.id}/accept`, {});

    const proposals = await admin.get<{ items: { id: string; orgId: string; projectId: string | null }[] }>(
      '/api/credit/entries?standing=proposed&pageSize=100',
    );
    const proposal = proposals.items.find((e) => e.projectId === project.id);
    if (!proposal) throw new Error('The failed final evaluation proposed no entry');
    entryId = proposal.id;
  }, 900_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (seededCopy) rmSync(seededCopy, { recursive: true, force: true });
  });

  async function as(username: string | null) {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: { width: 1280, height: 860 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = watchErrors(page);
    if (username) {
      await page.goto('/login');
      await page.getByLabel('用户名', { exact: true }).fill(username);
      await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL(/\/app/);
    }
    return { context, page, errors };
  }

  async function done(session: { context: BrowserContext; errors: string[] }) {
    expect([...new Set(session.errors)]).toEqual([]);
    await session.context.close();
  }

  const dialog = (page: Page) => page.locator('.ant-modal:visible');
  const toast = (page: Page, text: string) => visible(page.locator('.ant-message').getByText(text));

  it('the admin confirms the proposed black-list entry with its 文号', async () => {
    const admin = await as('admin');
    const { page } = admin;
    await page.getByRole('menuitem', { name: '信用名单' }).click();
    const row = page.getByTestId('credit-proposals').locator('tr').filter({ hasText: project.projectTitle });
    await visible(row);
    await visible(row.getByText('黑榜'));
    await screenshot(page, 'credit-01-proposals');
    await row.getByRole('link', { name: '审核' }).click();
    await visible(page.getByTestId('credit-entry').getByText('末期评估不合格'));
    await page.getByRole('button', { name: '确认列入' }).click();
    await dialog(page).getByLabel('决定文号').fill(DOCUMENT_NO);
    await dialog(page).getByLabel('确认意见').fill('末期评估不合格，经核实予以列入黑榜');
    await dialog(page).getByRole('button', { name: '确认列入' }).click();
    await toast(page, '已确认列入');
    await visible(page.getByTestId('credit-entry').getByText('公示中'));
    await visible(page.getByTestId('credit-entry').getByText(DOCUMENT_NO));
    await done(admin);
  }, 120_000);

  it('refuses the organization’s next application, naming the entry', async () => {
    const provider = await new ApiClient(server.baseUrl).login('provider', DEMO_PASSWORD);
    const community = await new ApiClient(server.baseUrl).login('community', DEMO_PASSWORD);
    const drafts = await provider.get<{ items: { id: string; status: string }[] }>(
      '/api/applications?status=draft&pageSize=100',
    );
    let submitted: { status: string } | null = null;
    for (const d of drafts.items) {
      await community.post(`/api/applications/${d.id}/cosign`).catch(() => undefined);
      submitted = await provider
        .post<{ status: string }>(`/api/applications/${d.id}/submit`)
        .catch(() => null);
      if (submitted) {
        applicationId = d.id;
        break;
      }
    }
    expect(submitted?.status).toBe('ineligible');

    const session = await as('provider');
    const { page } = session;
    await page.goto(`/app/applications/${applicationId}`);
    const checks = page.getByTestId('eligibility');
    await visible(checks.getByText(new RegExp(`不得申报：黑榜（.*${DOCUMENT_NO.replace(/[〔〕]/g, '.')}`)));
    await screenshot(page, 'credit-02-refused');
    await done(session);
  }, 120_000);

  it('the organization appeals and the admin rejects the appeal', async () => {
    const provider = await as('provider');
    let page = provider.page;
    await page.getByRole('menuitem', { name: '我的信用记录' }).click();
    const entryRow = page.getByTestId('credit-entries').locator('tr').filter({ hasText: DOCUMENT_NO });
    await entryRow.getByRole('link', { name: '查看' }).click();
    await page.waitForURL(new RegExp(`/app/credit/entries/${entryId}`));
    await page.getByRole('button', { name: '提出申诉' }).click();
    await dialog(page)
      .getByLabel('申诉理由')
      .fill('评估期间服务台账已补齐，评估结论与实际不符，请求撤销列入决定。');
    await dialog(page).getByRole('button', { name: '提交申诉' }).click();
    await toast(page, '已提交申诉');
    await visible(page.getByTestId('credit-appeal').getByText('待处理'));
    await done(provider);

    const admin = await as('admin');
    page = admin.page;
    await page.goto('/app/credit');
    await page.getByRole('tab', { name: '申诉' }).click();
    const row = page.getByTestId('credit-appeals').locator('tr').filter({ hasText: DOCUMENT_NO });
    await row.getByRole('link', { name: '处理' }).click();
    await page.getByRole('button', { name: '处理申诉' }).click();
    await dialog(page).getByText('申诉不成立（维持列入）').click();
    await dialog(page).getByLabel('处理理由').fill('经复核评估报告和服务台账，维持原决定');
    await dialog(page).getByRole('button', { name: '提交决定' }).click();
    await toast(page, '已处理申诉');
    await visible(page.getByTestId('credit-appeal').getByText('申诉不成立'));
    await visible(page.getByTestId('credit-entry').getByText('公示中'));
    await screenshot(page, 'credit-03-appeal-rejected');
    await done(admin);
  }, 120_000);

  it('the public 红黑榜 and the organization’s profile show the entry and the decision', async () => {
    const visitor = await as(null);
    const { page } = visitor;
    await page.goto('/');
    await page.getByRole('link', { name: '红黑榜' }).first().click();
    await page.waitForURL(/\/credit/);
    const card = page.getByTestId('credit-card').filter({ hasText: DOCUMENT_NO });
    await visible(card);
    await visible(card.getByText(providerOrg.name));
    await visible(card.getByText('黑榜'));
    await visible(card.getByTestId('credit-appeal-decision').getByText(/申诉不成立.*维持原决定/));
    await screenshot(page, 'credit-04-public-list');
    await card.getByRole('link', { name: providerOrg.name }).click();
    await page.waitForURL(new RegExp(`/orgs/${providerOrg.id}`));
    await visible(page.getByRole('heading', { name: providerOrg.name }));
    await visible(page.getByTestId('org-profile').getByText('统一社会信用代码'));
    const credit = page.getByTestId('org-credit');
    await visible(credit.getByText(DOCUMENT_NO));
    await visible(credit.getByText(/申诉不成立/));
    const projects = page.getByTestId('org-projects');
    await visible(projects.locator('tr').filter({ hasText: project.projectTitle }).getByText('不合格'));
    await screenshot(page, 'credit-05-profile');
    await done(visitor);
  }, 120_000);
});
