import { and, asc, count, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { awardMachine, objectionMachine, publicityMachine } from '../../../domain/machines.js';
import { formatFen } from '../../../domain/money.js';
import { maskPersonalData } from '../../../domain/personal-data.js';
import {
  type InternalPublicity,
  type objectionAnswerBody,
  type objectionBody,
  objectionStatusLabels,
  PUBLICITY_MAX_DAYS_AHEAD,
  type PublicityListItem,
  type PublicPublicity,
  type publicityOpenBody,
  publicityPhase,
  type publicityQuery,
} from '../../../domain/publicity.js';
import { toTsQuery } from '../../../domain/search.js';
import {
  addDays,
  todayInShanghai,
  type WorkingDayCalendar,
  workingDayDeadline,
} from '../../../domain/working-days.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { containsPattern, findById } from '../../db/helpers.js';
import { authorize, permittedActions } from '../../http/authorize.js';
import type { Actor, CurrentUser } from '../../http/current-user.js';
import { conflict, fieldError, notFound } from '../../http/errors.js';
import { transition, transitionApplication, transitionCall } from '../../lifecycle/transitions.js';
import { appendAudit } from '../audit/service.js';
import { type AwardWithFacts, awardFacts, awardsWithFacts, presentAward } from '../awards/facts.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { attachmentsOf } from '../files/service.js';
import { notify, usersOfOrg } from '../notifications/service.js';
import { orgs } from '../orgs/schema.js';
import { appendTimeline } from '../timeline/service.js';
import { publicityPolicy } from './policy.js';
import { objections, publicities } from './schema.js';

type SignedIn = Actor & { user: CurrentUser };
type PublicityRow = typeof publicities.$inferSelect;
type CallRow = typeof calls.$inferSelect;
type ObjectionRow = typeof objections.$inferSelect;

/** The filer of an objection is never recorded in the audit trail, not even their address. */
const ANONYMOUS: Actor = { user: null, ip: null };

// ---------- reading ----------

async function callWithBuyer(db: Executor, callId: string) {
  const [row] = await db
    .select({ call: calls, buyerName: orgs.name })
    .from(calls)
    .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId))
    .where(eq(calls.id, callId));
  if (!row) throw notFound('项目');
  return row;
}

async function loadPublicity(db: Executor, id: string) {
  const [pub] = await db.select().from(publicities).where(eq(publicities.id, id));
  if (!pub) throw notFound('公示');
  const [{ call, buyerName }, awardRows, objectionRows] = await Promise.all([
    callWithBuyer(db, pub.callId),
    awardsWithFacts(db, eq(awards.publicityId, id)),
    db.select().from(objections).where(eq(objections.publicityId, id)).orderBy(asc(objections.createdAt)),
  ]);
  return { pub, call, buyerName, awardRows, objectionRows };
}

function presentFields(pub: PublicityRow, call: CallRow, buyerName: string, today: string) {
  return {
    id: pub.id,
    callId: call.id,
    callCode: call.code,
    callTitle: call.title,
    buyerName,
    opensOn: pub.opensOn,
    closesOn: pub.closesOn,
    // A closed period ended on its date, whatever the calendar said.
    closesOnEstimated: pub.closesOnEstimated && pub.status === 'open',
    workingDays: Number(pub.workingDays),
    status: pub.status,
    phase: publicityPhase(pub, today),
    closedAt: pub.closedAt?.toISOString() ?? null,
  };
}

const acceptsObjections = (pub: PublicityRow, today: string) => publicityPhase(pub, today) === 'open';

/** What the viewer may do with this publicity, given its state. */
function publicityActions(
  viewer: CurrentUser | null,
  pub: PublicityRow,
  call: CallRow,
  objectionRows: ObjectionRow[],
  today: string,
) {
  const result: string[] = [];
  if (acceptsObjections(pub, today)) result.push('object');
  const allowed = permittedActions(viewer, publicityPolicy, call, ['answer', 'close']);
  if (pub.status === 'open' && allowed.includes('answer') && objectionRows.some((o) => o.status === 'open'))
    result.push('answer');
  if (
    pub.status === 'open' &&
    allowed.includes('close') &&
    today > pub.closesOn &&
    objectionRows.every((o) => o.status !== 'open')
  ) {
    result.push('close');
  }
  return result;
}

