import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';

/**
 * Where uploaded content lives; the default is DATA_DIR. Another (object storage) can replace it.
 * Content is stored under `<sha256>.<ext>`, the extension of its detected type: never a name
 * an uploader chose.
 */
export interface FileStorage {
  put(content: Buffer, ext: string): Promise<string>;
  /** null when the content is missing. */
  open(sha256: string, ext: string): Readable | null;
}

export function diskStorage(root: string): FileStorage {
  const dirOf = (sha256: string) => path.join(root, sha256.slice(0, 2));
  const pathOf = (sha256: string, ext: string) => path.join(dirOf(sha256), `${sha256}.${ext}`);
  return {
    async put(content, ext) {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const target = pathOf(sha256, ext);
      if (!existsSync(target)) {
        await mkdir(path.dirname(target), { recursive: true });
        const temp = `${target}.${process.pid}.tmp`;
        await writeFile(temp, content);
        await rename(temp, target);
      }
      return sha256;
    },
    open(sha256, ext) {
      // Files stored before names carried their type's extension are found under the bare hash.
      const file = [pathOf(sha256, ext), path.join(dirOf(sha256), sha256)].find((p) => existsSync(p));
      return file ? createReadStream(file) : null;
    },
  };
}

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface FileType {
  mime: string;
  /** The extension files of this type are stored and downloaded with. */
  ext: string;
}

/** Every type an attachment may have, by the extension file-type detects. */
const ATTACHMENT_TYPES: Record<string, FileType> = {
  pdf: { mime: 'application/pdf', ext: 'pdf' },
  png: { mime: 'image/png', ext: 'png' },
  apng: { mime: 'image/png', ext: 'png' },
  jpg: { mime: 'image/jpeg', ext: 'jpg' },
  gif: { mime: 'image/gif', ext: 'gif' },
  webp: { mime: 'image/webp', ext: 'webp' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  doc: { mime: 'application/msword', ext: 'doc' },
};

/** Which detected types a kind of upload accepts, and what to say otherwise. */
export interface UploadRule {
  types: readonly string[];
  message: string;
}

const ANY_ATTACHMENT: UploadRule = {
  types: Object.keys(ATTACHMENT_TYPES),
  message: '只能上传 PDF、Word（.doc/.docx）或图片（PNG、JPEG、GIF、WebP）文件',
};

/** By owner type; calls, applications, objections, contracts and receipts take any attachment type. */
const UPLOAD_RULES: Record<string, UploadRule> = {
  evaluation: { types: ['pdf'], message: '评估报告只能上传 PDF 文件' },
};

export const uploadRule = (ownerType: string): UploadRule =>
  Object.hasOwn(UPLOAD_RULES, ownerType) ? UPLOAD_RULES[ownerType] : ANY_ATTACHMENT;

const EXT_OF_MIME = new Map(Object.values(ATTACHMENT_TYPES).map((t) => [t.mime, t.ext]));

/** The extension stored content of this type has (`bin` for a type no longer accepted). */
export const extOfMime = (mime: string) => EXT_OF_MIME.get(mime) ?? 'bin';

/**
 * file-type reports every OLE2 compound file (Word 97–2003, but also Excel, MSI installers) as
 * `cfb`; a Word document is the one with a `WordDocument` stream, named in UTF-16 in its directory.
 */
const WORD_STREAM = Buffer.from('WordDocument', 'utf16le');

/** The type of an upload from its bytes (never its name or claimed type); null when the rule refuses it. */
export async function detectAllowedType(content: Buffer, rule = ANY_ATTACHMENT): Promise<FileType | null> {
  const detected = await fileTypeFromBuffer(content);
  let ext = detected?.ext;
  if (ext === 'cfb') ext = content.includes(WORD_STREAM) ? 'doc' : undefined;
  return ext && rule.types.includes(ext) ? ATTACHMENT_TYPES[ext] : null;
}
