import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInShanghai } from '../../../domain/working-days.js';
import { expectDeniedToEach } from '../../testing/expectations.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { signedContract } from './test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
type Item = { id: string; paidFen: number; spentFen: number; amountFen: number };

/** A started project of 10,000,001 fen with payment 1 (4,000,000 fen) paid and two expenses. */
async function spending() {
  const { contract } = await signedContract(db());
  const provider = await t.as('provider');
  const buyer = await t.as('buyer');
  expect((await provider.post(`/api/projects/${contract.id}/start`, {})).statusCode).toBe(200);
  const requested = await provider.post(`/api/projects/${contract.id}/payments`, { milestoneKey: 'signing' });
  const payment = requested.json().payments[0];
  expect((await buyer.post(`/api/payments/${payment.id}/approve`, {})).statusCode).toBe(200);
  const paid = await buyer.post(`/api/payments/${payment.id}/paid`, {
    paidOn: todayInShanghai(),
    amountFen: payment.amountFen,
    voucherNo: 'GDCZ2026000001',
  });
  expect(paid.statusCode, paid.body).toBe(200);
  for (const [category, amountFen] of [
    ['personnel', 1_234_567],
    ['materials', 33],
  ] as const) {
    const res = await provider.post(`/api/projects/${contract.id}/expenses`, {
      category,
      amountFen,
      spentOn: todayInShanghai(),
      invoiceNo: `FP-${category}-${contract.id.slice(0, 6)}`,
      payee: '某供应商',
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  return contract.id;
}

describe('the buyer’s monitoring list', () => {
  it('shows each project’s paid and spent sums in fen, exactly; nothing for a project without money yet', async () => {
    const id = await spending();
    const { contract: untouched } = await signedContract(db());
    for (const as of ['buyer', 'provider', 'supervisor', 'admin']) {
      const items = (await (await t.as(as)).get('/api/projects?pageSize=100')).json().items as Item[];
      expect(
        items.find((p) => p.id === id),
        as,
      ).toMatchObject({ paidFen: 4_000_000, spentFen: 1_234_600 });
      expect(
        items.find((p) => p.id === untouched.id),
        as,
      ).toMatchObject({ paidFen: 0, spentFen: 0 });
    }
    const page = (await (await t.as('buyer')).get(`/api/projects/${id}`)).json();
    expect(page).toMatchObject({ paidFen: 4_000_000, spentFen: 1_234_600, amountFen: 10_000_001 });
    // Filtered and paged lists carry them too.
    const running = (await (await t.as('buyer')).get('/api/projects?status=in_implementation&pageSize=100'))
      .json()
      .items.find((p: Item) => p.id === id);
    expect(running.spentFen).toBe(1_234_600);
  });

  it('is refused to roles without projects, and to bad queries', async () => {
    await expectDeniedToEach(t, ['community', 'expert', 'resident', null], {
      method: 'GET',
      url: '/api/projects',
    });
    for (const query of ['pageSize=0', 'pageSize=101', 'page=0', 'status=paid'])
      expect((await (await t.as('buyer')).get(`/api/projects?${query}`)).statusCode, query).toBe(422);
  });
});
