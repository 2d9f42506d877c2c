import { and, desc, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { applications, calls } from '../db/schema.js';

const reorder = (text: string) =>
  text
    .split(/(?<=[。；])/)
    .filter(Boolean)
    .reverse()
    .join('');

/**
 * Makes one application under review in the demo a reworded copy (sentences reordered) of a
 * project funded in an earlier year, so that the duplicate check has something real to show the
 * buyer and the panel on first start.
 */
export async function plantDuplicate(db: Executor) {
  const [target] = await db
    .select({ application: applications, call: calls })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(and(eq(calls.status, 'in_review'), eq(applications.status, 'eligible')))
    .orderBy(calls.code, applications.id)
    .limit(1);
  if (!target) return null;
  const [source] = await db
    .select({ application: applications })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(
      and(
        eq(calls.category, target.call.category),
        eq(applications.status, 'awarded'),
        ne(calls.year, target.call.year),
        ne(applications.providerOrgId, target.application.providerOrgId),
      ),
    )
    .orderBy(desc(calls.year), applications.id)
    .limit(1);
  if (!source) return null;
  const from = source.application.proposal;
  await db
    .update(applications)
    .set({
      proposal: {
        ...target.application.proposal,
        needAssessment: reorder(from.needAssessment),
        objectives: reorder(from.objectives),
        activities: reorder(from.activities),
      },
    })
    .where(eq(applications.id, target.application.id));
  return { copy: target.application.id, original: source.application.id };
}
