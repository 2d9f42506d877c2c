/**
 * An activity's photos (each with its thumbnail) and its sign-in sheet, stored by the files
 * module: how they are read for the activity list, and who may open them. The parties of the
 * project (provider, buyer, assigned evaluators, admins and supervisors) and the community
 * committee of the activity's area open all of them; the public sees only the thumbnails of
 * confirmed activities, through the public route — never a sign-in sheet (residents' names).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { attachments } from '../files/schema.js';
import { attachmentsOf } from '../files/service.js';
import { orgs } from '../orgs/schema.js';
import { projectPolicy } from '../projects/policy.js';
import { findProject, partiesOf } from '../projects/service.js';
import { activities } from './schema.js';

/** The community committee that confirms activities in its area. */
export const isCommunityOf = (u: CurrentUser, regionId: string, orgRegion: string | null) =>
  hasRole(u, 'community') && orgRegion === regionId;

export async function orgRegionOf(db: Executor, user: CurrentUser | null) {
  if (!user?.org) return null;
  const [org] = await db.select({ regionId: orgs.regionId }).from(orgs).where(eq(orgs.id, user.org.id));
  return org?.regionId ?? null;
}

export interface ActivityMedia {
  photos: { id: string; name: string; url: string; thumbnailUrl: string | null }[];
  signinSheet: { id: string; name: string; mime: string; url: string } | null;
}

export const publicThumbnailUrl = (photoId: string) => `/api/public/activity-photos/${photoId}/thumbnail`;

/** The photos and sign-in sheet of each activity, in upload order. */
export async function mediaOf(db: Db, activityIds: string[]): Promise<Map<string, ActivityMedia>> {
  const [photos, sheets] = await Promise.all([
    attachmentsOf(db, 'activity_photo', activityIds),
    attachmentsOf(db, 'activity_signin', activityIds),
  ]);
  const thumbnails = new Map(
    (
      await attachmentsOf(
        db,
        'activity_thumbnail',
        photos.map((p) => p.id),
      )
    ).map((t) => [t.ownerId, t.url]),
  );
  const media = new Map<string, ActivityMedia>(
    activityIds.map((id) => [id, { photos: [], signinSheet: null }]),
  );
  for (const p of photos)
    media.get(p.ownerId)?.photos.push({
      id: p.id,
      name: p.name,
      url: p.url,
      thumbnailUrl: thumbnails.get(p.id) ?? null,
    });
  for (const s of sheets) {
    const entry = media.get(s.ownerId);
    if (entry) entry.signinSheet = { id: s.id, name: s.name, mime: s.mime, url: s.url };
  }
  return media;
}

/** Which of these activities' files the user may open (the files module asks, app.ts hands it this). */
export async function viewableActivities(db: Db, user: CurrentUser | null, ids: string[]) {
  const result = new Set<string>();
  if (!user || ids.length === 0) return result;
  const rows = await db
    .select({ id: activities.id, projectId: activities.projectId, regionId: activities.communityRegionId })
    .from(activities)
    .where(inArray(activities.id, ids));
  const region = await orgRegionOf(db, user);
  const seeProject = new Map<string, boolean>();
  for (const r of rows) {
    if (isCommunityOf(user, r.regionId, region)) {
      result.add(r.id);
      continue;
    }
    if (!seeProject.has(r.projectId))
      seeProject.set(r.projectId, projectPolicy.view(user, partiesOf(await findProject(db, r.projectId))));
    if (seeProject.get(r.projectId)) result.add(r.id);
  }
  return result;
}

/** The activity of each photo (attachment ids), with its confirmation state. */
async function activitiesOfPhotos(db: Db, photoIds: string[]) {
  if (photoIds.length === 0) return [];
  return db
    .select({ photoId: attachments.id, activityId: activities.id, status: activities.status })
    .from(attachments)
    .innerJoin(activities, eq(activities.id, attachments.ownerId))
    .where(and(eq(attachments.ownerType, 'activity_photo'), inArray(attachments.id, photoIds)));
}

/** A thumbnail (owned by its photo) through /api/files: whoever may open the photo. */
export async function viewableThumbnails(db: Db, user: CurrentUser | null, photoIds: string[]) {
  const rows = await activitiesOfPhotos(db, photoIds);
  const open = await viewableActivities(
    db,
    user,
    rows.map((r) => r.activityId),
  );
  return new Set(rows.filter((r) => open.has(r.activityId)).map((r) => r.photoId));
}

/** The thumbnail attachment of a photo of a confirmed activity, or null (the public's 404). */
export async function publicThumbnail(db: Db, photoId: string) {
  const [row] = await activitiesOfPhotos(db, [photoId]);
  if (row?.status !== 'confirmed') return null;
  const [thumbnail] = await attachmentsOf(db, 'activity_thumbnail', [photoId]);
  return thumbnail ?? null;
}
