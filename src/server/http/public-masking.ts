import type { FastifyInstance } from 'fastify';
import { maskPersonalDataDeep } from '../../domain/personal-data.js';

export const PUBLIC_API_PREFIX = '/api/public/';

/**
 * The public API's serialization boundary: every string it answers with (objections and answers,
 * call titles and descriptions, timelines, file names, plan notes …) goes through the one masking
 * function, for every viewer, whatever presenter built it. Presenters that know a person's name
 * (the objector's) mask it themselves first. Payloads already serialized (cached responses,
 * workbooks) do not pass here: their producers mask them.
 */
export function registerPublicMasking(app: FastifyInstance) {
  app.addHook('preSerialization', async (request, _reply, payload) =>
    request.routeOptions.url?.startsWith(PUBLIC_API_PREFIX) ? maskPersonalDataDeep(payload) : payload,
  );
}
