import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type AppContext, typed } from '../../context.js';
import { authorize } from '../../http/authorize.js';
import { AppError, notFound } from '../../http/errors.js';
import { parseTilePath } from './lib/tiles.js';
import { transparencyPolicy } from './policy.js';
import {
  addCosignatures,
  CosignatureError,
  entryProof,
  logState,
  publicProofs,
  readEntryBundle,
  readTile,
  servedCheckpoint,
  witnessVerifiers,
} from './service.js';

export const LOG_PREFIX = '/api/transparency/log';

const text = (reply: FastifyReply, body: string, cache: string) =>
  reply
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', cache)
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin')
    .send(body);

const missing = (reply: FastifyReply, what: string) =>
  reply.code(404).header('content-type', 'text/plain; charset=utf-8').send(`${what} not found\n`);

/**
 * The audit trail's transparency log, served as C2SP tlog-tiles under /api/transparency/log
 * (public, no login), plus witness cosignature submission and the supervisors' entry opening.
 */
export function transparencyRoutes(fastify: FastifyInstance, { db, config }: AppContext) {
  const app = typed(fastify);
  const tags = ['transparency'];

  app.get(
    `${LOG_PREFIX}/checkpoint`,
    { schema: { tags, summary: 'Latest signed checkpoint (signed note)' } },
    async (_request, reply) => {
      const note = await servedCheckpoint(db);
      if (!note) return missing(reply, 'checkpoint');
      return text(reply, note, 'public, max-age=2');
    },
  );

  app.get(
    `${LOG_PREFIX}/key`,
    { schema: { tags, summary: 'The log’s signed-note verifier key' } },
    async (_request, reply) => {
      const state = await logState(db);
      if (!state) return missing(reply, 'log key');
      return text(reply, `${state.verifierKey}\n`, 'public, max-age=300');
    },
  );

  app.get(
    `${LOG_PREFIX}/tile/*`,
    {
      schema: {
        tags,
        summary: 'Hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>]',
        params: z.object({ '*': z.string() }),
      },
    },
    async (request, reply) => {
      const tile = parseTilePath(request.params['*']);
      if (!tile) return missing(reply, 'tile');
      const data =
        tile.level === 'entries'
          ? await readEntryBundle(db, tile.index, tile.width)
          : await readTile(db, tile.level, tile.index, tile.width);
      if (!data) return missing(reply, 'tile');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(data);
    },
  );

  app.get(
    `${LOG_PREFIX}/proofs`,
    {
      schema: {
        tags,
        summary:
          'Public audit entries (by id, as linked from timeline steps) with their log entries and inclusion proofs in the latest checkpoint',
        querystring: z.object({
          audit: z
            .string()
            .regex(/^\d{1,15}(,\d{1,15}){0,99}$/, '请以逗号分隔最多 100 个审计条目编号')
            .transform((v) => [...new Set(v.split(',').map(Number))]),
        }),
        response: {
          200: z.object({
            checkpoint: z.string().nullable(),
            treeSize: z.number().int(),
            entries: z.array(
              z.object({
                auditId: z.number().int(),
                leafIndex: z.number().int(),
                entry: z.string(),
                inclusionProof: z.array(z.string()),
              }),
            ),
            pending: z.array(z.number().int()),
          }),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=2');
      return publicProofs(db, request.query.audit);
    },
  );

  app.get(
    '/api/transparency/witnesses',
    {
      schema: {
        tags,
        summary: 'Witnesses whose cosignatures the log accepts',
        response: { 200: z.object({ witnesses: z.array(z.string()) }) },
      },
    },
    async () => ({ witnesses: witnessVerifiers(config).map((v) => v.vkey) }),
  );

  app.post(
    `${LOG_PREFIX}/cosignature`,
    {
      schema: {
        tags,
        summary:
          'Submit witness cosignatures: the checkpoint note with the witness’s signature line(s), text/plain',
        body: z.string().max(64 * 1024),
        response: { 200: z.object({ treeSize: z.number().int(), accepted: z.array(z.string()) }) },
      },
    },
    async (request) => {
      try {
        return await addCosignatures(db, config, request.body);
      } catch (error) {
        if (error instanceof CosignatureError)
          throw new AppError(error.statusCode, 'cosignature_rejected', error.message);
        throw error;
      }
    },
  );

  app.get(
    '/api/transparency/entries/:id',
    {
      schema: {
        tags,
        summary:
          'Supervisors: an entry’s salt and full content, which open its commitment, and its inclusion proof',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            auditId: z.number().int(),
            leafIndex: z.number().int(),
            treeSize: z.number().int(),
            checkpoint: z.string(),
            entry: z.string(),
            salt: z.string(),
            content: z.string(),
            inclusionProof: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => {
      authorize(request.user, transparencyPolicy, 'open', null);
      const proof = await entryProof(db, request.params.id);
      if (!proof) throw notFound('透明日志条目');
      return proof;
    },
  );
}
