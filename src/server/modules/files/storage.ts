import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Where uploaded content lives; the default is DATA_DIR. Another (object storage) can replace it. */
export interface FileStorage {
  put(content: Buffer): Promise<string>;
  open(sha256: string): Readable;
}

export function diskStorage(root: string): FileStorage {
  const pathOf = (sha256: string) => path.join(root, sha256.slice(0, 2), sha256);
  return {
    async put(content) {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const target = pathOf(sha256);
      if (!existsSync(target)) {
        await mkdir(path.dirname(target), { recursive: true });
        const temp = `${target}.${process.pid}.tmp`;
        await writeFile(temp, content);
        await rename(temp, target);
      }
      return sha256;
    },
    open: (sha256) => createReadStream(pathOf(sha256)),
  };
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const signatures: { mime: string; test: (b: Buffer, name: string) => boolean }[] = [
  { mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    mime: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    mime: 'image/webp',
    test: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    test: (b, name) => b.readUInt32BE(0) === 0x504b0304 && /\.docx$/i.test(name),
  },
  { mime: 'application/msword', test: (b, name) => b.readUInt32BE(0) === 0xd0cf11e0 && /\.doc$/i.test(name) },
];

/** The type of an upload from its first bytes (not its claimed type); null when not allowed. */
export function detectAllowedType(content: Buffer, name: string): string | null {
  if (content.length < 12) return null;
  return signatures.find((s) => s.test(content, name))?.mime ?? null;
}
