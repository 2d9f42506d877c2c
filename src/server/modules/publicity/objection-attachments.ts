import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { CurrentUser } from '../../http/current-user.js';
import { hasRole } from '../../http/current-user.js';
import { conflict, forbidden, notFound } from '../../http/errors.js';
import { calls } from '../calls/schema.js';
import { attachments } from '../files/schema.js';
import { storeAttachment, type Upload } from '../files/service.js';
import type { FileStorage } from '../files/storage.js';
import { objections, publicities } from './schema.js';

/** Evidence may be attached for this long after filing, by whoever holds the receipt's token. */
export const ATTACH_WINDOW_MS = 60 * 60_000;
export const MAX_OBJECTION_FILES = 3;

/** The objector has no account: the receipt carries an HMAC of the objection id instead. */
export const attachmentToken = (secret: string, objectionId: string) =>
  createHmac('sha256', secret).update(`objection-attachment:${objectionId}`).digest('base64url');

export async function attachToObjection(
  db: Db,
  storage: FileStorage,
  secret: string,
  objectionId: string,
  token: string,
  upload: Upload,
  ip: string | null,
) {
  const [row] = await db.select().from(objections).where(eq(objections.id, objectionId));
  if (!row) throw notFound('异议');
  const expected = Buffer.from(attachmentToken(secret, objectionId));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw forbidden('附件凭证无效');
  if (row.status !== 'open' || Date.now() - row.createdAt.getTime() > ATTACH_WINDOW_MS) {
    throw conflict('只能在提交异议后1小时内、答复之前补充附件');
  }
  const [{ n }] = await db
    .select({ n: count() })
    .from(attachments)
    .where(and(eq(attachments.ownerType, 'objection'), eq(attachments.ownerId, objectionId)));
  if (n >= MAX_OBJECTION_FILES) throw conflict(`每条异议最多上传${MAX_OBJECTION_FILES}个附件`);
  return storeAttachment(db, storage, { user: null, ip }, { type: 'objection', id: objectionId }, upload);
}

/** Objection evidence is for the buyer who answers it and for the supervisors, never public. */
/** Which of these objections' files the user may open: the call's buyer, admins and supervisors. */
export async function viewableObjections(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: objections.id, buyerOrgId: calls.buyerOrgId })
    .from(objections)
    .innerJoin(publicities, eq(publicities.id, objections.publicityId))
    .innerJoin(calls, eq(calls.id, publicities.callId))
    .where(inArray(objections.id, ids));
  const overseer = hasRole(user, 'admin', 'supervisor');
  return new Set(
    rows
      .filter((r) => overseer || (hasRole(user, 'buyer') && user.org?.id === r.buyerOrgId))
      .map((r) => r.id),
  );
}
