/**
 * The inputs of issue 8 that were answered with 500, kept as fixed cases: NUL characters and lone
 * surrogates in text (login, registration, objections, calls, directories, application drafts
 * stored as JSON), impossible dates in bodies and GET filters, malformed multipart bodies on all
 * six upload routes, and `q=%00` on the list routes. Each answers with its 4xx and writes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInShanghai } from '../../domain/working-days.js';
import { publicities } from '../modules/publicity/schema.js';
import { regions } from '../modules/regions/schema.js';
import { insertApplication, insertCall } from '../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../testing/test-app.js';
import {
  ANONYMOUS,
  answerProblem,
  clientsOf,
  type Identity,
  identityHeaders,
  installWriteCounter,
} from './harness.js';
import { brokenUpload, type MultipartBody, SAMPLE_FILES } from './requests.js';

interface Fixtures {
  /** A published call of the buyer, one of its draft calls, a community, a provider's draft. */
  publishedCall: string;
  draftCall: string;
  community: string;
  draftApplication: string;
  publicity: string;
  objection: string;
  objectionToken: string;
}

interface Case {
  name: string;
  as: Identity;
  method: 'GET' | 'POST' | 'PATCH';
  url: (f: Fixtures) => string;
  json?: (f: Fixtures) => unknown;
  multipart?: () => MultipartBody;
  status: number;
  error: string;
}

let t: TestApp;
let clients: Record<Identity, TestClient>;
let writes: () => Promise<number>;
let f: Fixtures;

beforeAll(async () => {
  t = await buildTestApp();
  clients = await clientsOf(t);
  const db = t.database.db;
  const published = await insertCall(db, { status: 'published' });
  const draft = await insertCall(db, { status: 'draft' });
  const application = await insertApplication(db, published, { status: 'draft' });
  const [community] = await db.select({ id: regions.id }).from(regions).where(eq(regions.level, 'community'));
  const inPublicity = await insertCall(db, { status: 'in_publicity' });
  const [{ id: publicity }] = await db
    .insert(publicities)
    .values({
      callId: inPublicity.id,
      opensOn: addDays(todayInShanghai(), -1),
      closesOn: addDays(todayInShanghai(), 5),
      workingDays: '5',
    })
    .returning();
  const filed = await clients[ANONYMOUS].post(`/api/public/publicities/${publicity}/objections`, {
    name: '张三',
    contact: '13800000000',
    reason: '该项目申报材料与实际情况不符，请核实。',
  });
  expect(filed.statusCode).toBe(201);
  f = {
    publishedCall: published.id,
    draftCall: draft.id,
    community: community.id,
    draftApplication: application.id,
    publicity,
    objection: filed.json().id,
    objectionToken: filed.json().attachmentToken,
  };
  writes = await installWriteCounter(t);
}, 120_000);
afterAll(async () => {
  await t.close();
});

const invalid = { status: 422, error: 'validation_error' };

const login = (username: string, password = 'Guandu@2026') => ({ username, password });
const objection = (fields: Record<string, string>) => ({
  name: '张三',
  contact: '13800000000',
  reason: '该项目申报材料与实际情况不符，请核实。',
  ...fields,
});
const callBody = (f: Fixtures, fields: Record<string, unknown>) => ({
  title: '社区居家养老服务项目',
  category: 'elderly',
  serviceAreaIds: [f.community],
  budgetCapFen: 10_000_000,
  totalBudgetFen: 20_000_000,
  servicePeriodStart: '2027-01-01',
  servicePeriodEnd: '2027-12-31',
  applicationOpensAt: '2026-12-02T09:00:00+08:00',
  applicationClosesAt: '2026-12-20T17:00:00+08:00',
  descriptionHtml: '<p>服务说明</p>',
  ...fields,
});
const orgBody = (fields: Record<string, unknown>) => ({
  name: '测试社区居委会',
  kind: 'community',
  ...fields,
});

