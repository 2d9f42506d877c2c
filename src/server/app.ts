import '../domain/zod-locale.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { typed } from './context.js';
import type { Database } from './db/client.js';
import { registerAuth } from './http/auth.js';
import { registerErrorHandler } from './http/error-handler.js';
import { accountRoutes } from './modules/accounts/routes.js';
import { applicationRoutes } from './modules/applications/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { callRoutes } from './modules/calls/routes.js';
import { contractRoutes } from './modules/contracts/routes.js';
import { expertRoutes } from './modules/experts/routes.js';
import { fileRoutes } from './modules/files/routes.js';
import { diskStorage } from './modules/files/storage.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { orgRoutes } from './modules/orgs/routes.js';
import { planRoutes } from './modules/plans/routes.js';
import { publicityRoutes } from './modules/publicity/routes.js';
import { regionRoutes } from './modules/regions/routes.js';
import { reviewRoutes } from './modules/reviews/routes.js';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Every module, in one explicit list: a module not named here has no routes. */
const modules = [
  accountRoutes,
  regionRoutes,
  orgRoutes,
  expertRoutes,
  auditRoutes,
  fileRoutes,
  planRoutes,
  callRoutes,
  applicationRoutes,
  publicityRoutes,
  contractRoutes,
  reviewRoutes,
  notificationRoutes,
];

export async function buildApp(config: Config, database: Database): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL },
    trustProxy: config.TRUST_PROXY,
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 2 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app, existsSync(path.join(webRoot, 'index.html')) ? webRoot : null);

  // External plugins first, then the app's own hooks, then the routes (fastify/demo's order).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        // Ant Design injects its CSS-in-JS styles at run time.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'upgrade-insecure-requests': null,
      },
    },
  });
  await app.register(fastifyCookie, { secret: config.SESSION_SECRET });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyMultipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: '社会工作服务项目管理平台 API', version: '0.1.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sid' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  if (existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: 'index.html' });
  }

  registerAuth(app, database.db, config);

  const ctx: AppContext = {
    db: database.db,
    database,
    config,
    storage: diskStorage(path.join(config.DATA_DIR, 'files')),
  };
  typed(app).get(
    '/api/health',
    {
      schema: {
        tags: ['system'],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => {
      await database.db.execute(sql`select 1`);
      return { status: 'ok' as const, database: database.kind };
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const register of modules) register(app, ctx);
  return app;
}
