/**
 * The whole path of one project, in a real browser with real sign-ins: a buyer publishes a call →
 * two providers apply jointly and their communities co-sign → one application fails eligibility
 * with a stated reason → a panel is drawn, one expert declares a conflict and is replaced → the
 * experts score → the buyer awards → publicity opens → a member of the public objects → the buyer
 * answers → publicity closes → the contract is signed with milestones. Every public step is on
 * the project's public timeline, and every step is in the audit trail.
 *
 * Only setup a person would do elsewhere goes through the API: the admin creates the second
 * provider's and community's accounts and the panel experts. Where the server rightly waits for
 * a date (the application deadline, the end of the publicity period) the test moves the server's
 * clock forward (e2e/test-clock.ts).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';
import { chromiumOrSkip, launchBrowser, screenshot, until, visible, watchErrors } from './browser';
import { DEMO_PASSWORD, type RunningServer, startServer } from './server';

const chromiumPath = chromiumOrSkip('pipeline browser test');

const DAY = 86_400_000;
const FIRST_PASSWORD = 'Pipeline@2026a';
const PASSWORD = 'Pipeline@2026b';
const STEP = 240_000;

const RUBRIC = ['需求分析', '目标与设计', '专业方法', '团队与合作', '预算合理性'];
const WEIGHTS = [20, 25, 20, 15, 20];

interface Applicant {
  username: string;
  password: string;
  orgName: string;
  communityName: string;
  communityUser: string;
  communityPassword: string;
  title: string;
  applicationId?: string;
}

describe.skipIf(!chromiumPath)('pipeline browser test', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  // Facts gathered during setup and along the way.
  const callTitle = `关上街道“银龄守护”居家养老社会工作服务项目${Date.now().toString().slice(-4)}`;
  let callId = '';
  let streetName = '';
  const applicants: Applicant[] = [];
  /** Expert name → the usernames of experts with that name. */
  const expertUsers = new Map<string, string[]>();
  const expertPasswords = new Map<string, string>();
  let declinedExpert = '';
  /** The five experts who accepted. */
  const panel: string[] = [];

  beforeAll(async () => {
    server = await startServer({ testClock: true });
    browser = await launchBrowser(chromiumPath!);
    await setUp();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  // ---------- setup through the admin API ----------

  async function setUp() {
    const admin = await new ApiClient(server.baseUrl).login('admin', DEMO_PASSWORD);
    type Org = { id: string; name: string; kind: string; regionId: string | null; regionName: string | null };
    type Region = { id: string; name: string; parentId: string | null; level: string };
    type User = { id: string; username: string; displayName: string; orgId: string | null };
    const users = await admin.get<{ items: User[] }>('/api/users?pageSize=50');
    const byName = (u: string) => users.items.find((x) => x.username === u)!;

    // Provider 1 and community 1 are the demo accounts; the call serves community 1's street.
    const provider1Org = await admin.get<Org>(`/api/orgs/${byName('provider').orgId}`);
    const community1Org = await admin.get<Org>(`/api/orgs/${byName('community').orgId}`);
    const community1Region = await admin.get<Region>(`/api/regions/${community1Org.regionId}`);
    const street = await admin.get<Region>(`/api/regions/${community1Region.parentId}`);
    streetName = street.name;

    // Community 2: another committee of the same street. Provider 2: another social organization.
    const siblings = await admin.get<{ items: Region[] }>(
      `/api/regions?parentId=${street.id}&level=community&pageSize=50`,
    );
    const community2Region = siblings.items.find((r) => r.id !== community1Region.id)!;
    const community2Org = (
      await admin.get<{ items: Org[] }>(`/api/orgs?kind=community&regionId=${community2Region.id}`)
    ).items[0];
    const providers = await admin.get<{ items: Org[] }>('/api/orgs?kind=provider&pageSize=50');
    const provider2Org = providers.items.find((o) => o.id !== provider1Org.id)!;

    await admin.post('/api/users', {
      username: 'provider2',
      displayName: '第二申报机构主管',
      orgId: provider2Org.id,
      roles: ['provider'],
      password: FIRST_PASSWORD,
    });
    await admin.post('/api/users', {
      username: 'community2',
      displayName: '第二社区书记',
      orgId: community2Org.id,
      roles: ['community'],
      password: FIRST_PASSWORD,
    });
    // community2 changes the temporary password through the API; provider2 does it in the browser.
    const c2 = await new ApiClient(server.baseUrl).login('community2', FIRST_PASSWORD);
    await c2.post('/api/auth/password', { currentPassword: FIRST_PASSWORD, newPassword: PASSWORD });

    applicants.push(
      {
        username: 'provider',
        password: DEMO_PASSWORD,
        orgName: provider1Org.name,
        communityName: community1Region.name,
        communityUser: 'community',
        communityPassword: DEMO_PASSWORD,
        title: '银龄守护：关上街道独居老人居家探访与互助服务',
      },
      {
        username: 'provider2',
        password: FIRST_PASSWORD,
        orgName: provider2Org.name,
        communityName: community2Region.name,
        communityUser: 'community2',
        communityPassword: PASSWORD,
        title: '乐龄相伴：社区老年人精神慰藉与健康促进服务',
      },
    );

    // Six more experts in the call's field (为老服务), each with an account, so that the pool has
    // enough people for a panel of five and a replacement whatever the demo data holds.
    const names = ['赵明远', '钱佩兰', '孙建国', '李晓雯', '周海燕', '吴志强'];
    for (const [i, name] of names.entries()) {
      const username = `panel${i + 1}`;
      const created = await admin.post<{ id: string }>('/api/users', {
        username,
        displayName: name,
        orgId: null,
        roles: ['expert'],
        password: FIRST_PASSWORD,
      });
      await admin.post('/api/experts', {
        name,
        field: 'elderly',
        title: '副教授',
        employerName: '云南大学社会学系',
        userId: created.id,
      });
      const c = await new ApiClient(server.baseUrl).login(username, FIRST_PASSWORD);
      await c.post('/api/auth/password', { currentPassword: FIRST_PASSWORD, newPassword: PASSWORD });
      expertPasswords.set(username, PASSWORD);
    }
    // Whoever the draw picks, the test must sign in as them: every expert's name → accounts
    // (names may repeat; the panel member is the one who finds the invitation).
    const experts = await admin.get<{ items: { name: string; userId: string | null }[] }>(
      '/api/experts?pageSize=200',
    );
    const accounts = await admin.get<{ items: User[] }>('/api/users?role=expert&pageSize=200');
    const usernameOf = new Map(accounts.items.map((u) => [u.id, u.username]));
    for (const e of experts.items) {
      const username = e.userId ? usernameOf.get(e.userId) : undefined;
      if (username) expertUsers.set(e.name, [...(expertUsers.get(e.name) ?? []), username]);
    }
  }

  // ---------- browser helpers ----------

  async function newPage(viewport = { width: 1280, height: 860 }, mobile = false) {
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
    return { context, page, errors };
  }

  /** A fresh browser session signed in through the login form. */
  async function as(
    username: string,
    password = DEMO_PASSWORD,
    viewport?: { width: number; height: number },
  ) {
    const session = await newPage(viewport, !!viewport && viewport.width < 500);
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('用户名', { exact: true }).fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/app/);
    return session;
  }

  async function done(session: { context: BrowserContext; errors: string[] }) {
    expect([...new Set(session.errors)]).toEqual([]);
    await session.context.close();
  }

  const sideMenu = (page: Page) => page.getByRole('menu', { name: '功能导航' });
  const toast = (page: Page, text: string | RegExp) => visible(page.locator('.ant-message').getByText(text));
  const confirmPop = (page: Page, name: string) =>
    page.getByRole('tooltip').getByRole('button', { name, exact: true }).click();

  /** Picks an option of an antd Select (typing to filter when `search` is given). */
  /**
   * Picks an option and waits until the select shows it: under load the options (or the saved
   * draft) can arrive after the click and leave the field empty, so the pick is retried.
   */
  async function choose(page: Page, field: Locator, option: string, search?: string) {
    const select = field.locator('xpath=ancestor::*[contains(concat(" ", @class, " "), " ant-select ")][1]');
    // The chosen label is the select's text (a typed search stays in the input's value).
    const chosen = async () => (await select.count()) === 0 || (await select.innerText()).includes(option);
    for (let attempt = 1; ; attempt++) {
      await field.click();
      if (search) await field.fill(search);
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
        .filter({ hasText: option })
        .first()
        .click();
      try {
        await until(chosen, 5_000, `${option} to be chosen`);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  const minutes = (ms: number) => Math.round(ms / 60_000);

  /** Signs in as the expert of this name who sits on the call's panel, on 我的评审. */
  async function asPanelMember(name: string) {
    const candidates = expertUsers.get(name) ?? [];
    for (const username of candidates) {
      const session = await as(username, expertPasswords.get(username) ?? DEMO_PASSWORD);
      await session.page.goto('/app/reviews');
      const card = session.page.getByTestId('my-review').filter({ hasText: callTitle });
      await visible(session.page.getByTestId('my-reviews'));
      if ((await card.count()) > 0) return { ...session, card };
      await session.context.close();
    }
    throw new Error(`No account of expert ${name} (${candidates.join(', ')}) has an invitation`);
  }

  // ---------- the path ----------

  /** The path is one story: once a step fails, the later ones are skipped rather than failing too. */
  let broken: string | null = null;
  function step(name: string, fn: () => Promise<void>, timeout = STEP) {
    it(
      name,
      async (ctx) => {
        if (broken) ctx.skip(`an earlier step failed: ${broken}`);
        try {
          await fn();
        } catch (error) {
          broken = name;
          // What the browser showed when it failed.
          let n = 0;
          for (const context of contexts)
            for (const page of context.pages())
              await screenshot(page, `pipeline-failure-${++n}`).catch(() => {});
          throw error;
        }
      },
      timeout,
    );
  }

  step(
    'the buyer writes the call, attaches a file and publishes it',
    async () => {
      const s = await as('buyer');
      const { page } = s;
      await sideMenu(page).getByRole('menuitem', { name: '项目管理' }).click();
      await page.getByRole('button', { name: '新建征集' }).click();
      await page.waitForURL(/\/app\/calls\/new$/);

      await page.getByLabel('项目名称', { exact: true }).fill(callTitle);
      // Service area: the whole street of community 1 and community 2.
      const areas = page.getByLabel('服务区域', { exact: true });
      await areas.click();
      await areas.fill(streetName);
      await page
        .locator('.ant-select-tree-treenode', {
          has: page.locator('.ant-select-tree-title', { hasText: new RegExp(`^${streetName}$`) }),
        })
        .locator('.ant-select-tree-checkbox')
        .click();
      await page.keyboard.press('Escape');
      const targets = page.getByLabel('服务对象', { exact: true });
      await targets.click();
      await targets.fill('独居老人');
      await targets.press('Enter');
      await page.keyboard.press('Escape');
      await page.getByLabel('单个项目预算上限', { exact: true }).fill('200000');
      await page.getByLabel('总预算', { exact: true }).fill('500000');
      // The rubric starts from the default five criteria adding up to 100.
      await visible(page.getByTestId('rubric-total').getByText('合计 100 / 100 分'));
      await page
        .getByRole('textbox', { name: '项目说明' })
        .fill(
          '面向关上街道独居、空巢老人，开展居家探访、邻里互助和健康促进服务。申报单位须与服务社区联合申报。',
        );
      await screenshot(page, 'pipeline-01-call-editor');
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForURL(/\/app\/calls\/[0-9a-f-]{36}$/);
      callId = page.url().split('/').pop()!;
      await visible(page.getByText('计划中'));

      await page.locator('input[type=file]').setInputFiles({
        name: '项目征集公告.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
      });
      await toast(page, '已上传「项目征集公告.pdf」');
      await visible(page.getByRole('link', { name: /项目征集公告\.pdf/ }));

      await page.getByRole('button', { name: '发布' }).click();
      await confirmPop(page, '发布');
      await toast(page, '征集已发布');
      await visible(page.locator('.page-header').getByText('征集中'));
      await visible(page.getByTestId('project-timeline').getByText(/发布项目征集/));
      await screenshot(page, 'pipeline-02-call-published');
      await done(s);

      // Anyone finds it on the public site, by a Chinese search term.
      const pub = await newPage();
      await pub.page.goto('/calls');
      const total = pub.page.getByText(/共 [\d,]+\+? 个项目/);
      await visible(total);
      const before = await total.textContent();
      await pub.page.getByPlaceholder('搜索项目名称、内容、部门').fill('居家养老');
      await pub.page.getByPlaceholder('搜索项目名称、内容、部门').press('Enter');
      await pub.page.waitForURL(/q=/);
      await until(
        async () => (await total.textContent()) !== before,
        15_000,
        'the search to narrow the list',
      );
      await visible(pub.page.getByTestId('call-card').filter({ hasText: callTitle }));
      await screenshot(pub.page, 'pipeline-03-public-calls');
      await pub.page.getByRole('link', { name: callTitle }).click();
      await visible(pub.page.getByText('本项目正在征集中'));
      await visible(pub.page.getByRole('cell', { name: '目标与设计' }));
      await done(pub);
    },
    STEP,
  );

  async function fillApplication(page: Page, a: Applicant, budget: [string, string][]) {
    await choose(page, page.getByLabel('服务社区', { exact: true }), a.communityName, a.communityName);
    await page.getByLabel('项目社工姓名').fill(a.username === 'provider' ? '张慧敏' : '刘思远');
    await page
      .getByLabel('社工证书编号')
      .fill(a.username === 'provider' ? 'ZJ-2019-530111-0087' : 'ZJ-2021-530111-0213');
    await page.getByRole('button', { name: '添加参与力量' }).click();
    await page.getByLabel('参与力量1名称').fill(`${a.communityName}银发志愿服务队`);
    await page.getByLabel('参与力量1人数').fill('18');
    await page.getByLabel('项目名称', { exact: true }).fill(a.title);
    await page
      .getByLabel('需求评估')
      .fill('辖区60岁以上老年人占比23%，其中独居老人186人，缺少日常照应和情感支持。');
    await page
      .getByLabel('项目目标')
      .fill('建立“社工+志愿者+邻里”三级探访网络，降低独居老人意外风险，提升生活满意度。');
    await page.getByLabel('服务活动').fill('每周入户探访；每月健康讲座；组建互助小组；建立紧急联络机制。');
    await page.getByRole('button', { name: '添加产出指标' }).click();
    await page.getByLabel('指标1名称').fill('入户探访');
    await page.getByLabel('指标1目标值').fill('1200');
    await page.getByLabel('指标1单位').fill('人次');
    await page.getByRole('button', { name: '添加成效指标' }).click();
    await page.getByLabel('指标2名称').fill('服务对象满意度');
    await page.getByLabel('指标2目标值').fill('90');
    await page.getByLabel('指标2单位').fill('%');
    for (const [i, [item, amount]] of budget.entries()) {
      await page.getByRole('button', { name: '添加预算项' }).click();
      await page.getByLabel(`预算${i + 1}项目`).fill(item);
      await page.getByLabel(`预算${i + 1}金额`).fill(amount);
    }
    await page.getByRole('button', { name: '添加计划' }).click();
    await page.getByLabel('计划1时间').fill('第1-3个月');
    await page.getByLabel('计划1内容').fill('需求调研、建档、招募志愿者');
    await page.getByRole('button', { name: '添加成员' }).click();
    await page.getByLabel('成员1姓名').fill(a.username === 'provider' ? '张慧敏' : '刘思远');
    await page.getByLabel('成员1职责').fill('项目主管');
    await page.getByLabel('成员1资质').fill('中级社会工作师');
  }

  for (const index of [0, 1]) {
    step(
      `provider ${index + 1} applies jointly with its community and asks it to co-sign`,
      async () => {
        const a = applicants[index];
        let s: Awaited<ReturnType<typeof as>>;
        if (a.password === FIRST_PASSWORD) {
          // A new account: the first sign-in asks for a new password.
          s = await as(a.username, FIRST_PASSWORD);
          await s.page.waitForURL(/\/app\/account\/password$/);
          await s.page.getByLabel('当前密码').fill(FIRST_PASSWORD);
          await s.page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
          await s.page.getByLabel('确认新密码').fill(PASSWORD);
          await s.page.getByRole('button', { name: '确认修改' }).click();
          await s.page.waitForURL(/\/app$/);
          a.password = PASSWORD;
        } else {
          s = await as(a.username, a.password);
        }
        const { page } = s;
        await sideMenu(page).getByRole('menuitem', { name: '可申报项目' }).click();
        await page.getByRole('link', { name: callTitle }).click();
        await page.getByRole('button', { name: '新建申报' }).click();
        await page.waitForURL(/\/app\/applications\/[0-9a-f-]{36}$/);
        a.applicationId = page.url().split('/').pop()!;

        await fillApplication(
          page,
          a,
          index === 0
            ? [
                ['社工人员经费', '120000'],
                ['探访与小组活动', '58000.50'],
              ]
            : [
                ['社工人员经费', '110000'],
                ['健康讲座与物资', '60000'],
              ],
        );
        await visible(page.getByTestId('save-status').getByText(/已自动保存/));
        await visible(page.getByTestId('budget-total').getByText('未超上限'));
        // Everything is there but the community's co-signature.
        await visible(page.getByTestId('missing-list').getByText('等待社区联合签章'));
        await until(
          async () => (await page.getByTestId('missing-list').locator('li').count()) === 1,
          15_000,
          'only the co-signature to be missing',
        );
        if (index === 0) await screenshot(page, 'pipeline-04-application-form');
        await page.getByRole('button', { name: '请求社区签章' }).click();
        await toast(page, /已通知.*签章/);
        await done(s);

        // The community finds it in its list and co-signs.
        const c = await as(a.communityUser, a.communityPassword);
        await sideMenu(c.page).getByRole('menuitem', { name: '待签章申报' }).click();
        await c.page.getByRole('link', { name: a.title }).click();
        await visible(c.page.getByText(`${a.orgName} 请求本社区联合签章`));
        if (index === 0) await screenshot(c.page, 'pipeline-05-community-cosign');
        await c.page.getByRole('button', { name: '签章' }).click();
        await confirmPop(c.page, '签章');
        await toast(c.page, '已签章');
        await visible(c.page.getByText(/已签章（/));
        await done(c);

        // Back to the provider: co-signed, complete, submitted; the system checks eligibility.
        const p = await as(a.username, a.password);
        await p.page.goto(`/app/applications/${a.applicationId}`);
        await visible(p.page.getByTestId('cosign-state').getByText(/已于 .* 签章/));
        await visible(p.page.getByText('材料已齐全，可以提交'));
        await p.page.getByRole('button', { name: '提交申报' }).click();
        await confirmPop(p.page, '提交');
        await toast(p.page, '已提交，资格审查通过');
        await visible(p.page.getByTestId('eligibility').getByText('申请金额未超过预算上限'));
        await done(p);
      },
      STEP,
    );
  }

  step(
    'the buyer fails the second application on eligibility with a stated reason',
    async () => {
      const s = await as('buyer');
      const { page } = s;
      await page.goto(`/app/calls/${callId}/applications`);
      await visible(page.getByRole('link', { name: applicants[0].title }));
      await page.getByRole('link', { name: applicants[1].title }).click();
      await page.waitForURL(/\/app\/applications\//);
      await page.getByRole('button', { name: '复核：不通过' }).click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByLabel('复核理由')
        .fill('项目社工证书编号经核验不属实，且申报单位未提供与服务社区的合作协议。');
      await dialog.getByRole('button', { name: '确定' }).click();
      await toast(page, '已记录复核结论');
      await visible(page.getByText('资格审查未通过').first());
      await visible(page.getByTestId('eligibility').getByText(/项目社工证书编号经核验不属实/));
      await screenshot(page, 'pipeline-06-eligibility-failed');
      await done(s);
    },
    STEP,
  );

  step(
    'after the deadline the buyer closes the call and a panel of five is drawn',
    async () => {
      // The call's deadline is 14 days ahead: move the server 15 days on.
      await server.setClockOffset(15 * DAY);
      const s = await as('buyer');
      const { page } = s;
      await page.goto(`/app/calls/${callId}`);
      await page.getByRole('button', { name: '截止征集' }).click();
      await confirmPop(page, '截止');
      await toast(page, '征集已截止');
      await page.getByRole('tab', { name: '评审' }).click();
      await page.getByLabel('评审地点').fill('官渡区民政局三楼会议室');
      await page.getByRole('button', { name: '抽取专家，开始评审' }).click();
      await toast(page, '已抽取评审专家并发出邀请');
      const panel = page.getByTestId('panel-table');
      await until(
        async () => (await panel.locator('tr.ant-table-row').count()) === 5,
        15_000,
        'five panel rows',
      );
      await visible(page.getByTestId('draw-record').getByText(/复核一致/));
      // The first expert drawn will declare a conflict.
      declinedExpert = (await panel
        .locator('tr.ant-table-row')
        .first()
        .locator('td')
        .nth(1)
        .textContent())!.trim();
      expect(expertUsers.has(declinedExpert)).toBe(true);
      await screenshot(page, 'pipeline-07-panel-drawn');
      await done(s);
    },
    STEP,
  );

  step(
    'one expert declares a conflict and is replaced; the others accept',
    async () => {
      const e = await asPanelMember(declinedExpert);
      const card = e.card;
      await visible(card.getByText(applicants[0].orgName));
      await screenshot(e.page, 'pipeline-08-expert-invitation');
      await card.getByRole('button', { name: '声明回避' }).click();
      await e.page
        .getByRole('dialog')
        .getByLabel('回避原因')
        .fill('本人近两年曾为该申报单位提供督导服务，存在利益关系。');
      await e.page.getByRole('dialog').getByRole('button', { name: '确认回避' }).click();
      await toast(e.page, '已声明回避，系统将自动补抽专家');
      // The declined seat moves to the history.
      await visible(e.page.getByRole('row').filter({ hasText: callTitle }).getByText('已回避'));
      await done(e);

      // The buyer sees the replacement, drawn next in the recorded order.
      const b = await as('buyer');
      await b.page.goto(`/app/calls/${callId}/review`);
      const rows = b.page.getByTestId('panel-table').locator('tr.ant-table-row');
      await until(async () => (await rows.count()) === 6, 15_000, 'six panel rows');
      await visible(rows.filter({ hasText: declinedExpert }).getByText('已回避'));
      await visible(rows.filter({ hasText: declinedExpert }).getByText(/曾为该申报单位提供督导服务/));
      const invited: string[] = [];
      for (let i = 0; i < 6; i++) {
        const name = (await rows.nth(i).locator('td').nth(1).textContent())!.trim();
        if (name !== declinedExpert) invited.push(name);
      }
      await screenshot(b.page, 'pipeline-09-replacement');
      await done(b);

      for (const name of invited) {
        const x = await asPanelMember(name);
        await x.card.getByRole('button', { name: '接受邀请' }).click();
        await confirmPop(x.page, '接受');
        await toast(x.page, '已接受评审邀请');
        await done(x);
      }
      panel.push(...invited);
    },
    STEP,
  );

  step(
    'the five experts score the remaining application',
    async () => {
      expect(panel).toHaveLength(5);
      const totals = [
        [17, 21, 16, 12, 17],
        [18, 22, 17, 13, 18],
        [16, 20.5, 15, 12, 16],
        [19, 23, 18, 14, 18.5],
        [15, 19, 14, 11, 15],
      ];
      for (const [i, name] of panel.entries()) {
        const x = await asPanelMember(name);
        await x.card.getByRole('button', { name: '去评分' }).click();
        await x.page.waitForURL(/\/app\/reviews\/[0-9a-f-]{36}$/);
        const card = x.page.getByTestId('score-card').filter({ hasText: applicants[0].title });
        await visible(card);
        // Only the eligible application is scored.
        expect(await x.page.getByTestId('score-card').count()).toBe(1);
        for (const [k, label] of RUBRIC.entries()) {
          await card.getByLabel(label, { exact: true }).fill(String(totals[i][k]));
        }
        const sum = totals[i].reduce((a, b) => a + b, 0);
        await visible(card.getByTestId('sheet-total').getByText(sum.toFixed(1)));
        await card.getByLabel('评语').fill('需求分析扎实，探访网络设计合理；建议细化志愿者培训和风险预案。');
        if (i === 0) await screenshot(x.page, 'pipeline-10-score-sheet');
        await card.getByRole('button', { name: '提交评分' }).click();
        await confirmPop(x.page, '提交');
        await toast(x.page, '评分表已提交');
        await visible(card.getByText(/已于 .* 提交/));
        await done(x);
      }
      expect(WEIGHTS.reduce((a, b) => a + b, 0)).toBe(100);
    },
    STEP,
  );

  step(
    'the buyer compares the three rankings and awards within the budget',
    async () => {
      const s = await as('buyer');
      const { page } = s;
      await page.goto(`/app/calls/${callId}/review`);
      const results = page.getByTestId('review-results');
      await visible(results);
      for (const m of ['去掉最高最低分平均（采用）', '算术平均', 'Z分数标准化'])
        await visible(results.getByRole('columnheader', { name: m }));
      // (17+21+16+12+17=83, 88, 79.5, 92.5, 74) → trimmed mean of 83, 88, 79.5 = 83.50
      await visible(results.getByText('83.50').first());
      await screenshot(page, 'pipeline-11-results');
      const form = page.getByTestId('award-form');
      await form.getByLabel(`选择${applicants[0].orgName}`).check();
      await form.getByRole('button', { name: /确定拟立项/ }).click();
      await toast(page, '已确定拟立项');
      await visible(page.locator('.page-header').getByText('拟立项'));
      await done(s);
    },
    STEP,
  );

  step(
    'publicity opens, a member of the public objects, and the buyer answers',
    async () => {
      const b = await as('buyer');
      await b.page.goto(`/app/calls/${callId}/publicity`);
      await b.page.getByRole('button', { name: '开始公示' }).click();
      await toast(b.page, '立项公示已开始');
      await visible(b.page.locator('.page-header').getByText('立项公示中'));
      await done(b);

      const pub = await newPage({ width: 375, height: 812 }, true);
      await pub.page.goto('/publicity');
      await pub.page.getByRole('link', { name: `${callTitle} 拟立项公示` }).click();
      await visible(pub.page.getByText(applicants[0].title));
      await visible(pub.page.getByText('您的姓名和联系方式不会公开'));
      await pub.page.getByLabel('姓名').fill('王建华');
      await pub.page.getByLabel('联系方式').fill('13987654321');
      await pub.page
        .getByLabel('异议理由')
        .fill('听说该机构去年在别的街道的项目没有按时完成，请核实其履约能力。我的电话13987654321。');
      await screenshot(pub.page, 'pipeline-12-objection-form-mobile');
      await pub.page.getByRole('button', { name: '提交异议' }).click();
      await visible(pub.page.getByText('异议已提交', { exact: true }));
      // Public: the reason without the phone number; never the name.
      const objection = pub.page.getByTestId('objection').first();
      await visible(objection.getByText(/请核实其履约能力/));
      expect(await objection.textContent()).not.toContain('13987654321');
      expect(await objection.textContent()).not.toContain('王建华');
      const overflow = await pub.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(1);
      await done(pub);

      const a = await as('buyer');
      await a.page.goto(`/app/calls/${callId}/publicity`);
      const item = a.page.getByTestId('objection').first();
      await visible(item.getByText(/王建华（13987654321）/));
      await item.getByText('不成立（维持拟立项）').click();
      await item
        .getByLabel('答复意见（将公开）')
        .fill('经核查，该机构上年度项目已按合同完成并通过末期评估（良好），异议不成立。');
      await item.getByRole('button', { name: '提交答复' }).click();
      await toast(a.page, '已答复异议');
      await visible(item.getByText('异议不成立'));
      await screenshot(a.page, 'pipeline-13-objection-answered');
      await done(a);
    },
    STEP,
  );

  step(
    'after five working days the buyer closes the publicity and the contract is signed',
    async () => {
      await server.setClockOffset(40 * DAY);
      const b = await as('buyer');
      const { page } = b;
      await page.goto(`/app/calls/${callId}/publicity`);
      await page.getByRole('button', { name: '结束公示' }).click();
      await confirmPop(page, '结束公示');
      await toast(page, '公示已结束，项目已立项');
      await visible(page.locator('.page-header').getByText('已立项'));

      await page.getByRole('tab', { name: '合同' }).click();
      await page.getByRole('button', { name: '起草合同' }).click();
      await page.waitForURL(/\/app\/contracts\/[0-9a-f-]{36}$/);
      const terms = page.getByTestId('contract-terms');
      // Default milestones 40/30/30; the parties agree on 50/25/25.
      await visible(terms.getByTestId('milestone-total').getByText('合计 100%'));
      await terms.getByLabel('付款节点1比例').fill('50');
      await visible(terms.getByTestId('milestone-total').getByText('合计 110%'));
      await terms.getByLabel('付款节点2比例').fill('25');
      await terms.getByLabel('付款节点3比例').fill('25');
      await visible(terms.getByTestId('milestone-total').getByText('合计 100%'));
      // ¥178,000.50 awarded: 50% is ¥89,000.25.
      await visible(terms.getByTestId('milestone-amount-0').getByText('¥89,000.25'));
      await terms.getByRole('button', { name: '保存条款' }).click();
      await toast(page, '合同条款已保存，请双方确认');
      await screenshot(page, 'pipeline-14-contract-draft');
      await page.getByRole('button', { name: '确认合同' }).click();
      await confirmPop(page, '确认');
      await toast(page, '已确认，等待对方确认');
      const contractUrl = page.url();
      await done(b);

      const p = await as('provider');
      await sideMenu(p.page).getByRole('menuitem', { name: '我的合同' }).click();
      await p.page.getByRole('link', { name: /^HT-/ }).first().click();
      await p.page.waitForURL(contractUrl);
      await visible(p.page.getByText('购买方：已确认'));
      await p.page.getByRole('button', { name: '确认合同' }).click();
      await confirmPop(p.page, '确认');
      await toast(p.page, '合同已签订');
      await visible(p.page.getByText(/合同已于 .* 签订/));
      await screenshot(p.page, 'pipeline-15-contract-signed');
      await done(p);
    },
    STEP,
  );

  step(
    'every public step is on the project’s public timeline',
    async () => {
      const pub = await newPage();
      await pub.page.goto(`/calls/${callId}`);
      const timeline = pub.page.getByTestId('project-timeline');
      for (const step of [
        /发布项目征集/,
        '申报截止',
        /开始评审：随机抽取5名评审专家/,
        '路演评审评分完成',
        `拟立项：${applicants[0].orgName}`,
        /开始立项公示/,
        '收到异议',
        '异议答复：异议不成立',
        /公示结束，1个项目立项/,
        `合同签订：${applicants[0].title}`,
        /合同全部签订/,
      ]) {
        await visible(timeline.getByText(step).first());
      }
      // Each step's audit entry, checked by this browser against the log's signed checkpoint.
      const steps = timeline.locator('.timeline-step');
      const verified = timeline.locator('[data-testid="log-inclusion"][data-state="verified"]');
      await until(
        async () => (await steps.count()) >= 11 && (await verified.count()) === (await steps.count()),
        60_000,
        'every public step verified in the transparency log',
      ).catch(async (error) => {
        const states = await steps.evaluateAll((nodes) =>
          nodes.map(
            (n) =>
              `${n.querySelector('strong')?.textContent}: ${n.querySelector('[data-testid="log-inclusion"]')?.textContent ?? 'no tag'}`,
          ),
        );
        throw new Error(`${error.message}:\n${states.join('\n')}`);
      });
      await visible(timeline.getByText(/已记入公开日志 第 \d+ 条 · 已验证/));
      // The ineligible application and the expert's conflict are internal: not on the public page.
      expect(await timeline.textContent()).not.toContain(applicants[1].orgName);
      expect(await timeline.textContent()).not.toContain(declinedExpert);
      await visible(pub.page.locator('.call-facts').getByText('已签约'));
      await screenshot(pub.page, 'pipeline-16-public-timeline');
      await done(pub);

      const mobile = await newPage({ width: 375, height: 812 }, true);
      await mobile.page.goto(`/calls/${callId}`);
      await visible(mobile.page.getByTestId('project-timeline'));
      const overflow = await mobile.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(1);
      await screenshot(mobile.page, 'pipeline-17-public-call-mobile');
      await done(mobile);

      // The provider reads its awarded application on a phone.
      const phone = await as('provider', DEMO_PASSWORD, { width: 375, height: 812 });
      await phone.page.goto(`/app/applications/${applicants[0].applicationId}`);
      await visible(phone.page.getByText('联合申报主体（1+1+1+N）'));
      await visible(phone.page.getByText('拟立项').first());
      const phoneOverflow = await phone.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(phoneOverflow).toBeLessThanOrEqual(1);
      await screenshot(phone.page, 'pipeline-18-application-mobile');
      await done(phone);
    },
    STEP,
  );

  step(
    'every step is in the audit trail',
    async () => {
      const s = await as('supervisor');
      const { page } = s;
      const steps: [string, string][] = [
        ['call.created', '新建征集'],
        ['call.publish', '发布征集'],
        ['application.cosigned', '社区签章'],
        ['application.submit', '提交申报'],
        ['application.reject', '资格审查不通过'],
        ['call.close', '截止征集'],
        ['review.panel_drawn', '抽取评审专家'],
        ['review.declined', '专家声明回避'],
        ['review.replacement_drawn', '补抽评审专家'],
        ['review.accepted', '专家接受评审'],
        ['review.sheet_submitted', '提交评分表'],
        ['review.completed', '评分完成'],
        ['call.award', '确定拟立项'],
        ['call.openPublicity', '开始立项公示'],
        ['objection.filed', '提出异议'],
        ['objection.answered', '答复异议'],
        ['call.closePublicity', '公示结束，立项'],
        ['contract.created', '起草合同'],
        ['contract.confirmed', '确认合同'],
        ['contract.signed', '合同签订'],
        ['call.contract', '合同全部签订'],
      ];
      for (const [action, label] of steps) {
        await page.goto(`/app/audit?action=${encodeURIComponent(action)}`);
        await visible(page.getByRole('row').filter({ hasText: label }), 20_000);
      }
      // The eligibility reason is in the trail.
      await page.goto('/app/audit?action=application.reject');
      await visible(page.getByRole('row').filter({ hasText: '项目社工证书编号经核验不属实' }));
      await screenshot(page, 'pipeline-19-audit');
      await done(s);
      console.log(`[pipeline] finished with the server clock ${minutes(40 * DAY) / 60 / 24} days ahead`);
    },
    STEP,
  );
});
