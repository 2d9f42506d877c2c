import type { FastifyInstance } from 'fastify';
import { importResult, listOf, pageOf } from '../../../domain/api.js';
import {
  type AppealView,
  appealBody,
  appealDecisionBody,
  appealQuery,
  appealView,
  type EntryView,
  entryConfirmBody,
  entryCreateBody,
  entryDeclineBody,
  entryQuery,
  entryRemoveBody,
  entryView,
  NATIONAL_IMPORT_HEADERS,
  publicEntry,
  publicEntryQuery,
  publicOrgProfile,
} from '../../../domain/credit.js';
import { type AppContext, typed } from '../../context.js';
import type { Db } from '../../db/client.js';
import { signedInActor } from '../../http/auth.js';
import { roleCheck } from '../../http/authorize.js';
import { readRows, sendWorkbook, uploadedFile, workbookBuffer } from '../../http/excel.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import * as appeals from './appeals.js';
import { importNationalLists } from './import.js';
import { creditPolicy } from './policy.js';
import { getPublicOrgProfile, listPublicEntries } from './public.js';
import * as service from './service.js';

/**
 * 红黑榜: the admins' lists (proposals to confirm or decline, decisions entered or imported,
 * removal, evidence), appeals, and the public lists and organization profiles.
 */
export function creditRoutes(fastify: FastifyInstance, { db, config, storage }: AppContext) {
  const app = typed(fastify);
  const tags = ['credit'];
  const periods = service.creditPeriods(config);
  const manage = roleCheck(creditPolicy, 'manage');
  const appealing = roleCheck(creditPolicy, 'appealAny');
  const response = { 200: entryView };

  app.get(
    '/api/credit/entries',
    {
      schema: {
        tags,
        summary:
          'The lists: everything for admins and supervisors (proposals and history included), decided entries for buyers, its own for a provider',
        querystring: entryQuery,
        response: { 200: listOf(entryView) },
      },
    },
    async (request) => service.listEntries(db, signedInActor(request).user, request.query),
  );

  app.post(
    '/api/credit/entries',
    {
      preValidation: manage,
      schema: {
        tags,
        summary:
          'The admin enters a decision (kind, reason, deciding body, 文号, dates; end date by default from the configured period)',
        body: entryCreateBody,
        response: { 201: entryView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createEntry(db, signedInActor(request), request.body, periods)),
  );

  app.get(
    '/api/credit/import-template.xlsx',
    { preValidation: manage, schema: { tags, summary: 'The national-list import template' } },
    async (_request, reply) =>
      sendWorkbook(
        reply,
        '信用名单导入模板.xlsx',
        await workbookBuffer(
          '信用名单',
          NATIONAL_IMPORT_HEADERS.map((header) => ({ header, value: () => null })),
          [],
        ),
      ),
  );

  app.post(
    '/api/credit/import',
    {
      preValidation: manage,
      schema: {
        tags,
        summary:
          'The admin imports 活动异常名录 / 严重违法失信名单 decisions from Excel: all rows or none, every bad row named',
        response: { 200: importResult },
        ...uploadRoute('xlsx'),
      },
    },
    async (request) =>
      importNationalLists(
        db,
        signedInActor(request),
        await readRows(await uploadedFile(request), [...NATIONAL_IMPORT_HEADERS]),
        periods,
      ),
  );

  app.get(
    '/api/credit/entries/:id',
    {
      schema: { tags, summary: 'One entry with its evidence and appeals', params: idParams, response },
    },
    async (request) => service.getEntry(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/credit/entries/:id/confirm',
    {
      preValidation: manage,
      schema: {
        tags,
        summary: 'The admin confirms a proposal with a reason, the 文号 and the dates',
        params: idParams,
        body: entryConfirmBody,
        response,
      },
    },
    async (request) =>
      service.confirmEntry(db, signedInActor(request), request.params.id, request.body, periods),
  );

  app.post(
    '/api/credit/entries/:id/decline',
    {
      preValidation: manage,
      schema: {
        tags,
        summary: 'The admin declines a proposal with a reason',
        params: idParams,
        body: entryDeclineBody,
        response,
      },
    },
    async (request) => service.declineEntry(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/credit/entries/:id/remove',
    {
      preValidation: manage,
      schema: {
        tags,
        summary:
          'The admin removes an entry before its end (e.g. the abnormal-list obligation met), with the reason',
        params: idParams,
        body: entryRemoveBody,
        response,
      },
    },
    async (request) => service.removeEntry(db, signedInActor(request), request.params.id, request.body),
  );

  /** An evidence upload (multipart field "file") answered with what it was added to. */
  const evidenceRoute = (
    url: string,
    summary: string,
    preValidation: typeof manage,
    result: typeof entryView | typeof appealView,
    attach: (
      db: Db,
      storage: FileStorage,
      actor: ReturnType<typeof signedInActor>,
      id: string,
      upload: Upload,
    ) => Promise<EntryView | AppealView>,
  ) =>
    app.post(
      url,
      {
        preValidation,
        schema: { tags, summary, params: idParams, ...uploadRoute('attachment'), response: { 201: result } },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await attach(db, storage, signedInActor(request), request.params.id, await readUpload(request)),
          ),
    );

  evidenceRoute(
    '/api/credit/entries/:id/attachments',
    'The admin attaches evidence (multipart field "file")',
    manage,
    entryView,
    service.attachEvidence,
  );

  app.post(
    '/api/credit/entries/:id/appeals',
    {
      preValidation: appealing,
      schema: {
        tags,
        summary: 'The listed organization appeals an entry in force, with its reasons',
        params: idParams,
        body: appealBody,
        response: { 201: appealView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await appeals.fileAppeal(db, signedInActor(request), request.params.id, request.body)),
  );

  app.get(
    '/api/credit/appeals',
    {
      schema: {
        tags,
        summary: 'Appeals: all for admins and supervisors, its own for a provider',
        querystring: appealQuery,
        response: { 200: pageOf(appealView) },
      },
    },
    async (request) => appeals.listAppeals(db, signedInActor(request).user, request.query),
  );

  evidenceRoute(
    '/api/credit/appeals/:id/attachments',
    'The appealing organization adds evidence while the appeal is open (multipart field "file")',
    appealing,
    appealView,
    appeals.attachAppealEvidence,
  );

  app.post(
    '/api/credit/appeals/:id/decide',
    {
      preValidation: manage,
      schema: {
        tags,
        summary: 'The admin decides an appeal: upheld removes the entry, rejected keeps it; with reasons',
        params: idParams,
        body: appealDecisionBody,
        response: { 200: appealView },
      },
    },
    async (request) => appeals.decideAppeal(db, signedInActor(request), request.params.id, request.body),
  );

  app.get(
    '/api/public/credit-entries',
    {
      schema: {
        tags,
        summary:
          '红黑榜: entries in force and early removals, with the deciding body, 文号, dates and appeal decisions',
        querystring: publicEntryQuery,
        response: { 200: pageOf(publicEntry) },
      },
    },
    async (request) => listPublicEntries(db, request.query),
  );

  app.get(
    '/api/public/orgs/:id',
    {
      schema: {
        tags,
        summary:
          'A social organization’s public profile: credit code, grade, registration, legal form, delivered projects with grades and amounts, current entries',
        params: idParams,
        response: { 200: publicOrgProfile },
      },
    },
    async (request) => getPublicOrgProfile(db, request.params.id),
  );
}
