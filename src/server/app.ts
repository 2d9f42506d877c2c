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
import type { WorkingDayCalendar } from '../domain/working-days.js';
import { loadCalendar } from './calendar.js';
import { type Config, trustProxyOption } from './config.js';
import type { AppContext } from './context.js';
import { typed } from './context.js';
import type { Database } from './db/client.js';
import { registerAuth } from './http/auth.js';
import { loggerOptions, registerErrorHandler } from './http/error-handler.js';
import { registerInputGuard } from './http/input-guard.js';
import { registerPublicCache, staticCacheHeaders } from './http/public-cache.js';
import { registerPublicMasking } from './http/public-masking.js';
import { databaseRateLimitStore } from './http/rate-limit-store.js';
import { MULTIPART_LIMITS } from './http/uploads.js';
import { accountRoutes } from './modules/accounts/routes.js';
import { resolveSession } from './modules/accounts/sessions.js';
import { applicationRoutes } from './modules/applications/routes.js';
import { viewableApplications } from './modules/applications/service.js';
import { auditRoutes } from './modules/audit/routes.js';
import { awardRoutes } from './modules/awards/routes.js';
import { calendarRoutes } from './modules/calendar/routes.js';
import { callRoutes } from './modules/calls/routes.js';
import { viewableCalls } from './modules/calls/service.js';
import { contractRoutes } from './modules/contracts/routes.js';
import { viewableAppeals } from './modules/credit/appeals.js';
import { refreshAfterResultsPublicity, refreshCreditProposals } from './modules/credit/proposals.js';
import { creditRoutes } from './modules/credit/routes.js';
import { creditPeriods, viewableEntries } from './modules/credit/service.js';
import { evaluationRoutes } from './modules/evaluations/routes.js';
import {
  closeResultsPublicity,
  finalEvaluationClosed,
  viewableEvaluations,
} from './modules/evaluations/service.js';
import { expertRoutes } from './modules/experts/routes.js';
import { fileRoutes } from './modules/files/routes.js';
import { diskStorage } from './modules/files/storage.js';
import { fundsRoutes } from './modules/funds/routes.js';
import { paymentsSettled, viewableExpenses } from './modules/funds/service.js';
import { viewableActivities, viewableThumbnails } from './modules/implementation/media.js';
import { implementationRoutes } from './modules/implementation/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { openDataRoutes } from './modules/opendata/routes.js';
import { orgRoutes } from './modules/orgs/routes.js';
import { planRoutes } from './modules/plans/routes.js';
import { policyRoutes } from './modules/policies/routes.js';
import { viewablePolicies } from './modules/policies/service.js';
import { projectRoutes } from './modules/projects/routes.js';
import type { AfterWrite } from './modules/projects/service.js';
import { viewableObjections } from './modules/publicity/objection-attachments.js';
import { publicityRoutes } from './modules/publicity/routes.js';
import { redflagRoutes } from './modules/redflags/routes.js';
import { refreshAlerts } from './modules/redflags/service.js';
import { regionRoutes } from './modules/regions/routes.js';
import { isPanelReviewer } from './modules/reviews/access.js';
import { reviewRoutes } from './modules/reviews/routes.js';
import { statsRoutes } from './modules/stats/routes.js';
import { supervisionRoutes } from './modules/supervision/routes.js';
import { transparencyRoutes } from './modules/transparency/routes.js';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/**
 * Every module, once, in order: a module may use the services, policies and routes only of
 * modules listed before it (src/server/architecture.test.ts checks every import). What an earlier
 * module needs from a later one is handed to it here, as the file routes get each owner's rule.
 */
