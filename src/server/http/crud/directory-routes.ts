import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { importResult, listOf } from '../../../domain/api.js';
import { type AppContext, typed } from '../../context.js';
import type { Db } from '../../db/client.js';
import { signedInActor } from '../auth.js';
import { authorize, type Policy, permittedActions } from '../authorize.js';
import type { Actor, CurrentUser } from '../current-user.js';
import { type Column, type RawRow, readRows, sendWorkbook, uploadedFile, workbookBuffer } from '../excel.js';
import { idParams } from '../params.js';
import { uploadRoute } from '../uploads.js';

type Actions = 'list' | 'create' | 'update' | 'import' | 'export';
type SignedIn = Actor & { user: CurrentUser };

/**
 * The routes every directory of the admin (organizations, experts) has: a filtered page, one
 * record, create, update, and Excel export, template and all-or-nothing import.
 */
export interface DirectorySpec<Q extends z.ZodObject, C extends z.ZodTypeAny, U extends z.ZodTypeAny, P> {
  path: string;
  tag: string;
  /** Base of the Excel file names, in Chinese. */
  title: string;
  policy: Policy<null, Actions> & Policy<never, string>;
  item: z.ZodTypeAny;
  query: Q;
  create: C;
  update: U;
  columns: Column<P>[];
  importHeaders: string[];
  list: (
    db: Db,
    viewer: CurrentUser,
    query: z.infer<Q>,
  ) => Promise<{ items: P[]; total: number; page: number; pageSize: number }>;
  all: (db: Db, viewer: CurrentUser, query: Omit<z.infer<Q>, 'page' | 'pageSize'>) => Promise<P[]>;
  get: (db: Db, viewer: CurrentUser, id: string) => Promise<P>;
  insert: (db: Db, actor: SignedIn, input: z.infer<C>) => Promise<P>;
  patch: (db: Db, actor: SignedIn, id: string, input: z.infer<U>) => Promise<P>;
  importRows: (db: Db, actor: Actor, rows: RawRow[]) => Promise<{ imported: number }>;
}

export function registerDirectoryRoutes<
  Q extends z.ZodObject,
  C extends z.ZodTypeAny,
  U extends z.ZodTypeAny,
  P,
>(fastify: FastifyInstance, { db }: AppContext, spec: DirectorySpec<Q, C, U, P>) {
  const app = typed(fastify);
  const tags = [spec.tag];
  const policy = spec.policy as Policy<null, Actions>;
  const filters = spec.query.omit({ page: true, pageSize: true } as never);

  app.get(
    spec.path,
    { schema: { tags, querystring: spec.query, response: { 200: listOf(spec.item) } } },
    async (request) => {
      authorize(request.user, policy, 'list', null);
      const page = await spec.list(db, request.user, request.query as z.infer<Q>);
      return {
        ...page,
        actions: permittedActions(request.user, policy, null, ['create', 'import', 'export']),
      };
    },
  );

  app.get(`${spec.path}/export.xlsx`, { schema: { tags, querystring: filters } }, async (request, reply) => {
    authorize(request.user, policy, 'export', null);
    const rows = await spec.all(db, request.user, request.query as never);
    return sendWorkbook(reply, `${spec.title}.xlsx`, await workbookBuffer(spec.title, spec.columns, rows));
  });

  app.get(`${spec.path}/template.xlsx`, { schema: { tags } }, async (request, reply) => {
    authorize(request.user, policy, 'import', null);
    const columns = spec.columns.filter((c) => spec.importHeaders.includes(c.header));
    return sendWorkbook(reply, `${spec.title}导入模板.xlsx`, await workbookBuffer(spec.title, columns, []));
  });

  const importSchema = { tags, response: { 200: importResult }, ...uploadRoute('xlsx') };
  app.post(`${spec.path}/import`, { schema: importSchema }, async (request) => {
    authorize(request.user, policy, 'import', null);
    const rows = await readRows(await uploadedFile(request), spec.importHeaders);
    return spec.importRows(db, signedInActor(request), rows);
  });

  app.get(
    `${spec.path}/:id`,
    { schema: { tags, params: idParams, response: { 200: spec.item } } },
    async (request) => {
      authorize(request.user, policy, 'list', null);
      return spec.get(db, request.user, request.params.id);
    },
  );

  app.post(
    spec.path,
    { schema: { tags, body: spec.create, response: { 201: spec.item } } },
    async (request, reply) => {
      authorize(request.user, policy, 'create', null);
      return reply
        .status(201)
        .send(await spec.insert(db, signedInActor(request), request.body as z.infer<C>));
    },
  );

  app.patch(
    `${spec.path}/:id`,
    { schema: { tags, params: idParams, body: spec.update, response: { 200: spec.item } } },
    async (request) => {
      authorize(request.user, policy, 'update', null);
      return spec.patch(db, signedInActor(request), request.params.id, request.body as z.infer<U>);
    },
  );
}
