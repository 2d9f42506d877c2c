import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  applicationCreate,
  applicationDraft,
  applicationQuery,
  applicationView,
  eligibilityOverride,
  explanationBody,
} from '../../../domain/applications.js';
import { duplicateReport } from '../../../domain/duplicates.js';
import { APPLICATION_STATES } from '../../../domain/lifecycle.js';
import { type AppContext, typed } from '../../context.js';
import type { Executor } from '../../db/client.js';
import { signedInActor } from '../../http/auth.js';
import { authorize } from '../../http/authorize.js';
import type { CurrentUser } from '../../http/current-user.js';
import { notFound } from '../../http/errors.js';
import { idParams } from '../../http/params.js';
import { uploadRoute } from '../../http/uploads.js';
import { duplicateAudience } from '../duplicates/policy.js';
import { hitCount, hitsFor } from '../duplicates/service.js';
import { attachmentsOf, readUpload, storeAttachment } from '../files/service.js';
import { applicationPolicy } from './policy.js';
import * as service from './service.js';

const listItem = z.object({
  id: z.string(),
  callId: z.string(),
  callCode: z.string(),
  callTitle: z.string(),
  title: z.string(),
  providerName: z.string(),
  communityName: z.string().nullable(),
  requestedFen: z.number(),
  status: z.enum(APPLICATION_STATES),
  cosignedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  updatedAt: z.string(),
});

export interface ApplicationRouteDeps {
  /** From the reviews module (registered later): is the user on the call's accepted panel. */
  isPanelReviewer: (db: Executor, user: CurrentUser, callId: string) => Promise<boolean>;
}

export function applicationRoutes(
  fastify: FastifyInstance,
  { db, storage, config }: AppContext,
  deps: ApplicationRouteDeps,
) {
  const app = typed(fastify);
  const tags = ['applications'];
  const view = { 200: applicationView };

  app.get(
    '/api/applications',
    {
      schema: {
        tags,
        querystring: applicationQuery,
        response: {
          200: z.object({
            items: z.array(listItem),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (request) => service.listApplications(db, signedInActor(request).user, request.query),
  );

  app.post(
    '/api/applications',
    {
      schema: {
        tags,
        description:
          'Starts a draft (201). A provider has one draft per call: when it has one already, that draft is returned unchanged (200); save changes with PATCH.',
        body: applicationCreate,
        response: { 200: applicationView, 201: applicationView },
      },
    },
    async (request, reply) => {
      authorize(request.user, applicationPolicy, 'create', null);
      const { created, application } = await service.createApplication(
        db,
        signedInActor(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(application);
    },
  );

  app.get('/api/applications/:id', { schema: { tags, params: idParams, response: view } }, async (request) =>
    service.getApplication(db, signedInActor(request).user, request.params.id),
  );

  app.patch(
    '/api/applications/:id',
    { schema: { tags, params: idParams, body: applicationDraft, response: view } },
    async (request) => service.updateDraft(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/applications/:id/request-cosign',
    { schema: { tags, params: idParams } },
    async (request, reply) => {
      await service.requestCosign(db, signedInActor(request), request.params.id);
      return reply.status(204).send();
    },
  );

  const simple = {
    cosign: service.cosign,
    submit: (d: typeof db, actor: Parameters<typeof service.submit>[1], id: string) =>
      service.submit(d, actor, id, {
        threshold: config.DUPLICATE_THRESHOLD,
        lookbackYears: config.DUPLICATE_LOOKBACK_YEARS,
      }),
    withdraw: service.withdraw,
  };
  for (const [name, run] of Object.entries(simple)) {
    app.post(
      `/api/applications/:id/${name}`,
      { schema: { tags, params: idParams, response: view } },
      async (request) => run(db, signedInActor(request), request.params.id),
    );
  }

  app.post(
    '/api/applications/:id/eligibility',
    { schema: { tags, params: idParams, body: eligibilityOverride, response: view } },
    async (request) =>
      service.overrideEligibility(db, signedInActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/applications/:id/explanation',
    { schema: { tags, params: idParams, body: explanationBody, response: view } },
    async (request) =>
      service.explainDuplicates(db, signedInActor(request), request.params.id, request.body.explanation),
  );

  app.get('/api/applications/:id/attachments', { schema: { tags, params: idParams } }, async (request) => {
    await service.loadFor(db, signedInActor(request).user, request.params.id, 'view');
    return (await attachmentsOf(db, 'application', [request.params.id])).map(
      ({ id, name, size, mime, url }) => ({ id, name, size, mime, url }),
    );
  });

  app.post(
    '/api/applications/:id/attachments',
    { schema: { tags, params: idParams, ...uploadRoute('attachment') } },
    async (request, reply) => {
      const actor = signedInActor(request);
      await service.loadFor(db, actor.user, request.params.id, 'edit');
      const row = await storeAttachment(
        db,
        storage,
        actor,
        { type: 'application', id: request.params.id },
        await readUpload(request),
      );
      return reply.status(201).send({ id: row.id, name: row.name, url: `/api/files/${row.id}` });
    },
  );

  app.get(
    '/api/applications/:id/duplicates',
    { schema: { tags: ['duplicates'], params: idParams, response: { 200: duplicateReport } } },
    async (request) => {
      const user = signedInActor(request).user;
      const { application, call } = await service.loadWithCall(db, request.params.id);
      // Panel experts see the hits of the applications they review, as the buyer does.
      const onPanel = await deps.isPanelReviewer(db, user, application.callId);
      const audience = duplicateAudience(user, { ...application, buyerOrgId: call.buyerOrgId }, onPanel);
      if (audience === 'none') throw notFound('申报');
      const count = await hitCount(db, application.id);
      // The applicant learns only that it was flagged, never a competitor's text.
      if (audience !== 'reviewer') {
        return { flagged: count > 0, count, explanation: application.duplicateExplanation, hits: null };
      }
      return {
        flagged: count > 0,
        count,
        explanation: application.duplicateExplanation,
        hits: await hitsFor(db, application.id),
      };
    },
  );
}
