import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type Activity,
  type activityBody,
  type activityConfirmBody,
  activityTypeLabels,
  MAX_ACTIVITY_PHOTOS,
  PHOTO_MAX_PX,
  type PublicActivity,
  type progressBody,
  SIGNIN_MAX_PX,
  THUMBNAIL_MAX_PX,
} from '../../../domain/implementation.js';
import { activityMachine } from '../../../domain/machines.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { conflict, fieldError, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { IMAGE_RULE, keepImage, resized } from '../files/images.js';
import { attachments } from '../files/schema.js';
import { storeAttachment, type Upload } from '../files/service.js';
import { detectAllowedType, type FileStorage, type UploadRule } from '../files/storage.js';
import { payments } from '../funds/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { ownProvider } from '../projects/policy.js';
import {
  type AfterWrite,
  checkVersion,
  findProject,
  isUnderWay,
  noAfterWrite,
  type ProjectRecord,
  partiesOf,
  type SignedIn,
  stateOf,
  underWayProject,
  viewProject,
} from '../projects/service.js';
import { regions } from '../regions/schema.js';
import { isCommunityOf, mediaOf, orgRegionOf, publicThumbnailUrl } from './media.js';
import { loadProgress } from './progress.js';
import { activities, indicatorReports } from './schema.js';

type ActivityRow = typeof activities.$inferSelect;
const link = (projectId: string) => `/app/projects/${projectId}`;

/**
 * Activities as their viewer sees them; `provider`: the viewer is the project's provider, who adds
 * photos and the sign-in sheet until the community has checked the activity.
 */
async function present(
  db: Db,
  viewer: CurrentUser | null,
  rows: ActivityRow[],
  { provider = false } = {},
): Promise<Activity[]> {
  const media = await mediaOf(
    db,
    rows.map((r) => r.id),
  );
  const regionIds = [...new Set(rows.map((r) => r.communityRegionId))];
  const names = new Map(
    regionIds.length
      ? (
          await db
            .select({ id: regions.id, name: regions.name })
            .from(regions)
            .where(inArray(regions.id, regionIds))
        ).map((r) => [r.id, r.name])
      : [],
  );
  const viewerRegion = await orgRegionOf(db, viewer);
  return rows.map((a) => {
    const { photos, signinSheet } = media.get(a.id) ?? { photos: [], signinSheet: null };
    const open = a.status === 'reported';
    return {
      id: a.id,
      projectId: a.projectId,
      heldOn: a.heldOn,
      place: a.place,
      communityRegionId: a.communityRegionId,
      communityName: names.get(a.communityRegionId) ?? '',
      type: a.type,
      typeLabel: activityTypeLabels[a.type],
      participants: a.participants,
      participantCount: a.participants.reduce((s, p) => s + p.count, 0),
      volunteers: a.volunteers,
      volunteerHours: a.volunteerHoursDeci / 10,
      description: a.description,
      status: a.status,
      disputeReason: a.disputeReason,
      confirmedAt: a.confirmedAt?.toISOString() ?? null,
      photos,
      signinSheet,
      version: a.version,
      actions: [
        ...(viewer && open && isCommunityOf(viewer, a.communityRegionId, viewerRegion)
          ? ['confirm', 'dispute']
          : []),
        ...(provider && open && photos.length < MAX_ACTIVITY_PHOTOS ? ['addPhoto'] : []),
        ...(provider && open && !signinSheet ? ['attachSignin'] : []),
      ],
    };
  });
}

const projectActivities = (db: Executor, projectId: string) =>
  db
    .select()
    .from(activities)
    .where(eq(activities.projectId, projectId))
    .orderBy(asc(activities.heldOn), asc(activities.createdAt));

const asProvider = (viewer: CurrentUser | null, record: ProjectRecord) => ({
  provider: !!viewer && ownProvider(viewer, partiesOf(record)),
});

/** A project's activities; `actions`: record (an activity) and reportProgress, for its provider while under way. */
export async function listActivities(db: Db, viewer: CurrentUser | null, projectId: string) {
  const record = await viewProject(db, viewer, projectId);
  const own = asProvider(viewer, record);
  return {
    items: await present(db, viewer, await projectActivities(db, projectId), own),
    actions: own.provider && isUnderWay(stateOf(record)) ? ['record', 'reportProgress'] : [],
  };
}

