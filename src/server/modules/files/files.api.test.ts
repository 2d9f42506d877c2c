import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { parse as parseDisposition } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotCounts } from '../../testing/expectations.js';
import { insertCall } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { attachments, files } from './schema.js';

let t: TestApp;
let buyer: TestClient;
let visitor: TestClient;
let callId: string;
let draftId: string;
beforeAll(async () => {
  t = await buildTestApp();
  buyer = await t.as('buyer');
  visitor = await t.client();
  callId = (await insertCall(t.database.db)).id;
  draftId = (await insertCall(t.database.db, { status: 'draft', publishedAt: null })).id;
});
afterAll(() => t.close());

const filesRoot = () => path.join(t.config.DATA_DIR, 'files');

// ---------- samples of each accepted type, and of refused ones ----------
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  u32(13),
  Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]),
  u32(0),
  u32(0),
  Buffer.from('IEND'),
  u32(0),
]);
const jpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(32),
]);
const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]);
const webp = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([24, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(24),
]);

/** A zip of stored (uncompressed) entries. */
function zip(entries: Record<string, string>) {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const fields = Buffer.alloc(26);
    fields.writeUInt16LE(20, 0); // version needed
    fields.writeUInt32LE(crc32(data), 10);
    fields.writeUInt32LE(data.length, 14);
    fields.writeUInt32LE(data.length, 18);
    fields.writeUInt16LE(fileName.length, 22);
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), fields, fileName, data]);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    fields.copy(central, 6, 0, 26);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, fileName);
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
const openXml = (main: string) =>
  zip({
    '[Content_Types].xml': `<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="${main}.main+xml"/></Types>`,
    'word/document.xml': '<w:document/>',
  });
const docx = openXml('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
const docm = openXml('application/vnd.ms-word.document.macroEnabled');
const cfb = (stream: string) =>
  Buffer.concat([
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    Buffer.alloc(504),
    Buffer.from(stream, 'utf16le'),
    Buffer.alloc(64),
  ]);
const doc = cfb('WordDocument');

/** Posts one file; `disposition` is the part's raw Content-Disposition parameters after `name="file"`. */
function postFile(client: TestClient, url: string, content: Buffer, disposition: string) {
  const boundary = '----sw-files-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return client.request('POST', url, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}
const quoted = (name: string) => `filename="${name}"`;
const extended = (name: string) => `filename*=UTF-8''${encodeURIComponent(name)}`;

async function attach(content: Buffer, disposition: string, owner = callId) {
  const res = await postFile(buyer, `/api/calls/${owner}/attachments`, content, disposition);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; url: string };
}

async function download(url: string, client: TestClient = visitor) {
  const res = await client.get(url);
  expect(res.statusCode, res.body).toBe(200);
  const disposition = parseDisposition(res.headers['content-disposition'] as string);
  return {
    res,
    type: res.headers['content-type'],
    filename: disposition.parameters.filename,
    nosniff: res.headers['x-content-type-options'],
  };
}

describe('file names', () => {
  it.each([
    ['path separators and ..', quoted('../../etc/passwd.pdf'), 'passwd.pdf', 'passwd.pdf'],
    ['Windows path', extended('C:\\Users\\张三\\申报书.pdf'), '申报书.pdf', '申报书.pdf'],
    [
      'line and paragraph separators, NEL',
      extended('报告\u2028\u2029\u0085: sid=x.pdf'),
      '报告_ sid=x.pdf',
      '报告_ sid=x.pdf',
    ],
    ['RTL override spoofing .exe', extended('invoice\u202efdp.exe'), 'invoicefdp.exe', 'invoicefdp.pdf'],
    [
      'bidi isolates and zero-width characters',
      extended('合\u200b同\u2066\u2069\ufeff.pdf'),
      '合同.pdf',
      '合同.pdf',
    ],
    ['a PDF named .pdf.html', quoted('x.pdf.html'), 'x.pdf.html', 'x.pdf'],
    ['a PDF named .svg', quoted('logo.svg'), 'logo.svg', 'logo.pdf'],
    ['no name but an extension', quoted('.pdf'), 'pdf', 'pdf.pdf'],
    ['only dots', quoted('..'), '附件', '附件.pdf'],
    ['reserved characters', quoted('a<b>c|d?.pdf'), 'a_b_c_d_.pdf', 'a_b_c_d_.pdf'],
  ])(
    '%s: shown sanitized, saved with the detected type’s extension',
    async (_, disposition, shown, saved) => {
      const row = await attach(pdf, disposition);
      expect(row.name).toBe(shown);
      const file = await download(row.url);
      expect(file).toMatchObject({ type: 'application/pdf', filename: saved, nosniff: 'nosniff' });
      expect(file.res.headers['content-disposition']).not.toMatch(/[\r\n]/);
      expect(file.res.headers['set-cookie']).toBeUndefined();
      expect(file.res.rawPayload.equals(pdf)).toBe(true);
    },
  );

  it.each([
    ['extended filename*', extended('报告\r\nSet-Cookie: sid=x.pdf')],
    ['quoted filename with a lone CR', 'filename="a\rb.pdf"'],
  ])('refuses a name with CR/LF (%s) without storing anything', async (_, disposition) => {
    const before = await snapshotCounts(t, [attachments, files]);
    const res = await postFile(buyer, `/api/calls/${callId}/attachments`, pdf, disposition);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await snapshotCounts(t, [attachments, files])).toEqual(before);
  });

  it('caps a long name at 100 characters, keeping its extension', async () => {
    const row = await attach(pdf, extended(`${'很长的文件名'.repeat(40)}.pdf`));
    expect([...row.name]).toHaveLength(100);
    expect(row.name.endsWith('名.pdf')).toBe(true);
  });

  it('stores content under its hash and detected extension inside the data directory only', async () => {
    const content = Buffer.concat([pdf, Buffer.from('% stored-name check\n')]);
    await attach(content, quoted('../../../escape.pdf'));
    const sha = createHash('sha256').update(content).digest('hex');
    expect(readdirSync(path.join(filesRoot(), sha.slice(0, 2)))).toContain(`${sha}.pdf`);
    expect(existsSync(path.join(t.config.DATA_DIR, '..', 'escape.pdf'))).toBe(false);
  });

  it('shows the sanitized name in the public call and masks personal data in it', async () => {
    const own = (await insertCall(t.database.db)).id;
    await attach(pdf, extended('联系人13812345678\u202e.pdf'), own);
    const detail = (await visitor.get(`/api/public/calls/${own}`)).json();
    expect(detail.attachments.map((a: { name: string }) => a.name)).toEqual(['联系人***.pdf']);
    const file = await download(detail.attachments[0].url);
    expect(file.filename).not.toContain('13812345678');
  });
});

