import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSIONS, templateIndicators } from '../../../domain/evaluations.js';
import { addDays, addWorkingDays, todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach, snapshotCounts } from '../../testing/expectations.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { auditLog } from '../audit/schema.js';
import { evaluatorOrgs, otherEvaluator, signedContract } from '../projects/test-fixtures.js';
import { publicities } from '../publicity/schema.js';
import { timelineEvents } from '../timeline/schema.js';
import { evaluations, evaluationTemplates } from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const pdf = Buffer.from('%PDF-1.4\n% evaluation report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const DUE = addDays(todayInShanghai(), 30);
const SUMMARY = '项目整体按计划推进，服务台账完整，产出指标基本完成，服务对象满意度较高。';

// An evaluator not assigned to a project gets 404 (tested in projects.api.test.ts), not 403.
const NOT_BUYERS = ['provider', 'station', 'community', 'expert', 'supervisor', 'resident', 'admin', null];

async function startedProject() {
  const fixture = await signedContract(db());
  const res = await (await t.as('provider')).post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture;
}

async function commission(projectId: string, stage: 'midterm' | 'final', body: Record<string, unknown> = {}) {
  const { own } = await evaluatorOrgs(db());
  const res = await (await t.as('buyer')).post(`/api/projects/${projectId}/evaluations`, {
    stage,
    evaluatorOrgId: own,
    dueOn: DUE,
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Scores every indicator at `share` of its weight (rounded to one decimal). */
const scoresAt = (share: number) =>
  templateIndicators(DEFAULT_DIMENSIONS).map((i) => ({
    key: i.key,
    score: Math.round(i.weight * share * 10) / 10,
    note: `${i.name}：见报告`,
  }));

async function submitted(evaluationId: string, share: number, evaluator?: TestClient) {
  const client = evaluator ?? (await t.as('evaluator'));
  const saved = await client.put(`/api/evaluations/${evaluationId}/scores`, {
    scores: scoresAt(share),
    reportSummary: SUMMARY,
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const up = await upload(
    client,
    `/api/evaluations/${evaluationId}/report`,
    pdf,
    '中期评估报告.pdf',
    'application/pdf',
  );
  expect(up.statusCode, up.body).toBe(201);
  const res = await client.post(`/api/evaluations/${evaluationId}/submit`, {});
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function accepted(evaluationId: string) {
  const res = await (await t.as('buyer')).post(`/api/evaluations/${evaluationId}/accept`, {});
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const project = async (id: string, as = 'buyer') =>
  (await (await t.as(as)).get(`/api/projects/${id}`)).json();

describe('indicator systems', () => {
  it('has the default five dimensions with weights adding up to 100 and the default grade bands', async () => {
    const res = await (await t.as('buyer')).get('/api/evaluation-templates');
    expect(res.statusCode).toBe(200);
    const [builtIn] = res.json().items;
    expect(builtIn).toMatchObject({ id: null, bands: { excellent: 90, good: 80, pass: 60 }, actions: [] });
    expect(builtIn.dimensions.map((d: { name: string }) => d.name)).toEqual([
      '项目管理',
      '服务成效',
      '专业性',
      '财务管理',
      '满意度',
    ]);
    expect(templateIndicators(builtIn.dimensions).reduce((s, i) => s + i.weight, 0)).toBe(100);
    expect(res.json().actions).toEqual([]);
    expect((await (await t.as('resident')).get('/api/evaluation-templates')).statusCode).toBe(403);
  });

  it('are kept by admins: weights must add up to 100, bands in order; nothing written otherwise', async () => {
    const admin = await t.as('admin');
    const body = {
      name: '为老服务项目评估指标',
      dimensions: [
        {
          name: '服务成效',
          indicators: [{ key: 'visits', name: '探访完成', weight: 60, guidance: '探访人次' }],
        },
        { name: '满意度', indicators: [{ key: 'sat', name: '满意度', weight: 40 }] },
      ],
    };
    const before = await snapshotCounts(t, [evaluationTemplates]);
    const weights = await admin.post('/api/evaluation-templates', {
      ...body,
      dimensions: [{ name: '服务成效', indicators: [{ key: 'visits', name: '探访完成', weight: 60 }] }],
    });
    expect(weights.statusCode).toBe(422);
    expect(weights.json().details.fields).toEqual([
      { path: 'dimensions', message: '指标权重合计必须为100（当前为60）' },
    ]);
    const bands = await admin.post('/api/evaluation-templates', {
      ...body,
      bands: { excellent: 80, good: 85, pass: 60 },
    });
    expect(bands.json().details.fields).toEqual([
      { path: 'bands', message: '分数线应为 优秀 > 良好 > 合格' },
    ]);
    expect(await snapshotCounts(t, [evaluationTemplates])).toEqual(before);
    await expectDeniedToEach(
      t,
      ['buyer', 'provider', 'evaluator', 'supervisor', 'community', 'resident', null],
      { method: 'POST', url: '/api/evaluation-templates', body },
      [evaluationTemplates],
    );
    const res = await admin.post('/api/evaluation-templates', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: body.name,
      bands: { excellent: 90, good: 80, pass: 60 },
      actions: ['update'],
    });
    const off = await admin.patch(`/api/evaluation-templates/${res.json().id}`, {
      active: false,
      version: 1,
    });
    expect(off.json()).toMatchObject({ active: false, version: 2 });
    const stale = await admin.patch(`/api/evaluation-templates/${res.json().id}`, {
      name: '改名后的模板',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    // A deactivated template cannot be commissioned with.
    const { contract } = await startedProject();
    const { own } = await evaluatorOrgs(db());
    const use = await (await t.as('buyer')).post(`/api/projects/${contract.id}/evaluations`, {
      stage: 'midterm',
      evaluatorOrgId: own,
      dueOn: DUE,
      templateId: res.json().id,
    });
    expect(use.statusCode).toBe(422);
    expect(use.json().message).toBe('所选评估指标模板不存在或已停用');
  });
});

describe('commissioning', () => {
  it('is the buyer’s, for an evaluator organization, once per stage, at the right time', async () => {
    const { contract, call } = await startedProject();
    const url = `/api/projects/${contract.id}/evaluations`;
    const { own } = await evaluatorOrgs(db());
    const buyer = await t.as('buyer');
    const before = await snapshotCounts(t, [evaluations]);
    const bad = await buyer.post(url, {
      stage: 'early',
      evaluatorOrgId: contract.providerOrgId,
      dueOn: '2026-11-01',
    });
    expect(bad.statusCode).toBe(422);
    const notEvaluator = await buyer.post(url, {
      stage: 'midterm',
      evaluatorOrgId: contract.providerOrgId,
      dueOn: DUE,
    });
    expect(notEvaluator.json().message).toBe('请选择一家在册的第三方评估机构');
    const past = await buyer.post(url, { stage: 'midterm', evaluatorOrgId: own, dueOn: todayInShanghai() });
    expect(past.json().details.fields).toEqual([{ path: 'dueOn', message: '评估报告提交期限应晚于今天' }]);
    expect(await snapshotCounts(t, [evaluations])).toEqual(before);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url, body: { stage: 'midterm', evaluatorOrgId: own, dueOn: DUE } },
      [evaluations],
    );

    const [a, b] = await Promise.all([t.client('buyer'), t.client('buyer')]);
    const body = { stage: 'midterm', evaluatorOrgId: own, dueOn: DUE };
    const results = await Promise.all([a.post(url, body), b.post(url, body)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().message).toBe('该项目已有进行中的中期评估');
    const e = results.find((r) => r.statusCode === 201)!.json();
    expect(e).toMatchObject({
      stage: 'midterm',
      status: 'commissioned',
      dueOn: DUE,
      total: null,
      grade: null,
      report: null,
    });
    const events = await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id));
    expect(events.some((ev) => ev.kind === 'evaluation.commissioned')).toBe(true);

    const draft = await signedContract(db());
    const early = await buyer.post(`/api/projects/${draft.contract.id}/evaluations`, body);
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('当前状态为“已签约”，不能委托中期评估');
  });

  it('shows an evaluator only its own organization’s assignments (404 otherwise)', async () => {
    const { contract } = await startedProject();
    const e = await commission(contract.id, 'midterm');
    await otherEvaluator(db());
    const other = await t.as('evaluator2');
    expect((await other.get(`/api/projects/${contract.id}`)).statusCode).toBe(404);
    expect((await other.get(`/api/projects/${contract.id}/evaluations`)).statusCode).toBe(404);
    expect((await other.get(`/api/evaluations/${e.id}`)).statusCode).toBe(404);
    expect((await other.put(`/api/evaluations/${e.id}/scores`, { scores: [] })).statusCode).toBe(404);
    expect(
      (await other.get('/api/projects?pageSize=100')).json().items.map((p: { id: string }) => p.id),
    ).not.toContain(contract.id);
    const own = await t.as('evaluator');
    expect((await own.get(`/api/projects/${contract.id}`)).statusCode).toBe(200);
    expect((await own.get(`/api/evaluations/${e.id}`)).json().actions).toEqual(['score', 'upload', 'submit']);
    expect((await (await t.as('community')).get(`/api/evaluations/${e.id}`)).statusCode).toBe(403);
  });
});

describe('scoring and submitting', () => {
  it('checks each score against its weight, needs every indicator, the summary and a PDF report', async () => {
    const { contract } = await startedProject();
    const e = await commission(contract.id, 'midterm');
    const evaluator = await t.as('evaluator');
    const url = `/api/evaluations/${e.id}`;
    const over = await evaluator.put(`${url}/scores`, {
      scores: [
        { key: 'plan', score: 10.5 },
        { key: 'nope', score: 1 },
        { key: 'team', score: 2.25 },
      ],
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().details.fields.map((f: { path: string }) => f.path)).toEqual(['scores.2.score']);
    const range = await evaluator.put(`${url}/scores`, {
      scores: [
        { key: 'plan', score: 10.5 },
        { key: 'nope', score: 1 },
      ],
    });
    expect(range.json().details.fields).toEqual([
      { path: 'scores.0.score', message: '“实施计划与进度”得分不能超过10分' },
      { path: 'scores.1.key', message: '没有指标“nope”' },
    ]);
    await expectDeniedToEach(t, ['buyer', 'provider', 'supervisor', 'admin'], {
      method: 'PUT',
      url: `${url}/scores`,
      body: { scores: [{ key: 'plan', score: 8 }] },
    });
    const partial = await evaluator.put(`${url}/scores`, {
      scores: [{ key: 'plan', score: 8.5, note: '台账完整' }],
    });
    expect(partial.json().scores).toEqual([{ key: 'plan', score: 8.5, note: '台账完整' }]);
    const early = await evaluator.post(`${url}/submit`, {});
    expect(early.statusCode).toBe(422);
    expect(early.json().details.fields.map((f: { path: string }) => f.path)).toEqual([
      'scores',
      'reportSummary',
      'report',
    ]);
    const image = await upload(evaluator, `${url}/report`, png, 'report.png', 'image/png');
    expect(image.statusCode).toBe(422);
    expect(image.json().message).toBe('评估报告只能上传 PDF 文件');

    const done = await submitted(e.id, 0.855);
    // 85.5% of each weight, one decimal each: the exact sum of the rounded scores.
    const expected = scoresAt(0.855).reduce((s, x) => s + Math.round(x.score * 10), 0) / 10;
    expect(done).toMatchObject({ status: 'submitted', total: expected, grade: 'good', gradeLabel: '良好' });
    expect(done.report).toMatchObject({ name: '中期评估报告.pdf' });
    const file = await (await t.as('buyer')).get(done.report.url);
    expect(file.statusCode).toBe(200);
    expect((await (await t.as('community')).get(done.report.url)).statusCode).toBe(403);
    const locked = await evaluator.put(`${url}/scores`, { scores: [{ key: 'plan', score: 1 }] });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().message).toBe('评估已提交，待确认，不能修改评分');
  });

  it('is returned by the buyer with reasons and submitted again', async () => {
    const { contract } = await startedProject();
    const e = await commission(contract.id, 'midterm');
    await submitted(e.id, 0.9);
    const url = `/api/evaluations/${e.id}`;
    const buyer = await t.as('buyer');
    const noReason = await buyer.post(`${url}/return`, { reason: '' });
    expect(noReason.statusCode).toBe(422);
    await expectDeniedToEach(
      t,
      NOT_BUYERS,
      { method: 'POST', url: `${url}/return`, body: { reason: '满意度调查样本不足' } },
      [evaluations],
    );
    await expectDeniedToEach(t, NOT_BUYERS, { method: 'POST', url: `${url}/accept`, body: {} }, [
      evaluations,
    ]);
    const returned = await buyer.post(`${url}/return`, { reason: '满意度调查样本不足，请补充' });
    expect(returned.json()).toMatchObject({ status: 'returned', returnReason: '满意度调查样本不足，请补充' });
    const accept = await buyer.post(`${url}/accept`, {});
    expect(accept.statusCode).toBe(409);
    expect(accept.json().message).toBe('当前状态为“已退回修改”，不能确认评估结果');
    const again = await (await t.as('evaluator')).post(`${url}/submit`, {});
    expect(again.json()).toMatchObject({ status: 'submitted', returnReason: null });
  });
});

describe('consequences', () => {
  it('mid-term 不合格 opens a rectification re-checked by the same evaluator', async () => {
    const { contract } = await startedProject();
    const e = await commission(contract.id, 'midterm');
    await submitted(e.id, 0.5);
    const results = await Promise.all([
      (await t.client('buyer')).post(`/api/evaluations/${e.id}/accept`, {}),
      (await t.client('buyer')).post(`/api/evaluations/${e.id}/accept`, {}),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const p = await project(contract.id);
    expect(p.status).toBe('midterm_evaluated');
    expect(p.rectifications).toHaveLength(1);
    expect(p.rectifications[0]).toMatchObject({
      origin: 'evaluation',
      evaluationId: e.id,
      evaluatorOrgId: e.evaluatorOrgId,
      status: 'open',
      dueOn: addWorkingDays(todayInShanghai(), 15),
    });
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, e.id));
    expect(audit.filter((a) => a.action === 'evaluation.accept')).toHaveLength(1);
  });

  it('final 合格+ opens the results publicity; objections are the approval publicity’s; closing makes it final', async () => {
    const { contract, call } = await startedProject();
    const mid = await commission(contract.id, 'midterm');
    await submitted(mid.id, 0.8);
    await accepted(mid.id);
    expect((await project(contract.id)).status).toBe('midterm_evaluated');
    const fin = await commission(contract.id, 'final');
    expect((await project(contract.id)).status).toBe('final_evaluation');
    await submitted(fin.id, 0.95);
    const res = await accepted(fin.id);
    expect(res).toMatchObject({ status: 'accepted', grade: 'excellent' });
    expect((await project(contract.id)).status).toBe('results_publicity');
    const [pub] = await db().select().from(publicities).where(eq(publicities.id, res.publicityId));
    expect(pub).toMatchObject({
      kind: 'evaluation',
      callId: call.id,
      closesOn: addWorkingDays(todayInShanghai(), 5),
    });

    const results = (await t.client().then((c) => c.get('/api/public/evaluation-results'))).json();
    expect(results.items.find((r: { evaluationId: string }) => r.evaluationId === fin.id)).toMatchObject({
      grade: 'excellent',
      gradeLabel: '优秀',
      reportSummary: SUMMARY,
      final: false,
    });
    // Not among the approval publicities.
    const approvals = (await (await t.client()).get('/api/public/publicities?pageSize=100')).json();
    expect(approvals.items.map((p: { id: string }) => p.id)).not.toContain(pub.id);

    const objection = await (await t.client()).post(`/api/public/publicities/${pub.id}/objections`, {
      name: '李先生',
      contact: '13800001111',
      reason: '该项目在我们小区的活动次数明显少于报告所说的次数',
    });
    expect(objection.statusCode, objection.body).toBe(201);
    const buyer = await t.as('buyer');
    const close = await buyer.post(`/api/publicities/${pub.id}/close`, {});
    expect(close.statusCode).toBe(409);
    const closeProject = await buyer.post(`/api/projects/${contract.id}/close`, {});
    expect(closeProject.statusCode).toBe(409);
    expect(closeProject.json().message).toContain('末期评估结果尚未生效（公示未结束）');
    const answer = await buyer.post(`/api/objections/${objection.json().id}/answer`, {
      decision: 'rejected',
      answer: '经核查活动记录和社区确认，次数属实',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    await db()
      .update(publicities)
      .set({ opensOn: addDays(todayInShanghai(), -10), closesOn: addDays(todayInShanghai(), -1) })
      .where(eq(publicities.id, pub.id));
    const closed = await buyer.post(`/api/publicities/${pub.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect((await buyer.get(`/api/evaluations/${fin.id}`)).json()).toMatchObject({
      status: 'final',
      grade: 'excellent',
    });
    // The grade is final: closing now waits only on the payments, if anything (funds.api.test.ts).
    const closing = await buyer.post(`/api/projects/${contract.id}/close`, {});
    expect(closing.json().message ?? '').not.toContain('末期评估结果尚未生效');
    const kinds = (await db().select().from(timelineEvents).where(eq(timelineEvents.callId, call.id))).map(
      (ev) => ev.kind,
    );
    for (const kind of [
      'evaluation.accept',
      'project.openResultsPublicity',
      'publicity.objection_filed',
      'evaluation.finalize',
    ])
      expect(kinds).toContain(kind);
  });

  it('an upheld objection sends the final result back to the evaluator', async () => {
    const { contract } = await startedProject();
    const fin = await commission(contract.id, 'final');
    await submitted(fin.id, 0.7);
    const res = await accepted(fin.id);
    const objection = await (await t.client()).post(`/api/public/publicities/${res.publicityId}/objections`, {
      name: '张女士',
      contact: '13900002222',
      reason: '评估报告中的满意度调查并未在我们社区开展过',
    });
    const buyer = await t.as('buyer');
    const answer = await buyer.post(`/api/objections/${objection.json().id}/answer`, {
      decision: 'upheld',
      answer: '经核查满意度调查样本确有问题，退回重评',
    });
    expect(answer.statusCode, answer.body).toBe(200);
    await db()
      .update(publicities)
      .set({ opensOn: addDays(todayInShanghai(), -10), closesOn: addDays(todayInShanghai(), -1) })
      .where(eq(publicities.id, res.publicityId));
    expect((await buyer.post(`/api/publicities/${res.publicityId}/close`, {})).statusCode).toBe(200);
    expect((await buyer.get(`/api/evaluations/${fin.id}`)).json()).toMatchObject({ status: 'returned' });
    expect((await project(contract.id)).status).toBe('final_evaluation');
  });

  it('final 不合格 leaves the buyer to terminate; no publicity', async () => {
    const { contract } = await startedProject();
    const fin = await commission(contract.id, 'final');
    await submitted(fin.id, 0.4);
    const res = await accepted(fin.id);
    expect(res).toMatchObject({ grade: 'fail', publicityId: null });
    const p = await project(contract.id);
    expect(p.status).toBe('final_evaluation');
    expect(p.actions).toEqual(expect.arrayContaining(['terminate', 'rectify']));
    const again = await (await t.as('buyer')).post(`/api/projects/${contract.id}/evaluations`, {
      stage: 'final',
      evaluatorOrgId: fin.evaluatorOrgId,
      dueOn: DUE,
    });
    // A failed final evaluation may be followed by another one (after rectification).
    expect(again.statusCode).toBe(201);
  });
});
