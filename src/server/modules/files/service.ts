import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../http/current-user.js';
import { unprocessable } from '../../http/errors.js';
import { readUploadedFile } from '../../http/uploads.js';
import { appendAudit } from '../audit/service.js';
import { displayName } from './names.js';
import { attachments, files } from './schema.js';
import { detectAllowedType, type FileStorage, MAX_ATTACHMENT_BYTES, uploadRule } from './storage.js';

export type OwnerType = (typeof attachments.$inferSelect)['ownerType'];

export interface Upload {
  name: string;
  content: Buffer;
}

/** Reads the form's file (http/uploads.ts), checking its size; the type is checked from its bytes later. */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  const part = await readUploadedFile(request, {
    maxBytes: MAX_ATTACHMENT_BYTES,
    missing: '请选择要上传的文件',
  });
  // Sanitized and capped, keeping the extension, when stored (names.ts).
  return { name: part.filename, content: part.content };
}

export async function storeAttachment(
  db: Db,
  storage: FileStorage,
  actor: Actor,
  owner: { type: OwnerType; id: string },
  upload: Upload,
  tx?: Tx,
) {
  const rule = uploadRule(owner.type);
  const type = await detectAllowedType(upload.content, rule);
  if (!type) throw unprocessable('file_type_not_allowed', rule.message);
  // The given name is display text only: the content is stored and downloaded by its type.
  const name = displayName(upload.name);
  const sha256 = await storage.put(upload.content, type.ext);
  const write = async (t: Tx) => {
    await t
      .insert(files)
      .values({ sha256, size: upload.content.length, mime: type.mime })
      .onConflictDoNothing();
    const [row] = await t
      .insert(attachments)
      .values({
        ownerType: owner.type,
        ownerId: owner.id,
        sha256,
        name,
        uploadedBy: actor.user?.id ?? null,
      })
      .returning();
    await appendAudit(t, actor, {
      action: 'attachment.added',
      targetType: owner.type,
      targetId: owner.id,
      summary: { attachmentId: row.id, name, sha256, size: upload.content.length },
    });
    return row;
  };
  return tx ? write(tx) : db.transaction(write);
}

export async function attachmentsOf(db: Db, ownerType: OwnerType, ownerIds: string[]) {
  if (ownerIds.length === 0) return [];
  const rows = await db
    .select({ attachment: attachments, size: files.size, mime: files.mime })
    .from(attachments)
    .innerJoin(files, eq(files.sha256, attachments.sha256))
    .where(and(eq(attachments.ownerType, ownerType), inArray(attachments.ownerId, ownerIds)));
  return rows.map((r) => ({
    id: r.attachment.id,
    ownerId: r.attachment.ownerId,
    sha256: r.attachment.sha256,
    // Names stored before they were sanitized on upload are sanitized here.
    name: displayName(r.attachment.name),
    size: r.size,
    mime: r.mime,
    url: `/api/files/${r.attachment.id}`,
  }));
}

export async function findAttachment(db: Db, id: string) {
  const [row] = await db
    .select({ attachment: attachments, mime: files.mime, size: files.size })
    .from(attachments)
    .innerJoin(files, eq(files.sha256, attachments.sha256))
    .where(eq(attachments.id, id));
  return row ?? null;
}
