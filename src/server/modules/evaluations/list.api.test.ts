import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { evaluatorOrgs, otherEvaluator, signedContract } from '../projects/test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
type Item = { id: string; projectId: string; projectTitle: string; status: string; actions: string[] };

const list = async (as: string, query = '') => {
  const res = await (await t.as(as)).get(`/api/evaluations${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Item[]; total: number };
};

/** A started project with a mid-term evaluation commissioned from `evaluatorOrgId`, due in `days`. */
async function commissioned(evaluatorOrgId: string, days: number) {
  const { contract, title } = await signedContract(db());
  expect((await (await t.as('provider')).post(`/api/projects/${contract.id}/start`, {})).statusCode).toBe(
    200,
  );
  const res = await (await t.as('buyer')).post(`/api/projects/${contract.id}/evaluations`, {
    stage: 'midterm',
    evaluatorOrgId,
    dueOn: addDays(todayInShanghai(), days),
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, projectId: contract.id, title };
}

describe('GET /api/evaluations', () => {
  let mine: Awaited<ReturnType<typeof commissioned>>;
  let later: Awaited<ReturnType<typeof commissioned>>;
  let theirs: Awaited<ReturnType<typeof commissioned>>;

  beforeAll(async () => {
    const { own } = await evaluatorOrgs(db());
    const other = await otherEvaluator(db());
    later = await commissioned(own, 40);
    mine = await commissioned(own, 20);
    theirs = await commissioned(other, 30);
  });

  it('gives the evaluator its own organization’s evaluations only, soonest due first, with what it may do', async () => {
    const { items, total } = await list('evaluator');
    expect(items.map((i) => i.id)).toEqual([mine.id, later.id]);
    expect(total).toBe(2);
    expect(items[0]).toMatchObject({
      projectId: mine.projectId,
      projectTitle: mine.title,
      status: 'commissioned',
      evaluatorName: '云南社会工作评估研究中心',
      actions: ['score', 'upload', 'submit'],
    });
    expect((await list('evaluator2')).items.map((i) => i.id)).toEqual([theirs.id]);
  });

  it('gives the buyer and the provider their projects’ evaluations, overseers all, another buyer none', async () => {
    for (const as of ['buyer', 'provider', 'admin', 'supervisor']) {
      const ids = (await list(as, '?pageSize=100')).items.map((i) => i.id);
      expect(ids, as).toEqual(expect.arrayContaining([mine.id, later.id, theirs.id]));
    }
    expect((await list('buyer')).items.every((i) => i.actions.length === 0)).toBe(true);
    expect((await list('station')).items).toEqual([]);
  });

  it('filters by stage, state, grade and open, and pages', async () => {
    expect((await list('evaluator', '?stage=final')).items).toEqual([]);
    expect((await list('evaluator', '?grade=fail')).items).toEqual([]);
    expect((await list('evaluator', '?status=commissioned&open=true')).total).toBe(2);
    expect((await list('evaluator', '?status=accepted')).items).toEqual([]);
    const page2 = await list('evaluator', '?pageSize=1&page=2');
    expect(page2.items.map((i) => i.id)).toEqual([later.id]);
    expect(page2.total).toBe(2);
  });

  it('refuses roles without evaluations and bad queries', async () => {
    await expectDeniedToEach(t, ['community', 'expert', 'resident', null], {
      method: 'GET',
      url: '/api/evaluations',
    });
    for (const query of [
      '?pageSize=0',
      '?pageSize=101',
      '?status=done',
      '?stage=yearly',
      '?grade=poor',
      '?open=maybe',
      '?page=x',
    ])
      expect((await (await t.as('evaluator')).get(`/api/evaluations${query}`)).statusCode, query).toBe(422);
  });
});
