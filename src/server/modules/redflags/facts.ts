/** The data the indicators read about one project, loaded once per computation. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { contracts } from '../contracts/schema.js';
import { evaluations } from '../evaluations/schema.js';
import { budgetStatus } from '../funds/budget.js';
import { payments } from '../funds/schema.js';
import { loadProgress } from '../implementation/progress.js';
import { projects, rectifications } from '../projects/schema.js';

export async function loadFacts(db: Executor, projectId: string) {
  const [contract] = await db
    .select({
      id: contracts.id,
      amountFen: contracts.amountFen,
      milestones: contracts.milestones,
      status: projects.status,
    })
    .from(contracts)
    .leftJoin(projects, eq(projects.id, contracts.id))
    .where(eq(contracts.id, projectId));
  const [budget, paymentRows, evaluationRows, passed, progress] = await Promise.all([
    budgetStatus(db, projectId),
    db.select().from(payments).where(eq(payments.projectId, projectId)),
    db
      .select()
      .from(evaluations)
      .where(and(eq(evaluations.projectId, projectId), inArray(evaluations.status, ['accepted', 'final']))),
    db
      .select({ evaluationId: rectifications.evaluationId })
      .from(rectifications)
      .where(and(eq(rectifications.projectId, projectId), eq(rectifications.status, 'passed'))),
    loadProgress(db, projectId),
  ]);
  return {
    projectId,
    contractFen: contract?.amountFen ?? 0,
    state: contract?.status ?? 'contracted',
    budget,
    spentFen: budget.reduce((s, b) => s + b.actualFen, 0),
    payments: paymentRows,
    evaluations: evaluationRows,
    rectifiedEvaluationIds: new Set(passed.map((r) => r.evaluationId).filter((id): id is string => !!id)),
    /** Weighted indicator progress in basis points, when the project reports it (null: not reported). */
    progressBp: progress.reported ? progress.progressBp : null,
  };
}
export type ProjectFacts = Awaited<ReturnType<typeof loadFacts>>;