/** The community's queue: activities in its area still waiting for its confirmation. */
export async function pendingForCommunity(db: Db, viewer: CurrentUser) {
  if (!hasRole(viewer, 'community')) throw forbidden();
  const region = await orgRegionOf(db, viewer);
  if (!region) return { items: [] };
  const rows = await db
    .select()
    .from(activities)
    .where(and(eq(activities.communityRegionId, region), eq(activities.status, 'reported')))
    .orderBy(asc(activities.heldOn));
  const projectsById = new Map<string, ProjectRecord>();
  for (const id of new Set(rows.map((r) => r.projectId))) projectsById.set(id, await findProject(db, id));
  return {
    items: (await present(db, viewer, rows)).map((a) => {
      const record = projectsById.get(a.projectId)!;
      return { ...a, projectTitle: record.projectTitle, providerName: record.providerName };
    }),
  };
}

/** The communities of the call's service area: listed ones, and those of listed streets. */
const areaCommunities = (db: Executor, record: ProjectRecord, only?: string) =>
  db
    .select({ id: regions.id, name: regions.name })
    .from(regions)
    .innerJoin(calls, eq(calls.id, record.contract.callId))
    .where(
      and(
        only ? eq(regions.id, only) : undefined,
        eq(regions.level, 'community'),
        or(
          sql`${regions.id} = any(${calls.serviceAreaIds})`,
          sql`${regions.parentId} = any(${calls.serviceAreaIds})`,
        ),
      ),
    )
    .orderBy(asc(regions.code), asc(regions.name));

const inServiceArea = async (db: Executor, record: ProjectRecord, regionId: string) =>
  (await areaCommunities(db, record, regionId)).length > 0;

/** What the activity form offers: the service area's communities and the call's target groups. */
export async function activityOptions(db: Db, viewer: CurrentUser | null, projectId: string) {
  const record = await viewProject(db, viewer, projectId);
  const rows = await areaCommunities(db, record);
  const [call] = await db
    .select({ targetGroups: calls.targetGroups })
    .from(calls)
    .where(eq(calls.id, record.contract.callId));
  return { communities: rows, targetGroups: call?.targetGroups ?? [] };
}

/** The provider records an activity; the community committee of its area is asked to confirm it. */
export async function recordActivity(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof activityBody>,
) {
  const record = await viewProject(db, actor.user, projectId);
  if (!ownProvider(actor.user, partiesOf(record))) throw forbidden();
  if (input.heldOn > todayInShanghai()) throw fieldError('heldOn', '活动日期不能晚于今天');
  if (!(await inServiceArea(db, record, input.communityRegionId)))
    throw fieldError('communityRegionId', '所选社区不在项目服务范围内');
  const id = await db.transaction(async (tx) => {
    await underWayProject(tx, record, '登记活动');
    const { volunteerHours, ...rest } = input;
    const [row] = await tx
      .insert(activities)
      .values({
        projectId,
        ...rest,
        volunteerHoursDeci: Math.round(volunteerHours * 10),
        createdBy: actor.user.id,
      })
      .returning();
    await appendAudit(tx, actor, {
      action: 'activity.recorded',
      targetType: 'activity',
      targetId: row.id,
      summary: { projectId, ...input },
    });
    const committees = await tx
      .select({ id: orgs.id })
      .from(orgs)
      .where(and(eq(orgs.regionId, input.communityRegionId), eq(orgs.kind, 'community')));
    const committee = (await Promise.all(committees.map((o) => usersOfOrg(tx, o.id, 'community')))).flat();
    await notify(tx, committee, {
      kind: 'activity.recorded',
      title: '活动记录待确认',
      body: `项目“${record.projectTitle}”登记了${input.heldOn}在${input.place}的活动，请确认。`,
      link: '/app/activities/pending',
    });
    return row.id;
  });
  return { id, ...(await listActivities(db, actor.user, projectId)) };
}

// ---------- photos and the sign-in sheet ----------

const SIGNIN_RULE: UploadRule = {
  types: ['pdf', ...IMAGE_RULE.types],
  message: '签到表只能上传 PDF 或图片（JPEG、PNG、WebP）',
};

