/**
 * No personal data in public: on the demo seed, personal data in every variant the masking test
 * knows is planted where anonymous visitors and ordinary users write public text (objections,
 * a provider's project titles) and where buyers do (call descriptions, reasons, answers, plan
 * notes, file names); then every GET endpoint of the OpenAPI document is crawled as an anonymous
 * visitor, following the ids that list responses give to detail endpoints, together with the
 * transparency log's entries, the public workbook and the web pages' HTML shell. No answer may
 * contain a planted value in any form (searched in the NFKC-normalized, zero-width-stripped,
 * separator-free text), nor anything the masking still calls a phone, ID-card number or e-mail.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsPersonalData } from '../domain/personal-data.js';
import { awards } from './modules/awards/schema.js';
import { decodeBundle } from './modules/transparency/lib/entries.js';
import { tilePath, tilesOf } from './modules/transparency/lib/tiles.js';
import { integrate, loadLogSigner } from './modules/transparency/service.js';
import { insertApplication, insertCall, sampleProposal } from './testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from './testing/test-app.js';
import { upload } from './testing/uploads.js';

/** What is planted, and the value that must not come back in any form. */
const VARIANTS: { what: string; text: string; needle: string }[] = [
  { what: 'mobile', text: '13987650001', needle: '13987650001' },
  { what: 'mobile in groups', text: '139 8765 0002', needle: '13987650002' },
  { what: 'mobile with dashes', text: '139-8765-0003', needle: '13987650003' },
  { what: 'mobile with dots', text: '139.8765.0004', needle: '13987650004' },
  { what: '+86 mobile', text: '+8613987650005', needle: '13987650005' },
  { what: '0086 mobile in groups', text: '0086 139 8765 0006', needle: '13987650006' },
  { what: 'full-width mobile', text: '１３９８７６５０００７', needle: '13987650007' },
  { what: 'mobile with zero-width spaces', text: '139\u200b8765\u200b0008', needle: '13987650008' },
  { what: 'mixed widths with a joiner', text: '１３９\u200d8765 ０００９', needle: '13987650009' },
  { what: 'landline', text: '0871-65430010', needle: '087165430010' },
  { what: 'landline with extension', text: '（0871）6543 0011转801', needle: '087165430011' },
  { what: 'ID number', text: '53010219900307001X', needle: '53010219900307001X' },
  { what: 'ID number in groups', text: '5301 0219 9003 0700 2X', needle: '53010219900307002X' },
  { what: 'e-mail', text: 'crawlmaila@example.com', needle: 'crawlmaila' },
  { what: 'e-mail (at)', text: 'crawlmailb(at)example.com', needle: 'crawlmailb' },
  { what: 'e-mail at … dot …', text: 'crawlmailc at example dot com', needle: 'crawlmailc' },
  { what: 'full-width e-mail', text: 'crawlmaild＠example．com', needle: 'crawlmaild' },
  { what: 'e-mail [at] [dot]', text: 'crawlmaile[at]example[dot]cn', needle: 'crawlmaile' },
  { what: 'QQ', text: 'QQ：98765012', needle: '98765012' },
  { what: '扣扣', text: '扣扣 98765013', needle: '98765013' },
  { what: 'WeChat', text: '微信：crawlwx_14', needle: 'crawlwx_14' },
  { what: 'VX', text: 'VX: crawlwx-15', needle: 'crawlwx-15' },
];
/** The objector: their name is masked wherever their objection is shown. */
const NAME = '冯小满';
/** A name in staff-written text: names are not patterns, only a known person's name is masked. */
const STAFF = '王建国';
const CONTACT = '13987650099';
const FILE_PHONE = '13987650031';
const NEEDLES = [
  ...VARIANTS,
  { what: 'objector name', text: NAME, needle: NAME },
  { what: 'objector contact', text: CONTACT, needle: CONTACT },
  { what: 'phone in a file name', text: FILE_PHONE, needle: FILE_PHONE },
];
const ALL = VARIANTS.map((v) => v.text).join('；');

/** The text a search for planted values runs on: NFKC, no invisible characters, no separators. */
const compact = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\p{Cf}\p{Mn}\p{Me}]/gu, '')
    .toLowerCase()
    .replace(/[\s\-.·_()\u2010-\u2015]/gu, '');

