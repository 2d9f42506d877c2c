import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOf, region, regionCreate, regionQuery, regionUpdate } from '../../../domain/api.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { registerActivationRoutes } from '../../http/crud/activation.js';
import { idParams } from '../../http/params.js';
import { regionPolicy } from './policy.js';
import { regions } from './schema.js';
import * as service from './service.js';

const treeNode: z.ZodType<unknown> = z.lazy(() =>
  z.object({ id: z.string(), name: z.string(), level: z.string(), children: z.array(treeNode) }),
);

export function regionRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const { db } = ctx;
  const app = typed(fastify);
  const tags = ['regions'];

  app.get(
    '/api/regions',
    { config: { publicCache: true }, schema: { tags, querystring: regionQuery, response: { 200: listOf(region) } } },
    async (request) => ({
      ...(await service.listRegions(db, request.user, request.query)),
      actions: permittedActions(request.user, regionPolicy, null, ['create']),
    }),
  );

  app.get(
    '/api/regions/tree',
    { config: { publicCache: true }, schema: { tags, response: { 200: z.array(treeNode) } } },
    async () => service.regionTree(db),
  );

  app.get(
    '/api/regions/:id',
    { config: { publicCache: true }, schema: { tags, params: idParams, response: { 200: region } } },
    async (request) => service.getRegion(db, request.user, request.params.id),
  );

  app.post(
    '/api/regions',
    { schema: { tags, body: regionCreate, response: { 201: region } } },
    async (request, reply) => {
      authorize(request.user, regionPolicy, 'create', null);
      return reply.status(201).send(await service.createRegion(db, signedInActor(request), request.body));
    },
  );

  app.patch(
    '/api/regions/:id',
    { schema: { tags, params: idParams, body: regionUpdate, response: { 200: region } } },
    async (request) => {
      authorize(request.user, regionPolicy, 'update', null);
      return service.updateRegion(db, signedInActor(request), request.params.id, request.body);
    },
  );

  registerActivationRoutes(fastify, ctx, {
    path: '/api/regions',
    table: regions,
    targetType: 'region',
    label: '区划',
    tag: 'regions',
    policy: regionPolicy,
    response: region,
    present: (viewer, id) => service.getRegion(db, viewer, id),
  });
}