function ensureOpen(row: ActivityRow, what: string) {
  if (row.status !== 'reported') throw conflict(`社区已确认或提出异议的活动不能再${what}`);
}

/** The provider's own activity, still waiting for the community (checked again under a lock). */
async function providersOpenActivity(db: Db, actor: SignedIn, id: string, what: string) {
  const [row] = await db.select().from(activities).where(eq(activities.id, id));
  if (!row) throw notFound('活动记录');
  const record = await viewProject(db, actor.user, row.projectId);
  if (!ownProvider(actor.user, partiesOf(record))) throw forbidden();
  ensureOpen(row, what);
  return record;
}

/**
 * In the upload's transaction: the project still under way, and the activity locked until the
 * upload is recorded (a check by the community waits for it) and still open.
 */
async function lockOpen(tx: Tx, record: ProjectRecord, id: string, what: string) {
  await underWayProject(tx, record, what);
  const [row] = await tx.select().from(activities).where(eq(activities.id, id)).for('update');
  ensureOpen(row, what);
}

const presentOne = async (db: Db, actor: SignedIn, id: string) => {
  const [row] = await db.select().from(activities).where(eq(activities.id, id));
  return (await present(db, actor.user, [row], { provider: true }))[0];
};

/**
 * The provider adds a photo (JPEG, PNG or WebP): kept at most PHOTO_MAX_PX on its longer side
 * with a THUMBNAIL_MAX_PX thumbnail, both re-encoded without metadata (no GPS position).
 */
export async function addPhoto(db: Db, storage: FileStorage, actor: SignedIn, id: string, upload: Upload) {
  const record = await providersOpenActivity(db, actor, id, '添加照片');
  const photo = await keepImage(upload.content, PHOTO_MAX_PX);
  const thumbnail = await resized(photo, THUMBNAIL_MAX_PX);
  await db.transaction(async (tx) => {
    await lockOpen(tx, record, id, '添加照片');
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(attachments)
      .where(and(eq(attachments.ownerType, 'activity_photo'), eq(attachments.ownerId, id)));
    if (count >= MAX_ACTIVITY_PHOTOS) throw conflict(`每次活动最多上传${MAX_ACTIVITY_PHOTOS}张照片`);
    const stored = await storeAttachment(
      db,
      storage,
      actor,
      { type: 'activity_photo', id },
      { name: upload.name, content: photo.content },
      tx,
    );
    // Shown in public: named by the platform, not by the uploader.
    await storeAttachment(
      db,
      storage,
      actor,
      { type: 'activity_thumbnail', id: stored.id },
      { name: `活动照片缩略图.${thumbnail.type.ext}`, content: thumbnail.content },
      tx,
    );
  });
  return presentOne(db, actor, id);
}

/** The provider attaches the activity's one sign-in sheet: a PDF, or an image kept without metadata. */
export async function attachSigninSheet(
  db: Db,
  storage: FileStorage,
  actor: SignedIn,
  id: string,
  upload: Upload,
) {
  const record = await providersOpenActivity(db, actor, id, '上传签到表');
  const type = await detectAllowedType(upload.content, SIGNIN_RULE);
  if (!type) throw unprocessable('file_type_not_allowed', SIGNIN_RULE.message);
  const content =
    type.ext === 'pdf' ? upload.content : (await keepImage(upload.content, SIGNIN_MAX_PX)).content;
  await db.transaction(async (tx) => {
    await lockOpen(tx, record, id, '上传签到表');
    const [existing] = await tx
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(eq(attachments.ownerType, 'activity_signin'), eq(attachments.ownerId, id)));
    if (existing) throw conflict('这次活动的签到表已上传');
    await storeAttachment(
      db,
      storage,
      actor,
      { type: 'activity_signin', id },
      { name: upload.name, content },
      tx,
    );
  });
  return presentOne(db, actor, id);
}

