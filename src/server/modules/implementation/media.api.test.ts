/** An activity's photos and sign-in sheet: uploads, what is kept of them, who may open them. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ACTIVITY_PHOTOS } from '../../../domain/implementation.js';
import { addDays, todayInShanghai } from '../../../domain/working-days.js';
import { snapshotCounts } from '../../testing/expectations.js';
import { orgOf } from '../../testing/factories.js';
import { buildTestApp, type TestApp, type TestClient } from '../../testing/test-app.js';
import { upload } from '../../testing/uploads.js';
import { attachments, files } from '../files/schema.js';
import { orgs } from '../orgs/schema.js';
import { evaluatorOrgs, signedContract } from '../projects/test-fixtures.js';
import { activities } from './schema.js';

let t: TestApp;
let provider: TestClient;
let community: TestClient;
let visitor: TestClient;
let ownCommunity: string;
let jpeg: Buffer;

beforeAll(async () => {
  t = await buildTestApp();
  provider = await t.as('provider');
  community = await t.as('community');
  visitor = await t.client();
  const [org] = await db()
    .select()
    .from(orgs)
    .where(eq(orgs.id, await orgOf(db(), 'community')));
  ownCommunity = org.regionId!;
  jpeg = await photo('jpeg', 2400, 1800);
});
afterAll(() => t.close());

const db = () => t.database.db;
const NOT_PROVIDERS = [
  'buyer',
  'station',
  'community',
  'expert',
  'evaluator',
  'supervisor',
  'resident',
  'admin',
];

/** A real image of the given format and size, carrying a camera's EXIF with a GPS position. */
function photo(format: 'jpeg' | 'png' | 'webp', width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .toFormat(format)
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Phone 1', Copyright: '张三 13812345678' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '25/1 1/1 30/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '102/1 44/1 10/1',
      },
    })
    .toBuffer();
}

/** Whether an EXIF block holds a GPS directory (tag 0x8825, either byte order). */
const hasGps = (exif: Buffer | undefined) =>
  !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));

async function started() {
  const fixture = await signedContract(db());
  const res = await provider.post(`/api/projects/${fixture.contract.id}/start`, {});
  expect(res.statusCode, res.body).toBe(200);
  return fixture.contract.id;
}

