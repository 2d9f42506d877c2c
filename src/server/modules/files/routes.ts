import { create as contentDisposition } from 'content-disposition';
import type { FastifyInstance } from 'fastify';
import { maskPersonalData } from '../../../domain/personal-data.js';
import { type AppContext, typed } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { forbidden, notFound, unauthenticated } from '../../http/errors.js';
import { idParams } from '../../http/params.js';
import { displayName, downloadName } from './names.js';
import { findAttachment, type OwnerType } from './service.js';
import { extOfMime } from './storage.js';

/**
 * Which of the given owners the user may see, as a set (immich's `checkAccess` style, so a list
 * of attachments is checked in one query). Each owner module supplies its own; app.ts hands them
 * here, so this module knows no other module's rules.
 */
export type CanView = (db: Db, user: CurrentUser | null, ownerIds: string[]) => Promise<Set<string>>;
export type FileViewers = Record<OwnerType, CanView>;

/** Who may download an attachment follows who may see what it is attached to. */
export function fileRoutes(fastify: FastifyInstance, { db, storage }: AppContext, viewers: FileViewers) {
  typed(fastify).get(
    '/api/files/:id',
    { schema: { tags: ['files'], params: idParams } },
    async (request, reply) => {
      const found = await findAttachment(db, request.params.id);
      if (!found) throw notFound('附件');
      const { ownerType, ownerId } = found.attachment;
      if (!(await viewers[ownerType](db, request.user, [ownerId])).has(ownerId)) {
        throw request.user ? forbidden() : unauthenticated();
      }
      // Stored and saved under the detected type's extension, never the uploader's.
      const ext = extOfMime(found.mime);
      const content = storage.open(found.attachment.sha256, ext);
      if (!content) throw notFound('附件内容');
      // A call's files are public: their names are shown as public text is.
      const shown = displayName(found.attachment.name);
      const name = downloadName(ownerType === 'call' ? maskPersonalData(shown) : shown, ext);
      return reply
        .header('content-type', found.mime)
        .header(
          'content-disposition',
          contentDisposition(name, { fallback: `${found.attachment.id}.${ext}` }),
        )
        .header('x-content-type-options', 'nosniff')
        .send(content);
    },
  );
}
