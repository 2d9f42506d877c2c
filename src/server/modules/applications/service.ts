import { and, count, desc, eq, inArray, isNull, notInArray, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type applicationCreate,
  type applicationDraft,
  type applicationQuery,
  checkEligibility,
  missingForSubmission,
  proposal as proposalSchema,
} from '../../../domain/applications.js';
import { isValidCreditCode } from '../../../domain/credit-code.js';
import type { ApplicationState } from '../../../domain/lifecycle.js';
import type { Db, Executor } from '../../db/client.js';
import { findById } from '../../db/helpers.js';
import { permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { transitionApplication } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { calls } from '../calls/schema.js';
import { creditStandingOf } from '../credit/service.js';
import { checkOnSubmission, type DuplicateSettings, removeFromIndex } from '../duplicates/service.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { regions } from '../regions/schema.js';
import { type ApplicationAccess, applicationPolicy, stateProblem } from './policy.js';
import { applications } from './schema.js';

type ApplicationRow = typeof applications.$inferSelect;
type CallRow = typeof calls.$inferSelect;

const todayInChina = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function loadWithCall(db: Executor, id: string) {
  const [row] = await db
    .select({ application: applications, call: calls })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(eq(applications.id, id));
  if (!row) throw notFound('申报');
  return row;
}

const access = (a: ApplicationRow, call: CallRow): ApplicationAccess => ({
  providerOrgId: a.providerOrgId,
  communityOrgId: a.communityOrgId,
  buyerOrgId: call.buyerOrgId,
  status: a.status,
});

/** Loads an application for a user who must be allowed `action`; 404 to those who may not even see it. */
export async function loadFor(db: Db, user: CurrentUser, id: string, action: keyof typeof applicationPolicy) {
  const row = await loadWithCall(db, id);
  const a = access(row.application, row.call);
  if (!applicationPolicy.view(user, a)) throw notFound('申报');
  if (!applicationPolicy[action](user, a)) throw forbidden();
  const problem = stateProblem(action, a.status);
  if (problem) throw conflict(problem);
  return row;
}

/** Which of these applications the user may see (for their attachments). */
export async function viewableApplications(db: Db, user: CurrentUser | null, ids: string[]) {
  if (!user || ids.length === 0) return new Set<string>();
  const rows = await db
    .select({
      id: applications.id,
      providerOrgId: applications.providerOrgId,
      communityOrgId: applications.communityOrgId,
      status: applications.status,
      buyerOrgId: calls.buyerOrgId,
    })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(inArray(applications.id, ids));
  return new Set(rows.filter((a) => applicationPolicy.view(user, a)).map((a) => a.id));
}

async function present(db: Db, viewer: CurrentUser, a: ApplicationRow, call: CallRow) {
  const [[provider], community, committee] = await Promise.all([
    db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, a.providerOrgId)),
    a.communityRegionId
      ? db.select({ name: regions.name }).from(regions).where(eq(regions.id, a.communityRegionId))
      : [],
    a.communityOrgId ? db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, a.communityOrgId)) : [],
  ]);
  const proposal = proposalSchema.parse(a.proposal);
  const acc = access(a, call);
  const actions = permittedActions(viewer, applicationPolicy, acc, [
    'edit',
    'cosign',
    'submit',
    'withdraw',
    'override',
    'explain',
  ]).filter((action) => !stateProblem(action, a.status) && (action !== 'cosign' || !a.cosignedAt));
  return {
    id: a.id,
    callId: call.id,
    callCode: call.code,
    callTitle: call.title,
    providerOrgId: a.providerOrgId,
    providerName: provider.name,
    communityRegionId: a.communityRegionId,
    communityName: community[0]?.name ?? null,
    communityOrgName: committee[0]?.name ?? null,
    socialWorkerName: a.socialWorkerName,
    socialWorkerCertificate: a.socialWorkerCertificate,
    partners: a.partners,
    proposal,
    requestedFen: a.requestedFen,
    status: a.status as ApplicationState,
    cosignedAt: a.cosignedAt?.toISOString() ?? null,
    submittedAt: a.submittedAt?.toISOString() ?? null,
    eligibility: a.eligibility,
    eligibilityOverrideReason: a.eligibilityOverrideReason,
    duplicateExplanation: a.duplicateExplanation,
    missing: missingForSubmission({ ...a, proposal, cosigned: !!a.cosignedAt }),
    version: a.version,
    actions,
  };
}

export async function getApplication(db: Db, viewer: CurrentUser, id: string) {
  const row = await loadFor(db, viewer, id, 'view');
  return present(db, viewer, row.application, row.call);
}