async function recorded(projectId: string) {
  const res = await provider.post(`/api/projects/${projectId}/activities`, {
    heldOn: '2026-11-28',
    place: '社区活动室',
    communityRegionId: ownCommunity,
    type: 'group',
    participants: [{ group: '高龄独居老人', count: 12 }],
    volunteers: 2,
    volunteerHours: 4,
    description: '开展“健康同行”健康讲座和手指操小组活动。',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const photos = (id: string) => `/api/activities/${id}/photos`;
const sheet = (id: string) => `/api/activities/${id}/signin-sheet`;
const check = (id: string, decision: 'confirmed' | 'disputed') =>
  community.post(`/api/activities/${id}/check`, {
    decision,
    reason: decision === 'disputed' ? '当天活动室未开放，未见活动' : '',
  });

async function addPhoto(id: string, content = jpeg, name = '活动照片.jpg') {
  const res = await upload(provider, photos(id), content, name, 'image/jpeg');
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const storedFiles = () => {
  const root = path.join(t.config.DATA_DIR, 'files');
  try {
    return readdirSync(root, { recursive: true }).length;
  } catch {
    return 0;
  }
};
const written = async () => [...(await snapshotCounts(t, [attachments, files, activities])), storedFiles()];

async function downloadImage(client: TestClient, url: string) {
  const res = await client.get(url);
  expect(res.statusCode, res.body).toBe(200);
  return { res, meta: await sharp(res.rawPayload).metadata() };
}

describe('activity photos', () => {
  it('are resized to 1600 px with a 320 px thumbnail, the GPS position and every other metadata gone', async () => {
    const original = await sharp(jpeg).metadata();
    expect(hasGps(original.exif)).toBe(true);
    const id = await recorded(await started());
    const activity = await addPhoto(id);
    expect(activity.photos).toHaveLength(1);
    expect(activity.photos[0]).toMatchObject({ name: '活动照片.jpg' });
    expect(activity.actions).toEqual(expect.arrayContaining(['addPhoto', 'attachSignin']));

    const kept = await downloadImage(provider, activity.photos[0].url);
    expect(kept.res.headers['content-type']).toBe('image/jpeg');
    expect(kept.meta).toMatchObject({ format: 'jpeg', width: 1600, height: 1200 });
    expect(kept.meta.exif).toBeUndefined();
    expect(kept.meta.xmp).toBeUndefined();
    expect(kept.meta.iptc).toBeUndefined();
    expect(kept.res.rawPayload.includes(Buffer.from('Exif\0'))).toBe(false);
    expect(kept.res.rawPayload.includes(Buffer.from('TestCam'))).toBe(false);

    const thumb = await downloadImage(provider, activity.photos[0].thumbnailUrl);
    expect(thumb.meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(thumb.meta.exif).toBeUndefined();
  });

  it('keeps PNG and WebP in their format, never enlarges a small one, and strips theirs too', async () => {
    const id = await recorded(await started());
    await addPhoto(id, await photo('png', 800, 600), 'a.png');
    const activity = await addPhoto(id, await photo('webp', 1000, 3000), 'b.webp');
    const [png, webp] = activity.photos;
    const keptPng = await downloadImage(provider, png.url);
    expect(keptPng.meta).toMatchObject({ format: 'png', width: 800, height: 600 });
    expect(keptPng.meta.exif).toBeUndefined();
    const keptWebp = await downloadImage(provider, webp.url);
    expect(keptWebp.meta).toMatchObject({ format: 'webp', width: 533, height: 1600 });
    expect(keptWebp.meta.exif).toBeUndefined();
  });

  it.each([
    ['a text file named .jpg', Buffer.from('13812345678 just some text'), 'x.jpg', 'file_type_not_allowed'],
    ['a GIF', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]), 'x.gif', 'file_type_not_allowed'],
    [
      'a PDF',
      Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
      'x.pdf',
      'file_type_not_allowed',
    ],
    [
      'a JPEG header with nothing behind it',
      Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
        Buffer.from('JFIF\0'),
        Buffer.alloc(64),
      ]),
      'x.jpg',
      'image_unreadable',
    ],
    ['a file over 10 MB', Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), 'big.jpg', 'file_too_large'],
  ])('refuses %s with 422 and a message, writing nothing', async (_, content, name, error) => {
    const id = await recorded(await started());
    const before = await written();
    const res = await upload(provider, photos(id), content, name, 'image/jpeg');
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(res.json().message.length).toBeGreaterThan(4);
    expect(await written()).toEqual(before);
  });

  it('refuses a broken or missing multipart body with 400, writing nothing', async () => {
    const id = await recorded(await started());
    const before = await written();
    const boundary = '----sw-broken';
    const truncated = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      jpeg.subarray(0, 200),
    ]);
    const broken = await provider.request('POST', photos(id), truncated, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    expect(broken.statusCode).toBeGreaterThanOrEqual(400);
    expect(broken.statusCode).toBeLessThan(500);
    expect(broken.json().message).toEqual(expect.any(String));
    const json = await provider.post(photos(id), { file: 'x' });
    expect(json.statusCode).toBe(400);
    expect(json.json().message).toContain('multipart/form-data');
    expect(await written()).toEqual(before);
  });

  it('are added only by the project’s provider (403 to every other role, 404 to an evaluator not assigned, 401 anonymous), nothing written', async () => {
    const id = await recorded(await started());
    const clients = await Promise.all(NOT_PROVIDERS.map((u) => t.as(u)));
    const before = await written();
    for (const [i, username] of NOT_PROVIDERS.entries()) {
      for (const url of [photos(id), sheet(id)]) {
        const res = await upload(clients[i], url, jpeg, 'a.jpg', 'image/jpeg');
        const expected = username === 'evaluator' ? 404 : 403;
        expect({ username, url, status: res.statusCode }).toEqual({ username, url, status: expected });
      }
    }
    expect((await upload(visitor, photos(id), jpeg, 'a.jpg')).statusCode).toBe(401);
    expect((await upload(provider, photos(crypto.randomUUID()), jpeg, 'a.jpg')).statusCode).toBe(404);
    expect(await written()).toEqual(before);
  });

  it(`are at most ${MAX_ACTIVITY_PHOTOS} per activity, and none once the community has checked it`, async () => {
    const small = await photo('jpeg', 64, 48);
    const id = await recorded(await started());
    for (let i = 0; i < MAX_ACTIVITY_PHOTOS - 1; i++) await addPhoto(id, small);
    // The last two at once: exactly one of them fits.
    const race = await Promise.all([0, 1].map(() => upload(provider, photos(id), small, 'a.jpg')));
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const full = await upload(provider, photos(id), small, 'a.jpg');
    expect(full.statusCode).toBe(409);
    expect(full.json().message).toBe(`每次活动最多上传${MAX_ACTIVITY_PHOTOS}张照片`);
    const listed = await provider.get(`/api/projects/${(await activityRow(id)).projectId}/activities`);
    const item = listed.json().items.find((a: { id: string }) => a.id === id);
    expect(item.photos).toHaveLength(MAX_ACTIVITY_PHOTOS);
    expect(item.actions).not.toContain('addPhoto');

    const other = await recorded(await started());
    expect((await check(other, 'confirmed')).statusCode).toBe(200);
    const before = await written();
    for (const url of [photos(other), sheet(other)]) {
      const late = await upload(provider, url, small, 'a.jpg');
      expect(late.statusCode).toBe(409);
      expect(late.json().message).toMatch(/^社区已确认或提出异议的活动不能再/);
    }
    expect(await written()).toEqual(before);
  });
});

const activityRow = async (id: string) =>
  (await db().select().from(activities).where(eq(activities.id, id)))[0];