describe('file types', () => {
  it.each([
    ['PDF', pdf, 'a.pdf', 'application/pdf', 'a.pdf'],
    ['PNG', png, 'a.png', 'image/png', 'a.png'],
    ['JPEG', jpeg, 'a.jpeg', 'image/jpeg', 'a.jpg'],
    ['GIF', gif, 'a.gif', 'image/gif', 'a.gif'],
    ['WebP', webp, 'a.webp', 'image/webp', 'a.webp'],
    [
      'Word (.docx)',
      docx,
      '申报书.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      '申报书.docx',
    ],
    ['Word 97–2003 (.doc)', doc, '申报书.doc', 'application/msword', '申报书.doc'],
    ['a PNG named .pdf', png, 'scan.pdf', 'image/png', 'scan.png'],
  ])('accepts %s by its bytes', async (_, content, name, mime, saved) => {
    const row = await attach(content, quoted(name));
    expect(await download(row.url)).toMatchObject({ type: mime, filename: saved, nosniff: 'nosniff' });
  });

  it.each([
    ['HTML named .pdf', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'x.pdf'],
    [
      'SVG named .pdf',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'x.pdf',
    ],
    ['an executable named .pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(128)]), 'x.pdf'],
    ['a macro-enabled Word file', docm, 'x.docx'],
    ['a zip named .docx', zip({ 'a.txt': 'hello' }), 'x.docx'],
    ['an OLE2 file that is not Word (e.g. an installer)', cfb('SummaryInformation'), 'x.doc'],
    ['plain text', Buffer.from('13812345678 just some text'), 'x.txt'],
    ['an empty file', Buffer.alloc(0), 'x.pdf'],
  ])('refuses %s with 422, writing nothing', async (_, content, name) => {
    const before = await snapshotCounts(t, [attachments, files]);
    const res = await postFile(buyer, `/api/calls/${callId}/attachments`, content, quoted(name));
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'file_type_not_allowed',
      message: expect.stringContaining('PDF'),
    });
    expect(await snapshotCounts(t, [attachments, files])).toEqual(before);
  });
});

describe('downloads', () => {
  it('serves files stored before names carried an extension, with their old names sanitized', async () => {
    const content = Buffer.concat([pdf, Buffer.from('% legacy\n')]);
    const sha = createHash('sha256').update(content).digest('hex');
    mkdirSync(path.join(filesRoot(), sha.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(filesRoot(), sha.slice(0, 2), sha), content);
    await t.database.db.insert(files).values({ sha256: sha, size: content.length, mime: 'application/pdf' });
    const [row] = await t.database.db
      .insert(attachments)
      .values({ ownerType: 'call', ownerId: callId, sha256: sha, name: '../旧\r\n附件\u202e.pdf.html' })
      .returning();
    const file = await download(`/api/files/${row.id}`);
    expect(file).toMatchObject({ type: 'application/pdf', filename: '旧附件.pdf' });
    expect(file.res.rawPayload.equals(content)).toBe(true);
    const detail = (await visitor.get(`/api/public/calls/${callId}`)).json();
    expect(detail.attachments.find((a: { id: string }) => a.id === row.id).name).toBe('旧附件.pdf.html');
  });

  it('answers 404 when the stored content is missing', async () => {
    const sha = 'f'.repeat(64);
    await t.database.db.insert(files).values({ sha256: sha, size: 1, mime: 'application/pdf' });
    const [row] = await t.database.db
      .insert(attachments)
      .values({ ownerType: 'call', ownerId: callId, sha256: sha, name: 'gone.pdf' })
      .returning();
    const res = await visitor.get(`/api/files/${row.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });

  it('follows who may see the owner: a draft call’s files are the buyer’s', async () => {
    const row = await attach(pdf, quoted('draft.pdf'), draftId);
    expect((await buyer.get(row.url)).statusCode).toBe(200);
    expect((await visitor.get(row.url)).statusCode).toBe(401);
    for (const username of ['provider', 'resident', 'station']) {
      expect((await (await t.as(username)).get(row.url)).statusCode).toBe(403);
    }
    expect((await visitor.get(`/api/files/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });
});