function publicObjection(o: ObjectionRow, titles: Map<string, string>) {
  return {
    id: o.id,
    awardId: o.awardId,
    projectTitle: o.awardId ? (titles.get(o.awardId) ?? null) : null,
    // People sign with their phone number: what is shown publicly is masked.
    reason: maskPersonalData(o.reason, [o.objectorName, o.objectorContact]),
    status: o.status,
    answer: o.answer === null ? null : maskPersonalData(o.answer, [o.objectorName, o.objectorContact]),
    createdAt: o.createdAt.toISOString(),
    answeredAt: o.answeredAt?.toISOString() ?? null,
  };
}

/** The public page: every award and every objection with its answer, never who objected. */
export async function getPublicPublicity(
  db: Db,
  viewer: CurrentUser | null,
  id: string,
): Promise<PublicPublicity> {
  const { pub, call, buyerName, awardRows, objectionRows } = await loadPublicity(db, id);
  const today = todayInShanghai();
  const titles = new Map(awardRows.map((r) => [r.award.id, r.projectTitle]));
  return {
    ...presentFields(pub, call, buyerName, today),
    awards: awardRows.map(presentAward),
    objections: objectionRows.map((o) => publicObjection(o, titles)),
    actions: publicityActions(viewer, pub, call, objectionRows, today),
  };
}

/** The buyer's and supervisors' page: objections with the objector's name and contact. */
export async function getInternalPublicity(
  db: Db,
  viewer: CurrentUser | null,
  id: string,
): Promise<InternalPublicity> {
  const { pub, call, buyerName, awardRows, objectionRows } = await loadPublicity(db, id);
  authorize(viewer, publicityPolicy, 'viewInternal', call);
  const today = todayInShanghai();
  const titles = new Map(awardRows.map((r) => [r.award.id, r.projectTitle]));
  const canAnswer =
    pub.status === 'open' && permittedActions(viewer, publicityPolicy, call, ['answer']).length > 0;
  const evidence = await attachmentsOf(
    db,
    'objection',
    objectionRows.map((o) => o.id),
  );
  return {
    ...presentFields(pub, call, buyerName, today),
    awards: awardRows.map(presentAward),
    objections: objectionRows.map((o) => ({
      ...publicObjection(o, titles),
      reason: o.reason,
      answer: o.answer,
      objectorName: o.objectorName,
      objectorContact: o.objectorContact,
      attachments: evidence
        .filter((e) => e.ownerId === o.id)
        .map(({ id, name, size, mime, url }) => ({ id, name, size, mime, url })),
      actions: canAnswer && o.status === 'open' ? ['answer'] : [],
    })),
    actions: publicityActions(viewer, pub, call, objectionRows, today),
  };
}

type PublicityQuery = z.infer<typeof publicityQuery>;

export async function listPublicities(db: Db, query: PublicityQuery) {
  // Results publicities of evaluations are listed by their own module.
  const conditions: SQL[] = [eq(publicities.kind, 'approval')];
  if (query.status) conditions.push(eq(publicities.status, query.status));
  if (query.callId) conditions.push(eq(publicities.callId, query.callId));
  if (query.year) conditions.push(eq(calls.year, query.year));
  if (query.buyerId) conditions.push(eq(calls.buyerOrgId, query.buyerId));
  if (query.q) {
    const ts = toTsQuery(query.q);
    const code = ilike(calls.code, containsPattern(query.q));
    // calls.search_vector: the call's stored tsvector (migration 0009).
    conditions.push(ts ? or(sql`${calls}.search_vector @@ to_tsquery('simple', ${ts})`, code)! : code);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const objectionCount = (status?: string) =>
    sql<number>`(select count(*)::int from ${objections} where ${objections.publicityId} = ${publicities.id}${
      status ? sql` and ${objections.status} = ${status}` : sql``
    })`;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        pub: publicities,
        call: calls,
        buyerName: orgs.name,
        awardCount: sql<number>`(select count(*)::int from ${awards} where ${awards.publicityId} = ${publicities.id})`,
        objectionCount: objectionCount(),
        openObjectionCount: objectionCount('open'),
      })
      .from(publicities)
      .innerJoin(calls, eq(calls.id, publicities.callId))
      .innerJoin(orgs, eq(orgs.id, calls.buyerOrgId))
      .where(where)
      // Open publicities first, then the most recent.
      .orderBy(
        sql`case when ${publicities.status} = 'open' then 0 else 1 end`,
        desc(publicities.opensOn),
        desc(publicities.createdAt),
      )
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(publicities)
      .innerJoin(calls, eq(calls.id, publicities.callId))
      .where(where),
  ]);
  const today = todayInShanghai();
  const items: PublicityListItem[] = rows.map((r) => ({
    ...presentFields(r.pub, r.call, r.buyerName, today),
    awardCount: Number(r.awardCount),
    objectionCount: Number(r.objectionCount),
    openObjectionCount: Number(r.openObjectionCount),
  }));
  return { items, total, page: query.page, pageSize: query.pageSize };
}