/** The community committee of a community inside the call's service area, or a field error. */
async function resolveCommunity(db: Executor, call: CallRow, communityRegionId: string) {
  const [region] = await db.select().from(regions).where(eq(regions.id, communityRegionId));
  if (region?.level !== 'community') throw fieldError('communityRegionId', '请选择一个社区/村');
  const inside =
    call.serviceAreaIds.includes(region.id) ||
    (!!region.parentId && call.serviceAreaIds.includes(region.parentId));
  if (!inside) throw fieldError('communityRegionId', '该社区不在本次征集的服务区域内');
  const [committee] = await db
    .select({ id: orgs.id })
    .from(orgs)
    .where(and(eq(orgs.regionId, region.id), eq(orgs.kind, 'community'), eq(orgs.active, true)));
  if (!committee) throw fieldError('communityRegionId', '该社区尚未在平台登记居（村）委会，无法联合申报');
  return committee.id;
}

const sumBudget = (p: z.infer<typeof proposalSchema>) => p.budget.reduce((s, b) => s + b.amountFen, 0);

function assertWindowOpen(call: CallRow) {
  const now = Date.now();
  if (call.status !== 'published') throw conflict('该项目当前不在征集期');
  if (now < call.applicationOpensAt.getTime()) throw conflict('申报尚未开始');
  if (now > call.applicationClosesAt.getTime()) throw conflict('申报已截止，申报材料已封存');
}

/** The provider's one draft on a call (unique index applications_one_draft_per_provider), if any. */
async function draftOf(db: Executor, callId: string, providerOrgId: string) {
  const [row] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        eq(applications.callId, callId),
        eq(applications.providerOrgId, providerOrgId),
        eq(applications.status, 'draft'),
      ),
    );
  return row?.id ?? null;
}

/**
 * Starts an application, or reopens the provider's draft on the call: a provider has at most one
 * draft per call (a partial unique index; of two concurrent starts one inserts, the other finds
 * that draft). A reopened draft is returned as it is (`created: false`); changes go through
 * updateDraft.
 */
export async function createApplication(
  db: Db,
  actor: Actor & { user: CurrentUser },
  input: z.infer<typeof applicationCreate>,
) {
  const call = await findById(db, calls, input.callId, '项目');
  if (call.status === 'draft') throw notFound('项目');
  assertWindowOpen(call);
  const providerOrgId = actor.user.org!.id;
  const existing = await draftOf(db, call.id, providerOrgId);
  if (existing) return { created: false, application: await getApplication(db, actor.user, existing) };
  const communityOrgId = input.communityRegionId
    ? await resolveCommunity(db, call, input.communityRegionId)
    : null;
  const proposal = proposalSchema.parse(input.proposal ?? {});
  const created = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(applications)
      .values({
        callId: call.id,
        providerOrgId,
        communityRegionId: input.communityRegionId ?? null,
        communityOrgId,
        socialWorkerName: input.socialWorkerName ?? '',
        socialWorkerCertificate: input.socialWorkerCertificate ?? '',
        partners: input.partners ?? [],
        proposal,
        requestedFen: sumBudget(proposal),
      })
      .onConflictDoNothing()
      .returning({ id: applications.id });
    if (!row) {
      // Another request made the draft in the meantime (its transaction committed before this
      // insert went ahead), or the provider already applied with this community.
      const draft = await draftOf(tx, call.id, providerOrgId);
      if (draft) return { created: false, id: draft };
      throw conflict('本机构已在该社区申报过本项目，请编辑已有申报');
    }
    await appendAudit(tx, actor, {
      action: 'application.created',
      targetType: 'application',
      targetId: row.id,
      summary: { callId: call.id },
    });
    return { created: true, id: row.id };
  });
  return { created: created.created, application: await getApplication(db, actor.user, created.id) };
}

/** True when `error` (or what it wraps, e.g. drizzle's query error) broke the named unique index. */
function breaksUnique(error: unknown, index: string): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const pgError = e as Error & { code?: string; constraint?: string };
    if (pgError.code === '23505') return pgError.constraint === index;
  }
  return false;
}