let t: TestApp;
let buyer: TestClient;
let publicityId: string;
const internalViews: string[] = [];

async function plant() {
  const db = t.database.db;
  buyer = await t.as('buyer');
  // A buyer's published call: description, target groups, a file whose name has a phone number.
  const published = await insertCall(db, {
    title: `社区服务征集（联系人${VARIANTS[0].text}）`,
    descriptionHtml: `<p>项目联系人${STAFF}</p><p>${ALL}</p><p><a href="mailto:crawlmaila@example.com">邮件</a></p>`,
    targetGroups: [`微信：crawlwx_14`],
  });
  const attached = await upload(
    buyer,
    `/api/calls/${published.id}/attachments`,
    Buffer.from('%PDF-1.4\n% crawl\n%%EOF\n'),
    `联系人${FILE_PHONE}.pdf`,
  );
  expect(attached.statusCode, attached.body).toBe(201);
  // A cancelled call: the reason is public (status reason, timeline, public audit entry).
  const cancelled = await insertCall(db);
  const cancel = await buyer.post(`/api/calls/${cancelled.id}/cancel`, { reason: `联系人${STAFF}：${ALL}` });
  expect(cancel.statusCode, cancel.body).toBe(200);
  // A plan line with a note.
  const plan = await buyer.post('/api/plans', {
    year: 2026,
    title: `年度计划项目（联系${VARIANTS[1].text}）`,
    category: 'elderly',
    budgetFen: 10_000_000,
    plannedQuarter: 2,
    note: ALL.slice(0, 500),
  });
  expect(plan.statusCode, plan.body).toBe(201);

  // A provider's project titles, public once awarded, in publicity.
  const call = await insertCall(db, { status: 'awarded' });
  const awardRows = [];
  for (const [i, v] of VARIANTS.slice(0, 3).entries()) {
    const application = await insertApplication(db, call, {
      status: 'awarded',
      proposal: sampleProposal(`第${i + 1}名：社区为老服务（负责人${STAFF}，${v.text}）`),
    });
    const [award] = await db
      .insert(awards)
      .values({
        callId: call.id,
        applicationId: application.id,
        amountFen: 10_000_000,
        rank: i + 1,
        scoreCenti: 9000 - i * 100,
        status: 'proposed',
      })
      .returning();
    awardRows.push(award);
  }
  const opened = await buyer.post(`/api/calls/${call.id}/publicity`, {});
  expect(opened.statusCode, opened.body).toBe(201);
  publicityId = opened.json().id;

  // Objections from anonymous visitors, one per variant and one with all of them.
  const visitor = await t.client();
  const csrf = visitor.cookies.get('csrf_token') ?? '';
  const objectionIds: string[] = [];
  const reasons = [...VARIANTS.map((v) => `我是${NAME}，联系方式${v.text}，该机构申报材料与实际不符。`), ALL];
  for (const [i, reason] of reasons.entries()) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/public/publicities/${publicityId}/objections`,
      payload: { awardId: i % 2 ? awardRows[0].id : null, name: NAME, contact: CONTACT, reason },
      remoteAddress: `127.0.5.${i + 1}`,
      headers: { 'x-csrf-token': csrf, cookie: `csrf_token=${csrf}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    objectionIds.push(res.json().id);
  }
  // The buyer's answers quote the objector; an upheld one revokes an award with that reason.
  const rejected = await buyer.post(`/api/objections/${objectionIds[0]}/answer`, {
    decision: 'rejected',
    answer: `已电话联系${NAME}（${ALL}）核实，情况不属实。`,
  });
  expect(rejected.statusCode, rejected.body).toBe(200);
  const upheld = await buyer.post(`/api/objections/${objectionIds[1]}/answer`, {
    decision: 'upheld',
    answer: `经与${NAME}（${VARIANTS[3].text}）核实，异议成立。`,
  });
  expect(upheld.statusCode, upheld.body).toBe(200);
  internalViews.push(upheld.body, (await buyer.get(`/api/calls/${cancelled.id}`)).body);

  // The transparency log publishes every public audit entry written so far.
  await integrate(db, await loadLogSigner(db, t.config));
}

