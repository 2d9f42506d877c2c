/**
 * Requests generated from the OpenAPI document: every operation's path parameters, query string
 * and JSON body (valid-shaped, or mutated), and for upload routes (`x-upload`) multipart bodies,
 * well-formed or broken in each way a client or an attacker breaks them.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  type JsonSchema,
  mutatedValue,
  NASTY_STRINGS,
  type Pools,
  validValue,
} from './schema-arbitraries.js';

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  'x-upload'?: { field: string; accepts: 'attachment' | 'xlsx' };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As OpenAPI writes it: '/api/calls/{id}'. */
  path: string;
  params: OpenApiParameter[];
  query: OpenApiParameter[];
  body: JsonSchema | null;
  upload: OpenApiOperation['x-upload'] | null;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        upload: op['x-upload'] ?? null,
      });
    }
  }
  return operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

export interface GeneratedRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What the generator did, for the failure report. */
  note: string;
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) becomes the bytes a
 * careless client would send for it (CESU-8, not valid UTF-8).
 */
export function encodeComponent(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(char);
  }
  return out;
}

const asQueryText = (v: unknown): string[] => {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap(asQueryText);
  if (v !== null && typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
};

/** Raw fragments that are not valid percent-encoding or that decode to something nasty. */
const RAW_QUERY = ['%', '%zz', '%C0%80', '%00', '%ED%A0%80', '%FF%FE', '%E4%B8', '+%2B+', '%0d%0a'];

function queryArbitrary(op: Operation, pools: Pools, mutate: boolean) {
  const properties = Object.fromEntries(op.query.map((p) => [p.name, p.schema ?? { type: 'string' }]));
  const required = op.query.filter((p) => p.required).map((p) => p.name);
  const schema: JsonSchema = { type: 'object', properties, required };
  const values = mutate ? mutatedValue(schema, pools) : validValue(schema, pools);
  return fc
    .tuple(
      values,
      fc.option(
        fc.tuple(fc.constantFrom(...op.query.map((p) => p.name), 'q', 'x'), fc.constantFrom(...RAW_QUERY)),
        { freq: 4 },
      ),
    )
    .map(([value, raw]) => {
      const pairs: string[] = [];
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) {
          for (const text of asQueryText(v)) pairs.push(`${encodeComponent(k)}=${encodeComponent(text)}`);
        }
      }
      if (raw) pairs.push(`${raw[0]}=${raw[1]}`);
      return pairs.length ? `?${pairs.join('&')}` : '';
    });
}

function pathArbitrary(op: Operation, pools: Pools, mutate: boolean) {
  const names = op.params.map((p) => p.name);
  const generators = op.params.map((p) => {
    // '/api/calls/{id}' points into calls, '/api/awards/{awardId}/contract' into awards.
    const segments = op.path.split('/');
    const before = segments[segments.indexOf(`{${p.name}}`) - 1];
    const valid = validValue(p.schema ?? { type: 'string' }, pools, 0, p.name === 'id' ? before : p.name);
    const nasty = fc.oneof(
      fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 1000)),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    return (mutate ? fc.oneof({ weight: 2, arbitrary: valid }, { weight: 1, arbitrary: nasty }) : valid).map(
      String,
    );
  });
  return fc
    .tuple(...generators)
    .map((values) =>
      names.reduce(
        (path, name, i) => path.replace(`{${name}}`, encodeComponent(values[i]) || '%20'),
        op.path,
      ),
    );
}

