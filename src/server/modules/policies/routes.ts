import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { importResult } from '../../../domain/api.js';
import {
  POLICY_IMPORT_HEADERS,
  policyCreate,
  policyDetail,
  policyList,
  policyQuery,
  policyRetire,
  policyUpdate,
} from '../../../domain/policies.js';
import { type AppContext, typed } from '../../context.js';
import { findById } from '../../db/helpers.js';
import { signedInActor } from '../../http/auth.js';
import { roleCheck } from '../../http/authorize.js';
import { readRows, sendWorkbook, uploadedFile, workbookBuffer } from '../../http/excel.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload, storeAttachment } from '../files/service.js';
import { policyLibraryPolicy } from './policy.js';
import { policies } from './schema.js';
import * as service from './service.js';

export function policyRoutes(fastify: FastifyInstance, { db, storage }: AppContext) {
  const app = typed(fastify);
  const tags = ['policies'];
  // Every write is the administrators': others get 401/403 before their body is read.
  const adminOnly = roleCheck(policyLibraryPolicy, 'manage');
  const saved = z.object({ id: z.string(), version: z.number() });

  app.get(
    '/api/public/policies',
    {
      config: { publicCache: true },
      schema: { tags, querystring: policyQuery, response: { 200: policyList } },
    },
    async (request) => service.listPolicies(db, request.query),
  );

  app.get(
    '/api/public/policies/:id',
    { config: { publicCache: true }, schema: { tags, params: idParams, response: { 200: policyDetail } } },
    async (request) => service.getPolicy(db, request.params.id),
  );

  app.post(
    '/api/policies',
    { preValidation: adminOnly, schema: { tags, body: policyCreate, response: { 201: saved } } },
    async (request, reply) => {
      const row = await service.createPolicy(db, signedInActor(request), request.body);
      return reply.status(201).send({ id: row.id, version: row.version });
    },
  );

  app.patch(
    '/api/policies/:id',
    {
      preValidation: adminOnly,
      schema: { tags, params: idParams, body: policyUpdate, response: { 200: saved } },
    },
    async (request) => {
      const row = await service.updatePolicy(db, signedInActor(request), request.params.id, request.body);
      return { id: row.id, version: row.version };
    },
  );

  app.post(
    '/api/policies/:id/retire',
    { preValidation: adminOnly, schema: { tags, params: idParams, body: policyRetire } },
    async (request) => {
      const result = await service.retirePolicy(db, signedInActor(request), request.params.id, request.body);
      return { id: request.params.id, status: result.status, version: result.version };
    },
  );

  app.get('/api/policies/template.xlsx', { preValidation: adminOnly, schema: { tags } }, async (_r, reply) =>
    sendWorkbook(
      reply,
      '政策法规导入模板.xlsx',
      await workbookBuffer(
        '政策法规',
        Object.values(POLICY_IMPORT_HEADERS).map((header) => ({ header, width: 20, value: () => null })),
        [],
      ),
    ),
  );

  app.post(
    '/api/policies/import',
    { preValidation: adminOnly, schema: { tags, response: { 200: importResult }, ...uploadRoute('xlsx') } },
    async (request) => {
      const rows = await readRows(await uploadedFile(request), service.policyImportHeaders);
      return service.importPolicies(db, signedInActor(request), rows);
    },
  );

  app.post(
    '/api/policies/:id/attachments',
    { preValidation: adminOnly, schema: { tags, params: idParams, ...uploadRoute('attachment') } },
    async (request, reply) => {
      const policy = await findById(db, policies, request.params.id, '政策文件');
      const upload = await readUpload(request);
      const row = await storeAttachment(
        db,
        storage,
        signedInActor(request),
        { type: 'policy', id: policy.id },
        upload,
      );
      return reply.status(201).send({ id: row.id, name: row.name });
    },
  );
}
