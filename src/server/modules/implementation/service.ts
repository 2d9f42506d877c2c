import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type Activity,
  type activityBody,
  type activityConfirmBody,
  activityTypeLabels,
  type progressBody,
} from '../../../domain/implementation.js';
import { activityMachine } from '../../../domain/machines.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db, Executor } from '../../db/client.js';
import { type CurrentUser, hasRole } from '../../http/current-user.js';
import { fieldError, forbidden, notFound } from '../../http/errors.js';
import { transition } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { payments } from '../funds/schema.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { ownProvider } from '../projects/policy.js';
import {
  type AfterWrite,
  checkVersion,
  findProject,
  noAfterWrite,
  type ProjectRecord,
  partiesOf,
  type SignedIn,
  underWayProject,
  viewProject,
} from '../projects/service.js';
import { regions } from '../regions/schema.js';
import { loadProgress } from './progress.js';
import { activities, indicatorReports } from './schema.js';

type ActivityRow = typeof activities.$inferSelect;
const link = (projectId: string) => `/app/projects/${projectId}`;

/** The community committee that confirms activities in its area. */
const isCommunityOf = (u: CurrentUser, regionId: string, orgRegion: string | null) =>
  hasRole(u, 'community') && orgRegion === regionId;

async function orgRegionOf(db: Executor, user: CurrentUser | null) {
  if (!user?.org) return null;
  const [org] = await db.select({ regionId: orgs.regionId }).from(orgs).where(eq(orgs.id, user.org.id));
  return org?.regionId ?? null;
}

async function present(db: Executor, viewer: CurrentUser | null, rows: ActivityRow[]): Promise<Activity[]> {
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
  return rows.map((a) => ({
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
    version: a.version,
    actions:
      viewer && a.status === 'reported' && isCommunityOf(viewer, a.communityRegionId, viewerRegion)
        ? ['confirm', 'dispute']
        : [],
  }));
}

const projectActivities = (db: Executor, projectId: string) =>
  db
    .select()
    .from(activities)
    .where(eq(activities.projectId, projectId))
    .orderBy(asc(activities.heldOn), asc(activities.createdAt));

export async function listActivities(db: Db, viewer: CurrentUser | null, projectId: string) {
  await viewProject(db, viewer, projectId);
  return { items: await present(db, viewer, await projectActivities(db, projectId)) };
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
  return { items: await present(db, viewer, rows) };
}

/** Inside the call's service area: a listed community, or a community of a listed street. */
async function inServiceArea(db: Executor, record: ProjectRecord, regionId: string) {
  const [row] = await db
    .select({ ok: sql<boolean>`true` })
    .from(regions)
    .innerJoin(calls, eq(calls.id, record.contract.callId))
    .where(
      and(
        eq(regions.id, regionId),
        eq(regions.level, 'community'),
        or(
          sql`${regions.id} = any(${calls.serviceAreaIds})`,
          sql`${regions.parentId} = any(${calls.serviceAreaIds})`,
        ),
      ),
    );
  return !!row;
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
  return { id, items: await present(db, actor.user, await projectActivities(db, projectId)) };
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
    status: record.project?.status ?? 'contracted',
    activities: (await present(db, null, rows)).map(
      ({ actions: _a, version: _v, disputeReason: _d, ...a }) => a,
    ),
    paidFen: Number(paid),
    contractFen: record.contract.amountFen,
  };
}

/** 服务台账: every activity of the project, one row each, for the Excel export. */
export async function ledgerRows(db: Db, viewer: CurrentUser | null, projectId: string) {
  const record = await viewProject(db, viewer, projectId);
  return { record, rows: await present(db, viewer, await projectActivities(db, projectId)) };
}
