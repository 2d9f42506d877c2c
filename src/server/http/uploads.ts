import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { invalidInput, multipartProblem } from './error-handler.js';
import { AppError, badRequest, type FieldProblem, unprocessable } from './errors.js';
import { printable, textProblem } from './input-guard.js';

/** The only file field of every upload form. */
export const FILE_FIELD = 'file';
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/**
 * What one upload request may hold (@fastify/multipart, registered in app.ts): one file and a
 * few text fields, none large. Anything beyond is refused while it streams in.
 */
export const MULTIPART_LIMITS = {
  files: 1,
  fields: 10,
  parts: 12,
  fieldNameSize: 100,
  fieldSize: 64 * 1024,
  headerPairs: 20,
  fileSize: MAX_UPLOAD_BYTES,
};

declare module 'fastify' {
  interface FastifySchema {
    /** An upload route: one multipart/form-data file in the named field (OpenAPI extension). */
    'x-upload'?: { field: string; accepts: string };
  }
}

/** The schema part of an upload route, so OpenAPI (and the fuzz test) knows it takes a form. */
export const uploadRoute = (accepts: 'attachment' | 'xlsx') => ({
  'x-upload': { field: FILE_FIELD, accepts },
});

export interface UploadedFile {
  /** As the client sent it (checked for NUL and lone surrogates, nothing else). */
  filename: string;
  content: Buffer;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)}MB`;

function checkText(problems: FieldProblem[], path: string, value: string | undefined) {
  const message = value === undefined ? null : textProblem(value);
  if (message) problems.push({ path, message });
}

/**
 * Reads the one file of an upload form (field `file`) into memory, every part of the body
 * through to its end — so a truncated or malformed body is an error here, not a half upload —
 * and turns every multipart failure into a 4xx with a message (error-handler.ts).
 */
export async function readUploadedFile(
  request: FastifyRequest,
  options: { maxBytes?: number; missing: string },
): Promise<UploadedFile> {
  if (!request.isMultipart()) throw badRequest(`请以 multipart/form-data 上传文件（字段名 ${FILE_FIELD}）`);
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  let file: UploadedFile | null = null;
  let fieldWithoutFile = false;
  try {
    for await (const part of request.parts({ limits: { ...MULTIPART_LIMITS, fileSize: maxBytes } })) {
      const problems: FieldProblem[] = [];
      const name = printable(part.fieldname);
      checkText(problems, `${name}（字段名）`, part.fieldname);
      if (part.type === 'field') {
        if (typeof part.value === 'string') checkText(problems, name, part.value);
        if (part.fieldname === FILE_FIELD) fieldWithoutFile = true;
      } else {
        checkText(problems, `${name}（文件名）`, part.filename);
      }
      if (problems.length > 0) throw invalidInput('multipart', problems);
      if (part.type === 'file') file = await readFilePart(part, file);
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw unprocessable('file_too_large', `文件不能超过${megabytes(maxBytes)}`);
    throw err instanceof AppError ? err : (multipartProblem(err) ?? err);
  }
  if (!file) {
    throw badRequest(
      fieldWithoutFile ? `字段 ${FILE_FIELD} 不是文件（缺少文件名 filename）` : options.missing,
    );
  }
  return file;
}

async function readFilePart(part: MultipartFile, found: UploadedFile | null): Promise<UploadedFile | null> {
  if (part.fieldname !== FILE_FIELD || found) {
    part.file.resume();
    return found;
  }
  return { filename: part.filename ?? '', content: await part.toBuffer() };
}