/** Auto-save of a draft. Changing what the community co-signed clears the co-signature. */
export async function updateDraft(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: z.infer<typeof applicationDraft>,
) {
  const { application: before, call } = await loadFor(db, actor.user, id, 'edit');
  if (input.version !== undefined && input.version !== before.version)
    throw conflict('申报已在别处修改，请刷新后再编辑');
  assertWindowOpen(call);
  const communityRegionId =
    input.communityRegionId === undefined ? before.communityRegionId : input.communityRegionId;
  const communityOrgId = communityRegionId ? await resolveCommunity(db, call, communityRegionId) : null;
  const proposal = input.proposal ? proposalSchema.parse(input.proposal) : before.proposal;
  const next = {
    communityRegionId,
    communityOrgId,
    socialWorkerName: input.socialWorkerName ?? before.socialWorkerName,
    socialWorkerCertificate: input.socialWorkerCertificate ?? before.socialWorkerCertificate,
    partners: input.partners ?? before.partners,
    proposal,
    requestedFen: sumBudget(proposalSchema.parse(proposal)),
  };
  const cosignedContentChanged =
    JSON.stringify({ ...before, cosignedAt: 0 }) !== JSON.stringify({ ...before, ...next, cosignedAt: 0 });
  const clearCosign = !!before.cosignedAt && cosignedContentChanged;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(applications)
      .set({
        ...next,
        ...(clearCosign ? { cosignedAt: null, cosignedBy: null } : {}),
        version: before.version + 1,
        updatedAt: new Date(),
      })
      .where(and(eq(applications.id, id), eq(applications.version, before.version)))
      .returning({ id: applications.id })
      .catch((error) => {
        if (breaksUnique(error, 'applications_one_per_provider_community'))
          throw fieldError('communityRegionId', '本机构已在该社区申报过本项目，请选择其他社区或编辑已有申报');
        throw error;
      });
    if (updated.length === 0) throw conflict('申报已在别处修改，请刷新后再编辑');
    if (clearCosign) {
      await appendAudit(tx, actor, {
        action: 'application.cosign_cleared',
        targetType: 'application',
        targetId: id,
        summary: { reason: 'content changed' },
      });
    }
  });
  return getApplication(db, actor.user, id);
}

export async function requestCosign(db: Db, actor: Actor & { user: CurrentUser }, id: string) {
  const { application, call } = await loadFor(db, actor.user, id, 'edit');
  if (!application.communityOrgId) throw fieldError('communityRegionId', '请先选择服务社区');
  const recipients = await usersOfOrg(db, application.communityOrgId, 'community');
  if (recipients.length === 0)
    throw unprocessable('no_community_user', '该社区尚无平台账号，请联系平台管理员开通');
  await db.transaction(async (tx) => {
    await notify(tx, recipients, {
      kind: 'application.cosign_requested',
      title: `联合申报签章请求：${call.title}`,
      body: `${actor.user.org!.name} 请求社区联合签章`,
      link: `/app/applications/${id}`,
      dedupeKey: `cosign:${id}:${application.version}`,
    });
    await appendAudit(tx, actor, {
      action: 'application.cosign_requested',
      targetType: 'application',
      targetId: id,
    });
  });
}

export async function cosign(db: Db, actor: Actor & { user: CurrentUser }, id: string) {
  const { application } = await loadFor(db, actor.user, id, 'cosign');
  if (application.cosignedAt) throw conflict('社区已签章');
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(applications)
      .set({
        cosignedAt: new Date(),
        cosignedBy: actor.user.id,
        version: application.version + 1,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(applications.id, id),
          eq(applications.version, application.version),
          isNull(applications.cosignedAt),
        ),
      )
      .returning({ id: applications.id });
    if (updated.length === 0) throw conflict('申报已在别处修改，请刷新后重试');
    await appendAudit(tx, actor, { action: 'application.cosigned', targetType: 'application', targetId: id });
    await notify(tx, await usersOfOrg(tx, application.providerOrgId, 'provider'), {
      kind: 'application.cosigned',
      title: '社区已完成联合签章',
      link: `/app/applications/${id}`,
    });
  });
  return getApplication(db, actor.user, id);
}

export async function submit(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  duplicates: DuplicateSettings,
) {
  const { application, call } = await loadFor(db, actor.user, id, 'submit');
  assertWindowOpen(call);
  const proposal = proposalSchema.parse(application.proposal);
  const missing = missingForSubmission({ ...application, proposal, cosigned: !!application.cosignedAt });
  if (missing.length)
    throw unprocessable('application_incomplete', `申报材料不完整：${missing.join('；')}`, { missing });
  const today = todayInChina();
  const org = await findById(db, orgs, application.providerOrgId, '单位');
  const credit = await creditStandingOf(db, org.id, today);
  const community = application.communityRegionId
    ? await findById(db, regions, application.communityRegionId, '社区')
    : null;
  const checks = checkEligibility({
    today,
    org: {
      creditCodeValid: !!org.creditCode && isValidCreditCode(org.creditCode),
      active: org.active,
      grade: org.grade,
      registeredOn: org.registeredOn,
    },
    blacklisted: credit.barring,
    warnings: credit.warnings,
    call: {
      budgetCapFen: call.budgetCapFen,
      minGrade: call.eligibility.minGrade,
      minYearsRegistered: call.eligibility.minYearsRegistered,
    },
    requestedFen: application.requestedFen,
    insideServiceArea:
      !!community &&
      (call.serviceAreaIds.includes(community.id) ||
        (!!community.parentId && call.serviceAreaIds.includes(community.parentId))),
  });
  const failed = checks.filter((c) => !c.passed);
  await db.transaction(async (tx) => {
    const submitted = await transitionApplication(tx, actor, application, 'submit', {
      set: { submittedAt: new Date(), eligibility: checks, eligibilityOverrideReason: null },
    });
    await transitionApplication(tx, actor, submitted, failed.length ? 'reject' : 'pass', {
      bySystem: true,
      detail: { by: 'system', failed: failed.map((f) => f.message) },
    });
    const hits = await checkOnSubmission(tx, duplicates, id);
    if (hits) {
      await appendAudit(tx, actor, {
        action: 'application.duplicates_found',
        targetType: 'application',
        targetId: id,
        summary: { hits },
      });
    }
    await notify(tx, await usersOfOrg(tx, call.buyerOrgId, 'buyer'), {
      kind: 'application.submitted',
      title: `新申报：${proposal.title || call.title}`,
      body: `${org.name}（资格审查${failed.length ? '未通过' : '通过'}${hits ? `；查重提示${hits}条` : ''}）`,
      link: `/app/applications/${id}`,
    });
  });
  return getApplication(db, actor.user, id);
}