/** The community committee of the activity's area confirms it, or disputes it with a reason. */
export async function checkActivity(
  db: Db,
  actor: SignedIn,
  id: string,
  input: z.infer<typeof activityConfirmBody>,
) {
  const [row] = await db.select().from(activities).where(eq(activities.id, id));
  if (!row) throw notFound('活动记录');
  if (!isCommunityOf(actor.user, row.communityRegionId, await orgRegionOf(db, actor.user))) throw forbidden();
  checkVersion(row, input.version);
  const record = await findProject(db, row.projectId);
  const confirmed = input.decision === 'confirmed';
  await db.transaction(async (tx) => {
    await transition(tx, actor, activityMachine, activities, row, confirmed ? 'confirm' : 'dispute', {
      reason: confirmed ? undefined : input.reason,
      set: {
        disputeReason: confirmed ? null : input.reason,
        confirmedBy: actor.user.id,
        confirmedAt: new Date(),
      },
      detail: { projectId: row.projectId, decision: input.decision },
    });
    if (!confirmed) {
      await notify(tx, await usersOfOrg(tx, record.contract.providerOrgId, 'provider'), {
        kind: 'activity.disputed',
        title: '社区对活动记录有异议',
        body: `${row.heldOn}的活动记录被社区提出异议：${input.reason}`,
        link: link(row.projectId),
      });
    }
  });
  const [updated] = await db.select().from(activities).where(eq(activities.id, id));
  return (await present(db, actor.user, [updated]))[0];
}

// ---------- indicator progress ----------

export async function getProgress(db: Db, viewer: CurrentUser | null, projectId: string) {
  await viewProject(db, viewer, projectId);
  const { reported: _reported, ...progress } = await loadProgress(db, projectId);
  return progress;
}

/** The provider reports an indicator's achieved value with evidence; the newest report counts. */
export async function reportProgress(
  db: Db,
  actor: SignedIn,
  projectId: string,
  input: z.infer<typeof progressBody>,
  afterWrite: AfterWrite = noAfterWrite,
) {
  const record = await viewProject(db, actor.user, projectId);
  if (!ownProvider(actor.user, partiesOf(record))) throw forbidden();
  const [contract] = await db
    .select({ indicators: contracts.indicators })
    .from(contracts)
    .where(eq(contracts.id, projectId));
  const indicator = contract.indicators[input.indicatorIndex];
  if (!indicator) throw fieldError('indicatorIndex', '合同中没有这项绩效指标');
  await db.transaction(async (tx) => {
    await underWayProject(tx, record, '填报指标进度');
    const [row] = await tx
      .insert(indicatorReports)
      .values({ projectId, ...input, reportedOn: todayInShanghai(), createdBy: actor.user.id })
      .returning();
    await appendAudit(tx, actor, {
      action: 'indicator.reported',
      targetType: 'project',
      targetId: projectId,
      summary: { reportId: row.id, indicator: indicator.name, target: indicator.target, ...input },
    });
    await afterWrite(tx, actor, projectId);
  });
  return getProgress(db, actor.user, projectId);
}

// ---------- public page and ledger ----------

/** What anyone sees of a project in implementation: progress, confirmed activities, money paid. */
export async function publicImplementation(db: Db, projectId: string) {
  const record = await findProject(db, projectId);
  const { reported: _reported, ...progress } = await loadProgress(db, projectId);
  const rows = await db
    .select()
    .from(activities)
    .where(and(eq(activities.projectId, projectId), eq(activities.status, 'confirmed')))
    .orderBy(asc(activities.heldOn));
  const [{ paid }] = await db
    .select({ paid: sql<string>`coalesce(sum(${payments.paidFen}), 0)` })
    .from(payments)
    .where(and(eq(payments.projectId, projectId), eq(payments.status, 'paid')));
  return {
    ...progress,
    projectTitle: record.projectTitle,
    callId: record.contract.callId,
    status: record.project?.status ?? 'contracted',
    activities: (await present(db, null, rows)).map(
      ({ actions: _a, version: _v, disputeReason: _d, signinSheet: _s, photos, ...a }): PublicActivity => ({
        ...a,
        photos: photos.map((p) => ({ id: p.id, thumbnailUrl: publicThumbnailUrl(p.id) })),
      }),
    ),
    paidFen: Number(paid),
    contractFen: record.contract.amountFen,
  };
}

/** 服务台账: every activity of the project, one row each, for the Excel export. */
export async function ledgerRows(db: Db, viewer: CurrentUser | null, projectId: string) {
  const record = await viewProject(db, viewer, projectId);
  return {
    record,
    rows: await present(db, viewer, await projectActivities(db, projectId), asProvider(viewer, record)),
  };
}
