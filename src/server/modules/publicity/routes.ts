import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageOf } from '../../../domain/api.js';
import {
  holidayCalendarResponse,
  internalPublicity,
  OBJECTION_RATE_LIMIT,
  objectionAnswerBody,
  objectionBody,
  objectionReceipt,
  publicityListItem,
  publicityOpenBody,
  publicityQuery,
  publicPublicity,
} from '../../../domain/publicity.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { idParams, uuidParam } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload } from '../files/service.js';
import { attachmentToken, attachToObjection, MAX_OBJECTION_FILES } from './objection-attachments.js';
import * as service from './service.js';

const callParams = uuidParam('callId');

/**
 * 立项公示 and 异议. Public routes (under /api/public) need no account; objections are
 * rate-limited per IP address. The buyer's routes check the call's buyer organization.
 */
export function publicityRoutes(
  fastify: FastifyInstance,
  ctx: AppContext,
  { closers = {} }: { closers?: service.PublicityClosers } = {},
) {
  const { db } = ctx;
  const app = typed(fastify);
  const tags = ['publicity'];
  // The holiday_years table as this process holds it (reloaded when another process loads a year):
  // answered from memory, so not through the public cache, which could keep it from before a reload.
  const { calendar } = ctx;

  app.get(
    '/api/public/calendar',
    { schema: { tags, response: { 200: holidayCalendarResponse } } },
    async () => ({
      years: [...calendar.years].sort(),
      arrangements: [...calendar.arrangements],
    }),
  );

  app.get(
    '/api/public/publicities',
    {
      config: { publicCache: true },
      schema: { tags, querystring: publicityQuery, response: { 200: pageOf(publicityListItem) } },
    },
    async (request) => service.listPublicities(db, request.query),
  );

  app.get(
    '/api/public/publicities/:id',
    { config: { publicCache: true }, schema: { tags, params: idParams, response: { 200: publicPublicity } } },
    async (request) => service.getPublicPublicity(db, request.user, request.params.id),
  );

  app.post(
    '/api/public/publicities/:id/objections',
    {
      config: { rateLimit: { max: OBJECTION_RATE_LIMIT.max, timeWindow: OBJECTION_RATE_LIMIT.timeWindow } },
      schema: { tags, params: idParams, body: objectionBody, response: { 201: objectionReceipt } },
    },
    async (request, reply) => {
      const receipt = await service.fileObjection(db, request.params.id, request.body, request.ip ?? null);
      return reply
        .status(201)
        .send({ ...receipt, attachmentToken: attachmentToken(ctx.config.SESSION_SECRET, receipt.id) });
    },
  );

  app.post(
    '/api/public/objections/:id/attachments',
    {
      config: {
        rateLimit: {
          max: OBJECTION_RATE_LIMIT.max * MAX_OBJECTION_FILES,
          timeWindow: OBJECTION_RATE_LIMIT.timeWindow,
        },
      },
      schema: {
        tags,
        params: idParams,
        querystring: z.object({ token: z.string().min(1, '缺少附件凭证').max(100) }),
        ...uploadRoute('attachment'),
      },
    },
    async (request, reply) => {
      const row = await attachToObjection(
        db,
        ctx.storage,
        ctx.config.SESSION_SECRET,
        request.params.id,
        request.query.token,
        await readUpload(request),
        request.ip ?? null,
      );
      return reply.status(201).send({ id: row.id, name: row.name });
    },
  );

  app.post(
    '/api/calls/:callId/publicity',
    { schema: { tags, params: callParams, body: publicityOpenBody, response: { 201: internalPublicity } } },
    async (request, reply) =>
      reply.status(201).send(
        await service.openPublicity(db, signedInActor(request), request.params.callId, request.body, {
          calendar,
          minWorkingDays: ctx.config.PUBLICITY_WORKING_DAYS,
        }),
      ),
  );

  app.get(
    '/api/publicities/:id',
    { schema: { tags, params: idParams, response: { 200: internalPublicity } } },
    async (request) => service.getInternalPublicity(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/objections/:id/answer',
    { schema: { tags, params: idParams, body: objectionAnswerBody, response: { 200: internalPublicity } } },
    async (request) => service.answerObjection(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/publicities/:id/close',
    { schema: { tags, params: idParams, response: { 200: internalPublicity } } },
    async (request) => service.closePublicity(db, signedInActor(request), request.params.id, closers),
  );
}
