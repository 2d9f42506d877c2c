import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOf, pageOf } from '../../../domain/api.js';
import {
  callCreate,
  callDetail,
  callManaged,
  callQuery,
  callSummary,
  callUpdate,
  reasonBody,
} from '../../../domain/calls.js';
import { type AppContext, typed } from '../../context.js';
import { findById } from '../../db/helpers.js';
import { signedInActor } from '../../http/auth.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload, storeAttachment } from '../files/service.js';
import { callPolicy } from './policy.js';
import { calls } from './schema.js';
import * as service from './service.js';

export function callRoutes(fastify: FastifyInstance, { db, config, storage }: AppContext) {
  const app = typed(fastify);
  const tags = ['calls'];

  // ----- public -----
  app.get(
    '/api/public/calls',
    {
      config: { publicCache: true },
      schema: {
        tags,
        querystring: callQuery,
        response: { 200: pageOf(callSummary).extend({ totalCapped: z.boolean() }) },
      },
    },
    async (request) => service.listPublicCalls(db, request.query),
  );
  app.get(
    '/api/public/calls/:id',
    { config: { publicCache: true }, schema: { tags, params: idParams, response: { 200: callDetail } } },
    async (request) => service.publicCall(db, request.params.id),
  );

  // ----- management -----
  app.get(
    '/api/calls',
    {
      schema: {
        tags,
        querystring: callQuery,
        response: { 200: listOf(callSummary).extend({ totalCapped: z.boolean() }) },
      },
    },
    async (request) => {
      authorize(request.user, callPolicy, 'view', { buyerOrgId: request.user?.org?.id ?? '', status: '' });
      return {
        ...(await service.listManagedCalls(db, request.user, request.query)),
        actions: permittedActions(request.user, callPolicy, null, ['create']),
      };
    },
  );

  app.get(
    '/api/calls/:id',
    { schema: { tags, params: idParams, response: { 200: callManaged } } },
    async (request) => {
      const actor = signedInActor(request);
      return service.managedCall(db, actor.user, request.params.id);
    },
  );

  app.post(
    '/api/calls',
    { schema: { tags, body: callCreate, response: { 201: callManaged } } },
    async (request, reply) => {
      authorize(request.user, callPolicy, 'create', null);
      return reply.status(201).send(await service.createCall(db, signedInActor(request), request.body));
    },
  );

  const loadManaged = async (
    user: Parameters<typeof authorize>[0],
    id: string,
    action: 'manage' | 'update',
  ) => {
    const call = await findById(db, calls, id, '项目');
    authorize(user, callPolicy, action === 'update' ? 'manage' : action, call);
    return call;
  };

  app.patch(
    '/api/calls/:id',
    { schema: { tags, params: idParams, body: callUpdate, response: { 200: callManaged } } },
    async (request) => {
      await loadManaged(request.user, request.params.id, 'update');
      return service.updateCall(db, signedInActor(request), request.params.id, request.body);
    },
  );

  app.post(
    '/api/calls/:id/publish',
    { schema: { tags, params: idParams, response: { 200: callManaged } } },
    async (request) => {
      await loadManaged(request.user, request.params.id, 'manage');
      return service.publishCall(db, config, signedInActor(request), request.params.id);
    },
  );

  app.post(
    '/api/calls/:id/close',
    { schema: { tags, params: idParams, response: { 200: callManaged } } },
    async (request) => {
      await loadManaged(request.user, request.params.id, 'manage');
      return service.closeCall(db, signedInActor(request), request.params.id);
    },
  );

  for (const name of ['cancel', 'fail'] as const) {
    app.post(
      `/api/calls/:id/${name}`,
      { schema: { tags, params: idParams, body: reasonBody, response: { 200: callManaged } } },
      async (request) => {
        await loadManaged(request.user, request.params.id, 'manage');
        return service.endCall(db, signedInActor(request), request.params.id, name, request.body.reason);
      },
    );
  }

  const attachmentSchema = { tags, params: idParams, ...uploadRoute('attachment') };
  app.post('/api/calls/:id/attachments', { schema: attachmentSchema }, async (request, reply) => {
    const call = await loadManaged(request.user, request.params.id, 'manage');
    const upload = await readUpload(request);
    const row = await storeAttachment(
      db,
      storage,
      signedInActor(request),
      { type: 'call', id: call.id },
      upload,
    );
    return reply.status(201).send({ id: row.id, name: row.name, url: `/api/files/${row.id}` });
  });
}
