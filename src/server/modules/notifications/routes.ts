import type { FastifyInstance } from 'fastify';
import {
  notificationItem,
  notificationList,
  notificationQuery,
  readAllResult,
} from '../../../domain/notifications.js';
import { type AppContext, typed } from '../../context.js';
import { authorize } from '../../http/authorize.js';
import { idParams } from '../../http/params.js';
import { notificationPolicy } from './policy.js';
import * as service from './service.js';

/** The notification centre: each signed-in user sees and clears only their own notifications. */
export function notificationRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const { db } = ctx;
  const app = typed(fastify);
  const tags = ['notifications'];

  app.get(
    '/api/notifications',
    { schema: { tags, querystring: notificationQuery, response: { 200: notificationList } } },
    async (request) => {
      authorize(request.user, notificationPolicy, 'list', null);
      return service.listNotifications(db, request.user, request.query);
    },
  );

  app.post(
    '/api/notifications/read-all',
    { schema: { tags, response: { 200: readAllResult } } },
    async (request) => {
      authorize(request.user, notificationPolicy, 'readAll', null);
      return service.markAllRead(db, request.user);
    },
  );

  app.post(
    '/api/notifications/:id/read',
    { schema: { tags, params: idParams, response: { 200: notificationItem } } },
    async (request) => {
      // Signed in is enough here; whose notification it is decides 404 in the service.
      authorize(request.user, notificationPolicy, 'list', null);
      return service.markRead(db, request.user, request.params.id);
    },
  );
}
