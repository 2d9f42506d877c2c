import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../domain/api.js';
import {
  commissionBody,
  evaluation,
  evaluationListItem,
  evaluationQuery,
  evaluationReturnBody,
  evaluationTemplate,
  evaluationVersionBody,
  publicEvaluationResult,
  scoresBody,
  templateBody,
  templateUpdateBody,
} from '../../../domain/evaluations.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { readUpload } from '../files/service.js';
import type { AfterWrite } from '../projects/service.js';
import { listEvaluations } from './list.js';
import * as service from './service.js';

/**
 * 项目评估: indicator systems (admin), commissions (buyer), scoring and reports (the commissioned
 * evaluator), acceptance or return (buyer), and the public results. Objections to a result go
 * through the publicity routes (`/api/public/publicities/:publicityId/objections`).
 */
export function evaluationRoutes(
  fastify: FastifyInstance,
  ctx: AppContext,
  { afterWrite }: { afterWrite?: AfterWrite } = {},
) {
  const { db, calendar, storage, config } = ctx;
  const app = typed(fastify);
  const tags = ['evaluations'];
  const response = { 200: evaluation };

  app.get(
    '/api/evaluation-templates',
    {
      schema: {
        tags,
        summary: 'Indicator systems: the built-in default (id null) and the administrators’ templates',
        response: { 200: z.object({ items: z.array(evaluationTemplate), actions: z.array(z.string()) }) },
      },
    },
    async (request) => service.listTemplates(db, signedInActor(request).user),
  );

  app.post(
    '/api/evaluation-templates',
    {
      schema: {
        tags,
        summary:
          'The admin adds an indicator system: dimensions, indicators with weights adding up to 100, grade bands',
        body: templateBody,
        response: { 201: evaluationTemplate },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createTemplate(db, signedInActor(request), request.body)),
  );

  app.patch(
    '/api/evaluation-templates/:id',
    {
      schema: {
        tags,
        summary:
          'The admin edits or deactivates an indicator system (evaluations keep the copy they started with)',
        params: idParams,
        body: templateUpdateBody,
        response: { 200: evaluationTemplate },
      },
    },
    async (request) => service.updateTemplate(db, signedInActor(request), request.params.id, request.body),
  );

  app.get(
    '/api/projects/:id/evaluations',
    {
      schema: {
        tags,
        summary: 'A project’s evaluations the viewer may see; actions: commission (its buyer)',
        params: idParams,
        response: { 200: z.object({ items: z.array(evaluation), actions: z.array(z.string()) }) },
      },
    },
    async (request) => service.listProjectEvaluations(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/projects/:id/evaluations',
    {
      schema: {
        tags,
        summary:
          'The buyer commissions an evaluator organization for the mid-term or final evaluation, with a due date',
        params: idParams,
        body: commissionBody,
        response: { 201: evaluation },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.commissionEvaluation(db, signedInActor(request), request.params.id, request.body),
        ),
  );

  app.get(
    '/api/evaluations',
    {
      schema: {
        tags,
        summary:
          'The viewer’s evaluations: an evaluator’s organization’s (its workspace), a buyer’s or provider’s projects’, all for admins and supervisors; those under way first',
        querystring: evaluationQuery,
        response: { 200: pageOf(evaluationListItem) },
      },
    },
    async (request) => listEvaluations(db, signedInActor(request).user, request.query),
  );

  app.get(
    '/api/evaluations/:id',
    {
      schema: {
        tags,
        summary: 'One evaluation (404 to evaluators of other organizations)',
        params: idParams,
        response,
      },
    },
    async (request) => service.getEvaluation(db, signedInActor(request).user, request.params.id),
  );

  app.put(
    '/api/evaluations/:id/scores',
    {
      schema: {
        tags,
        summary:
          'The evaluator saves scores (0 to the weight, one decimal) with notes, and the report summary',
        params: idParams,
        body: scoresBody,
        response,
      },
    },
    async (request) => service.saveScores(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/evaluations/:id/report',
    {
      schema: {
        tags,
        summary: 'The evaluator uploads the report (PDF, multipart field "file"); the newest one counts',
        params: idParams,
        ...uploadRoute('attachment'),
        response: { 201: evaluation },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.uploadReport(
            db,
            storage,
            signedInActor(request),
            request.params.id,
            await readUpload(request),
          ),
        ),
  );

  app.post(
    '/api/evaluations/:id/submit',
    {
      schema: {
        tags,
        summary:
          'The evaluator submits: every indicator scored, summary and report present; the grade follows the bands',
        params: idParams,
        body: evaluationVersionBody,
        response,
      },
    },
    async (request) =>
      service.submitEvaluation(db, signedInActor(request), request.params.id, request.body.version),
  );

  app.post(
    '/api/evaluations/:id/accept',
    {
      schema: {
        tags,
        summary:
          'The buyer accepts: mid-term 不合格 opens a rectification and stops payments; final 合格+ opens the results publicity',
        params: idParams,
        body: evaluationVersionBody,
        response,
      },
    },
    async (request) =>
      service.acceptEvaluation(db, signedInActor(request), request.params.id, request.body.version, {
        calendar,
        publicityWorkingDays: config.PUBLICITY_WORKING_DAYS,
        afterWrite,
      }),
  );

  app.post(
    '/api/evaluations/:id/return',
    {
      schema: {
        tags,
        summary: 'The buyer returns the report to the evaluator with reasons',
        params: idParams,
        body: evaluationReturnBody,
        response,
      },
    },
    async (request) => service.returnEvaluation(db, signedInActor(request), request.params.id, request.body),
  );

  app.get(
    '/api/public/evaluation-results',
    {
      schema: {
        tags,
        summary:
          '评估结果公示: final evaluations in or after their publicity (project, organizations, grade, score, summary)',
        querystring: pageQuery,
        response: { 200: pageOf(publicEvaluationResult) },
      },
    },
    async (request) => service.listPublicResults(db, request.query.page, request.query.pageSize),
  );
}
