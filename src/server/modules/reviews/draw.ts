/**
 * Who may sit on a call's panel, and the draw record. The draw itself is the pure, re-runnable
 * `drawPanel` of src/domain/draw.ts; this file gathers its input from the database.
 *
 * Candidates: the active experts of the requested field (the call's category by default) when at
 * least `panelSize` of them are free of conflicts; otherwise the pool widens to every active
 * expert, so that a small field does not block the review. Candidates are recorded sorted by id.
 *
 * Exclusions, each recorded with its reason:
 * - the expert works, or worked, for an applicant (`employerOrgId`, `formerEmployerOrgIds`);
 * - the expert works for the community committee co-signing an application (a partner under
 *   "1+1+1+N"), or for a partner named in `applications.partners` (free text, compared with the
 *   expert's employer name, or the name of the employer organization, trimmed);
 * - the expert has no platform account (`experts.userId`), so could neither accept nor score.
 * Conflicts an expert declares when invited are handled later, by a replacement in draw order.
 * The rule is the pure `drawPool` of src/domain/draw.ts; this file only reads the pool.
 */
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { type DrawApplicant, type DrawResult, drawPanel, drawPool } from '../../../domain/draw.js';
import type { Executor } from '../../db/client.js';
import { experts } from '../experts/schema.js';
import { orgs } from '../orgs/schema.js';

export type { DrawApplicant } from '../../../domain/draw.js';
export { conflictReason } from '../../../domain/draw.js';

export interface DrawRecord {
  seed: string;
  field: string | null;
  candidates: string[];
  exclusions: { expertId: string; reason: string }[];
  result: DrawResult;
}

/** The active experts with what the conflict rule reads, ordered by id (the demo seed uses it too). */
export function loadExpertPool(db: Executor) {
  return db
    .select({
      id: experts.id,
      name: experts.name,
      field: experts.field,
      employerOrgId: experts.employerOrgId,
      employerName: experts.employerName,
      employerOrgName: orgs.name,
      formerEmployerOrgIds: experts.formerEmployerOrgIds,
      userId: experts.userId,
    })
    .from(experts)
    .leftJoin(orgs, eq(orgs.id, experts.employerOrgId))
    .where(eq(experts.active, true))
    .orderBy(asc(experts.id));
}

/** Gathers the pool, records the exclusions and draws `panelSize` experts with a fresh seed. */
export async function drawForCall(
  db: Executor,
  input: { field: string; panelSize: number; applicants: readonly DrawApplicant[]; seed?: string },
): Promise<DrawRecord> {
  const pool = await loadExpertPool(db);
  // The rule itself is pure (drawPool in src/domain/draw.ts), shared with the demo seed.
  const { field, candidates, exclusions } = drawPool(pool, input);
  const seed = input.seed ?? randomBytes(16).toString('hex');
  const result = drawPanel({ seed, candidates, exclusions, size: input.panelSize });
  return { seed, field, candidates, exclusions, result };
}
