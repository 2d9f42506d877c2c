import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AppContext, typed } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { sendWorkbook } from '../../http/excel.js';
import { bulkFile, MAX_PAGE_SIZE, openDataStore, recordPackage, releasePage } from './service.js';
import { DATASETS, type Dataset, datasetCsv, datasetLabels, datasetXlsx } from './tables.js';

const release = z.looseObject({
  ocid: z.string(),
  id: z.string(),
  date: z.string(),
  tag: z.array(z.string()),
});
const header = {
  uri: z.string(),
  version: z.literal('1.1'),
  publishedDate: z.string(),
  publisher: z.object({ name: z.string() }),
};
const releasePackage = z.object({
  ...header,
  releases: z.array(release),
  links: z.object({ next: z.string() }).optional(),
});
const recordPackage_ = z.object({
  ...header,
  records: z.array(z.object({ ocid: z.string(), releases: z.array(release), compiledRelease: release })),
});
const files = DATASETS.flatMap((d) => [`${d}.csv`, `${d}.xlsx`] as const);

const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** Open data (OCDS 1.1 and tables), public: no sign-in, nothing personal. */
export function openDataRoutes(fastify: FastifyInstance, { db, config }: AppContext) {
  const app = typed(fastify);
  const tags = ['opendata'];
  const store = openDataStore(db, config.OCDS_PREFIX);
  // Built ahead of the first visitor (the whole demo history takes seconds); a failure is only logged.
  fastify.addHook('onReady', async () => {
    void store.current().catch((error) => fastify.log.warn({ err: error }, 'open data: first build failed'));
  });

  app.get(
    '/api/opendata/ocds/releases',
    {
      config: { publicCache: true },
      schema: {
        tags,
        summary: 'OCDS 1.1 release package, oldest release first, paginated by links.next',
        querystring: z.object({
          cursor: z.string().max(400).optional(),
          limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
        }),
        response: { 200: releasePackage },
      },
    },
    async (request) => releasePage(await store.current(), origin(request), request.query),
  );

  app.get(
    '/api/opendata/ocds/records/:ocid',
    {
      config: { publicCache: true },
      schema: {
        tags,
        summary: 'OCDS 1.1 record package of one contracting process: every release and the compiled release',
        params: z.object({ ocid: z.string().max(200) }),
        response: { 200: recordPackage_ },
      },
    },
    async (request) => {
      const found = recordPackage(await store.current(), origin(request), request.params.ocid);
      if (!found) throw notFound('该开放数据记录');
      return found;
    },
  );

  app.get(
    '/api/opendata/ocds/bulk.json.gz',
    { schema: { tags, summary: 'Every release in one gzip-compressed OCDS release package' } },
    async (request, reply) => {
      const snapshot = await store.current();
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${config.OCDS_PREFIX}-releases.json.gz"`)
        .header('cache-control', 'no-cache')
        .header('etag', `"ocds-${snapshot.version}"`)
        .send(bulkFile(snapshot, origin(request)));
    },
  );

  app.get(
    '/api/opendata/tables/:file',
    {
      schema: {
        tags,
        summary: 'Projects, awards, contracts and payments as CSV (UTF-8 with BOM) or Excel',
        params: z.object({ file: z.enum(files) }),
      },
    },
    async (request, reply) => {
      const [dataset, format] = request.params.file.split('.') as [Dataset, 'csv' | 'xlsx'];
      const filename = `开放数据-${datasetLabels[dataset]}.${format}`;
      if (format === 'xlsx') return sendWorkbook(reply, filename, await datasetXlsx(db, dataset));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .send(await datasetCsv(db, dataset));
    },
  );
}
