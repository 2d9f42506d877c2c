/**
 * A project's implementation in a real browser with real sign-ins (issue 9's done-when path):
 * the provider starts a signed contract of the demo, records two activities with photos (real
 * JPEGs made with sharp) and a sign-in sheet, and reports an indicator's progress → the
 * community confirms one activity from its queue and disputes the other → the public project
 * page shows the progress and the confirmed activity's thumbnails → the provider records an
 * expense over its category's budget with a receipt and requests payment 1 → the alert is on the buyer's monitoring page and
 * is acknowledged → payment 1 approved and paid → the buyer commissions a mid-term evaluation,
 * the evaluator scores it 不合格, uploads the report and submits, the buyer accepts → payment 2
 * is refused with its reason → the provider submits the rectification, the evaluator re-checks it
 * 合格 → payment 2 approved and paid → final evaluation 良好 → results publicity → its end →
 * payment 3 paid → closed. One step is also walked at 375 px.
 *
 * The signed contract comes from the demo data (found through the API); where the server rightly
 * waits for a date (the end of the results publicity) the server's clock moves forward.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, hidden, launchBrowser, screenshot, until, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('implementation browser test');

const DAY = 86_400_000;
const STEP = 180_000;
const PDF = Buffer.from('%PDF-1.4\n% report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** The default indicator system's indicators with their weights (src/domain/evaluations.ts). */
const INDICATORS: [name: string, weight: number][] = [
  ['实施计划与进度', 10],
  ['团队配置', 5],
  ['产出指标完成', 20],
  ['成效指标达成', 15],
  ['专业方法运用', 10],
  ['专业记录', 5],
  ['预算执行', 10],
  ['票据合规', 10],
  ['服务对象满意度', 10],
  ['社区及购买方满意度', 5],
];

type ProjectItem = { id: string; projectTitle: string; buyerOrgId: string; status: string };
type Progress = { progressBp: number; indicators: { name: string; target: number; unit: string }[] };

/** The two activities the provider records: the community confirms the first, disputes the second. */
const ACTIVITIES = [
  {
    type: '小组活动',
    place: '社区党群服务中心二楼活动室',
    description: '开展“健康同行”老年人健康讲座和手指操小组活动，测量血压并发放健康手册。',
  },
  {
    type: '社区活动',
    place: '小区中心广场',
    description: '组织邻里互助集市，志愿者为独居老人提供理发、磨刀和家电维修服务。',
  },
] as const;
const DISPUTE = '当天社区活动室未开放，社区未见到该活动。';

/** A small real JPEG of one colour, with a camera's GPS position in its EXIF (the server drops it). */
const jpegOf = (r: number, g: number, b: number) =>
  sharp({ create: { width: 1200, height: 900, channels: 3, background: { r, g, b } } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '25/1 1/1 30/1' } })
    .toBuffer();
type Funds = {
  budget: { category: string; label: string; budgetFen: number }[];
  payments: { milestoneKey: string; label: string; status: string }[];
};

