import type { FastifyInstance } from 'fastify';
import { maskPersonalData, maskPersonalDataDeep } from '../../domain/personal-data.js';

export const PUBLIC_API_PREFIX = '/api/public/';

/** Remembered masked strings, up to this many characters in all (then forgotten at once). */
const MEMO_CHARS = 4_000_000;

/**
 * maskPersonalData remembered per string: a public read after a write (the response cache then
 * misses) shows mostly the same titles and descriptions, and masking a description costs far more
 * than looking it up.
 */
function memoizedMask() {
  const memo = new Map<string, string>();
  let chars = 0;
  return (text: string) => {
    const known = memo.get(text);
    if (known !== undefined) return known;
    const masked = maskPersonalData(text);
    if (chars + text.length > MEMO_CHARS) {
      memo.clear();
      chars = 0;
    }
    memo.set(text, masked);
    chars += text.length;
    return masked;
  };
}

/**
 * The public API's serialization boundary: every string it answers with (objections and answers,
 * call titles and descriptions, timelines, file names, plan notes …) goes through the one masking
 * function, for every viewer, whatever presenter built it. Presenters that know a person's name
 * (the objector's) mask it themselves first. Payloads already serialized (cached responses,
 * workbooks) do not pass here: their producers mask them.
 */
export function registerPublicMasking(app: FastifyInstance) {
  const mask = memoizedMask();
  app.addHook('preSerialization', async (request, _reply, payload) =>
    request.routeOptions.url?.startsWith(PUBLIC_API_PREFIX) ? maskPersonalDataDeep(payload, mask) : payload,
  );
}
