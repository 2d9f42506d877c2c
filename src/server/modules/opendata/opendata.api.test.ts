import { gunzipSync } from 'node:zlib';
import { isNotNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fenOf } from '../../../domain/ocds.js';
import { containsPersonalData } from '../../../domain/personal-data.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';
import { signedContract } from '../projects/test-fixtures.js';
import { appendTimeline } from '../timeline/service.js';
import { ocdsValidators } from './validate.js';

let t: TestApp;
const DAY = 86_400_000;
const { releasePackage: validReleasePackage, recordPackage: validRecordPackage, errors } = ocdsValidators();

type Release = { ocid: string; id: string; date: string; tag: string[]; [k: string]: unknown };
type Contract = { id: string; value?: { amount: number; currency: string } };

/** A call taken through publication, approval publicity and both signatures, as the services do it. */
async function project(amountFen: number, title: string) {
  const db = t.database.db;
  const f = await signedContract(db, { status: 'draft', amountFen, title });
  const facts = [{ awardId: f.award.id, amountFen, projectTitle: f.title, rank: 1 }];
  const at = (days: number) => new Date(Date.now() - days * DAY);
  await db.transaction(async (tx) => {
    await appendTimeline(tx, f.call.id, {
      kind: 'call.publish',
      title: `发布项目征集（${f.call.code}）`,
      detail: { code: f.call.code },
      at: at(30),
    });
    await appendTimeline(tx, f.call.id, { kind: 'call.close', title: '申报截止', at: at(20) });
    await appendTimeline(tx, f.call.id, {
      kind: 'call.openPublicity',
      title: '开始立项公示',
      detail: { awards: facts },
      at: at(10),
    });
    await appendTimeline(tx, f.call.id, {
      kind: 'call.closePublicity',
      title: '公示结束',
      detail: { approved: facts, revoked: [] },
      at: at(3),
    });
  });
  const buyer = await t.as('buyer');
  const contract = (await buyer.get(`/api/contracts/${f.contract.id}`)).json();
  for (const who of ['buyer', 'provider']) {
    const res = await (await t.as(who)).post(`/api/contracts/${f.contract.id}/confirm`, {
      termsDigest: contract.termsDigest,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { ...f, ocid: `${t.config.OCDS_PREFIX}-${f.call.code}` };
}

/** Every release, walking links.next from the first page; each page validated. */
async function walk(limit: number) {
  const visitor = await t.client();
  const seen: Release[] = [];
  let url: string | null = `/api/opendata/ocds/releases?limit=${limit}`;
  while (url) {
    const res = await visitor.get(url);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(validReleasePackage(page), errors(validReleasePackage)).toBe(true);
    expect(page.releases.length).toBeLessThanOrEqual(limit);
    seen.push(...page.releases);
    url = page.links?.next ? new URL(page.links.next).pathname + new URL(page.links.next).search : null;
  }
  return seen;
}

const record = async (ocid: string) => (await t.client()).get(`/api/opendata/ocds/records/${ocid}`);

let first: Awaited<ReturnType<typeof project>>;
let second: Awaited<ReturnType<typeof project>>;

beforeAll(async () => {
  t = await buildTestApp();
  first = await project(12_345_678, '开放数据测试：乐龄同行社区居家养老服务项目');
  second = await project(8_000_050, '开放数据测试：童心港湾儿童关爱服务项目');
});
afterAll(() => t.close());

describe('OCDS releases', () => {
  it('pages walk the whole list through links.next, with no duplicate and no gap', async () => {
    const all = await walk(1000);
    expect(all.length).toBeGreaterThanOrEqual(10);
    const paged = await walk(3);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(new Set(paged.map((r) => r.id)).size).toBe(paged.length);
    // Oldest first, by date then id: the cursor's order.
    const dates = all.map((r) => Date.parse(r.date));
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    for (const r of all) expect(r.date).toMatch(/\+08:00$/);
  });

  it('maps each step to its tag, under one ocid per call, with parties by credit code', async () => {
    const res = await record(first.ocid);
    expect(res.statusCode, res.body).toBe(200);
    const pkg = res.json();
    expect(validRecordPackage(pkg), errors(validRecordPackage)).toBe(true);
    const [rec] = pkg.records;
    expect(rec.releases.map((r: Release) => r.tag[0])).toEqual([
      'tender',
      'tenderUpdate',
      'award',
      'awardUpdate',
      'contract',
    ]);
    const compiled = rec.compiledRelease;
    expect(compiled.tag).toEqual(['compiled']);
    expect(compiled.tender).toMatchObject({
      status: 'active',
      procurementMethod: 'open',
      mainProcurementCategory: 'services',
    });
    expect(compiled.awards).toEqual([
      expect.objectContaining({ status: 'active', value: { amount: 123456.78, currency: 'CNY' } }),
    ]);
    expect(compiled.contracts[0]).toMatchObject({
      status: 'active',
      value: { amount: 123456.78, currency: 'CNY' },
    });
    const [provider] = await t.database.db
      .select({ creditCode: orgs.creditCode })
      .from(orgs)
      .where(sql`${orgs.id} = ${first.contract.providerOrgId}`);
    const supplier = compiled.parties.find((p: { roles: string[] }) => p.roles.includes('supplier'));
    expect(supplier.identifier).toEqual(
      expect.objectContaining({ scheme: 'CN-USCC', id: provider.creditCode }),
    );
    expect(compiled.parties.find((p: { roles: string[] }) => p.roles.includes('buyer')).roles).toEqual([
      'buyer',
      'procuringEntity',
      'payer',
    ]);
  });

  it('an amendment adds a release and leaves every earlier one byte-identical; contract values sum to the statistics', async () => {
    const before = new Map((await walk(1000)).map((r) => [r.id, JSON.stringify(r)]));
    const buyer = await t.as('buyer');
    const amended = await buyer.post(`/api/contracts/${second.contract.id}/amendments`, {
      reason: '服务对象增加，追加服务经费',
      changes: { amountFen: 9_000_000, periodEnd: '2028-03-31' },
    });
    expect(amended.statusCode, amended.body).toBe(201);

    const after = await walk(1000);
    const added = after.filter((r) => !before.has(r.id));
    expect(added.map((r) => r.tag)).toEqual([['contractAmendment']]);
    for (const r of after) if (before.has(r.id)) expect(JSON.stringify(r)).toBe(before.get(r.id));

    const rec = (await record(second.ocid)).json().records[0];
    expect(rec.compiledRelease.contracts[0].value).toEqual({ amount: 90000, currency: 'CNY' });
    expect(rec.compiledRelease.contracts[0].period.endDate).toBe('2028-03-31T23:59:59+08:00');

    // The sum of the contracts' values in the OCDS data equals the signed contracts' current value.
    const ocids = [...new Set(after.map((r) => r.ocid))];
    let ocdsFen = 0;
    for (const ocid of ocids) {
      const compiled = (await record(ocid)).json().records[0].compiledRelease;
      for (const c of (compiled.contracts ?? []) as Contract[]) if (c.value) ocdsFen += fenOf(c.value);
    }
    const [{ fen }] = await t.database.db
      .select({ fen: sql<string>`coalesce(sum(${contracts.amountFen}), 0)::text` })
      .from(contracts)
      .where(isNotNull(contracts.signedAt));
    expect(ocdsFen).toBe(Number(fen));
    expect(ocdsFen).toBe(12_345_678 + 9_000_000);
    const stats = await (await t.client()).get('/api/public/stats');
    expect(stats.statusCode).toBe(200);
    expect(ocdsFen).toBe(stats.json().totals.amountFen);
  });

  it('answers 404 for an unknown ocid and 422 for a bad cursor or limit, with a clear message', async () => {
    const visitor = await t.client();
    const missing = await record(`${t.config.OCDS_PREFIX}-NO-SUCH-CALL`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain('不存在');
    for (const cursor of ['abc', Buffer.from('0000000000000|x').toString('base64url'), '%%%']) {
      const res = await visitor.get(`/api/opendata/ocds/releases?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(422);
      expect(res.json().message).toContain('分页游标无效');
    }
    expect((await visitor.get('/api/opendata/ocds/releases?limit=0')).statusCode).toBe(422);
    expect((await visitor.get('/api/opendata/tables/users.csv')).statusCode).toBe(422);
  });
});

describe('downloads', () => {
  /** Phone numbers and contacts the demo organizations hold: none may appear in open data. */
  const contacts = async () =>
    (
      await t.database.db
        .select({ phone: orgs.contactPhone, name: orgs.contactName, rep: orgs.legalRepresentative })
        .from(orgs)
    )
      .flatMap((o) => [o.phone, o.name, o.rep])
      .filter((v): v is string => !!v && v.length >= 2);

  it('serves the bulk file as one gzip release package that validates and holds every release', async () => {
    const res = await (await t.client()).get('/api/opendata/ocds/bulk.json.gz');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toContain('attachment');
    const text = gunzipSync(res.rawPayload).toString('utf8');
    const pkg = JSON.parse(text);
    expect(validReleasePackage(pkg), errors(validReleasePackage)).toBe(true);
    expect(pkg.releases.map((r: Release) => r.id)).toEqual((await walk(1000)).map((r) => r.id));
    expect(containsPersonalData(text)).toBe(false);
    for (const c of await contacts()) expect(text).not.toContain(c);
  });

  it('serves CSV with a UTF-8 BOM and Excel for projects, awards, contracts and payments, without personal data', async () => {
    const visitor = await t.client();
    const personal = await contacts();
    for (const dataset of ['projects', 'awards', 'contracts', 'payments']) {
      const csv = await visitor.get(`/api/opendata/tables/${dataset}.csv`);
      expect(csv.statusCode, dataset).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = csv.rawPayload.subarray(3).toString('utf8');
      expect(containsPersonalData(text), dataset).toBe(false);
      for (const c of personal) expect(text).not.toContain(c);

      const xlsx = await visitor.get(`/api/opendata/tables/${dataset}.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
      // Cell by cell: joined, neighbouring numbers (rank, score, amount) would read as one phone number.
      for (const cell of cells) expect(containsPersonalData(cell), cell).toBe(false);
    }
    const contractsCsv = (await visitor.get('/api/opendata/tables/contracts.csv')).rawPayload.toString(
      'utf8',
    );
    expect(contractsCsv).toContain('合同金额（元，含变更）');
    expect(contractsCsv).toContain('123456.78');
  });
});
