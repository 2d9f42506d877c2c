/** Rows inserted directly in a given state for the tests of the implementation modules. */
import { eq } from 'drizzle-orm';
import { defaultMilestones, milestoneAmounts } from '../../../domain/contracts.js';
import type { Db } from '../../db/client.js';
import { insertApplication, insertCall, insertUser, orgOf, sampleProposal } from '../../testing/factories.js';
import { awards } from '../awards/schema.js';
import { contracts } from '../contracts/schema.js';
import { orgs } from '../orgs/schema.js';

let sequence = 0;

/** A call taken to one signed contract between the demo buyer and provider. */
export async function signedContract(
  db: Db,
  options: { amountFen?: number; status?: 'signed' | 'draft'; title?: string } = {},
) {
  sequence++;
  const amountFen = options.amountFen ?? 10_000_001;
  const call = await insertCall(db, { status: 'contracted' });
  const proposal = sampleProposal(options.title ?? `实施测试项目${sequence}`);
  const application = await insertApplication(db, call, { status: 'awarded', proposal });
  const [award] = await db
    .insert(awards)
    .values({
      callId: call.id,
      applicationId: application.id,
      amountFen,
      rank: 1,
      scoreCenti: 9000,
      status: 'approved',
    })
    .returning();
  const signed = (options.status ?? 'signed') === 'signed';
  const [contract] = await db
    .insert(contracts)
    .values({
      code: `HT-T${Date.now().toString(36)}-${sequence}`,
      awardId: award.id,
      callId: call.id,
      buyerOrgId: call.buyerOrgId,
      providerOrgId: application.providerOrgId,
      amountFen,
      periodStart: '2027-01-01',
      periodEnd: '2027-12-31',
      indicators: proposal.indicators,
      milestones: milestoneAmounts(amountFen, defaultMilestones()),
      status: signed ? 'signed' : 'draft',
      buyerConfirmedAt: signed ? new Date() : null,
      providerConfirmedAt: signed ? new Date() : null,
      signedAt: signed ? new Date() : null,
    })
    .returning();
  return { call, application, award, contract, title: proposal.title };
}

/** The demo's evaluation organizations: the demo evaluator's own first, then another with a user `evaluator2`. */
export async function evaluatorOrgs(db: Db) {
  const rows = await db.select().from(orgs).where(eq(orgs.kind, 'evaluator'));
  const own = await orgOf(db, 'evaluator');
  const other = rows.find((o) => o.id !== own)!;
  return { own, other: other.id };
}

let evaluator2: Promise<unknown> | null = null;
/** A second evaluator account, of another evaluation organization (once per test file). */
export async function otherEvaluator(db: Db) {
  const { other } = await evaluatorOrgs(db);
  evaluator2 ??= insertUser(db, 'evaluator2', 'evaluator', other);
  await evaluator2;
  return other;
}
