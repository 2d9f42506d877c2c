import type { FastifyInstance } from 'fastify';
import { pageOf } from '../../../domain/api.js';
import {
  project,
  projectListItem,
  projectQuery,
  projectVersionBody,
  recoveryOpenBody,
  rectificationCheckBody,
  rectificationOpenBody,
  rectificationSubmitBody,
  repaymentBody,
  terminateBody,
} from '../../../domain/projects.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { idParams } from '../../http/params.js';
import * as service from './service.js';

/**
 * 项目实施: a signed contract's project (its id is the contract's id) from 开始实施 to 结项 or
 * 终止, with 整改 and 追回. `closeChecks` are the later modules' conditions for closing, `afterWrite` their step after a write.
 */
export function projectRoutes(
  fastify: FastifyInstance,
  { db, calendar }: AppContext,
  {
    closeChecks = [],
    afterWrite = service.noAfterWrite,
  }: { closeChecks?: readonly service.CloseCheck[]; afterWrite?: service.AfterWrite } = {},
) {
  const app = typed(fastify);
  const tags = ['projects'];
  const response = { 200: project };

  app.get(
    '/api/projects',
    {
      schema: {
        tags,
        summary: 'Projects in implementation the user may see (parties, assigned evaluators, overseers)',
        querystring: projectQuery,
        response: { 200: pageOf(projectListItem) },
      },
    },
    async (request) => service.listProjects(db, signedInActor(request).user, request.query),
  );

  app.get(
    '/api/projects/:id',
    {
      schema: {
        tags,
        summary: 'A project (id = its signed contract’s id): state, rectifications, recoveries, actions',
        params: idParams,
        response,
      },
    },
    async (request) => service.getProject(db, signedInActor(request).user, request.params.id),
  );

  app.post(
    '/api/projects/:id/start',
    {
      schema: {
        tags,
        summary: '开始实施: the provider or buyer starts a signed contract’s implementation',
        params: idParams,
        body: projectVersionBody,
        response,
      },
    },
    async (request) =>
      service.startProject(db, signedInActor(request), request.params.id, request.body.version),
  );

  app.post(
    '/api/projects/:id/terminate',
    {
      schema: {
        tags,
        summary: '终止: the buyer terminates a running project with a reason (public)',
        params: idParams,
        body: terminateBody,
        response,
      },
    },
    async (request) =>
      service.terminateProject(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );

  app.post(
    '/api/projects/:id/close',
    {
      schema: {
        tags,
        summary:
          '结项: the buyer closes after the results publicity (final grade, payments settled) or after a termination once recoveries are settled',
        params: idParams,
        body: projectVersionBody,
        response,
      },
    },
    async (request) =>
      service.closeProject(db, signedInActor(request), request.params.id, request.body.version, closeChecks),
  );

  app.post(
    '/api/projects/:id/rectifications',
    {
      schema: {
        tags,
        summary: '整改: the buyer requires a rectification, due in working days, re-checked by an evaluator',
        params: idParams,
        body: rectificationOpenBody,
        response: { 201: project },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.openRectification(
            db,
            signedInActor(request),
            request.params.id,
            request.body,
            calendar,
          ),
        ),
  );

  app.post(
    '/api/rectifications/:id/submit',
    {
      schema: {
        tags,
        summary: 'The provider submits the rectification plan and evidence',
        params: idParams,
        body: rectificationSubmitBody,
        response,
      },
    },
    async (request) =>
      service.submitRectification(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/rectifications/:id/check',
    {
      schema: {
        tags,
        summary: 'The named evaluator re-checks a submitted rectification: passed, or failed with a note',
        params: idParams,
        body: rectificationCheckBody,
        response,
      },
    },
    async (request) =>
      service.checkRectification(db, signedInActor(request), request.params.id, request.body, afterWrite),
  );

  app.post(
    '/api/projects/:id/recoveries',
    {
      schema: {
        tags,
        summary: '追回: the buyer requires funds back from a terminated project (amount, reason, due date)',
        params: idParams,
        body: recoveryOpenBody,
        response: { 201: project },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.openRecovery(db, signedInActor(request), request.params.id, request.body)),
  );

  app.post(
    '/api/recoveries/:id/repayments',
    {
      schema: {
        tags,
        summary:
          'The buyer records a repayment (amount, date, voucher number); the last one settles the recovery',
        params: idParams,
        body: repaymentBody,
        response: { 201: project },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.recordRepayment(db, signedInActor(request), request.params.id, request.body)),
  );
}
