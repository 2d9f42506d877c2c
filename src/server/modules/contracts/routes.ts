import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../../domain/api.js';
import {
  amendmentBody,
  contract,
  contractConfirmBody,
  contractCreateBody,
  contractListItem,
  contractQuery,
  contractUpdateBody,
} from '../../../domain/contracts.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { idParams, uuidParam } from '../../http/params.js';
import * as service from './service.js';

const awardParams = uuidParam('awardId');

/** 合同: drafted by the buyer from an approved award, confirmed by both sides, amended with reasons. */
export function contractRoutes(fastify: FastifyInstance, { db }: AppContext) {
  const app = typed(fastify);
  const tags = ['contracts'];

  app.get(
    '/api/contracts',
    { schema: { tags, querystring: contractQuery, response: { 200: pageOf(contractListItem) } } },
    async (request) => service.listContracts(db, signedInActor(request).user, request.query),
  );

  app.get(
    '/api/contracts/:id',
    { schema: { tags, params: idParams, response: { 200: contract } } },
    async (request) => service.getContract(db, signedInActor(request).user, request.params.id),
  );

  app.get(
    '/api/awards/:awardId/contract',
    { schema: { tags, params: awardParams, response: { 200: contract } } },
    async (request) => service.getContractOfAward(db, signedInActor(request).user, request.params.awardId),
  );

  app.post(
    '/api/awards/:awardId/contract',
    { schema: { tags, params: awardParams, body: contractCreateBody, response: { 201: contract } } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createContract(db, signedInActor(request), request.params.awardId, request.body)),
  );

  app.patch(
    '/api/contracts/:id',
    { schema: { tags, params: idParams, body: contractUpdateBody, response: { 200: contract } } },
    async (request) => service.updateContract(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/contracts/:id/confirm',
    { schema: { tags, params: idParams, body: contractConfirmBody, response: { 200: contract } } },
    async (request) => service.confirmContract(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/contracts/:id/amendments',
    { schema: { tags, params: idParams, body: amendmentBody, response: { 201: contract } } },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.amendContract(db, signedInActor(request), request.params.id, request.body)),
  );
}