beforeAll(async () => {
  t = await buildTestApp();
  await plant();
});
afterAll(() => t.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Seen {
  /** uuid values by the key they were found under. */
  idsByKey: Map<string, Set<string>>;
  /** `id` values of the items of each list URL (path without query). */
  idsByList: Map<string, Set<string>>;
  /** Links found in answers (`/api/files/…`). */
  links: Set<string>;
  years: Set<number>;
}

function learn(value: unknown, url: string, seen: Seen, key = '') {
  if (typeof value === 'string') {
    if (UUID.test(value)) {
      const byKey = seen.idsByKey.get(key) ?? new Set();
      seen.idsByKey.set(key, byKey.add(value));
      if (key === 'id') {
        const list = url.split('?')[0];
        seen.idsByList.set(list, (seen.idsByList.get(list) ?? new Set()).add(value));
      }
    } else if (value.startsWith('/api/')) seen.links.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) learn(v, url, seen, key === 'years' ? 'years' : key);
  } else if (typeof value === 'number' && key === 'years') seen.years.add(value);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) learn(v, url, seen, k);
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

async function workbookText(buffer: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const sheet of workbook.worksheets)
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(cell.text);
      });
    });
  return cells;
}

type Answer = Awaited<ReturnType<TestClient['get']>>;

/** Headers that carry text a person wrote (the others: dates, lengths, random tokens, hashes). */
const TEXT_HEADERS = ['content-disposition', 'location', 'link'];

/** Every string an answer shows: text headers, and its body as JSON, workbook, text or log entries. */

async function textsOf(res: Answer, url: string): Promise<{ texts: string[]; json?: unknown }> {
  const headers = TEXT_HEADERS.flatMap((h) => (res.headers[h] === undefined ? [] : [String(res.headers[h])]));
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const json = res.json();
    return { texts: [...headers, ...strings(json)], json };
  }
  if (type.includes('spreadsheetml')) return { texts: [...headers, ...(await workbookText(res.rawPayload))] };
  if (url.includes('/tile/entries/'))
    return {
      texts: [...headers, ...decodeBundle(res.rawPayload).flatMap((e) => strings(JSON.parse(String(e))))],
    };
  if (type.startsWith('text/')) return { texts: [...headers, res.body] };
  return { texts: headers };
}

const problems: string[] = [];
const publicRoutes = new Set<string>();
let fetched = 0;

function check(texts: string[], where: string) {
  for (const text of texts)
    if (containsPersonalData(text))
      problems.push(`${where}: personal data in ${JSON.stringify(text.slice(0, 200))}`);
  const haystack = compact(texts.join('\n'));
  for (const { what, needle } of NEEDLES)
    if (haystack.includes(compact(needle))) problems.push(`${where}: planted ${what} (${needle})`);
}

/** Fetches a URL once; answers its status (0 when already visited). */
async function visit(client: TestClient, url: string, template: string, seen: Seen, visited: Set<string>) {
  if (visited.has(url)) return 0;
  visited.add(url);
  const res = await client.get(url);
  fetched++;
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode !== 200) return res.statusCode;
  publicRoutes.add(template);
  const { texts, json } = await textsOf(res, url);
  check(texts, `GET ${url}`);
  if (json !== undefined) learn(json, url, seen);
  return res.statusCode;
}

type Operation = { parameters?: { name: string; in: string }[] };

/** The paths to try for one route template, with the ids its list gave (or a few of that name). */
function pathsFor(template: string, seen: Seen): string[] {
  const candidates = (param: string) => {
    const listed = new Set<string>();
    const noun =
      param === 'id' ? template.slice(0, template.indexOf('/{id}')) : `/${param.replace(/Id$/, '')}s`;
    for (const [list, ids] of seen.idsByList)
      if (param === 'id' ? list === noun : list.includes(noun)) for (const id of ids) listed.add(id);
    if (listed.size) return [...listed].slice(0, 200);
    // A route no list leads to is probed with a few ids: it must not answer 5xx, nor anything personal.
    const some = [...(seen.idsByKey.get(param) ?? [])].slice(0, 10);
    return some.length ? some : ['00000000-0000-4000-8000-000000000000'];
  };
  let paths = [template];
  for (const [, param] of template.matchAll(/\{(\w+)\}/g))
    paths = paths.flatMap((p) => candidates(param).map((id) => p.replace(`{${param}}`, id)));
  return paths;
}

