import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { keepImage, MAX_INPUT_PIXELS, resized } from './images.js';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 90 } } });

/** A PNG whose header claims width × height pixels, with no pixel data behind it. */
function pngClaiming(width: number, height: number) {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
  };
  const header = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('keepImage', () => {
  it('turns a photo upright from its EXIF orientation, then drops the orientation with the rest', async () => {
    const sideways = await solid(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const kept = await keepImage(sideways, 1600);
    const meta = await sharp(kept.content).metadata();
    expect(meta).toMatchObject({ width: 200, height: 400 });
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
  });

  it('fits inside the size on the longer side and keeps the format', async () => {
    const kept = await keepImage(await solid(3000, 1000).webp().toBuffer(), 1600);
    expect(kept.type).toEqual({ mime: 'image/webp', ext: 'webp' });
    expect(await sharp(kept.content).metadata()).toMatchObject({ format: 'webp', width: 1600, height: 533 });
    const thumb = await resized(kept, 320);
    expect(await sharp(thumb.content).metadata()).toMatchObject({ width: 320, height: 107 });
  });

  it('refuses an image claiming more pixels than the limit before decoding it', async () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    await expect(keepImage(pngClaiming(side, side), 1600)).rejects.toMatchObject({
      statusCode: 422,
      errorId: 'image_too_large',
    });
  });

  it('refuses a GIF and a truncated JPEG with a message', async () => {
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]);
    await expect(keepImage(gif, 1600)).rejects.toMatchObject({
      errorId: 'file_type_not_allowed',
      message: '只能上传 JPEG、PNG 或 WebP 格式的图片',
    });
    const jpeg = await solid(300, 300).jpeg().toBuffer();
    await expect(keepImage(jpeg.subarray(0, 400), 1600)).rejects.toMatchObject({
      errorId: 'image_unreadable',
    });
  });
});
