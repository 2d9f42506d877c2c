import { create as contentDisposition } from 'content-disposition';
import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../../domain/api.js';
import { chinaDate, chinaDateTime } from '../../../domain/time.js';
import { type AppContext, typed } from '../../context.js';
import { actorOf, signedInActor } from '../../http/auth.js';
import { authorize, roleCheck } from '../../http/authorize.js';
import { notFound } from '../../http/errors.js';
import { sendWorkbook, workbookBuffer } from '../../http/excel.js';
import { idParams } from '../../http/params.js';
import { readUpload } from '../files/service.js';
import {
  inspection,
  inspectionAnswerBody,
  inspectionBody,
  inspectionCloseBody,
  inspectionPatch,
  inspectionQuery,
  type SearchItem,
  searchFilters,
  searchItem,
  searchQuery,
} from './api.js';
import { buildDossier } from './dossier.js';
import * as inspections from './inspections.js';
import { inspectionPolicy, supervisionPolicy } from './policy.js';
import { readAttachment, recordFileRouteReads, recordRead, sendStored } from './reads.js';
import { allProjects, searchProjects } from './search.js';
import { objectionsOf, projectFile, scoresOf } from './view.js';

const yuan = (fen: number) => fen / 100;

/** 监督检查: the supervisory bodies' console over every project, and their inspection records. */
export function supervisionRoutes(fastify: FastifyInstance, { db, storage }: AppContext) {
  const app = typed(fastify);
  const tags = ['supervision'];
  const overseer = { preValidation: roleCheck(supervisionPolicy, 'search') };
  recordFileRouteReads(fastify, db);

  app.get(
    '/api/supervision/projects',
    {
      ...overseer,
      schema: {
        tags,
        summary: 'Every project (a call and what came of it) with filters; supervisors and admins',
        querystring: searchQuery,
        response: { 200: pageOf(searchItem) },
      },
    },
    async (request) => searchProjects(db, request.user, request.query),
  );

  app.get(
    '/api/supervision/projects/export.xlsx',
    {
      preValidation: roleCheck(supervisionPolicy, 'export'),
      schema: { tags, summary: 'The filtered project list as Excel', querystring: searchFilters },
    },
    async (request, reply) => {
      const buffer = await workbookBuffer<SearchItem>(
        '项目',
        [
          { header: '编号', width: 16, value: (p) => p.code },
          { header: '项目名称', width: 36, value: (p) => p.title },
          { header: '购买主体', width: 24, value: (p) => p.buyerName },
          { header: '年度', width: 8, value: (p) => p.year },
          { header: '阶段', width: 18, value: (p) => p.stateLabel },
          { header: '金额（元）', value: (p) => yuan(p.amountFen) },
          { header: '承接主体', width: 30, value: (p) => p.contracts.map((c) => c.providerName).join('、') },
          { header: '合同编号', width: 24, value: (p) => p.contracts.map((c) => c.code).join('、') },
          { header: '未解除预警', value: (p) => p.openAlerts },
          { header: '末期评估等级', value: (p) => p.grade },
          { header: '发布/创建时间', width: 20, value: (p) => chinaDateTime(new Date(p.date)) },
        ],
        allProjects(db, request.query),
      );
      return sendWorkbook(reply, `项目检索-${chinaDate()}.xlsx`, buffer);
    },
  );

  app.get(
    '/api/supervision/projects/:id',
    {
      ...overseer,
      schema: {
        tags,
        summary:
          'One project with what is not public: applications, duplicates, payments, expenses, receipts, evaluations',
        params: idParams,
      },
    },
    async (request) => {
      const file = await projectFile(db, request.params.id);
      const list = await inspections.listInspections(db, request.user, {
        callId: request.params.id,
        page: 1,
        pageSize: 200,
      });
      return { ...file, inspections: list.items };
    },
  );

  // The non-public lists, each read recorded in the audit trail.
  const auditedLists = [
    { read: 'scores', load: scoresOf, summary: 'Each expert’s score sheets by name (the read is audited)' },
    {
      read: 'objections',
      load: objectionsOf,
      summary: 'The publicity objections with the objectors’ identities (the read is audited)',
    },
  ] as const;
  for (const list of auditedLists) {
    app.get(
      `/api/supervision/projects/:id/${list.read}`,
      { ...overseer, schema: { tags, summary: list.summary, params: idParams } },
      async (request) => {
        const items = await list.load(db, request.params.id);
        await recordRead(db, actorOf(request), {
          targetType: 'call',
          targetId: request.params.id,
          summary: { read: list.read },
        });
        return { items };
      },
    );
  }

  app.get(
    '/api/supervision/projects/:id/dossier.zip',
    {
      preValidation: roleCheck(supervisionPolicy, 'export'),
      schema: {
        tags,
        summary: 'The project’s complete dossier (档案) as a ZIP (the read is audited)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const dossier = await buildDossier(db, storage, request.params.id);
      await recordRead(db, actorOf(request), {
        targetType: 'call',
        targetId: request.params.id,
        summary: { read: 'dossier', code: dossier.call.code },
      });
      return reply
        .header('content-type', 'application/zip')
        .header(
          'content-disposition',
          contentDisposition(`档案-${dossier.call.code}.zip`, {
            fallback: `dossier-${dossier.call.code}.zip`,
          }),
        )
        .send(dossier.stream);
    },
  );

  app.get(
    '/api/supervision/files/:id',
    {
      ...overseer,
      schema: {
        tags,
        summary: 'Any attachment of any project (a supervisor’s read is audited)',
        params: idParams,
      },
    },
    async (request, reply) => {
      const found = await readAttachment(db, actorOf(request), request.params.id);
      return sendStored(reply, storage, {
        sha256: found.attachment.sha256,
        mime: found.mime,
        name: found.attachment.name,
        fallback: found.attachment.id,
      });
    },
  );

  // ---------- inspections ----------

  app.get(
    '/api/inspections',
    {
      schema: {
        tags,
        summary: 'Inspection records: all for supervisors and admins, its projects’ for a buyer',
        querystring: inspectionQuery,
        response: { 200: pageOf(inspection) },
      },
    },
    async (request) => inspections.listInspections(db, request.user, request.query),
  );

  app.get(
    '/api/inspections/:id',
    { schema: { tags, params: idParams, response: { 200: inspection } } },
    async (request) => inspections.getInspection(db, request.user, request.params.id),
  );

  app.post(
    '/api/supervision/projects/:id/inspections',
    {
      preValidation: roleCheck(supervisionPolicy, 'inspect'),
      schema: {
        tags,
        summary: 'A supervisor records an inspection; the buyer is notified',
        params: idParams,
        body: inspectionBody,
        response: { 200: inspection },
      },
    },
    async (request) =>
      inspections.recordInspection(db, signedInActor(request), request.params.id, request.body),
  );

  app.patch(
    '/api/inspections/:id',
    {
      preValidation: roleCheck(supervisionPolicy, 'inspect'),
      schema: {
        tags,
        summary: 'The supervisor who recorded it edits it, until it is closed',
        params: idParams,
        body: inspectionPatch,
        response: { 200: inspection },
      },
    },
    async (request) =>
      inspections.editInspection(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/inspections/:id/close',
    {
      preValidation: roleCheck(supervisionPolicy, 'inspect'),
      schema: { tags, params: idParams, body: inspectionCloseBody, response: { 200: inspection } },
    },
    async (request) =>
      inspections.closeInspection(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/inspections/:id/answer',
    {
      preValidation: roleCheck(inspectionPolicy, 'list'),
      schema: {
        tags,
        summary: 'The project’s buyer answers; the supervisor is notified',
        params: idParams,
        body: inspectionAnswerBody,
        response: { 200: inspection },
      },
    },
    async (request) =>
      inspections.answerInspection(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/inspections/:id/answer-file',
    {
      preValidation: roleCheck(inspectionPolicy, 'list'),
      schema: {
        tags,
        summary: 'The buyer attaches a document to its answer',
        params: idParams,
        response: { 200: inspection },
      },
    },
    async (request) => {
      const actor = signedInActor(request);
      // The role and the row are checked before the upload is read.
      const row = await inspections.viewInspection(db, actor.user, request.params.id);
      authorize(actor.user, inspectionPolicy, 'answer', row.inspection);
      return inspections.attachAnswerFile(db, storage, actor, request.params.id, await readUpload(request));
    },
  );

  app.get(
    '/api/inspections/:id/answer-file',
    { schema: { tags, params: idParams } },
    async (request, reply) => {
      const { inspection: i } = await inspections.viewInspection(db, request.user, request.params.id);
      if (!i.answerSha256 || !i.answerFileName) throw notFound('答复附件');
      const [stored] = await inspections.storedFile(db, i.answerSha256);
      await recordRead(db, actorOf(request), {
        targetType: 'inspection',
        targetId: i.id,
        summary: { read: 'answer_file', name: i.answerFileName },
      });
      return sendStored(reply, storage, {
        sha256: i.answerSha256,
        mime: stored.mime,
        name: i.answerFileName,
        fallback: i.id,
      });
    },
  );
}
