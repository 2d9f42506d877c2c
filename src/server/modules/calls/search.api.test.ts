import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCall } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { publicListQueries } from './service.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await insertCall(t.database.db);
  // 5,000 published calls, each with a word of its own, then fresh statistics: a word found in one
  // of them is the case the GIN index exists for.
  await t.database.db.execute(sql`
    insert into calls (code, buyer_org_id, year, title, category, budget_cap_fen, total_budget_fen,
                       service_period_start, service_period_end, application_opens_at,
                       application_closes_at, rubric, eligibility, status, published_at, search_text)
    select 'PLAN-' || g, c.buyer_org_id, c.year, c.title, c.category, c.budget_cap_fen,
           c.total_budget_fen, c.service_period_start, c.service_period_end, c.application_opens_at,
           c.application_closes_at, c.rubric, c.eligibility, 'published',
           now() - g * interval '1 hour', 'searchplan' || g || ' 社区 养老 服务'
      from (select * from calls where status <> 'draft' limit 1) c, generate_series(1, 5000) g`);
  await t.database.db.execute(sql`analyze calls`);
});
afterAll(() => t.close());

type Client = { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

/** The plan PostgreSQL chooses for a drizzle query, as JSON text. */
async function planOf(query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql: text, params } = query.toSQL();
  const client = (t.database.db as unknown as { $client: Client }).$client;
  const { rows } = await client.query(`explain (format json) ${text}`, params);
  return JSON.stringify(rows[0]['QUERY PLAN']);
}

describe('public call search plan', () => {
  // The page may rightly walk the publication-order index instead (a common word fills a page
  // within a few hundred of the newest calls); it then tests the stored vector, never to_tsvector.
  it('counts through the GIN index of the stored tsvector, and pages on the stored vector', async () => {
    const queries = publicListQueries(t.database.db, { q: 'searchplan4242', page: 1, pageSize: 20 });
    expect(await planOf(queries.count)).toContain('calls_search_vector_idx');
    const page = await planOf(queries.page);
    expect(page).toContain('search_vector @@');
    expect(page).not.toContain('to_tsvector');
    const found = await queries.page;
    expect(found.map((c) => c.code)).toEqual(['PLAN-4242']);
  });
});
