import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { PublicAward } from '../../../domain/publicity.js';
import type { Executor } from '../../db/client.js';
import { applications } from '../applications/schema.js';
import { orgs } from '../orgs/schema.js';
import { awards } from './schema.js';

/** Awards with the public facts about them: project title and provider. */
export async function awardsWithFacts(db: Executor, where: SQL | undefined) {
  const rows = await db
    .select({
      award: awards,
      projectTitle: sql<string>`${applications.proposal}->>'title'`,
      providerOrgId: applications.providerOrgId,
      providerName: orgs.name,
      application: {
        id: applications.id,
        callId: applications.callId,
        status: applications.status,
        version: applications.version,
      },
    })
    .from(awards)
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .where(where)
    .orderBy(asc(awards.rank), asc(awards.createdAt));
  return rows;
}
export type AwardWithFacts = Awaited<ReturnType<typeof awardsWithFacts>>[number];

export const presentAward = (r: AwardWithFacts): PublicAward => ({
  id: r.award.id,
  applicationId: r.award.applicationId,
  projectTitle: r.projectTitle,
  providerName: r.providerName,
  amountFen: r.award.amountFen,
  scoreCenti: r.award.scoreCenti,
  rank: r.award.rank,
  status: r.award.status,
  revokedReason: r.award.revokedReason,
});

/** The public facts of an award for the timeline: no ids of people, no contacts. */
export const awardFacts = (r: AwardWithFacts) => ({
  awardId: r.award.id,
  projectTitle: r.projectTitle,
  providerName: r.providerName,
  amountFen: r.award.amountFen,
  scoreCenti: r.award.scoreCenti,
  rank: r.award.rank,
});
