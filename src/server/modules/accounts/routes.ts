import type { FastifyInstance } from 'fastify';
import {
  changePasswordBody,
  listOf,
  loginBody,
  resetPasswordBody,
  residentRegister,
  sessionResponse,
  user,
  userCreate,
  userQuery,
  userUpdate,
} from '../../../domain/api.js';
import { type AppContext, typed } from '../../context.js';
import {
  actorOf,
  clearSessionCookie,
  sessionToken,
  setSessionCookie,
  signedInActor,
} from '../../http/auth.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import { registerActivationRoutes } from '../../http/crud/activation.js';
import { unprocessable } from '../../http/errors.js';
import { idParams } from '../../http/params.js';
import { failureSweeper } from './lockout.js';
import { prepareDummyHash } from './passwords.js';
import { userPolicy } from './policy.js';
import { users } from './schema.js';
import * as service from './service.js';
import { deleteSession, deleteUserSessions } from './sessions.js';

export function accountRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const { db, config } = ctx;
  const app = typed(fastify);

  const beforePasswordChange = true;
  const sweepLoginFailures = failureSweeper(db);
  void prepareDummyHash();

  app.get(
    '/api/auth/session',
    { config: { beforePasswordChange }, schema: { tags: ['auth'], response: { 200: sessionResponse } } },
    async (request) => ({
      user: request.user,
    }),
  );

  app.post(
    '/api/auth/login',
    {
      config: {
        beforePasswordChange,
        rateLimit: { max: config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 },
      },
      schema: { tags: ['auth'], body: loginBody, response: { 200: sessionResponse } },
    },
    async (request, reply) => {
      await sweepLoginFailures();
      const { user, token } = await service.login(db, request.body, {
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      });
      setSessionCookie(request, reply, token);
      return { user };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { beforePasswordChange }, schema: { tags: ['auth'] } },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await deleteSession(db, token);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/password',
    { config: { beforePasswordChange }, schema: { tags: ['auth'], body: changePasswordBody } },
    async (request, reply) => {
      await service.changePassword(db, signedInActor(request), request.body, sessionToken(request));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit: { max: 5, timeWindow: 60_000 } },
      schema: { tags: ['auth'], body: residentRegister },
    },
    async (request, reply) => {
      await service.registerResident(db, request.ip ?? null, request.body);
      return reply.status(201).send({ ok: true });
    },
  );

  app.get(
    '/api/users',
    { schema: { tags: ['users'], querystring: userQuery, response: { 200: listOf(user) } } },
    async (request) => {
      authorize(request.user, userPolicy, 'list', null);
      const page = await service.listUsers(db, request.user, request.query);
      return { ...page, actions: permittedActions(request.user, userPolicy, null, ['create']) };
    },
  );

  app.get(
    '/api/users/:id',
    { schema: { tags: ['users'], params: idParams, response: { 200: user } } },
    async (request) => {
      authorize(request.user, userPolicy, 'list', null);
      return service.getUser(db, request.user, request.params.id);
    },
  );

  app.post(
    '/api/users',
    { schema: { tags: ['users'], body: userCreate, response: { 201: user } } },
    async (request, reply) => {
      authorize(request.user, userPolicy, 'create', null);
      return reply.status(201).send(await service.createUser(db, actorOf(request), request.body));
    },
  );

  app.patch(
    '/api/users/:id',
    { schema: { tags: ['users'], params: idParams, body: userUpdate, response: { 200: user } } },
    async (request) => {
      authorize(request.user, userPolicy, 'update', null);
      return service.updateUser(db, actorOf(request), request.params.id, request.body);
    },
  );

  registerActivationRoutes(fastify, ctx, {
    path: '/api/users',
    table: users,
    targetType: 'user',
    label: '用户',
    tag: 'users',
    policy: userPolicy,
    response: user,
    present: (viewer, id) => service.getUser(db, viewer, id),
    beforeChange: async (tx, actor, row, active) => {
      if (active) return;
      if (row.id === actor.user.id) throw unprocessable('self_deactivation', '不能停用自己的账号');
      await deleteUserSessions(tx, row.id);
    },
  });

  app.post(
    '/api/users/:id/reset-password',
    { schema: { tags: ['users'], params: idParams, body: resetPasswordBody } },
    async (request, reply) => {
      authorize(request.user, userPolicy, 'resetPassword', null);
      await service.resetPassword(db, actorOf(request), request.params.id, request.body.newPassword);
      return reply.status(204).send();
    },
  );
}