describe('the sign-in sheet', () => {
  const pdf = Buffer.from('%PDF-1.4\n% 签到表\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

  it('is one PDF or image per activity; an image is kept without its metadata', async () => {
    const id = await recorded(await started());
    const word = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600),
    ]);
    const before = await written();
    const refused = await upload(provider, sheet(id), word, '签到表.doc');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toBe('签到表只能上传 PDF 或图片（JPEG、PNG、WebP）');
    expect(await written()).toEqual(before);

    const res = await upload(provider, sheet(id), pdf, '签到表.pdf', 'application/pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().signinSheet).toMatchObject({ name: '签到表.pdf', mime: 'application/pdf' });
    expect(res.json().actions).not.toContain('attachSignin');
    const second = await upload(provider, sheet(id), pdf, '签到表2.pdf');
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toBe('这次活动的签到表已上传');

    const scanned = await recorded(await started());
    const image = await upload(provider, sheet(scanned), jpeg, '签到表.jpg');
    expect(image.statusCode, image.body).toBe(201);
    const kept = await downloadImage(provider, image.json().signinSheet.url);
    expect(kept.meta).toMatchObject({ format: 'jpeg', width: 2400, height: 1800 });
    expect(kept.meta.exif).toBeUndefined();
  });
});

describe('who may open them', () => {
  it('the project’s parties, the community of the area, assigned evaluators, admins and supervisors; the public only confirmed thumbnails', async () => {
    const projectId = await started();
    const confirmed = await recorded(projectId);
    const disputed = await recorded(projectId);
    const waiting = await recorded(projectId);
    const shown = await addPhoto(confirmed);
    await upload(provider, sheet(confirmed), jpeg, '签到表.jpg');
    const hidden = await addPhoto(disputed);
    const pending = await addPhoto(waiting);
    expect((await check(confirmed, 'confirmed')).statusCode).toBe(200);
    expect((await check(disputed, 'disputed')).statusCode).toBe(200);
    const withSheet = (await provider.get(`/api/projects/${projectId}/activities`))
      .json()
      .items.find((a: { id: string }) => a.id === confirmed);
    const urls = [withSheet.photos[0].url, withSheet.photos[0].thumbnailUrl, withSheet.signinSheet.url];

    const status = async (username: string | null, url: string) =>
      (await (username ? await t.as(username) : visitor).get(url)).statusCode;
    for (const url of urls) {
      for (const username of ['provider', 'buyer', 'community', 'admin', 'supervisor'])
        expect({ username, url, status: await status(username, url) }).toMatchObject({ status: 200 });
      for (const username of ['station', 'expert', 'resident', 'evaluator'])
        expect({ username, url, status: await status(username, url) }).toMatchObject({ status: 403 });
      expect(await status(null, url)).toBe(401);
    }
    // Once its organization is commissioned, the evaluator opens them too.
    const { own } = await evaluatorOrgs(db());
    const commissioned = await (await t.as('buyer')).post(`/api/projects/${projectId}/evaluations`, {
      stage: 'midterm',
      evaluatorOrgId: own,
      dueOn: addDays(todayInShanghai(), 30),
    });
    expect(commissioned.statusCode, commissioned.body).toBe(201);
    for (const url of urls) expect(await status('evaluator', url)).toBe(200);

    // The public: the confirmed activity's thumbnails, nothing else.
    const pub = (await visitor.get(`/api/public/projects/${projectId}/implementation`)).json();
    expect(pub.activities.map((a: { id: string }) => a.id)).toEqual([confirmed]);
    expect(pub.activities[0].photos).toEqual([
      { id: shown.photos[0].id, thumbnailUrl: `/api/public/activity-photos/${shown.photos[0].id}/thumbnail` },
    ]);
    expect(pub.activities[0]).not.toHaveProperty('signinSheet');
    expect(JSON.stringify(pub)).not.toContain('/api/files/');
    const thumbnail = await visitor.get(pub.activities[0].photos[0].thumbnailUrl);
    expect(thumbnail.statusCode).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/jpeg');
    expect(thumbnail.headers['x-content-type-options']).toBe('nosniff');
    expect((await sharp(thumbnail.rawPayload).metadata()).width).toBe(320);
    for (const id of [
      hidden.photos[0].id,
      pending.photos[0].id,
      withSheet.signinSheet.id,
      crypto.randomUUID(),
    ]) {
      const res = await visitor.get(`/api/public/activity-photos/${id}/thumbnail`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('not_found');
    }
  });

  it('the community’s queue shows each waiting activity with its project, photos and sign-in sheet', async () => {
    const projectId = await started();
    const id = await recorded(projectId);
    await addPhoto(id);
    await upload(provider, sheet(id), jpeg, '签到表.jpg');
    const queue = (await community.get('/api/activities/pending')).json();
    const item = queue.items.find((a: { id: string }) => a.id === id);
    expect(item.projectTitle).toMatch(/^实施测试项目/);
    expect(item.providerName).toEqual(expect.any(String));
    expect(item.photos).toHaveLength(1);
    expect(item.actions).toEqual(['confirm', 'dispute']);
    expect((await community.get(item.photos[0].url)).statusCode).toBe(200);
    expect((await community.get(item.signinSheet.url)).statusCode).toBe(200);
  });
});
