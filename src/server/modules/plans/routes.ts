import type { FastifyInstance } from 'fastify';
import { importResult } from '../../../domain/api.js';
import { maskPersonalDataDeep } from '../../../domain/personal-data.js';
import { planLineCreate, planLineUpdate, planOverview, planQuery } from '../../../domain/plans.js';
import { type AppContext, typed } from '../../context.js';
import { findById } from '../../db/helpers.js';
import { signedInActor } from '../../http/auth.js';
import { authorize } from '../../http/authorize.js';
import { readRows, sendWorkbook, uploadedFile, workbookBuffer } from '../../http/excel.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { planPolicy } from './policy.js';
import { planLines } from './schema.js';
import * as service from './service.js';

export function planRoutes(fastify: FastifyInstance, { db }: AppContext) {
  const app = typed(fastify);
  const tags = ['plans'];

  app.get(
    '/api/public/plans',
    {
      config: { publicCache: true },
      schema: { tags, querystring: planQuery, response: { 200: planOverview } },
    },
    async (request) => service.planOverview(db, request.user, request.query),
  );

  app.get(
    '/api/public/plans/export.xlsx',
    { schema: { tags, querystring: planQuery } },
    async (request, reply) => {
      // A workbook skips the public API's masking hook (http/public-masking.ts): masked here.
      const overview = maskPersonalDataDeep(await service.planOverview(db, null, request.query));
      const columns = [
        { header: '购买主体', width: 30, value: (l: (typeof overview.lines)[number]) => l.buyerName },
        ...service.planColumns,
      ];
      return sendWorkbook(
        reply,
        `${overview.year}年度发布计划.xlsx`,
        await workbookBuffer('年度发布计划', columns, overview.lines),
      );
    },
  );

  app.post('/api/plans', { schema: { tags, body: planLineCreate } }, async (request, reply) => {
    authorize(request.user, planPolicy, 'create', null);
    const row = await service.createPlanLine(db, signedInActor(request), request.body);
    return reply.status(201).send({ id: row.id });
  });

  app.patch(
    '/api/plans/:id',
    { schema: { tags, params: idParams, body: planLineUpdate } },
    async (request) => {
      const line = await findById(db, planLines, request.params.id, '计划');
      authorize(request.user, planPolicy, 'update', line);
      const row = await service.updatePlanLine(db, signedInActor(request), request.params.id, request.body);
      return { id: row.id, version: row.version };
    },
  );

  app.get('/api/plans/template.xlsx', { schema: { tags } }, async (request, reply) => {
    authorize(request.user, planPolicy, 'import', null);
    return sendWorkbook(
      reply,
      '年度发布计划导入模板.xlsx',
      await workbookBuffer('年度发布计划', service.planColumns, []),
    );
  });

  const importSchema = { tags, response: { 200: importResult }, ...uploadRoute('xlsx') };
  app.post('/api/plans/import', { schema: importSchema }, async (request) => {
    authorize(request.user, planPolicy, 'import', null);
    const rows = await readRows(await uploadedFile(request), service.planImportHeaders);
    return service.importPlanLines(db, signedInActor(request), rows);
  });
}