// ---------- opening ----------

async function providerUsers(tx: Tx, rows: AwardWithFacts[]) {
  const ids = await Promise.all(
    [...new Set(rows.map((r) => r.providerOrgId))].map((orgId) => usersOfOrg(tx, orgId, 'provider')),
  );
  return ids.flat();
}

/**
 * Opens the publicity of a call's proposed awards: the period ends `workingDays` working days
 * after `opensOn` (the opening day does not count; see working-days.ts).
 */
export async function openPublicity(
  db: Db,
  actor: SignedIn,
  callId: string,
  input: z.infer<typeof publicityOpenBody>,
  settings: { calendar: WorkingDayCalendar; minWorkingDays: number },
) {
  const call = await findById(db, calls, callId, '项目');
  authorize(actor.user, publicityPolicy, 'open', call);
  const workingDays = input.workingDays ?? settings.minWorkingDays;
  if (workingDays < settings.minWorkingDays) {
    throw fieldError('workingDays', `公示期不能少于${settings.minWorkingDays}个工作日`);
  }
  const today = todayInShanghai();
  const opensOn = input.opensOn ?? today;
  if (opensOn < today) throw fieldError('opensOn', '公示开始日期不能早于今天');
  if (opensOn > addDays(today, PUBLICITY_MAX_DAYS_AHEAD)) {
    throw fieldError('opensOn', `公示开始日期不能晚于${PUBLICITY_MAX_DAYS_AHEAD}天后`);
  }
  const { date: closesOn, estimated } = workingDayDeadline(opensOn, workingDays, settings.calendar);

  const id = await db.transaction(async (tx) => {
    const proposed = await awardsWithFacts(tx, and(eq(awards.callId, callId), eq(awards.status, 'proposed')));
    if (call.status === 'awarded' && proposed.length === 0) throw conflict('没有待公示的拟立项项目');
    const [pub] = await tx
      .insert(publicities)
      .values({ callId, opensOn, closesOn, closesOnEstimated: estimated, workingDays: String(workingDays) })
      .returning();
    for (const { award } of proposed) {
      await transition(tx, actor, awardMachine, awards, award, 'openPublicity', {
        set: { publicityId: pub.id },
        detail: { callId, publicityId: pub.id },
      });
    }
    // Checks the call's state and version: of two simultaneous openings one gets 409.
    await transitionCall(tx, actor, call, 'openPublicity', {
      detail: { publicityId: pub.id, opensOn, closesOn, workingDays, awards: proposed.map(awardFacts) },
      timelineTitle: `开始立项公示（${opensOn}至${closesOn}，${workingDays}个工作日）`,
    });
    await notify(tx, await providerUsers(tx, proposed), {
      kind: 'publicity.opened',
      title: '您的项目进入立项公示',
      body: `项目“${call.title}”的拟立项结果公示至${closesOn}。`,
      link: `/app/publicities/${pub.id}`,
    });
    return pub.id;
  });
  return getInternalPublicity(db, actor.user, id);
}

// ---------- objections ----------

