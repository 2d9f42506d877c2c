import { create as contentDisposition } from 'content-disposition';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../db/client.js';
import { actorOf } from '../../http/auth.js';
import { type Actor, hasRole } from '../../http/current-user.js';
import { notFound } from '../../http/errors.js';
import { appendAudit } from '../audit/service.js';
import { downloadName } from '../files/names.js';
import { findAttachment } from '../files/service.js';
import { extOfMime, type FileStorage } from '../files/storage.js';

/**
 * Records a supervisory body's read of something that is not public (who, what, when, from where)
 * as an internal audit entry. Administrators' reads are theirs to answer for otherwise.
 */
export async function recordRead(
  db: Db,
  actor: Actor,
  what: { targetType: string; targetId: string; summary?: Record<string, unknown> },
) {
  if (!hasRole(actor.user, 'supervisor')) return;
  await db.transaction((tx) =>
    appendAudit(tx, actor, { action: 'supervision.read', ...what, visibility: 'internal' }),
  );
}

/** Sends stored content as a download under its display name. */
export function sendStored(
  reply: FastifyReply,
  storage: FileStorage,
  file: { sha256: string; mime: string; name: string; fallback: string },
) {
  const ext = extOfMime(file.mime);
  const content = storage.open(file.sha256, ext);
  if (!content) throw notFound('附件内容');
  return reply
    .header('content-type', file.mime)
    .header(
      'content-disposition',
      contentDisposition(downloadName(file.name, ext), { fallback: `${file.fallback}.${ext}` }),
    )
    .header('x-content-type-options', 'nosniff')
    .send(content);
}

export async function readAttachment(db: Db, actor: Actor, id: string) {
  const found = await findAttachment(db, id);
  if (!found) throw notFound('附件');
  const { ownerType, ownerId, name } = found.attachment;
  // A call's attachments are published with the call: reading them is no inspection.
  if (ownerType !== 'call') {
    await recordRead(db, actor, {
      targetType: ownerType,
      targetId: ownerId,
      summary: { read: 'attachment', attachmentId: id, name },
    });
  }
  return found;
}

/**
 * A supervisor who downloads a non-public attachment through the ordinary file route is recorded
 * as well: the entry is appended before the content is sent, so a read that cannot be recorded
 * fails.
 */
export function recordFileRouteReads(fastify: FastifyInstance, db: Db) {
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== '/api/files/:id' || reply.statusCode !== 200) return payload;
    if (!hasRole(request.user, 'supervisor')) return payload;
    await readAttachment(db, actorOf(request), (request.params as { id: string }).id);
    return payload;
  });
}
