import type { FastifyInstance } from 'fastify';
import { expert, expertCreate, expertQuery, expertUpdate } from '../../../domain/api.js';
import type { AppContext } from '../../context.js';
import { registerActivationRoutes } from '../../http/crud/activation.js';
import { registerDirectoryRoutes } from '../../http/crud/directory-routes.js';
import { expertPolicy } from './policy.js';
import { experts } from './schema.js';
import * as service from './service.js';

export function expertRoutes(fastify: FastifyInstance, ctx: AppContext) {
  registerDirectoryRoutes(fastify, ctx, {
    path: '/api/experts',
    tag: 'experts',
    title: '专家库',
    policy: expertPolicy,
    item: expert,
    query: expertQuery,
    create: expertCreate,
    update: expertUpdate,
    columns: service.expertColumns,
    importHeaders: service.expertImportHeaders,
    list: service.listExperts,
    all: service.allExperts,
    get: service.getExpert,
    insert: service.createExpert,
    patch: service.updateExpert,
    importRows: service.importExperts,
  });
  registerActivationRoutes(fastify, ctx, {
    path: '/api/experts',
    table: experts,
    targetType: 'expert',
    label: '专家',
    tag: 'experts',
    policy: expertPolicy,
    response: expert,
    present: (viewer, id) => service.getExpert(ctx.db, viewer, id),
  });
}
