import type { FastifyInstance } from 'fastify';
import { type InputContext, invalidInput } from './error-handler.js';
import { AppError, type FieldProblem } from './errors.js';

/**
 * Text that PostgreSQL cannot store or that is not Unicode at all: NUL (text and jsonb reject it)
 * and UTF-16 surrogates without their pair (jsonb rejects them; they have no UTF-8 encoding).
 * Every string of every request passes here once — JSON bodies at any depth and their keys,
 * query strings, path parameters, and, through `textProblem`, multipart fields and file names
 * (http/uploads.ts) — so no module has to think of it.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNPRINTABLE = new RegExp(`\0|${LONE_SURROGATE.source}`, 'g');
const MAX_REPORTED = 10;

/** What is wrong with a piece of text, or null. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return '不能包含空字符（U+0000）';
  if (LONE_SURROGATE.test(value)) return '包含无效的 Unicode 字符（不成对的代理项）';
  return null;
}

/** A key as it can be shown in a message (its bad characters replaced, never echoed). */
export const printable = (key: string) => key.replace(UNPRINTABLE, '\uFFFD');
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Every bad string in a parsed value, with its path; iterative, so any depth is safe. */
export function textProblems(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0 && problems.length < MAX_REPORTED) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      const message = textProblem(item);
      if (message) problems.push({ path, message });
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], join(path, String(i))]);
    } else if (item !== null && typeof item === 'object' && !Buffer.isBuffer(item)) {
      for (const [key, child] of Object.entries(item)) {
        const where = join(path, printable(key));
        const message = textProblem(key);
        if (message) problems.push({ path: where, message: `字段名${message}` });
        pending.push([child, where]);
      }
    }
  }
  return problems;
}

/**
 * Rejects, with 422 and the field, any request whose strings PostgreSQL could not store; and
 * compressed request bodies, which no parser here decodes (they would fail later, less clearly).
 */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    const encoding = request.headers['content-encoding'];
    if (encoding && encoding.trim().toLowerCase() !== 'identity') {
      throw new AppError(
        415,
        'unsupported_media_type',
        '不支持压缩的请求内容（Content-Encoding），请发送未压缩的内容',
      );
    }
  });
  app.addHook('preValidation', async (request) => {
    const parts: [InputContext, unknown][] = [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ];
    for (const [context, value] of parts) {
      const problems = textProblems(value);
      if (problems.length > 0) throw invalidInput(context, problems);
    }
  });
}
