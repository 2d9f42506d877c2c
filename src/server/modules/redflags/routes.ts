import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pageOf } from '../../../domain/api.js';
import {
  alert,
  alertAcknowledgeBody,
  alertQuery,
  alertSettingsBody,
  alertSettingsParams,
  indicatorSettings,
} from '../../../domain/redflags.js';
import { type AppContext, typed } from '../../context.js';
import { signedInActor } from '../../http/auth.js';
import { roleCheck } from '../../http/authorize.js';
import { idParams } from '../../http/params.js';
import { alertSettingsPolicy } from './policy.js';
import * as service from './service.js';
import { listSettings, updateSettings } from './settings.js';

/** 预警: alerts computed from the projects' data, with evidence and history. */
export function redflagRoutes(fastify: FastifyInstance, { db }: AppContext) {
  const app = typed(fastify);
  const tags = ['redflags'];

  app.get(
    '/api/alerts',
    {
      schema: {
        tags,
        summary:
          'The buyer’s monitoring list: alerts of its projects (all for admins and supervisors), open ones first',
        querystring: alertQuery,
        response: { 200: pageOf(alert) },
      },
    },
    async (request) => service.listAlerts(db, signedInActor(request).user, request.query),
  );

  app.get(
    '/api/projects/:id/alerts',
    {
      schema: {
        tags,
        summary: 'One project’s alerts with their evidence and history',
        params: idParams,
        querystring: alertQuery,
        response: { 200: pageOf(alert) },
      },
    },
    async (request) => service.listAlerts(db, signedInActor(request).user, request.query, request.params.id),
  );

  app.post(
    '/api/alerts/:id/acknowledge',
    {
      schema: {
        tags,
        summary: 'The buyer or a supervisor acknowledges an alert with a note',
        params: idParams,
        body: alertAcknowledgeBody,
        response: { 200: alert },
      },
    },
    async (request) => service.acknowledgeAlert(db, signedInActor(request), request.params.id, request.body),
  );

  app.get(
    '/api/alert-settings',
    {
      schema: {
        tags,
        summary:
          'The indicators with their thresholds in force (basis points) and defaults; admins, supervisors and buyers',
        response: { 200: z.object({ items: z.array(indicatorSettings) }) },
      },
    },
    async (request) => listSettings(db, signedInActor(request).user),
  );

  app.put(
    '/api/alert-settings/:indicatorId',
    {
      preValidation: roleCheck(alertSettingsPolicy, 'change'),
      schema: {
        tags,
        summary:
          'The admin changes an indicator’s thresholds (audited); the open projects’ alerts are recomputed with them',
        params: alertSettingsParams,
        body: alertSettingsBody,
        response: { 200: indicatorSettings },
      },
    },
    async (request) => updateSettings(db, signedInActor(request), request.params.indicatorId, request.body),
  );
}