/** Payloads that no schema describes: not JSON, empty, too deep, or in another content type. */
const ODD_BODIES: { payload: string; contentType: string | null }[] = [
  { payload: '', contentType: 'application/json' },
  { payload: '{', contentType: 'application/json' },
  { payload: 'null', contentType: 'application/json' },
  { payload: '[]', contentType: 'application/json' },
  { payload: '"text"', contentType: 'application/json' },
  { payload: '1e999', contentType: 'application/json' },
  { payload: '{"__proto__":{"admin":true}}', contentType: 'application/json' },
  { payload: '{"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
  { payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, contentType: 'application/json' },
  { payload: '{"a":1}', contentType: 'text/plain' },
  { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { payload: '{"a":1}', contentType: 'application/json; charset=utf-16' },
  { payload: '{"a":1}', contentType: null },
  { payload: '\u0000', contentType: 'text/plain' },
];

interface Body {
  payload: string | Buffer;
  contentType: string | null;
  note: string;
  gzip?: boolean;
}

function jsonBodyArbitrary(op: Operation, pools: Pools, mutate: boolean): fc.Arbitrary<Body> {
  const schema = op.body ?? { type: 'object', properties: {} };
  const value = mutate ? mutatedValue(schema, pools) : validValue(schema, pools);
  const json = value.map(
    (v): Body => ({
      payload: v === undefined ? '' : JSON.stringify(v),
      contentType: 'application/json',
      note: 'json',
    }),
  );
  if (!mutate) return json;
  const odd = fc.constantFrom(...ODD_BODIES).map((b): Body => ({ ...b, note: `odd body ${b.contentType}` }));
  const gzip = value.map(
    (v): Body => ({
      payload: gzipSync(JSON.stringify(v ?? {})),
      contentType: 'application/json',
      note: 'gzip',
      gzip: true,
    }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: json },
    { weight: 2, arbitrary: odd },
    { weight: 1, arbitrary: gzip },
  );
}

/** A small file of each kind the upload routes accept or refuse. */
export const SAMPLE_FILES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
  png: Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c40000000049454e44ae426082',
    'hex',
  ),
  html: Buffer.from('<html><script>alert(1)</script></html>'),
  empty: Buffer.alloc(0),
};

export interface MultipartBody {
  payload: Buffer;
  headers: Record<string, string>;
  note: string;
}

const BOUNDARY = '----sw-fuzz-boundary';
const CRLF = '\r\n';

