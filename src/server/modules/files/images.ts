/**
 * Photos as they are kept: re-encoded by sharp (libvips) in their own format, turned upright from
 * their EXIF orientation, fitted inside a square of the given size, with every metadata block
 * (EXIF with its GPS position, XMP, IPTC, comments) left behind — sharp writes none unless
 * `keepMetadata()`/`withMetadata()` is asked for, which this module never does.
 */
import sharp, { type Sharp } from 'sharp';
import { unprocessable } from '../../http/errors.js';
import { detectAllowedType, type FileType, type UploadRule } from './storage.js';

export const IMAGE_RULE: UploadRule = {
  types: ['jpg', 'png', 'webp'],
  message: '只能上传 JPEG、PNG 或 WebP 格式的图片',
};

/** Larger images are refused before decoding (a small file can expand to gigabytes of pixels). */
export const MAX_INPUT_PIXELS = 64_000_000;

export interface KeptImage {
  content: Buffer;
  type: FileType;
}

function encoder(image: Sharp, ext: string) {
  if (ext === 'png') return image.png({ compressionLevel: 9 });
  if (ext === 'webp') return image.webp({ quality: 82 });
  return image.jpeg({ quality: 82, mozjpeg: true });
}

/** An image of an allowed type, re-encoded inside `maxPx` × `maxPx` without its metadata. */
export async function keepImage(content: Buffer, maxPx: number, rule = IMAGE_RULE): Promise<KeptImage> {
  const type = await detectAllowedType(content, rule);
  if (!type) throw unprocessable('file_type_not_allowed', rule.message);
  return { content: await reencode(content, type.ext, maxPx), type };
}

/** The same image in the same format, smaller (a thumbnail of a kept image). */
export const resized = (image: KeptImage, maxPx: number): Promise<KeptImage> =>
  reencode(image.content, image.type.ext, maxPx).then((content) => ({ content, type: image.type }));

async function reencode(content: Buffer, ext: string, maxPx: number) {
  try {
    const image = sharp(content, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: maxPx, height: maxPx, fit: 'inside', withoutEnlargement: true });
    return await encoder(image, ext).toBuffer();
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/pixel limit/i.test(message))
      throw unprocessable(
        'image_too_large',
        `图片像素过大（不能超过${MAX_INPUT_PIXELS / 1_000_000}百万像素）`,
      );
    throw unprocessable('image_unreadable', '图片已损坏或无法读取，请换一张图片');
  }
}