describe.skipIf(!chromiumPath)('implementation browser test', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let project: ProjectItem;
  let provider: ApiClient;
  let overBudget: { label: string; amountYuan: string };
  let communityName: string;
  let committee = 'community';
  let photos: { name: string; mimeType: string; buffer: Buffer }[];

  beforeAll(async () => {
    server = await startServer({ testClock: true });
    browser = await launchBrowser(chromiumPath!);
    provider = await new ApiClient(server.baseUrl).login('provider', DEMO_PASSWORD);
    const buyer = await new ApiClient(server.baseUrl).login('buyer', DEMO_PASSWORD);
    const session = await buyer.get<{ user: { org: { id: string } } }>('/api/auth/session');
    const list = await provider.get<{ items: ProjectItem[] }>('/api/projects?status=contracted&pageSize=100');
    const found = list.items.find((p) => p.buyerOrgId === session.user.org.id);
    if (!found) throw new Error('The demo has no signed contract between the demo buyer and provider');
    project = found;
    // The committee of the activities' community confirms them: the demo committee when its
    // community is in the service area, else a committee account the administrator opens.
    const { communities } = await provider.get<{ communities: { id: string; name: string }[] }>(
      `/api/projects/${project.id}/activity-options`,
    );
    const admin = await new ApiClient(server.baseUrl).login('admin', DEMO_PASSWORD);
    const demoCommittee = await new ApiClient(server.baseUrl).login('community', DEMO_PASSWORD);
    const demoOrg = (await demoCommittee.get<{ user: { org: { id: string } } }>('/api/auth/session')).user
      .org;
    const { regionId } = await admin.get<{ regionId: string }>(`/api/orgs/${demoOrg.id}`);
    const own = communities.find((c) => c.id === regionId);
    const served = own ?? communities[0];
    communityName = served.name;
    if (!own) {
      const { items } = await admin.get<{ items: { id: string }[] }>(
        `/api/orgs?kind=community&regionId=${served.id}`,
      );
      const first = 'Committee@2026a';
      await admin.post('/api/users', {
        username: 'community-e2e',
        displayName: `${served.name}书记`,
        orgId: items[0].id,
        roles: ['community'],
        password: first,
      });
      const account = await new ApiClient(server.baseUrl).login('community-e2e', first);
      await account.post('/api/auth/password', { currentPassword: first, newPassword: DEMO_PASSWORD });
      committee = 'community-e2e';
    }
    photos = [
      { name: '活动现场1.jpg', mimeType: 'image/jpeg', buffer: await jpegOf(200, 120, 40) },
      { name: '活动现场2.jpg', mimeType: 'image/jpeg', buffer: await jpegOf(40, 120, 200) },
    ];
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function as(username: string, viewport = { width: 1280, height: 860 }) {
    const mobile = viewport.width < 500;
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      isMobile: mobile,
      hasTouch: mobile,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = watchErrors(page);
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app/);
    return { context, page, errors };
  }

  async function done(session: { context: BrowserContext; errors: string[] }) {
    expect([...new Set(session.errors)]).toEqual([]);
    await session.context.close();
  }

  const toast = (page: Page, text: string | RegExp) => visible(page.locator('.ant-message').getByText(text));
  const dialog = (page: Page) => page.locator('.ant-modal:visible');
  const confirmPop = (page: Page, name: string) =>
    page.getByRole('tooltip').getByRole('button', { name, exact: true }).click();

  async function openProject(page: Page, tab?: string) {
    await page.goto(`/app/projects/${project.id}`);
    await visible(page.getByRole('heading', { name: project.projectTitle }));
    if (tab) await page.getByRole('tab', { name: tab, exact: true }).click();
  }

  /**
   * Picks an option and waits until the select shows it: under load the click can land while the
   * dropdown is still opening and leave it open with nothing chosen, so the pick is retried.
   */
  async function choose(page: Page, label: string, option: string) {
    const field = dialog(page).getByLabel(label, { exact: true });
    const select = field.locator('xpath=ancestor::*[contains(concat(" ", @class, " "), " ant-select ")][1]');
    for (let attempt = 1; ; attempt++) {
      await field.click();
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
        .filter({ hasText: option })
        .first()
        .click();
      try {
        await until(
          async () => ((await select.textContent()) ?? '').includes(option),
          5_000,
          `${option} to be chosen`,
        );
        await hidden(page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'), 5_000);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
  }

  async function pickDate(page: Page, label: string, isoDate: string) {
    const input = dialog(page).getByLabel(label, { exact: true });
    await input.click();
    await input.fill(isoDate);
    await input.press('Enter');
  }

  /** A date `days` from the browser's today, as YYYY-MM-DD in Shanghai. */
  const dayFromNow = (page: Page, days: number) =>
    page.evaluate(
      (d) => new Date(Date.now() + d * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }),
      days,
    );

  const paymentRow = (page: Page, label: string) =>
    page.getByTestId('payments').locator('tr').filter({ hasText: label });

  async function paymentLabels() {
    const funds = await provider.get<Funds>(`/api/projects/${project.id}/funds`);
    return funds.payments;
  }

  /** The provider asks for the payment of the milestone of this label. */
  async function requestPayment(page: Page, milestone: string) {
    await openProject(page, '资金');
    await page.getByRole('button', { name: '申请拨付' }).click();
    await choose(page, '付款节点', milestone);
    await dialog(page).getByRole('button', { name: '提交申请' }).click();
    await toast(page, '已提交拨付申请');
  }

  async function approveAndPay(page: Page, milestone: string) {
    await openProject(page, '资金');
    await paymentRow(page, milestone).getByRole('button', { name: '批准' }).click();
    await toast(page, '已批准拨付');
    await paymentRow(page, milestone).getByRole('button', { name: '登记拨付' }).click();
    await dialog(page)
      .getByLabel('凭证号')
      .fill(`PZ-${milestone.length}-${Date.now().toString().slice(-5)}`);
    await dialog(page).getByRole('button', { name: '登记' }).click();
    await toast(page, '已登记拨付');
    await visible(paymentRow(page, milestone).getByText('已拨付'));
  }

  async function commission(page: Page, stage: '中期评估' | '末期评估') {
    await openProject(page, '评估');
    await page.getByRole('button', { name: '委托评估' }).click();
    await choose(page, '评估阶段', stage);
    await choose(page, '评估机构', '云南社会工作评估研究中心');
    await pickDate(page, '报告截止日期', await dayFromNow(page, 30));
    await dialog(page).getByRole('button', { name: '委托' }).click();
    await toast(page, '已委托评估');
  }

  /** The evaluator finds the waiting evaluation on the dashboard, scores, uploads and submits. */
  async function evaluate(scoreOf: (weight: number) => number, expectedGrade: string, shot: string) {
    const evaluator = await as('evaluator');
    const { page } = evaluator;
    const work = page
      .getByTestId('evaluator-work')
      .getByRole('link', { name: new RegExp(project.projectTitle) });
    await visible(work);
    await work.first().click();
    await visible(page.getByText('评分说明：合同产出指标完成率'));
    await page.getByRole('button', { name: '上传报告' }).waitFor();
    await page.locator('input[type=file][accept*="pdf"]').setInputFiles({
      name: '评估报告.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await toast(page, '报告已上传');
    await visible(page.getByTestId('report-link'));
    for (const [name, weight] of INDICATORS) {
      const field = page.getByLabel(`${name}得分`);
      await field.fill(String(scoreOf(weight)));
      await field.blur();
    }
    await page
      .getByLabel(/报告摘要/)
      .fill(`评估结论：项目整体${expectedGrade}，服务台账、资金使用和服务成效详见评估报告。`);
    await visible(page.getByTestId('running-total').getByText(new RegExp(`等级 ${expectedGrade}`)));
    await screenshot(page, shot);
    await page.getByRole('button', { name: '提交评估' }).click();
    await confirmPop(page, '提交');
    await toast(page, '评估已提交');
    await done(evaluator);
  }

  async function accept(page: Page, grade: string) {
    await openProject(page, '评估');
    const row = page.getByTestId('evaluations-panel').locator('tr').filter({ hasText: grade });
    await row.getByRole('button', { name: '确认结果' }).click();
    await confirmPop(page, '确认');
    await toast(page, '已确认评估结果');
  }

  it(
    'admin: an indicator template is refused until its weights add up to 100',
    async () => {
      const session = await as('admin');
      const { page } = session;
      await page.getByTestId('role-card-admin').getByRole('link', { name: '指标模板' }).click();
      await page.waitForURL(/\/app\/templates$/);
      await visible(page.getByText('内置'));
      await page.getByRole('button', { name: '新建模板' }).click();
      await dialog(page).getByLabel('模板名称').fill('社区治理类项目评估指标');
      await dialog(page).getByLabel('维度1名称').fill('服务成效');
      await dialog(page).getByLabel('维度1指标1标识').fill('outputs');
      await dialog(page).getByLabel('维度1指标1名称').fill('产出指标完成');
      await dialog(page).getByLabel('维度1指标1权重').fill('60');
      await dialog(page).getByLabel('维度1指标1评分说明').fill('按合同产出指标完成率评分');
      await visible(dialog(page).getByTestId('weight-sum').getByText('权重合计 60 / 100'));
      await dialog(page).getByRole('button', { name: '保存' }).click();
      await visible(dialog(page).getByText('指标权重合计必须为100（当前为60）'));
      await screenshot(page, 'implementation-00-template-refused', { fullPage: false });
      await dialog(page).getByLabel('维度1指标1权重').fill('100');
      await visible(dialog(page).getByTestId('weight-sum').getByText('权重合计 100 / 100'));
      await dialog(page).getByRole('button', { name: '保存' }).click();
      await toast(page, '指标模板已保存');
      await visible(page.getByRole('cell', { name: '社区治理类项目评估指标' }));
      await done(session);
    },
    STEP,
  );

  it(
    'provider: starts the project, records two activities with photos and a sign-in sheet, reports an indicator’s progress',
    async () => {
      const session = await as('provider');
      const { page } = session;
      await page.getByTestId('role-card-provider').getByRole('link', { name: '实施动态' }).click();
      await page.waitForURL(/\/app\/projects$/);
      await page.getByRole('link', { name: project.projectTitle }).click();
      await page.getByRole('button', { name: '开始实施' }).click();
      await toast(page, '项目已开始实施');
      await visible(page.getByText('实施中'));
      await page.getByRole('tab', { name: '实施动态', exact: true }).click();

      for (const [i, a] of ACTIVITIES.entries()) {
        await page.getByRole('button', { name: '登记活动' }).click();
        await pickDate(page, '活动日期', await dayFromNow(page, i - 2));
        await choose(page, '活动类型', a.type);
        await choose(page, '服务社区', communityName);
        await dialog(page).getByLabel('活动地点').fill(a.place);
        await dialog(page).getByLabel('服务对象1', { exact: true }).fill('社区老年人');
        await dialog(page)
          .getByLabel('服务对象1人数')
          .fill(String(18 + i));
        await dialog(page).getByRole('button', { name: '添加服务对象' }).click();
        await dialog(page).getByLabel('服务对象2', { exact: true }).fill('照料者');
        await dialog(page).getByLabel('服务对象2人数').fill('4');
        await dialog(page).getByLabel('志愿者人数').fill('3');
        await dialog(page).getByLabel('志愿服务时长').fill('7.5');
        await dialog(page).getByLabel('活动内容').fill(a.description);
        await dialog(page).locator('input[type=file][accept=".jpg,.jpeg,.png,.webp"]').setInputFiles(photos);
        // Previews of both photos before anything is sent.
        await until(
          async () => (await dialog(page).locator('.ant-upload-list-item img').count()) === 2,
          10_000,
          'the photo previews',
        );
        await dialog(page)
          .locator('input[type=file][accept=".pdf,.jpg,.jpeg,.png,.webp"]')
          .setInputFiles({ name: '签到表.pdf', mimeType: 'application/pdf', buffer: PDF });
        if (i === 0) await screenshot(page, 'implementation-01-provider-activity-form', { fullPage: false });
        await dialog(page).getByRole('button', { name: '保存' }).click();
        await toast(page, '已登记活动并上传2张照片');
      }
      const rows = page.getByTestId('activities').locator('tbody tr');
      for (const a of ACTIVITIES) {
        const row = rows.filter({ hasText: a.place });
        await visible(row.getByText('待社区确认'));
        await until(
          async () => (await row.getByTestId('activity-photos').locator('img').count()) === 2,
          10_000,
          'the thumbnails in the list',
        );
        await visible(row.getByRole('link', { name: '签到表' }));
      }

      const progress = await provider.get<Progress>(`/api/projects/${project.id}/progress`);
      const first = progress.indicators[0];
      await page.getByTestId('indicator-0').getByRole('button', { name: '填报进度' }).click();
      await dialog(page)
        .getByLabel('累计完成值')
        .fill(String(Math.ceil(first.target / 2)));
      await dialog(page).getByLabel('佐证说明').fill('入户探访记录表和活动签到表，详见服务台账。');
      await dialog(page).getByRole('button', { name: '提交' }).click();
      await toast(page, '已填报指标进度');
      await until(
        async () => (await provider.get<Progress>(`/api/projects/${project.id}/progress`)).progressBp > 0,
        10_000,
        'the progress to be recorded',
      );
      await screenshot(page, 'implementation-02-provider-activities');
      await done(session);
    },
    STEP,
  );

  it(
    'community: confirms one activity from its queue and disputes the other with a reason',
    async () => {
      const session = await as(committee);
      const { page } = session;
      const card = page.getByTestId('community-work');
      await card.getByRole('link', { name: /次活动等待本社区确认/ }).click();
      await page.waitForURL(/\/app\/activities\/pending$/);
      const item = (place: string) =>
        page
          .getByTestId('pending-activity')
          .filter({ hasText: project.projectTitle })
          .filter({ hasText: place });
      const [confirmed, disputed] = ACTIVITIES.map((a) => item(a.place));
      await until(
        async () => (await confirmed.locator('img').count()) === 2,
        10_000,
        'the photos in the queue',
      );
      await screenshot(page, 'implementation-03-community-queue');
      await confirmed.getByRole('button', { name: '确认活动' }).click();
      await confirmPop(page, '确认');
      await toast(page, '已确认活动');
      await hidden(confirmed);
      await disputed.getByRole('button', { name: '提出异议' }).click();
      await dialog(page).getByLabel('异议理由').fill(DISPUTE);
      await dialog(page).getByRole('button', { name: '提出异议' }).click();
      await toast(page, '已提出异议，承接单位会收到通知');
      await hidden(disputed);
      await done(session);
    },
    STEP,
  );

  it(
    'public: the project page shows the indicator progress and the confirmed activity’s thumbnails only (375 px); the provider reads the dispute',
    async () => {
      const context = await browser.newContext({
        baseURL: server.baseUrl,
        viewport: { width: 375, height: 780 },
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        isMobile: true,
        hasTouch: true,
      });
      contexts.push(context);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`/projects/${project.id}`);
      await visible(page.getByRole('heading', { name: project.projectTitle }));
      const { progressBp } = await provider.get<Progress>(`/api/projects/${project.id}/progress`);
      const rollup = page.getByTestId('progress-rollup');
      await visible(rollup.getByText(`${(progressBp / 100).toFixed(progressBp % 100 === 0 ? 0 : 2)}%`));
      const shown = page.getByTestId('public-activity');
      await until(async () => (await shown.count()) === 1, 10_000, 'one public activity');
      await visible(shown.getByText(ACTIVITIES[0].place));
      expect(await page.getByText(ACTIVITIES[1].place).count()).toBe(0);
      // No sign-in sheet and no file of the project's parties: thumbnails through the public route only.
      expect(await page.getByRole('link', { name: '签到表' }).count()).toBe(0);
      expect(await page.locator('[href*="/api/files/"], [src*="/api/files/"]').count()).toBe(0);
      const thumbnails = shown.locator('img');
      await until(
        async () =>
          (await thumbnails.count()) === 2 &&
          (await thumbnails.evaluateAll((imgs) =>
            imgs.every(
              (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth === 320,
            ),
          )),
        10_000,
        'the two thumbnails to load',
      );
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await screenshot(page, 'implementation-04-public-progress-375');
      await done({ context, errors });

      const session = await as('provider');
      await openProject(session.page, '实施动态');
      const row = session.page
        .getByTestId('activities')
        .locator('tbody tr')
        .filter({ hasText: ACTIVITIES[1].place });
      await visible(row.getByText('社区有异议'));
      await visible(row.getByText(`异议：${DISPUTE}`));
      await visible(
        session.page
          .getByTestId('activities')
          .locator('tbody tr')
          .filter({ hasText: ACTIVITIES[0].place })
          .getByText('社区已确认'),
      );
      await done(session);
    },
    STEP,
  );

  it(
    'provider: records an expense over its budget with a receipt, requests payment 1',
    async () => {
      const session = await as('provider');
      const { page } = session;
      await page.getByTestId('role-card-provider').getByRole('link', { name: '资金使用' }).click();
      await page.waitForURL(/\/app\/projects$/);
      await page.getByRole('link', { name: project.projectTitle }).click();
      await visible(page.getByText('实施中'));

      const funds = await provider.get<Funds>(`/api/projects/${project.id}/funds`);
      const line = funds.budget.filter((b) => b.budgetFen > 0).sort((a, b) => a.budgetFen - b.budgetFen)[0];
      const amountFen = Math.ceil(line.budgetFen * 1.25);
      overBudget = { label: line.label, amountYuan: (amountFen / 100).toFixed(2) };

      await page.getByRole('tab', { name: '资金', exact: true }).click();
      await page.getByRole('button', { name: '记录支出' }).click();
      await choose(page, '预算类别', line.label);
      await dialog(page).getByLabel('支出金额').fill(overBudget.amountYuan);
      await dialog(page).getByLabel('发票号码').fill('25532000000012345678');
      await dialog(page).getByLabel('收款方').fill('昆明市某文化用品有限公司');
      await dialog(page).getByLabel('说明').fill('社区活动物资采购');
      await dialog(page).locator('input[type=file]').setInputFiles({
        name: '发票.pdf',
        mimeType: 'application/pdf',
        buffer: PDF,
      });
      await dialog(page).getByRole('button', { name: '保存' }).click();
      await toast(page, '已记录支出并上传票据');
      await visible(page.getByTestId('expenses').getByRole('link', { name: '发票.pdf' }));
      await screenshot(page, 'implementation-05-provider-expense');

      const milestones = await provider.get<{ openMilestones: { label: string }[] }>(
        `/api/projects/${project.id}/funds`,
      );
      await requestPayment(page, milestones.openMilestones[0].label);
      await done(session);
    },
    STEP,
  );

  it(
    'buyer: sees the over-budget alert on the monitoring page with the chart, acknowledges it, approves and pays payment 1, commissions the mid-term evaluation',
    async () => {
      const session = await as('buyer');
      const { page } = session;
      await page.getByTestId('role-card-buyer').getByRole('link', { name: '拨付资金' }).click();
      await page.waitForURL(/\/app\/projects$/);
      const alert = page
        .getByTestId('monitoring-alerts')
        .locator('tr')
        .filter({ hasText: project.projectTitle })
        .filter({ hasText: overBudget.label });
      await visible(alert);
      await alert.getByRole('button', { name: '知悉并处理' }).first().click();
      await dialog(page).getByLabel('处理意见').fill('已约谈承接单位，要求说明超支原因并申请预算调整');
      await dialog(page).getByRole('button', { name: '确定' }).click();
      await visible(alert.getByText('已知悉').first());
      await screenshot(page, 'implementation-06-buyer-monitoring');

      const [first] = await paymentLabels();
      await openProject(page, '资金');
      await visible(page.getByTestId('budget-chart').locator('canvas'));
      await screenshot(page, 'implementation-07-buyer-funds-chart');
      await approveAndPay(page, first.label);
      await commission(page, '中期评估');
      await done(session);
    },
    STEP,
  );

  it(
    'evaluator: scores the mid-term 不合格 with the report and submits',
    async () => {
      await evaluate((w) => w / 2, '不合格', 'implementation-08-evaluator-midterm');
    },
    STEP,
  );

  it(
    'buyer accepts the 不合格 result; payment 2 is refused with its reason',
    async () => {
      const buyer = await as('buyer');
      await accept(buyer.page, '不合格');
      await visible(buyer.page.getByRole('tab', { name: '概况' }));
      await buyer.page.getByRole('tab', { name: '概况' }).click();
      await visible(buyer.page.getByTestId('rectification').getByText('整改中'));

      const providerSession = await as('provider');
      const open = await provider.get<{ openMilestones: { label: string }[] }>(
        `/api/projects/${project.id}/funds`,
      );
      const second = open.openMilestones[0].label;
      await requestPayment(providerSession.page, second);
      await done(providerSession);

      const { page } = buyer;
      await openProject(page, '资金');
      await paymentRow(page, second).getByRole('button', { name: '批准' }).click();
      const refused = page.getByTestId('payment-refused');
      await visible(refused);
      expect(await refused.textContent()).toMatch(/不能批准：.+/);
      await screenshot(page, 'implementation-09-payment-refused', { fullPage: false });
      await dialog(page)
        .getByRole('button', { name: /取\s?消/ })
        .click();
      await visible(paymentRow(page, second).getByText('待审核'));
      await done(buyer);
    },
    STEP,
  );

  it(
    'provider submits the rectification (at 375 px), the evaluator re-checks it 合格, the buyer pays payment 2',
    async () => {
      const providerSession = await as('provider', { width: 375, height: 780 });
      const { page } = providerSession;
      await openProject(page);
      await page.getByRole('button', { name: '提交整改' }).click();
      await dialog(page)
        .getByLabel('整改方案')
        .fill('补齐服务台账，增加社区走访频次，每月向购买主体报送进度。');
      await dialog(page)
        .getByLabel('整改情况说明')
        .fill('已完成台账补录三十二份，新增入户走访四十次，附照片和签到表。');
      await dialog(page).getByRole('button', { name: '提交' }).click();
      await toast(page, '整改已提交');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.getByRole('tab', { name: '资金', exact: true }).click();
      await visible(page.getByTestId('payments'));
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await screenshot(page, 'implementation-10-provider-375');
      await done(providerSession);

      const evaluator = await as('evaluator');
      await visible(evaluator.page.getByTestId('evaluator-work').getByText('整改待复核'));
      await openProject(evaluator.page);
      await evaluator.page.getByRole('button', { name: '复核整改' }).click();
      await dialog(evaluator.page).getByLabel('复核意见').fill('整改到位，台账完整。');
      await dialog(evaluator.page).getByRole('button', { name: '提交复核结论' }).click();
      await toast(evaluator.page, '已提交复核结论');
      await visible(evaluator.page.getByText('复核合格'));
      await done(evaluator);

      const buyer = await as('buyer');
      const second = (await paymentLabels()).find((p) => p.status === 'requested')!;
      await approveAndPay(buyer.page, second.label);
      await commission(buyer.page, '末期评估');
      await done(buyer);
    },
    STEP,
  );

  it(
    'evaluator: scores the final evaluation 良好',
    async () => {
      await evaluate((w) => w - 1.5, '良好', 'implementation-11-evaluator-final');
    },
    STEP,
  );

  it(
    'buyer accepts 良好, the results publicity ends, the last payment is paid and the project closes',
    async () => {
      const buyer = await as('buyer');
      await accept(buyer.page, '良好');
      await buyer.page.getByRole('tab', { name: '概况' }).click();
      await visible(buyer.page.getByTestId('project-overview').getByText('评估结果公示中'));
      const results = await new ApiClient(server.baseUrl).get<{
        items: { projectId: string; gradeLabel: string }[];
      }>('/api/public/evaluation-results?pageSize=100');
      expect(results.items.find((r) => r.projectId === project.id)?.gradeLabel).toBe('良好');
      await done(buyer);

      const providerSession = await as('provider');
      const open = await provider.get<{ openMilestones: { label: string }[] }>(
        `/api/projects/${project.id}/funds`,
      );
      for (const m of open.openMilestones) await requestPayment(providerSession.page, m.label);
      await done(providerSession);

      await server.setClockOffset(15 * DAY);
      // Fifteen days on, the setup client's session has idled out.
      provider = await new ApiClient(server.baseUrl).login('provider', DEMO_PASSWORD);
      const again = await as('buyer');
      const { page } = again;
      for (const p of (await paymentLabels()).filter((x) => x.status === 'requested'))
        await approveAndPay(page, p.label);
      await openProject(page, '评估');
      await page.getByRole('button', { name: '结束公示' }).click();
      await confirmPop(page, '结束公示');
      await toast(page, '评估结果公示已结束');
      await until(
        async () => (await page.getByTestId('evaluations-panel').getByText('结果已生效').count()) > 0,
        15_000,
        'the grade to be final',
      );
      await page.getByRole('button', { name: '结项', exact: true }).click();
      await confirmPop(page, '结项');
      await toast(page, '项目已结项');
      await page.getByRole('tab', { name: '概况' }).click();
      await visible(page.getByTestId('project-overview').getByText('已结项'));
      await screenshot(page, 'implementation-12-closed');
      await done(again);
    },
    STEP,
  );
});