export async function withdraw(db: Db, actor: Actor & { user: CurrentUser }, id: string) {
  const { application, call } = await loadFor(db, actor.user, id, 'withdraw');
  assertWindowOpen(call);
  await db.transaction(async (tx) => {
    await transitionApplication(tx, actor, application, 'withdraw', {
      set: { cosignedAt: null, cosignedBy: null },
    });
    await removeFromIndex(tx, id);
  });
  return getApplication(db, actor.user, id);
}

export async function overrideEligibility(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  input: { eligible: boolean; reason: string },
) {
  const { application } = await loadFor(db, actor.user, id, 'override');
  const target = input.eligible ? 'eligible' : 'ineligible';
  if (application.status === target)
    throw conflict(`该申报已是“${input.eligible ? '资格审查通过' : '资格审查未通过'}”`);
  await db.transaction(async (tx) => {
    await transitionApplication(tx, actor, application, input.eligible ? 'pass' : 'reject', {
      reason: input.reason,
      set: { eligibilityOverrideReason: input.reason },
      detail: { by: 'buyer', override: true },
    });
  });
  return getApplication(db, actor.user, id);
}

export async function explainDuplicates(
  db: Db,
  actor: Actor & { user: CurrentUser },
  id: string,
  explanation: string,
) {
  const { application } = await loadFor(db, actor.user, id, 'explain');
  await db.transaction(async (tx) => {
    await tx
      .update(applications)
      .set({ duplicateExplanation: explanation, updatedAt: new Date() })
      .where(eq(applications.id, application.id));
    await appendAudit(tx, actor, {
      action: 'application.duplicate_explained',
      targetType: 'application',
      targetId: id,
    });
  });
  return getApplication(db, actor.user, id);
}

/** Providers see their own, communities those they co-sign, buyers the submitted ones of their calls. */
export async function listApplications(db: Db, viewer: CurrentUser, query: z.infer<typeof applicationQuery>) {
  const scope: SQL[] = [];
  const orgId = viewer.org?.id ?? '';
  if (viewer.roles.includes('admin') || viewer.roles.includes('supervisor')) {
    scope.push(notInArray(applications.status, ['draft', 'withdrawn']));
  } else if (viewer.roles.includes('buyer')) {
    scope.push(eq(calls.buyerOrgId, orgId), notInArray(applications.status, ['draft', 'withdrawn']));
  } else if (viewer.roles.includes('provider')) {
    scope.push(eq(applications.providerOrgId, orgId));
  } else if (viewer.roles.includes('community')) {
    scope.push(eq(applications.communityOrgId, orgId));
  } else {
    throw forbidden();
  }
  if (query.callId) scope.push(eq(applications.callId, query.callId));
  if (query.status) scope.push(eq(applications.status, query.status));
  const where = and(...scope);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: applications.id,
        callId: calls.id,
        callCode: calls.code,
        callTitle: calls.title,
        title: applications.proposal,
        providerName: orgs.name,
        communityName: regions.name,
        requestedFen: applications.requestedFen,
        status: applications.status,
        cosignedAt: applications.cosignedAt,
        submittedAt: applications.submittedAt,
        updatedAt: applications.updatedAt,
      })
      .from(applications)
      .innerJoin(calls, eq(calls.id, applications.callId))
      .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
      .leftJoin(regions, eq(regions.id, applications.communityRegionId))
      .where(where)
      .orderBy(desc(applications.updatedAt))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(applications)
      .innerJoin(calls, eq(calls.id, applications.callId))
      .where(where),
  ]);
  return {
    items: rows.map((r) => ({
      ...r,
      title: r.title.title,
      status: r.status as ApplicationState,
      cosignedAt: r.cosignedAt?.toISOString() ?? null,
      submittedAt: r.submittedAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}
