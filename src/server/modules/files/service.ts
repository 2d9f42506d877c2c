import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../http/current-user.js';
import { unprocessable } from '../../http/errors.js';
import { readUploadedFile } from '../../http/uploads.js';
import { appendAudit } from '../audit/service.js';
import { attachments, files } from './schema.js';
import { detectAllowedType, type FileStorage, MAX_ATTACHMENT_BYTES } from './storage.js';

export type OwnerType = (typeof attachments.$inferSelect)['ownerType'];

export interface Upload {
  name: string;
  content: Buffer;
}

/** Reads the form's file (http/uploads.ts), checking its size; the type is checked from its bytes later. */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  const part = await readUploadedFile(request, { maxBytes: MAX_ATTACHMENT_BYTES, missing: '请选择要上传的文件' });
  return { name: part.filename.slice(0, 200) || '附件', content: part.content };
}

export async function storeAttachment(
  db: Db,
  storage: FileStorage,
  actor: Actor,
  owner: { type: OwnerType; id: string },
  upload: Upload,
  tx?: Tx,
) {
  const mime = detectAllowedType(upload.content, upload.name);
  if (!mime)
    throw unprocessable(
      'file_type_not_allowed',
      '只能上传 PDF、Word（.doc/.docx）或图片（PNG、JPEG、GIF、WebP）文件',
    );
  const sha256 = await storage.put(upload.content);
  const write = async (t: Tx) => {
    await t.insert(files).values({ sha256, size: upload.content.length, mime }).onConflictDoNothing();
    const [row] = await t
      .insert(attachments)
      .values({
        ownerType: owner.type,
        ownerId: owner.id,
        sha256,
        name: upload.name,
        uploadedBy: actor.user?.id ?? null,
      })
      .returning();
    await appendAudit(t, actor, {
      action: 'attachment.added',
      targetType: owner.type,
      targetId: owner.id,
      summary: { attachmentId: row.id, name: upload.name, sha256, size: upload.content.length },
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
    name: r.attachment.name,
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
