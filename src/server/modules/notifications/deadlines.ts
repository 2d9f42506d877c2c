import { and, type Column, eq, getTableName, inArray, lte, sql } from 'drizzle-orm';
import type { Role } from '../../../domain/enums.js';
import { evaluationStageLabels } from '../../../domain/evaluations.js';
import type { Executor } from '../../db/client.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { calls } from '../calls/schema.js';
import { contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { recoveries, rectifications } from '../projects/schema.js';
import { publicities } from '../publicity/schema.js';

export const DEADLINE_KINDS = ['evaluation', 'rectification', 'recovery', 'publicity'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** A deadline still to be met, with who has to meet it. */
export interface OpenDeadline {
  kind: DeadlineKind;
  id: string;
  /** What it is about: the project's title (with the evaluation's stage), or the call's and the publicity's kind. */
  title: string;
  dueOn: string;
  /** Counted over a year without its holiday arrangement (see working-days.ts). */
  estimated: boolean;
  /** The period a computed deadline was counted over; null when someone chose the date. */
  counted: { from: string; workingDays: number } | null;
  orgId: string;
  role: Role;
  link: string;
}

type ProjectRowTable = typeof evaluations | typeof rectifications | typeof recoveries;
/** The outer row's project id, qualified: drizzle leaves a one-table query's columns bare. */
const projectIdOf = (table: ProjectRowTable) => sql`${sql.identifier(getTableName(table))}.project_id`;

/** The title of the project (id = its contract's) a row belongs to: its application's. */
const titleOf = (table: ProjectRowTable) =>
  sql<string>`(select a.proposal->>'title' from ${contracts} c
    join ${awards} w on w.id = c.award_id
    join ${applications} a on a.id = w.application_id
    where c.id = ${projectIdOf(table)})`;
const providerOf = (table: ProjectRowTable) =>
  sql<string>`(select c.provider_org_id from ${contracts} c where c.id = ${projectIdOf(table)})`;

/**
 * Every open deadline of the given kinds due on or before `dueBy` (all when omitted): evaluation
 * reports not yet submitted (the evaluator's), rectifications not yet submitted and recoveries not
 * yet settled (the provider's), publicities not yet closed (the buyer's, who answers the
 * objections and closes it).
 */
export async function openDeadlines(
  db: Executor,
  options: { kinds?: readonly DeadlineKind[]; dueBy?: string } = {},
): Promise<OpenDeadline[]> {
  const kinds = new Set(options.kinds ?? DEADLINE_KINDS);
  const dueBy = (column: Column) => (options.dueBy ? lte(column, options.dueBy) : undefined);
  const found: OpenDeadline[] = [];

  if (kinds.has('evaluation')) {
    const rows = await db
      .select({ row: evaluations, title: titleOf(evaluations) })
      .from(evaluations)
      .where(and(inArray(evaluations.status, ['commissioned', 'returned']), dueBy(evaluations.dueOn)));
    for (const { row, title } of rows)
      found.push({
        kind: 'evaluation',
        id: row.id,
        title: `${title}（${evaluationStageLabels[row.stage]}）`,
        dueOn: row.dueOn,
        estimated: false,
        counted: null,
        orgId: row.evaluatorOrgId,
        role: 'evaluator',
        link: `/app/evaluations/${row.id}`,
      });
  }
  if (kinds.has('rectification')) {
    const rows = await db
      .select({
        row: rectifications,
        title: titleOf(rectifications),
        providerOrgId: providerOf(rectifications),
      })
      .from(rectifications)
      .where(and(eq(rectifications.status, 'open'), dueBy(rectifications.dueOn)));
    for (const { row, title, providerOrgId } of rows)
      found.push({
        kind: 'rectification',
        id: row.id,
        title,
        dueOn: row.dueOn,
        estimated: row.dueOnEstimated,
        counted: { from: row.openedOn, workingDays: row.workingDays },
        orgId: providerOrgId,
        role: 'provider',
        link: `/app/projects/${row.projectId}`,
      });
  }
  if (kinds.has('recovery')) {
    const rows = await db
      .select({
        row: recoveries,
        title: titleOf(recoveries),
        providerOrgId: providerOf(recoveries),
      })
      .from(recoveries)
      .where(and(eq(recoveries.status, 'open'), dueBy(recoveries.dueOn)));
    for (const { row, title, providerOrgId } of rows)
      found.push({
        kind: 'recovery',
        id: row.id,
        title,
        dueOn: row.dueOn,
        estimated: false,
        counted: null,
        orgId: providerOrgId,
        role: 'provider',
        link: `/app/projects/${row.projectId}`,
      });
  }
  if (kinds.has('publicity')) {
    const rows = await db
      .select({ pub: publicities, callTitle: calls.title, buyerOrgId: calls.buyerOrgId })
      .from(publicities)
      .innerJoin(calls, eq(calls.id, publicities.callId))
      .where(and(eq(publicities.status, 'open'), dueBy(publicities.closesOn)));
    for (const { pub, callTitle, buyerOrgId } of rows)
      found.push({
        kind: 'publicity',
        id: pub.id,
        title: `${callTitle}（${pub.kind === 'evaluation' ? '评估结果公示' : '立项公示'}）`,
        dueOn: pub.closesOn,
        estimated: pub.closesOnEstimated,
        counted: { from: pub.opensOn, workingDays: Number(pub.workingDays) },
        orgId: buyerOrgId,
        role: 'buyer',
        link: `/app/publicities/${pub.id}`,
      });
  }
  return found;
}