const textCases = (bad: string, label: string): Case[] => [
  {
    name: `${label} in the login username`,
    as: ANONYMOUS,
    method: 'POST',
    url: () => '/api/auth/login',
    json: () => login(`admin${bad}`),
    ...invalid,
  },
  {
    name: `${label} in the login password`,
    as: ANONYMOUS,
    method: 'POST',
    url: () => '/api/auth/login',
    json: () => login('admin', `Guandu@2026${bad}`),
    ...invalid,
  },
  {
    name: `${label} in a registering resident's name`,
    as: ANONYMOUS,
    method: 'POST',
    url: () => '/api/auth/register',
    json: () => ({
      username: 'resident_fuzz',
      displayName: `居民${bad}`,
      phone: '13800000002',
      password: 'Guandu@2026!',
    }),
    ...invalid,
  },
  {
    name: `${label} in an objector's name`,
    as: ANONYMOUS,
    method: 'POST',
    url: (f) => `/api/public/publicities/${f.publicity}/objections`,
    json: () => objection({ name: `张${bad}三` }),
    ...invalid,
  },
  {
    name: `${label} in an objection's reason`,
    as: ANONYMOUS,
    method: 'POST',
    url: (f) => `/api/public/publicities/${f.publicity}/objections`,
    json: () => objection({ reason: `该项目申报材料${bad}与实际情况不符，请核实。` }),
    ...invalid,
  },
  {
    name: `${label} in a call description`,
    as: 'buyer',
    method: 'POST',
    url: () => '/api/calls',
    json: (f) => callBody(f, { descriptionHtml: `<p>说明${bad}</p>` }),
    ...invalid,
  },
  {
    name: `${label} in a call title (update)`,
    as: 'buyer',
    method: 'PATCH',
    url: (f) => `/api/calls/${f.draftCall}`,
    json: () => ({ title: `养老服务${bad}项目` }),
    ...invalid,
  },
  {
    name: `${label} in a call's target group (JSON)`,
    as: 'buyer',
    method: 'POST',
    url: () => '/api/calls',
    json: (f) => callBody(f, { targetGroups: [`老人${bad}`] }),
    ...invalid,
  },
  {
    name: `${label} in an organization's name`,
    as: 'admin',
    method: 'POST',
    url: () => '/api/orgs',
    json: () => orgBody({ name: `居委会${bad}` }),
    ...invalid,
  },
  {
    name: `${label} in an expert's name`,
    as: 'admin',
    method: 'POST',
    url: () => '/api/experts',
    json: () => ({ name: `专家${bad}`, field: 'elderly' }),
    ...invalid,
  },
  {
    name: `${label} in a user's name`,
    as: 'admin',
    method: 'POST',
    url: () => '/api/users',
    json: () => ({
      username: 'fuzz_user',
      displayName: `用户${bad}`,
      roles: ['resident'],
      password: 'Guandu@2026!',
    }),
    ...invalid,
  },
  {
    name: `${label} in a draft's proposal title (JSON)`,
    as: 'provider',
    method: 'PATCH',
    url: (f) => `/api/applications/${f.draftApplication}`,
    json: () => ({ proposal: { title: `项目${bad}` } }),
    ...invalid,
  },
  {
    name: `${label} in a draft's partner (JSON)`,
    as: 'provider',
    method: 'PATCH',
    url: (f) => `/api/applications/${f.draftApplication}`,
    json: () => ({ partners: [{ name: `志愿队${bad}`, kind: 'other', headcount: 3 }] }),
    ...invalid,
  },
  {
    name: `${label} in a key of a JSON body`,
    as: 'provider',
    method: 'PATCH',
    url: (f) => `/api/applications/${f.draftApplication}`,
    json: () => ({ [`proposal${bad}`]: {} }),
    ...invalid,
  },
];

const dateCases = (bad: string): Case[] => [
  {
    name: `registration date ${bad}`,
    as: 'admin',
    method: 'POST',
    url: () => '/api/orgs',
    json: () => orgBody({ registeredOn: bad }),
    ...invalid,
  },
  {
    name: `service period start ${bad}`,
    as: 'buyer',
    method: 'POST',
    url: () => '/api/calls',
    json: (f) => callBody(f, { servicePeriodStart: bad }),
    ...invalid,
  },
  {
    name: `publicity opening day ${bad}`,
    as: 'buyer',
    method: 'POST',
    url: (f) => `/api/calls/${f.publishedCall}/publicity`,
    json: () => ({ opensOn: bad }),
    ...invalid,
  },
  {
    name: `audit filter from=${bad}`,
    as: 'supervisor',
    method: 'GET',
    url: () => `/api/audit?from=${bad}`,
    ...invalid,
  },
];

const UPLOAD_ROUTES: { name: string; as: Identity; url: (f: Fixtures) => string; file: () => Buffer }[] = [
  {
    name: 'call attachment',
    as: 'buyer',
    url: (f) => `/api/calls/${f.draftCall}/attachments`,
    file: () => SAMPLE_FILES.pdf,
  },
  {
    name: 'application attachment',
    as: 'provider',
    url: (f) => `/api/applications/${f.draftApplication}/attachments`,
    file: () => SAMPLE_FILES.pdf,
  },
  {
    name: 'objection attachment',
    as: ANONYMOUS,
    url: (f) =>
      `/api/public/objections/${f.objection}/attachments?token=${encodeURIComponent(f.objectionToken)}`,
    file: () => SAMPLE_FILES.pdf,
  },
  { name: 'plan import', as: 'buyer', url: () => '/api/plans/import', file: () => SAMPLE_FILES.empty },
  { name: 'organization import', as: 'admin', url: () => '/api/orgs/import', file: () => SAMPLE_FILES.empty },
  { name: 'expert import', as: 'admin', url: () => '/api/experts/import', file: () => SAMPLE_FILES.empty },
];