/** A list's other pages, its searches for every planted value, its other years. */
function variantsOf(path: string, op: Operation, seen: Seen): string[] {
  const query = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
  const urls: string[] = [];
  if (query.has('pageSize'))
    for (let page = 1; page <= 5; page++) urls.push(`${path}?pageSize=100&page=${page}`);
  if (query.has('q')) for (const { needle } of NEEDLES) urls.push(`${path}?q=${encodeURIComponent(needle)}`);
  if (query.has('year')) for (const year of seen.years) urls.push(`${path}?year=${year}`);
  return urls;
}

describe('public pages and endpoints', () => {
  it('show none of the planted personal data, in any form, to an anonymous visitor', async () => {
    // The planting worked: the internal views have it.
    const internal = compact(internalViews.join('\n'));
    for (const v of VARIANTS.slice(0, 4)) expect(internal).toContain(compact(v.needle));

    const anonymous = await t.client();
    const openapi = (await anonymous.get('/api/openapi.json')).json() as {
      paths: Record<string, { get?: Operation }>;
    };
    const routes = Object.entries(openapi.paths)
      .filter(([template, ops]) => ops.get && !template.includes('*') && template !== '/api/openapi.json')
      .map(([template, ops]) => ({ template, op: ops.get as Operation }));
    const seen: Seen = { idsByKey: new Map(), idsByList: new Map(), links: new Set(), years: new Set() };
    const visited = new Set<string>();
    // Lists first, so that their ids reach the detail routes; then until nothing new turns up.
    for (let round = 0; round < 4; round++) {
      const before = visited.size;
      for (const { template, op } of routes) {
        for (const [i, path] of pathsFor(template, seen).entries()) {
          const status = await visit(anonymous, path, template, seen, visited);
          // A route that asks an anonymous visitor to sign in does so whatever the id.
          if (i === 0 && (status === 401 || status === 403)) break;
          if (status === 200)
            for (const url of variantsOf(path, op, seen))
              await visit(anonymous, url, template, seen, visited);
        }
      }
      for (const link of seen.links)
        await visit(anonymous, link, link.replace(/[0-9a-f-]{36}/, '{id}'), seen, visited);
      if (visited.size === before) break;
    }

    // The transparency log: checkpoint, then every entry bundle.
    const checkpoint = await anonymous.get('/api/transparency/log/checkpoint');
    expect(checkpoint.statusCode).toBe(200);
    const size = Number(checkpoint.body.split('\n')[1]);
    expect(size).toBeGreaterThan(0);
    for (const tile of tilesOf(size))
      if (tile.level === 0)
        await visit(
          anonymous,
          `/api/transparency/log/${tilePath('entries', tile.index, tile.width)}`,
          '/api/transparency/log/tile/entries/*',
          seen,
          visited,
        );

    // The web pages' HTML shell, when the UI is built.
    const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');
    if (existsSync(path.join(webRoot, 'index.html'))) {
      const callId = [...(seen.idsByList.get('/api/public/calls') ?? [])][0];
      for (const page of [
        '/',
        '/login',
        '/calls',
        `/calls/${callId}`,
        '/publicity',
        `/publicity/${publicityId}`,
      ]) {
        const res = await anonymous.get(page);
        expect(res.statusCode, page).toBe(200);
        expect(res.headers['content-type']).toContain('text/html');
        check([res.body], `page ${page}`);
      }
    }

    console.log(`[public-crawl] ${fetched} requests, ${publicRoutes.size} public routes answered 200`);
    expect(problems).toEqual([]);
    // The crawl reached what it is about.
    expect([...publicRoutes]).toEqual(
      expect.arrayContaining([
        '/api/public/calls',
        '/api/public/calls/{id}',
        '/api/public/publicities',
        '/api/public/publicities/{id}',
        '/api/public/plans',
        '/api/public/plans/export.xlsx',
        '/api/files/{id}',
        '/api/transparency/log/tile/entries/*',
      ]),
    );
  }, 300_000);
});
