import type { FastifyInstance } from 'fastify';
import { org, orgCreate, orgQuery, orgUpdate } from '../../../domain/api.js';
import type { AppContext } from '../../context.js';
import { registerActivationRoutes } from '../../http/crud/activation.js';
import { registerDirectoryRoutes } from '../../http/crud/directory-routes.js';
import { orgPolicy } from './policy.js';
import { orgs } from './schema.js';
import * as service from './service.js';

export function orgRoutes(fastify: FastifyInstance, ctx: AppContext) {
  registerDirectoryRoutes(fastify, ctx, {
    path: '/api/orgs',
    tag: 'orgs',
    title: '组织名录',
    policy: orgPolicy,
    item: org,
    query: orgQuery,
    create: orgCreate,
    update: orgUpdate,
    columns: service.orgColumns,
    importHeaders: service.orgImportHeaders,
    list: service.listOrgs,
    all: service.allOrgs,
    get: service.getOrg,
    insert: service.createOrg,
    patch: service.updateOrg,
    importRows: service.importOrgs,
  });
  registerActivationRoutes(fastify, ctx, {
    path: '/api/orgs',
    table: orgs,
    targetType: 'org',
    label: '单位',
    tag: 'orgs',
    policy: orgPolicy,
    response: org,
    present: (viewer, id) => service.getOrg(ctx.db, viewer, id),
  });
}