/** A multipart/form-data body from raw parts (`head` is the part's header block). */
export function multipart(parts: { head: string; body: Buffer | string }[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}${CRLF}${part.head}${CRLF}${CRLF}`),
      Buffer.from(part.body),
      Buffer.from(CRLF),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

export const filePart = (
  filename: string,
  body: Buffer,
  type = 'application/octet-stream',
  field = 'file',
) => ({
  head: `Content-Disposition: form-data; name="${field}"; filename="${filename}"${CRLF}Content-Type: ${type}`,
  body,
});

const formType = (boundary = BOUNDARY) => ({ 'content-type': `multipart/form-data; boundary=${boundary}` });

const namedPart = (name: string, body: Buffer | string, type?: string) => ({
  head: `Content-Disposition: form-data; name="${name}"${type ? `${CRLF}Content-Type: ${type}` : ''}`,
  body,
});
const encodedName = (file: Buffer, value: string) => ({
  head: `Content-Disposition: form-data; name="file"; filename*=${value}${CRLF}Content-Type: application/pdf`,
  body: file,
});

/**
 * The broken forms of issue 8 (each was a 500 on some upload route) and a few more, by name,
 * each built only when asked for. `file` is one the route accepts, so `valid` succeeds where the
 * caller may upload.
 */
const UPLOADS: Record<string, (file: Buffer, filename: string) => Omit<MultipartBody, 'note'>> = {
  'no boundary': (file, name) => ({
    payload: multipart([filePart(name, file)]),
    headers: { 'content-type': 'multipart/form-data' },
  }),
  'truncated body': (file, name) => {
    const valid = multipart([filePart(name, file)]);
    return { payload: valid.subarray(0, Math.floor(valid.length * 0.6)), headers: formType() };
  },
  'part without a file name': (file) => ({
    payload: multipart([namedPart('file', file, 'application/octet-stream')]),
    headers: formType(),
  }),
  'text part without a file name': (file) => ({
    payload: multipart([namedPart('file', file)]),
    headers: formType(),
  }),
  '1,000 fields': (file, name) => ({
    payload: multipart([
      ...Array.from({ length: 1000 }, (_, i) => namedPart(`f${i}`, 'x')),
      filePart(name, file),
    ]),
    headers: formType(),
  }),
  'filename* with NUL': (file) => ({
    payload: multipart([encodedName(file, "UTF-8''a%00b.pdf")]),
    headers: formType(),
  }),
  'filename* with a lone surrogate (UTF-16)': (file) => ({
    payload: multipart([encodedName(file, "utf-16le''%00%D8.pdf")]),
    headers: formType(),
  }),
  'NUL in the file name': (file) => ({
    payload: multipart([filePart('a\u0000.pdf', file)]),
    headers: formType(),
  }),
  'gzip Content-Encoding': (file, name) => ({
    payload: gzipSync(multipart([filePart(name, file)])),
    headers: { ...formType(), 'content-encoding': 'gzip' },
  }),
  'wrong content type (JSON)': () => ({
    payload: Buffer.from('{"file":"x"}'),
    headers: { 'content-type': 'application/json' },
  }),
  'wrong content type (multipart/mixed)': (file, name) => ({
    payload: multipart([filePart(name, file)]),
    headers: { 'content-type': `multipart/mixed; boundary=${BOUNDARY}` },
  }),
  'empty body': () => ({ payload: Buffer.alloc(0), headers: formType() }),
  'two files': (file, name) => ({
    payload: multipart([filePart(name, file), filePart(name, file)]),
    headers: formType(),
  }),
  '__proto__ field': (file, name) => ({
    payload: multipart([namedPart('__proto__', 'x'), filePart(name, file)]),
    headers: formType(),
  }),
  'field over the size limit': (file, name) => ({
    payload: multipart([namedPart('note', 'x'.repeat(100_000)), filePart(name, file)]),
    headers: formType(),
  }),
  'garbage after the boundary': (file, name) => ({
    payload: Buffer.concat([
      multipart([filePart(name, file)]).subarray(0, 40),
      Buffer.from('\u0000\u0001garbage'),
    ]),
    headers: formType(),
  }),
  'boundary mismatch': (file, name) => ({
    payload: multipart([filePart(name, file)]),
    headers: formType('other'),
  }),
  valid: (file, name) => ({ payload: multipart([filePart(name, file)]), headers: formType() }),
};

export const UPLOAD_KINDS = Object.keys(UPLOADS);

export const brokenUpload = (file: Buffer, filename: string, note: string): MultipartBody => ({
  note,
  ...UPLOADS[note](file, filename),
});

function uploadArbitrary(op: Operation, pools: Pools): fc.Arbitrary<MultipartBody> {
  const xlsx = op.upload?.accepts === 'xlsx';
  const files = xlsx
    ? [SAMPLE_FILES.empty, SAMPLE_FILES.pdf, ...(pools.workbooks?.[op.path] ?? [])]
    : Object.values(SAMPLE_FILES);
  const names = [
    'a.pdf',
    'x.pdf.html',
    '../../etc/passwd',
    'a\r\nb.pdf',
    '\u202eexe.pdf',
    '名单.xlsx',
    'a'.repeat(300),
    '',
  ];
  return fc
    .tuple(fc.constantFrom(...files), fc.constantFrom(...names), fc.nat())
    .map(([file, name, pick]) => brokenUpload(file, name, UPLOAD_KINDS[pick % UPLOAD_KINDS.length]));
}

/** One request to `op`: valid-shaped (a fifth of them) or mutated. */
export function requestArbitrary(op: Operation, pools: Pools): fc.Arbitrary<GeneratedRequest> {
  // Both kinds are built once: an arbitrary built inside chain() would be rebuilt for every value.
  return fc.oneof(
    { weight: 1, arbitrary: requestsOf(op, pools, false) },
    { weight: 4, arbitrary: requestsOf(op, pools, true) },
  );
}

function requestsOf(op: Operation, pools: Pools, mutate: boolean): fc.Arbitrary<GeneratedRequest> {
  const path = pathArbitrary(op, pools, mutate);
  const query = queryArbitrary(op, pools, mutate);
  if (op.upload) {
    return fc.tuple(path, query, uploadArbitrary(op, pools)).map(([p, q, body]) => ({
      method: op.method,
      url: p + q,
      headers: body.headers,
      payload: body.payload,
      note: `multipart: ${body.note}`,
    }));
  }
  if (op.method === 'GET' || op.method === 'DELETE') {
    return fc.tuple(path, query).map(([p, q]) => ({
      method: op.method,
      url: p + q,
      headers: {},
      note: mutate ? 'mutated' : 'valid',
    }));
  }
  return fc.tuple(path, query, jsonBodyArbitrary(op, pools, mutate)).map(([p, q, body]) => ({
    method: op.method,
    url: p + q,
    headers: {
      ...(body.contentType ? { 'content-type': body.contentType } : {}),
      ...(body.gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    payload: body.payload,
    note: `${mutate ? 'mutated' : 'valid'} ${body.note}`,
  }));
}
