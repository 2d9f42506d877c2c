/** The budget of a project per category, and what was spent against it. */
import { and, eq } from 'drizzle-orm';
import { budgetLine } from '../../../domain/applications.js';
import {
  BUDGET_CATEGORIES,
  type BudgetCategory,
  budgetByCategory,
  budgetCategoryLabels,
} from '../../../domain/funds.js';
import type { Executor } from '../../db/client.js';
import { applications } from '../applications/schema.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { budgetAdjustments, expenses } from './schema.js';

/**
 * The budget per category: the contract value split over the proposal's categories, moved by the
 * approved adjustments.
 */
export async function budgetOf(db: Executor, contractId: string) {
  const [row] = await db
    .select({ amountFen: contracts.amountFen, proposal: applications.proposal })
    .from(contracts)
    .innerJoin(awards, eq(awards.id, contracts.awardId))
    .innerJoin(applications, eq(applications.id, awards.applicationId))
    .where(eq(contracts.id, contractId));
  const lines = (row?.proposal.budget ?? []).filter(
    (l) => budgetLine.shape.category.safeParse(l.category).success,
  );
  const budget = budgetByCategory(
    row?.amountFen ?? 0,
    lines as { category: BudgetCategory; amountFen: number }[],
  );
  const approved = await db
    .select()
    .from(budgetAdjustments)
    .where(and(eq(budgetAdjustments.projectId, contractId), eq(budgetAdjustments.status, 'approved')));
  for (const a of approved) {
    budget.set(a.fromCategory, (budget.get(a.fromCategory) ?? 0) - a.amountFen);
    budget.set(a.toCategory, (budget.get(a.toCategory) ?? 0) + a.amountFen);
  }
  return budget;
}

export type BudgetLineStatus = {
  category: BudgetCategory;
  label: string;
  budgetFen: number;
  actualFen: number;
  usedBp: number | null;
};

/** Budget against actual spending per category. */
export async function budgetStatus(db: Executor, contractId: string): Promise<BudgetLineStatus[]> {
  const [budget, rows] = await Promise.all([
    budgetOf(db, contractId),
    db
      .select({ category: expenses.category, amountFen: expenses.amountFen })
      .from(expenses)
      .where(eq(expenses.projectId, contractId)),
  ]);
  const actual = new Map<BudgetCategory, number>();
  for (const e of rows) actual.set(e.category, (actual.get(e.category) ?? 0) + e.amountFen);
  return BUDGET_CATEGORIES.filter((c) => budget.has(c) || actual.has(c)).map((category) => {
    const budgetFen = budget.get(category) ?? 0;
    const actualFen = actual.get(category) ?? 0;
    return {
      category,
      label: budgetCategoryLabels[category],
      budgetFen,
      actualFen,
      usedBp: budgetFen > 0 ? Math.floor((actualFen * 10_000) / budgetFen) : null,
    };
  });
}
