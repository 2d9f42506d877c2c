import type { FastifyInstance } from 'fastify';
import { type AppContext, typed } from '../../context.js';
import type { Db } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import type { CurrentUser } from '../../http/current-user.js';
import { forbidden, notFound, unauthenticated } from '../../http/errors.js';
import { idParams } from '../../http/params.js';
import { canViewApplication } from '../applications/service.js';
import { callPolicy } from '../calls/policy.js';
import { calls } from '../calls/schema.js';
import { canViewObjectionFile } from '../publicity/objection-attachments.js';
import { findAttachment, type OwnerType } from './service.js';

/** Who may download an attachment follows who may see what it is attached to. */
const viewers: Record<OwnerType, (db: Db, user: CurrentUser | null, ownerId: string) => Promise<boolean>> = {
  call: async (db, user, id) => {
    const call = await findById(db, calls, id, '项目');
    return call.status !== 'draft' || (!!user && callPolicy.view(user, call));
  },
  application: (db, user, id) => (user ? canViewApplication(db, user, id) : Promise.resolve(false)),
  objection: canViewObjectionFile,
  contract: async () => false,
};

export function fileRoutes(fastify: FastifyInstance, { db, storage }: AppContext) {
  typed(fastify).get(
    '/api/files/:id',
    { schema: { tags: ['files'], params: idParams } },
    async (request, reply) => {
      const found = await findAttachment(db, request.params.id);
      if (!found) throw notFound('附件');
      if (!(await viewers[found.attachment.ownerType](db, request.user, found.attachment.ownerId))) {
        throw request.user ? forbidden() : unauthenticated();
      }
      return reply
        .header('content-type', found.mime)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(found.attachment.name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(storage.open(found.attachment.sha256));
    },
  );
}
