import type { FastifyInstance } from 'fastify';
import { publicStats, publicYears, siteInfo } from '../../../domain/stats.js';
import { type AppContext, typed } from '../../context.js';
import * as service from './service.js';

export function statsRoutes(fastify: FastifyInstance, { db, config }: AppContext) {
  const app = typed(fastify);
  const tags = ['stats'];

  app.get(
    '/api/public/stats',
    { config: { publicCache: true }, schema: { tags, response: { 200: publicStats } } },
    async () => service.publicStats(db, config.DISTRICT_NAME),
  );

  app.get(
    '/api/public/years',
    { config: { publicCache: true }, schema: { tags, response: { 200: publicYears } } },
    async () => service.publicYears(db),
  );

  // Configuration, not data: outside /api/public, so the operator's contact line is shown as configured.
  app.get('/api/site', { schema: { tags, response: { 200: siteInfo } } }, async () => ({
    districtName: config.DISTRICT_NAME,
    hostBody: config.SITE_HOST_BODY,
    contact: config.SITE_CONTACT,
    icp: config.SITE_ICP,
  }));
}
