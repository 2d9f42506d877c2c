/**
 * What the public sees (/api/public, masked at the boundary): the lists in force with their
 * decisions, and each provider's profile. No contact person, phone or address is selected.
 */
import { and, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  legalFormOf,
  type PublicEntry,
  type PublicOrgProfile,
  type publicEntryQuery,
  reasonLabel,
} from '../../../domain/credit.js';
import { chinaDate } from '../../../domain/time.js';
import { todayInShanghai } from '../../../domain/working-days.js';
import type { Db } from '../../db/client.js';
import { containsPattern } from '../../db/helpers.js';
import { notFound } from '../../http/errors.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { orgs } from '../orgs/schema.js';
import { projects } from '../projects/schema.js';
import { regions } from '../regions/schema.js';
import { appealsOf, type LoadedEntry, publiclyShown, selectEntries, standingOf } from './entries.js';
import { creditEntries } from './schema.js';

async function presentPublic(db: Db, rows: LoadedEntry[], today: string): Promise<PublicEntry[]> {
  const appeals = await appealsOf(
    db,
    rows.map((r) => r.entry.id),
  );
  return rows.map(({ entry: e, orgName, orgCreditCode, projectTitle }) => ({
    id: e.id,
    orgId: e.orgId,
    orgName,
    orgCreditCode,
    list: e.list,
    reasonLabel: reasonLabel(e.list, e.reasonCode),
    reason: e.reason,
    decidedBy: e.decidedBy,
    documentNo: e.documentNo,
    decidedOn: e.decidedOn,
    startsOn: e.startsOn,
    endsOn: e.endsOn,
    standing: standingOf(e, today),
    projectTitle,
    removedOn: e.removedOn,
    removedReason: e.removedReason,
    // The decisions only: the organization's own reasons are its case, not public.
    appeals: (appeals.get(e.id) ?? [])
      .filter((a) => a.status !== 'open')
      .map((a) => ({
        id: a.id,
        status: a.status,
        decisionReason: a.decisionReason,
        decidedOn: a.decidedAt ? chinaDate(a.decidedAt) : null,
      })),
  }));
}

/** 红黑榜: the entries in force (and those removed before their end), newest decision first. */
export async function listPublicEntries(db: Db, query: z.infer<typeof publicEntryQuery>) {
  const today = todayInShanghai();
  const conditions: (SQL | undefined)[] = [publiclyShown(today)];
  if (query.list) conditions.push(eq(creditEntries.list, query.list));
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(or(ilike(orgs.name, pattern), ilike(orgs.creditCode, pattern)));
  }
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    selectEntries(db)
      .where(where)
      .orderBy(desc(creditEntries.startsOn), desc(creditEntries.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: count() })
      .from(creditEntries)
      .innerJoin(orgs, eq(orgs.id, creditEntries.orgId))
      .where(where),
  ]);
  return { items: await presentPublic(db, rows, today), total, page: query.page, pageSize: query.pageSize };
}

/** A provider's public profile: registration facts, the projects it delivered, its current entries. */
export async function getPublicOrgProfile(db: Db, id: string): Promise<PublicOrgProfile> {
  const [org] = await db
    .select({
      id: orgs.id,
      name: orgs.name,
      kind: orgs.kind,
      creditCode: orgs.creditCode,
      grade: orgs.grade,
      registeredOn: orgs.registeredOn,
      regionName: regions.name,
    })
    .from(orgs)
    .leftJoin(regions, eq(regions.id, orgs.regionId))
    .where(eq(orgs.id, id));
  if (org?.kind !== 'provider') throw notFound('社会组织');
  const today = todayInShanghai();
  const [delivered, entries] = await Promise.all([
    db
      .select({
        id: contracts.id,
        title: sql<string>`${applications.proposal}->>'title'`,
        buyerName: orgs.name,
        year: calls.year,
        amountFen: contracts.amountFen,
        status: sql<string>`coalesce(${projects.status}, 'contracted')`,
      })
      .from(contracts)
      .innerJoin(awards, eq(awards.id, contracts.awardId))
      .innerJoin(applications, eq(applications.id, awards.applicationId))
      .innerJoin(calls, eq(calls.id, contracts.callId))
      .innerJoin(orgs, eq(orgs.id, contracts.buyerOrgId))
      .leftJoin(projects, eq(projects.id, contracts.id))
      .where(
        and(eq(contracts.providerOrgId, id), inArray(contracts.status, ['signed', 'terminated', 'closed'])),
      )
      .orderBy(desc(calls.year), desc(contracts.amountFen)),
    selectEntries(db)
      .where(and(eq(creditEntries.orgId, id), publiclyShown(today)))
      .orderBy(desc(creditEntries.startsOn)),
  ]);
  // A final evaluation's grade is public once the buyer has accepted it (a public step).
  const grades = delivered.length
    ? await db
        .select({ projectId: evaluations.projectId, grade: evaluations.grade })
        .from(evaluations)
        .where(
          and(
            inArray(
              evaluations.projectId,
              delivered.map((p) => p.id),
            ),
            eq(evaluations.stage, 'final'),
            inArray(evaluations.status, ['accepted', 'final']),
          ),
        )
        .orderBy(evaluations.acceptedAt)
    : [];
  const gradeOf = new Map(grades.map((g) => [g.projectId, g.grade]));
  return {
    id: org.id,
    name: org.name,
    creditCode: org.creditCode,
    grade: org.grade,
    registeredOn: org.registeredOn,
    legalForm: legalFormOf(org.creditCode),
    regionName: org.regionName,
    projects: delivered.map((p) => ({ ...p, grade: gradeOf.get(p.id) ?? null })),
    entries: await presentPublic(db, entries, today),
  };
}