export const modules: readonly AppModule[] = [
  { name: 'audit', routes: auditRoutes },
  { name: 'timeline' },
  { name: 'notifications', routes: notificationRoutes },
  {
    name: 'files',
    routes: (app, ctx) =>
      fileRoutes(app, ctx, {
        call: viewableCalls,
        application: viewableApplications,
        objection: viewableObjections,
        contract: async () => new Set(),
        evaluation: viewableEvaluations,
        expense: viewableExpenses,
        credit_entry: viewableEntries,
        credit_appeal: viewableAppeals,
        activity_photo: viewableActivities,
        activity_signin: viewableActivities,
        activity_thumbnail: viewableThumbnails,
        policy: viewablePolicies,
      }),
  },
  { name: 'accounts', routes: accountRoutes },
  { name: 'calendar', routes: calendarRoutes },
  { name: 'regions', routes: regionRoutes },
  { name: 'orgs', routes: orgRoutes },
  { name: 'experts', routes: expertRoutes },
  { name: 'plans', routes: planRoutes },
  { name: 'calls', routes: callRoutes },
  { name: 'credit', routes: creditRoutes },
  { name: 'duplicates' },
  { name: 'applications', routes: (app, ctx) => applicationRoutes(app, ctx, { isPanelReviewer }) },
  { name: 'reviews', routes: reviewRoutes },
  { name: 'awards', routes: awardRoutes },
  {
    name: 'publicity',
    routes: (app, ctx) =>
      publicityRoutes(app, ctx, {
        closers: {
          evaluation: async (tx, actor, pub) => {
            await closeResultsPublicity(tx, actor, pub);
            await refreshAfterResultsPublicity(tx, actor, pub.id, creditPeriods(ctx.config));
          },
        },
      }),
  },
  { name: 'contracts', routes: contractRoutes },
  {
    name: 'projects',
    routes: (app, ctx) =>
      projectRoutes(app, ctx, {
        closeChecks: [finalEvaluationClosed, paymentsSettled],
        afterWrite: afterProjectWrite(ctx),
      }),
  },
  {
    name: 'evaluations',
    routes: (app, ctx) => evaluationRoutes(app, ctx, { afterWrite: afterProjectWrite(ctx) }),
  },
  { name: 'funds', routes: (app, ctx) => fundsRoutes(app, ctx, { afterWrite: afterProjectWrite(ctx) }) },
  {
    name: 'implementation',
    routes: (app, ctx) => implementationRoutes(app, ctx, { afterWrite: refreshAlerts }),
  },
  { name: 'redflags', routes: redflagRoutes },
  { name: 'transparency', routes: transparencyRoutes },
  { name: 'opendata', routes: openDataRoutes },
  { name: 'policies', routes: policyRoutes },
  { name: 'stats', routes: statsRoutes },
  { name: 'supervision', routes: supervisionRoutes },
];

/**
 * After a write to a project's facts: its alerts, then the credit-list entries they call for
 * (the red list reads the alerts), in the write's transaction.
 */
function afterProjectWrite(ctx: AppContext): AfterWrite {
  const periods = creditPeriods(ctx.config);
  return async (tx, actor, projectId) => {
    await refreshAlerts(tx, actor, projectId);
    await refreshCreditProposals(tx, actor, projectId, periods);
  };
}

export interface AppModule {
  /** The folder under src/server/modules. */
  name: string;
  routes?: (app: FastifyInstance, ctx: AppContext) => void;
}

export async function buildApp(
  config: Config,
  database: Database,
  options: { calendar?: WorkingDayCalendar; logStream?: { write(line: string): void } } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, options.logStream),
    trustProxy: trustProxyOption(config.TRUST_PROXY),
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
  // Counted in the database, so that every app process shares the limits (http/rate-limit-store.ts).
  await app.register(fastifyRateLimit, { global: false, store: databaseRateLimitStore(database.db) });
  await app.register(fastifyMultipart, { limits: MULTIPART_LIMITS });
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
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: staticCacheHeaders,
    });
  }

  registerAuth(app, (token) => resolveSession(database.db, token, config.SESSION_IDLE_MINUTES));
  registerInputGuard(app);
  registerPublicCache(app, { db: database.db });
  registerPublicMasking(app);

  const ctx: AppContext = {
    db: database.db,
    database,
    config,
    storage: diskStorage(path.join(config.DATA_DIR, 'files')),
    calendar: options.calendar ?? loadCalendar(config.DATA_DIR),
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
  for (const module of modules) module.routes?.(app, ctx);
  return app;
}
