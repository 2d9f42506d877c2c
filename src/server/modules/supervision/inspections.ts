import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { hasRole } from '../../http/current-user.js';
import { notFound, staleVersion, unprocessable } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit, changeSummary } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { displayName } from '../files/names.js';
import { files } from '../files/schema.js';
import type { Upload } from '../files/service.js';
import { detectAllowedType, type FileStorage } from '../files/storage.js';
import { type NotificationInput, notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import type {
  Inspection,
  inspectionAnswerBody,
  inspectionBody,
  inspectionCloseBody,
  inspectionPatch,
  inspectionQuery,
} from './api.js';
import { inspectionMachine } from './machine.js';
import { type InspectionRef, inspectionPolicy, supervisionPolicy } from './policy.js';
import { inspections } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type Row = typeof inspections.$inferSelect;

const selectInspections = (db: Db | Tx) =>
  db
    .select({ inspection: inspections, callCode: calls.code, callTitle: calls.title, buyerName: orgs.name })
    .from(inspections)
    .innerJoin(calls, eq(calls.id, inspections.callId))
    .innerJoin(orgs, eq(orgs.id, inspections.buyerOrgId));
type Joined = Awaited<ReturnType<ReturnType<typeof selectInspections>['where']>>[number];

const refOf = (r: Row): InspectionRef => ({
  supervisorId: r.supervisorId,
  buyerOrgId: r.buyerOrgId,
  status: r.status,
});

function present(viewer: CurrentUser, j: Joined): Inspection {
  const r = j.inspection;
  return {
    id: r.id,
    callId: r.callId,
    callCode: j.callCode,
    callTitle: j.callTitle,
    buyerOrgId: r.buyerOrgId,
    buyerName: j.buyerName,
    supervisorName: r.supervisorName,
    supervisorOrgName: r.supervisorOrgName,
    scope: r.scope,
    findings: r.findings,
    followUp: r.followUp,
    dueOn: r.dueOn,
    status: r.status,
    answer: r.answer,
    answerFileName: r.answerFileName,
    answeredAt: r.answeredAt?.toISOString() ?? null,
    closeNote: r.closeNote,
    closedAt: r.closedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    version: r.version,
    actions: permittedActions(viewer, inspectionPolicy, refOf(r), ['edit', 'close', 'answer']),
  };
}

async function load(db: Db | Tx, id: string) {
  const [row] = await selectInspections(db).where(eq(inspections.id, id));
  if (!row) throw notFound('检查记录');
  return row;
}

/** An inspection the viewer may read: supervisors and admins all, a buyer its own projects'. */
export async function viewInspection(db: Db, viewer: CurrentUser | null, id: string) {
  const row = await load(db, id);
  authorize(viewer, inspectionPolicy, 'view', refOf(row.inspection));
  return row;
}

export async function getInspection(db: Db, viewer: CurrentUser | null, id: string) {
  const row = await viewInspection(db, viewer, id);
  return present(viewer!, row);
}

export async function listInspections(
  db: Db,
  viewer: CurrentUser | null,
  query: z.infer<typeof inspectionQuery>,
) {
  authorize(viewer, inspectionPolicy, 'list', null);
  const conditions: (SQL | undefined)[] = [];
  if (!hasRole(viewer, 'supervisor', 'admin')) {
    if (!viewer.org) return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
    conditions.push(eq(inspections.buyerOrgId, viewer.org.id));
  }
  if (query.callId) conditions.push(eq(inspections.callId, query.callId));
  if (query.status) conditions.push(eq(inspections.status, query.status));
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    selectInspections(db)
      .where(where)
      .orderBy(desc(inspections.createdAt), desc(inspections.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(inspections).where(where),
  ]);
  return { items: rows.map((r) => present(viewer, r)), total, page: query.page, pageSize: query.pageSize };
}

const link = (id: string) => `/app/inspections?id=${id}`;

export async function recordInspection(
  db: Db,
  actor: SignedIn,
  callId: string,
  body: z.infer<typeof inspectionBody>,
) {
  authorize(actor.user, supervisionPolicy, 'inspect', null);
  return db.transaction(async (tx) => {
    const [call] = await tx.select().from(calls).where(eq(calls.id, callId));
    if (!call) throw notFound('项目');
    const [row] = await tx
      .insert(inspections)
      .values({
        callId,
        buyerOrgId: call.buyerOrgId,
        supervisorId: actor.user.id,
        supervisorName: actor.user.displayName,
        supervisorOrgName: actor.user.org?.name ?? null,
        ...body,
      })
      .returning();
    await appendAudit(tx, actor, {
      action: 'inspection.recorded',
      targetType: 'inspection',
      targetId: row.id,
      summary: { callId, callCode: call.code, ...body },
    });
    await notify(tx, await usersOfOrg(tx, call.buyerOrgId, 'buyer'), {
      kind: 'inspection',
      title: `监督检查：${call.title}`,
      body: `${actor.user.org?.name ?? actor.user.displayName}记录了检查，请于 ${body.dueOn} 前答复：${body.followUp}`,
      link: link(row.id),
    });
    return present(actor.user, await load(tx, row.id));
  });
}

/** Locks the row, checks the rule and the version the client saw. */
async function lockFor(
  tx: Tx,
  actor: SignedIn,
  id: string,
  action: 'edit' | 'close' | 'answer',
  version: number | undefined,
) {
  const [row] = await tx.select().from(inspections).where(eq(inspections.id, id)).for('update');
  if (!row) throw notFound('检查记录');
  // Whoever may not even read it learns nothing more than a 403.
  authorize(actor.user, inspectionPolicy, action, refOf(row));
  if (version !== undefined && version !== row.version) throw staleVersion();
  return row;
}

export async function editInspection(
  db: Db,
  actor: SignedIn,
  id: string,
  { version, ...patch }: z.infer<typeof inspectionPatch>,
) {
  return db.transaction(async (tx) => {
    const row = await lockFor(tx, actor, id, 'edit', version);
    const next = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await tx
      .update(inspections)
      .set({ ...next, version: row.version + 1, updatedAt: new Date() })
      .where(eq(inspections.id, id));
    await appendAudit(tx, actor, {
      action: 'inspection.updated',
      targetType: 'inspection',
      targetId: id,
      summary: changeSummary(row, { ...row, ...next }),
    });
    return present(actor.user, await load(tx, id));
  });
}

/** One step of the inspection's lifecycle, and whom it notifies. */
async function step(
  db: Db,
  actor: SignedIn,
  id: string,
  name: 'answer' | 'close',
  version: number | undefined,
  change: { set: Record<string, unknown>; detail: Record<string, unknown> },
  notice: (row: Row, tx: Tx) => Promise<[string[], NotificationInput]>,
) {
  return db.transaction(async (tx) => {
    const row = await lockFor(tx, actor, id, name, version);
    await transition(tx, actor, inspectionMachine, inspections, row, name, change);
    const [to, input] = await notice(row, tx);
    await notify(tx, to, input);
    return present(actor.user, await load(tx, id));
  });
}

export function answerInspection(
  db: Db,
  actor: SignedIn,
  id: string,
  body: z.infer<typeof inspectionAnswerBody>,
) {
  return step(
    db,
    actor,
    id,
    'answer',
    body.version,
    {
      set: { answer: body.answer, answeredAt: new Date(), answeredBy: actor.user.id },
      detail: { answer: body.answer },
    },
    async (row) => [
      [row.supervisorId],
      {
        kind: 'inspection',
        title: '检查记录已答复',
        body: `${actor.user.org?.name ?? ''}已答复：${body.answer.slice(0, 100)}`,
        link: `/app/supervision/projects/${row.callId}`,
      },
    ],
  );
}

/** The buyer's attachment to its answer (one; a new one replaces it), any document type. */
export async function attachAnswerFile(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  id: string,
  upload: Upload,
) {
  // Checked before the content is stored, and again under the row's lock.
  const existing = await load(db, id);
  authorize(actor.user, inspectionPolicy, 'answer', refOf(existing.inspection));
  const type = await detectAllowedType(upload.content);
  if (!type) throw unprocessable('file_type_not_allowed', '不支持的文件类型');
  const sha256 = await storage.put(upload.content, type.ext);
  const name = displayName(upload.name);
  return db.transaction(async (tx) => {
    const row = await lockFor(tx, actor, id, 'answer', undefined);
    await tx
      .insert(files)
      .values({ sha256, size: upload.content.length, mime: type.mime })
      .onConflictDoNothing();
    await tx
      .update(inspections)
      .set({ answerSha256: sha256, answerFileName: name, version: row.version + 1, updatedAt: new Date() })
      .where(eq(inspections.id, id));
    await appendAudit(tx, actor, {
      action: 'inspection.answer_file',
      targetType: 'inspection',
      targetId: id,
      summary: { name, sha256, size: upload.content.length },
    });
    return present(actor.user, await load(tx, id));
  });
}

export function closeInspection(
  db: Db,
  actor: SignedIn,
  id: string,
  body: z.infer<typeof inspectionCloseBody>,
) {
  return step(
    db,
    actor,
    id,
    'close',
    body.version,
    { set: { closeNote: body.note || null, closedAt: new Date() }, detail: { note: body.note ?? null } },
    async (row, tx) => [
      await usersOfOrg(tx, row.buyerOrgId, 'buyer'),
      { kind: 'inspection', title: '检查记录已办结', body: body.note ?? '', link: link(id) },
    ],
  );
}

export async function inspectionsOfCall(db: Db, callId: string) {
  return selectInspections(db).where(eq(inspections.callId, callId)).orderBy(desc(inspections.createdAt));
}

export const storedFile = (db: Db, sha256: string) =>
  db.select({ mime: files.mime }).from(files).where(eq(files.sha256, sha256));