/** Anyone may object while the period runs. The objector's identity stays out of public output and the audit trail. */
export async function fileObjection(
  db: Db,
  publicityId: string,
  input: z.infer<typeof objectionBody>,
  ip: string | null,
) {
  const [exists] = await db
    .select({ id: publicities.id })
    .from(publicities)
    .where(eq(publicities.id, publicityId));
  if (!exists) throw notFound('公示');
  return db.transaction(async (tx) => {
    // Holding the row shares a lock with closing: an objection cannot slip in past a close.
    const [pub] = await tx.select().from(publicities).where(eq(publicities.id, publicityId)).for('share');
    const today = todayInShanghai();
    if (pub.status !== 'open') throw conflict('公示已结束，不能再提出异议');
    if (today < pub.opensOn) throw conflict(`公示自${pub.opensOn}开始，届时方可提出异议`);
    if (today > pub.closesOn) throw conflict(`公示期已于${pub.closesOn}结束，不能再提出异议`);
    if (input.awardId) {
      const [award] = await tx
        .select({ publicityId: awards.publicityId })
        .from(awards)
        .where(eq(awards.id, input.awardId));
      if (!award || award.publicityId !== pub.id) throw fieldError('awardId', '所选项目不在本次公示中');
    }
    const [row] = await tx
      .insert(objections)
      .values({
        publicityId: pub.id,
        awardId: input.awardId,
        objectorName: input.name,
        objectorContact: input.contact,
        reason: input.reason,
        ip,
      })
      .returning();
    await appendAudit(tx, ANONYMOUS, {
      action: 'objection.filed',
      targetType: 'objection',
      targetId: row.id,
      summary: { objectionId: row.id, publicityId: pub.id, awardId: input.awardId },
      visibility: 'public',
    });
    await appendTimeline(tx, pub.callId, {
      kind: 'publicity.objection_filed',
      title: '收到异议',
      detail: { publicityId: pub.id, objectionId: row.id, awardId: input.awardId },
    });
    const call = await findById(tx, calls, pub.callId, '项目');
    await notify(tx, await usersOfOrg(tx, call.buyerOrgId, 'buyer'), {
      kind: 'objection.filed',
      title: '立项公示收到异议',
      body: `项目“${call.title}”的立项公示收到一条异议，请在公示结束前答复。`,
      link: `/app/publicities/${pub.id}`,
    });
    return { id: row.id, status: row.status, createdAt: row.createdAt.toISOString() };
  });
}

/** The buyer answers once; an upheld objection revokes the award it names. */
export async function answerObjection(
  db: Db,
  actor: SignedIn,
  objectionId: string,
  input: z.infer<typeof objectionAnswerBody>,
) {
  const objection = await findById(db, objections, objectionId, '异议');
  const pub = await findById(db, publicities, objection.publicityId, '公示');
  const call = await findById(db, calls, pub.callId, '项目');
  authorize(actor.user, publicityPolicy, 'answer', call);
  if (objection.status !== 'open') throw conflict('该异议已答复，不能重复答复');
  if (input.awardId && objection.awardId && input.awardId !== objection.awardId) {
    throw fieldError('awardId', '该异议针对的项目与所选项目不一致');
  }
  const awardId = objection.awardId ?? input.awardId ?? null;
  if (input.decision === 'upheld' && !awardId && pub.kind === 'approval')
    throw fieldError('awardId', '异议成立时，请选择被撤销的拟立项项目');

  // The answer is public: the buyer may have named the objector or quoted their number.
  const publicAnswer = maskPersonalData(input.answer, [objection.objectorName, objection.objectorContact]);

  await db.transaction(async (tx) => {
    await tx.select({ id: publicities.id }).from(publicities).where(eq(publicities.id, pub.id)).for('share');
    // The first answer wins; a second one, even a simultaneous one, finds it answered.
    const [current] = await tx.select().from(objections).where(eq(objections.id, objectionId)).for('update');
    if (current.status !== 'open') throw conflict('该异议已答复，不能重复答复');
    const now = new Date();

    let revoked: AwardWithFacts | null = null;
    if (input.decision === 'upheld' && awardId) {
      await tx.select({ id: awards.id }).from(awards).where(eq(awards.id, awardId)).for('update');
      const [row] = await awardsWithFacts(tx, eq(awards.id, awardId));
      if (!row || row.award.publicityId !== pub.id) throw fieldError('awardId', '所选项目不在本次公示中');
      if (row.award.status === 'in_publicity') {
        // Checks the application's state (拟立项) and version first: 409 otherwise.
        await transitionApplication(tx, actor, row.application, 'revoke', {
          reason: publicAnswer,
          detail: { ...awardFacts(row), objectionId, reason: publicAnswer },
          timelineTitle: `异议成立，撤销拟立项：${row.projectTitle}`,
        });
        await transition(tx, actor, awardMachine, awards, row.award, 'revoke', {
          reason: publicAnswer,
          set: { revokedReason: publicAnswer },
          detail: { callId: call.id, objectionId },
        });
        revoked = row;
      }
    }
    await transition(tx, actor, objectionMachine, objections, current, OBJECTION_DECISIONS[input.decision], {
      set: { answer: input.answer, answeredAt: now, answeredBy: actor.user.id },
      audit: {
        summary: {
          objectionId,
          publicityId: pub.id,
          awardId,
          decision: input.decision,
          answer: publicAnswer,
          revoked: !!revoked,
        },
      },
    });
    const decisionLabel = objectionStatusLabels[input.decision];
    await appendTimeline(tx, call.id, {
      kind: 'publicity.objection_answered',
      title: `异议答复：${decisionLabel}`,
      detail: {
        publicityId: pub.id,
        objectionId,
        awardId,
        decision: input.decision,
        answer: publicAnswer,
      },
    });
    if (revoked) {
      await notify(tx, await usersOfOrg(tx, revoked.providerOrgId, 'provider'), {
        kind: 'award.revoked',
        title: '拟立项已撤销',
        body: `您的项目“${revoked.projectTitle}”因异议成立被撤销拟立项：${publicAnswer}`,
        link: `/app/publicities/${pub.id}`,
      });
    }
  });
  return getInternalPublicity(db, actor.user, pub.id);
}