const MULTIPART_EXPECTED: Record<string, { status: number; error: string }> = {
  'no boundary': { status: 400, error: 'bad_multipart' },
  'truncated body': { status: 400, error: 'bad_multipart' },
  'text part without a file name': { status: 400, error: 'bad_request' },
  '1,000 fields': { status: 413, error: 'payload_too_large' },
  'filename* with NUL': invalid,
  'gzip Content-Encoding': { status: 415, error: 'unsupported_media_type' },
  'wrong content type (JSON)': { status: 400, error: 'bad_request' },
};

const uploadCases: Case[] = UPLOAD_ROUTES.flatMap((route) =>
  Object.entries(MULTIPART_EXPECTED).map(([note, expected]) => ({
    name: `${route.name}: ${note}`,
    as: route.as,
    method: 'POST' as const,
    url: route.url,
    multipart: () => brokenUpload(route.file(), 'upload.pdf', note),
    ...expected,
  })),
);

const LIST_ROUTES: { url: string; as: Identity }[] = [
  { url: '/api/public/calls', as: ANONYMOUS },
  { url: '/api/calls', as: 'buyer' },
  { url: '/api/regions', as: 'admin' },
  { url: '/api/orgs', as: 'admin' },
  { url: '/api/experts', as: 'admin' },
  { url: '/api/users', as: 'admin' },
  { url: '/api/audit', as: 'supervisor' },
];

const listCases: Case[] = LIST_ROUTES.flatMap(({ url, as }) =>
  ['%00', 'a%00b'].map((q) => ({
    name: `${url}?q=${q}`,
    as,
    method: 'GET' as const,
    url: () => `${url}?q=${q}`,
    ...invalid,
  })),
);

const CASES: Case[] = [
  ...textCases('\u0000', 'NUL'),
  ...textCases('\ud800', 'a lone high surrogate').filter((c) => c.method !== 'GET'),
  ...['2027-02-30', '0000-00-00', '9999-99-99'].flatMap(dateCases),
  {
    name: 'applications open at 2027-02-30T09:00',
    as: 'buyer',
    method: 'POST',
    url: () => '/api/calls',
    json: (f) => callBody(f, { applicationOpensAt: '2027-02-30T09:00:00+08:00' }),
    ...invalid,
  },
  {
    name: 'review held at 0000-01-01',
    as: 'buyer',
    method: 'POST',
    url: (f) => `/api/calls/${f.publishedCall}/review`,
    json: () => ({ heldAt: '0000-01-01T09:00:00+08:00', place: '会议室', panelSize: 5 }),
    ...invalid,
  },
  {
    name: 'contract period 2026-02-29',
    as: 'buyer',
    method: 'PATCH',
    url: (f) => `/api/contracts/${f.publishedCall}`,
    json: () => ({ periodStart: '2026-02-29' }),
    ...invalid,
  },
  {
    name: 'audit filter to=2026-04-31',
    as: 'supervisor',
    method: 'GET',
    url: () => '/api/audit?to=2026-04-31',
    ...invalid,
  },
  {
    name: 'audit filter from=1899-12-31',
    as: 'admin',
    method: 'GET',
    url: () => '/api/audit?from=1899-12-31',
    ...invalid,
  },
  ...uploadCases,
  ...listCases,
];

describe(`the ${CASES.length} inputs of issue 8`, () => {
  it('are at least 100', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const before = await writes();
    const body = c.multipart?.();
    const res = await t.app.inject({
      method: c.method,
      url: c.url(f),
      headers: {
        ...identityHeaders(clients[c.as]),
        ...(c.json ? { 'content-type': 'application/json' } : {}),
        ...body?.headers,
      },
      payload: body ? body.payload : c.json ? JSON.stringify(c.json(f)) : undefined,
      // Each case from its own address: the per-address limits of sign-in and objections stay out of it.
      remoteAddress: c.as === ANONYMOUS ? `10.8.${i >> 8}.${i & 255}` : '127.0.0.1',
    });
    const wrote = (await writes()) !== before;
    expect({ status: res.statusCode, error: res.json().error }).toEqual({ status: c.status, error: c.error });
    expect(answerProblem(res, wrote)).toBeNull();
    expect(res.json().message).toMatch(/[\u4e00-\u9fff]/);
  });
});
