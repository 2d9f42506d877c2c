import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  myReview,
  myReviews,
  respondBody,
  reviewApplications,
  reviewCreateBody,
  reviewResults,
  reviewView,
  sheet,
  sheetBody,
} from '../../../domain/reviews.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { roleCheck } from '../../http/authorize.js';
import { panelPolicy, reviewPolicy } from './policy.js';
import * as service from './service.js';

const uuid = z.string().uuid('编号格式不正确');
const callParams = z.object({ callId: uuid });
const sessionParams = z.object({ sessionId: uuid });
const sheetParams = sessionParams.extend({ applicationId: uuid });

export function reviewRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const { db } = ctx;
  const app = typed(fastify);
  const tags = ['reviews'];

  app.post(
    '/api/calls/:callId/review',
    {
      preValidation: roleCheck(reviewPolicy, 'start'),
      schema: {
        tags,
        params: callParams,
        body: reviewCreateBody(ctx.config.PANEL_MIN_SIZE),
        response: { 201: reviewView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.startReview(db, signedInActor(request), request.params.callId, request.body)),
  );

  app.get(
    '/api/calls/:callId/review',
    {
      preValidation: roleCheck(reviewPolicy, 'view'),
      schema: { tags, params: callParams, response: { 200: reviewView } },
    },
    async (request) => service.getReview(db, signedInActor(request).user, request.params.callId),
  );

  app.get(
    '/api/calls/:callId/review/results',
    {
      preValidation: roleCheck(reviewPolicy, 'results'),
      schema: { tags, params: callParams, response: { 200: reviewResults } },
    },
    async (request) => service.reviewResults(db, signedInActor(request).user, request.params.callId),
  );

  app.get(
    '/api/reviews/mine',
    { preValidation: roleCheck(panelPolicy, 'mine'), schema: { tags, response: { 200: myReviews } } },
    async (request) => service.myReviews(db, signedInActor(request).user),
  );

  app.post(
    '/api/reviews/:sessionId/respond',
    {
      preValidation: roleCheck(panelPolicy, 'respond'),
      schema: { tags, params: sessionParams, body: respondBody, response: { 200: myReview } },
    },
    async (request) => service.respond(db, signedInActor(request), request.params.sessionId, request.body),
  );

  app.get(
    '/api/reviews/:sessionId/applications',
    {
      preValidation: roleCheck(panelPolicy, 'score'),
      schema: { tags, params: sessionParams, response: { 200: reviewApplications } },
    },
    async (request) => service.reviewApplications(db, signedInActor(request).user, request.params.sessionId),
  );

  app.put(
    '/api/reviews/:sessionId/sheets/:applicationId',
    {
      preValidation: roleCheck(panelPolicy, 'score'),
      schema: { tags, params: sheetParams, body: sheetBody, response: { 200: sheet } },
    },
    async (request) =>
      service.saveSheet(
        db,
        signedInActor(request),
        request.params.sessionId,
        request.params.applicationId,
        request.body,
      ),
  );

  app.post(
    '/api/reviews/:sessionId/sheets/:applicationId/submit',
    {
      preValidation: roleCheck(panelPolicy, 'score'),
      schema: { tags, params: sheetParams, response: { 200: sheet } },
    },
    async (request) =>
      service.submitSheet(db, signedInActor(request), request.params.sessionId, request.params.applicationId),
  );
}
