import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { auditLog } from '../audit/schema.js';
import { notifications } from '../notifications/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { projects, recoveries, recoveryRepayments, rectifications } from './schema.js';
import { evaluatorOrgs, otherEvaluator, signedContract } from './test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const url = (id: string, step = '') => `/api/projects/${id}${step}`;

// An evaluator not assigned to a project gets 404 (tested below), not 403.
const NOT_PARTIES = ['station', 'community', 'expert', 'supervisor', 'resident', 'admin', null];
const NOT_BUYERS = ['provider', ...NOT_PARTIES];

async function started() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(url(fixture.contract.id, '/start'), {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

async function timeline(callId: string) {
  return db().select().from(timelineEvents).where(eq(timelineEvents.callId, callId));
}

async function audits(targetId: string) {
  return db().select().from(auditLog).where(eq(auditLog.targetId, targetId));
}

describe('a signed contract becomes a project', () => {
  it('is 已签约 until the provider starts it; starting is public, audited and made once', async () => {
    const { contract, call, title } = await signedContract(db());
    const provider = await t.as('provider');
    const before = (await provider.get(url(contract.id))).json();
    expect(before).toMatchObject({
      id: contract.id,
      contractCode: contract.code,
      projectTitle: title,
      status: 'contracted',
      amountFen: 10_000_001,
      rectifications: [],
      recoveries: [],
      actions: ['start'],
    });
    expect((await (await t.as('buyer')).get(url(contract.id))).json().actions).toEqual([
      'start',
      'terminate',
      'rectify',
    ]);

    const res = await provider.post(url(contract.id, '/start'), {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_implementation', version: 2, actions: [] });
    const events = await timeline(call.id);
    expect(events.map((e) => e.title)).toContain(`开始实施：${title}`);
    const [entry] = (await audits(contract.id)).filter((a) => a.action === 'project.start');
    expect(entry).toMatchObject({ visibility: 'public', targetType: 'project' });
    expect(entry.summary).toMatchObject({ from: 'contracted', to: 'in_implementation' });

    const again = await provider.post(url(contract.id, '/start'), {});
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('当前状态为“实施中”，不能开始实施');
  });

  it('starts once under two simultaneous requests', async () => {
    const { contract } = await signedContract(db());
    const [a, b] = await Promise.all([t.client('provider'), t.client('buyer')]);
    const results = await Promise.all([
      a.post(url(contract.id, '/start'), {}),
      b.post(url(contract.id, '/start'), {}),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const starts = (await audits(contract.id)).filter((e) => e.action === 'project.start');
    expect(starts).toHaveLength(1);
  });

  it('answers 403 to everyone but the two parties, 404 for a draft contract, and refuses a stale version', async () => {
    const { contract } = await signedContract(db());
    await expectDeniedToEach(t, NOT_PARTIES, { method: 'POST', url: url(contract.id, '/start') }, [projects]);
    expect((await (await t.as('evaluator')).post(url(contract.id, '/start'), {})).statusCode).toBe(404);
    const draft = await signedContract(db(), { status: 'draft' });
    expect((await (await t.as('provider')).post(url(draft.contract.id, '/start'), {})).statusCode).toBe(404);
    expect((await (await t.as('buyer')).get(url(draft.contract.id))).statusCode).toBe(404);
    const stale = await (await t.as('provider')).post(url(contract.id, '/start'), { version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toBe('该记录已被他人修改，请刷新后重试');
  });

  it('lists the viewer’s own projects; overseers see all', async () => {
    const { contract } = await started();
    const own = (
      await (await t.as('provider')).get('/api/projects?pageSize=100&status=in_implementation')
    ).json();
    expect(own.items.map((p: { id: string }) => p.id)).toContain(contract.id);
    expect(own.items.every((p: { status: string }) => p.status === 'in_implementation')).toBe(true);
    const all = (await (await t.as('supervisor')).get('/api/projects?pageSize=100')).json();
    expect(all.items.map((p: { id: string }) => p.id)).toContain(contract.id);
    expect((await (await t.as('station')).get('/api/projects')).json().items).toEqual([]);
    expect((await (await t.as('resident')).get('/api/projects')).statusCode).toBe(403);
    expect((await (await t.as('community')).get(url(contract.id))).statusCode).toBe(403);
  });
});

describe('evaluators', () => {
  it('see nothing of a project not assigned to them (404), and an assigned one once named', async () => {
    const { contract } = await started();
    const evaluator = await t.as('evaluator');
    expect((await evaluator.get(url(contract.id))).statusCode).toBe(404);
    const list = (await evaluator.get('/api/projects?pageSize=100')).json();
    expect(list.items.map((p: { id: string }) => p.id)).not.toContain(contract.id);

    const { own } = await evaluatorOrgs(db());
    const opened = await (await t.as('buyer')).post(url(contract.id, '/rectifications'), {
      reason: '服务台账记录不完整，需补齐',
      evaluatorOrgId: own,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect((await evaluator.get(url(contract.id))).statusCode).toBe(200);
    expect(
      (await evaluator.get('/api/projects?pageSize=100')).json().items.map((p: { id: string }) => p.id),
    ).toContain(contract.id);
    await otherEvaluator(db());
    expect((await (await t.as('evaluator2')).get(url(contract.id))).statusCode).toBe(404);
  });
});

describe('termination', () => {
  it('needs the buyer and a reason; it is public and ends the project’s running steps', async () => {
    const { contract, call, title } = await started();
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [projects, notifications]);
    const missing = await buyer.post(url(contract.id, '/terminate'), { reason: ' ' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().details.fields).toEqual([{ path: 'reason', message: '终止原因不少于5个字' }]);
    expect(await snapshotCounts(t, [projects, notifications])).toEqual(before);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: url(contract.id, '/terminate'), body: { reason: '承接机构严重违约' } },
      [projects],
    );

    const res = await buyer.post(url(contract.id, '/terminate'), {
      reason: '承接机构严重违约，服务长期未开展',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'terminated',
      terminationReason: '承接机构严重违约，服务长期未开展',
      actions: ['recover', 'close'],
    });
    expect((await timeline(call.id)).find((e) => e.title === `终止项目：${title}`)?.detail).toMatchObject({
      reason: '承接机构严重违约，服务长期未开展',
    });
    const again = await buyer.post(url(contract.id, '/terminate'), { reason: '承接机构严重违约' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('当前状态为“已终止”，不能终止项目');
    const { own } = await evaluatorOrgs(db());
    const rect = await buyer.post(url(contract.id, '/rectifications'), {
      reason: '补齐台账资料',
      evaluatorOrgId: own,
    });
    expect(rect.statusCode).toBe(409);
    expect(rect.json().message).toBe('当前状态为“已终止”，不能要求整改');
  });

  it('cannot close a running project', async () => {
    const { contract } = await started();
    const res = await (await t.as('buyer')).post(url(contract.id, '/close'), {});
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('当前状态为“实施中”，不能结项');
  });
});

describe('rectification', () => {
  it('is due in working days, submitted by the provider and re-checked by the named evaluator', async () => {
    const { contract, call } = await started();
    const buyer = await t.as('buyer');
    const { own } = await evaluatorOrgs(db());
    const before = await snapshotCounts(t, [rectifications, timelineEvents]);
    const shape = await buyer.post(url(contract.id, '/rectifications'), {
      reason: '短',
      workingDays: 0,
      evaluatorOrgId: 'x',
    });
    expect(shape.statusCode).toBe(422);
    expect(
      shape
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['evaluatorOrgId', 'reason', 'workingDays']);
    const notEvaluator = await buyer.post(url(contract.id, '/rectifications'), {
      reason: '服务台账记录不完整',
      evaluatorOrgId: contract.providerOrgId,
    });
    expect(notEvaluator.statusCode).toBe(422);
    expect(notEvaluator.json().message).toBe('请选择一家在册的第三方评估机构');
    expect(await snapshotCounts(t, [rectifications, timelineEvents])).toEqual(before);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      {
        method: 'POST',
        url: url(contract.id, '/rectifications'),
        body: { reason: '服务台账记录不完整', evaluatorOrgId: own },
      },
      [rectifications],
    );

    const res = await buyer.post(url(contract.id, '/rectifications'), {
      reason: '服务台账记录不完整，需补齐',
      workingDays: 10,
      evaluatorOrgId: own,
    });
    expect(res.statusCode, res.body).toBe(201);
    const [rect] = res.json().rectifications;
    expect(rect).toMatchObject({
      status: 'open',
      origin: 'buyer',
      workingDays: 10,
      openedOn: todayInShanghai(),
      dueOn: addWorkingDays(todayInShanghai(), 10),
    });
    expect(res.json().actions).not.toContain('rectify');
    const second = await buyer.post(url(contract.id, '/rectifications'), {
      reason: '另一项整改要求',
      evaluatorOrgId: own,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toBe('该项目已有未完成的整改');
    expect((await timeline(call.id)).some((e) => e.kind === 'rectification.opened')).toBe(true);

    const submit = `/api/rectifications/${rect.id}/submit`;
    const body = {
      plan: '逐月补录服务台账并由社区核对签字',
      evidence: '已补录10月至11月台账共42条，社区已签字确认',
    };
    const badSubmit = await (await t.as('provider')).post(submit, { plan: '补', evidence: '' });
    expect(badSubmit.statusCode).toBe(422);
    await expectDeniedToEach(
      t,
      ['buyer', 'station', 'community', 'expert', 'supervisor', 'resident', 'admin', null],
      { method: 'POST', url: submit, body },
      [rectifications],
    );
    const evaluator = await t.as('evaluator');
    const early = await evaluator.post(`/api/rectifications/${rect.id}/check`, { decision: 'passed' });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('当前状态为“整改中”，不能整改复核合格');
    const submitted = await (await t.as('provider')).post(submit, body);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().rectifications[0]).toMatchObject({ status: 'submitted', ...body, actions: [] });

    const check = `/api/rectifications/${rect.id}/check`;
    await otherEvaluator(db());
    expect((await (await t.as('evaluator2')).post(check, { decision: 'passed' })).statusCode).toBe(404);
    await expectDeniedToEach(t, ['buyer', 'provider', 'supervisor', 'admin'], {
      method: 'POST',
      url: check,
      body: { decision: 'passed' },
    });
    const noNote = await evaluator.post(check, { decision: 'failed' });
    expect(noNote.statusCode).toBe(422);
    expect(noNote.json().details.fields).toEqual([
      { path: 'note', message: '复核不合格时请填写不少于5个字的意见' },
    ]);
    const results = await Promise.all([
      evaluator.post(check, { decision: 'passed', note: '台账已补齐' }),
      (await t.client('evaluator')).post(check, { decision: 'failed', note: '台账仍有缺漏' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const [done] = await db().select().from(rectifications).where(eq(rectifications.id, rect.id));
    expect(['passed', 'failed']).toContain(done.status);
    expect((await audits(rect.id)).filter((a) => a.action === 'rectification.checked')).toHaveLength(1);
    // Finished: the buyer may require another.
    expect((await buyer.get(url(contract.id))).json().actions).toContain('rectify');
  });
});

describe('recovery of funds', () => {
  async function terminated() {
    const fixture = await started();
    const res = await (await t.as('buyer')).post(url(fixture.contract.id, '/terminate'), {
      reason: '末期评估不合格，终止项目',
    });
    expect(res.statusCode).toBe(200);
    return fixture;
  }

  it('is for a terminated project, repaid exactly in fen until settled, then the project closes', async () => {
    const running = await started();
    const buyer = await t.as('buyer');
    const body = { amountFen: 3_000_001, reason: '未完成服务对应的资金', dueOn: '2026-12-31' };
    const early = await buyer.post(url(running.contract.id, '/recoveries'), body);
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('只有已终止的项目可以追回资金');

    const { contract, call } = await terminated();
    const before = await snapshotCounts(t, [recoveries]);
    const tooMuch = await buyer.post(url(contract.id, '/recoveries'), { ...body, amountFen: 10_000_002 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().message).toBe('追回金额不能高于合同金额¥100,000.01');
    const past = await buyer.post(url(contract.id, '/recoveries'), { ...body, dueOn: '2026-11-30' });
    expect(past.json().details.fields).toEqual([{ path: 'dueOn', message: '追回期限不能早于今天' }]);
    const shape = await buyer.post(url(contract.id, '/recoveries'), {
      amountFen: 1.5,
      reason: '',
      dueOn: '2026-02-30',
    });
    expect(
      shape
        .json()
        .details.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['amountFen', 'dueOn', 'reason']);
    expect(await snapshotCounts(t, [recoveries])).toEqual(before);
    await expectDeniedToEach(t, NOT_BUYERS, { method: 'POST', url: url(contract.id, '/recoveries'), body }, [
      recoveries,
    ]);

    const opened = await buyer.post(url(contract.id, '/recoveries'), body);
    expect(opened.statusCode, opened.body).toBe(201);
    const [recovery] = opened.json().recoveries;
    expect(recovery).toMatchObject({
      status: 'open',
      amountFen: 3_000_001,
      repaidFen: 0,
      outstandingFen: 3_000_001,
    });

    const closeEarly = await buyer.post(url(contract.id, '/close'), {});
    expect(closeEarly.statusCode).toBe(409);
    expect(closeEarly.json().message).toBe('不能结项：尚有1笔追回款项未结清');

    const repay = `/api/recoveries/${recovery.id}/repayments`;
    const first = await buyer.post(repay, {
      amountFen: 1_000_000,
      paidOn: '2026-11-20',
      voucherNo: 'HK-001',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().recoveries[0]).toMatchObject({ repaidFen: 1_000_000, outstandingFen: 2_000_001 });
    const rowsBefore = await snapshotCounts(t, [recoveryRepayments]);
    const over = await buyer.post(repay, { amountFen: 2_000_002, paidOn: '2026-11-21', voucherNo: 'HK-002' });
    expect(over.statusCode).toBe(422);
    expect(over.json().message).toBe('还款金额超过待追回金额¥20,000.01');
    const future = await buyer.post(repay, { amountFen: 1, paidOn: '2026-12-02', voucherNo: 'HK-002' });
    expect(future.json().details.fields).toEqual([{ path: 'paidOn', message: '还款日期不能晚于今天' }]);
    expect(await snapshotCounts(t, [recoveryRepayments])).toEqual(rowsBefore);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: repay, body: { amountFen: 1, paidOn: '2026-11-21', voucherNo: 'HK-X' } },
      [recoveryRepayments],
    );

    // Two simultaneous repayments of the rest: one is recorded and settles, the other finds nothing owed.
    const rest = { amountFen: 2_000_001, paidOn: '2026-12-01', voucherNo: 'HK-003' };
    const results = await Promise.all([buyer.post(repay, rest), (await t.client('buyer')).post(repay, rest)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const settled = (await buyer.get(url(contract.id))).json().recoveries[0];
    expect(settled).toMatchObject({
      status: 'settled',
      repaidFen: 3_000_001,
      outstandingFen: 0,
      actions: [],
    });
    expect(settled.repayments.map((p: { amountFen: number }) => p.amountFen)).toEqual([1_000_000, 2_000_001]);
    expect((await audits(recovery.id)).filter((a) => a.action === 'recovery.settle')).toHaveLength(1);

    const closed = await buyer.post(url(contract.id, '/close'), {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', actions: [] });
    const kinds = (await timeline(call.id)).map((e) => e.kind);
    for (const kind of [
      'project.start',
      'project.terminate',
      'recovery.opened',
      'recovery.repaid',
      'recovery.settle',
      'project.close',
    ])
      expect(kinds).toContain(kind);
    const providerNotes = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, 'recovery.opened'),
          eq(notifications.link, `/app/projects/${contract.id}`),
        ),
      );
    expect(providerNotes.length).toBeGreaterThan(0);
  });
});