const OBJECTION_DECISIONS = { upheld: 'uphold', rejected: 'reject' } as const;

// ---------- closing ----------

/** How a publicity of another kind ends, handed down from app.ts by the module that opens it. */
export type PublicityCloser = (tx: Tx, actor: SignedIn, publicity: PublicityRow) => Promise<void>;
export type PublicityClosers = Partial<Record<Exclude<PublicityRow['kind'], 'approval'>, PublicityCloser>>;

/**
 * Closes the publicity once its period has passed and every objection is answered: the
 * remaining awards are approved and the call moves to 已立项 (approved). When every award was
 * revoked the call still moves to approved (the one state after publicity from which the buyer
 * may award again, see `callTransitions.award`), with a timeline entry saying nothing was approved.
 */
export async function closePublicity(
  db: Db,
  actor: SignedIn,
  publicityId: string,
  closers: PublicityClosers = {},
) {
  const pub = await findById(db, publicities, publicityId, '公示');
  const call = await findById(db, calls, pub.callId, '项目');
  authorize(actor.user, publicityPolicy, 'close', call);
  if (pub.status !== 'open') throw conflict('公示已结束');
  const today = todayInShanghai();
  if (today <= pub.closesOn) throw conflict(`公示期至${pub.closesOn}，期满后方可结束公示`);

  await db.transaction(async (tx) => {
    // Locks the publicity: a simultaneous close or objection waits, then sees it closed.
    const [current] = await tx
      .select()
      .from(publicities)
      .where(eq(publicities.id, publicityId))
      .for('update');
    if (current.status !== 'open' || current.version !== pub.version) throw conflict('公示已结束');
    const [{ open }] = await tx
      .select({ open: count() })
      .from(objections)
      .where(and(eq(objections.publicityId, publicityId), eq(objections.status, 'open')));
    if (open > 0) throw conflict(`尚有${open}条异议未答复，不能结束公示`, { openObjections: open });
    await transition(tx, actor, publicityMachine, publicities, current, 'close', {
      set: { closedAt: new Date() },
      detail: { callId: call.id },
    });
    if (current.kind !== 'approval') {
      const closer = closers[current.kind];
      if (!closer) throw conflict('该公示不能在此结束');
      await closer(tx, actor, current);
      return;
    }
    for (const { award } of await awardsWithFacts(tx, eq(awards.publicityId, publicityId))) {
      if (award.status !== 'in_publicity') continue;
      await transition(tx, actor, awardMachine, awards, award, 'approve', {
        detail: { callId: call.id, publicityId },
      });
    }
    const rows = await awardsWithFacts(tx, eq(awards.publicityId, publicityId));
    const approved = rows.filter((r) => r.award.status === 'approved');
    const revoked = rows.filter((r) => r.award.status === 'revoked');
    await transitionCall(tx, actor, call, 'closePublicity', {
      detail: {
        publicityId,
        approved: approved.map(awardFacts),
        revoked: revoked.map((r) => ({ ...awardFacts(r), reason: r.award.revokedReason })),
        totalFen: approved.reduce((s, r) => s + r.award.amountFen, 0),
      },
      timelineTitle:
        approved.length > 0
          ? `公示结束，${approved.length}个项目立项（合计${formatFen(approved.reduce((s, r) => s + r.award.amountFen, 0))}）`
          : '公示结束：拟立项项目均已撤销，待重新确定',
    });
    await notify(tx, await providerUsers(tx, approved), {
      kind: 'award.approved',
      title: '项目已立项',
      body: `项目“${call.title}”立项公示结束，您的项目已立项，请等待签订合同。`,
      link: `/app/publicities/${publicityId}`,
    });
  });
  return getInternalPublicity(db, actor.user, publicityId);
}
