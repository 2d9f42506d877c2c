import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { awardBody, awardResult } from '../../../domain/reviews.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { roleCheck } from '../../http/authorize.js';
import { reviewPolicy } from '../reviews/policy.js';
import { awardCall } from './service.js';

const callParams = z.object({ callId: z.string().uuid('编号格式不正确') });

export function awardRoutes(fastify: FastifyInstance, { db }: AppContext) {
  typed(fastify).post(
    '/api/calls/:callId/awards',
    {
      preValidation: roleCheck(reviewPolicy, 'award'),
      schema: { tags: ['reviews'], params: callParams, body: awardBody, response: { 200: awardResult } },
    },
    async (request) => awardCall(db, signedInActor(request), request.params.callId, request.body),
  );
}
