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
 */
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { type DrawResult, drawPanel } from '../../../domain/draw.js';
import type { Executor } from '../../db/client.js';
import type { Partner } from '../applications/schema.js';
import { experts } from '../experts/schema.js';
import { orgs } from '../orgs/schema.js';

export interface DrawApplicant {
  providerOrgId: string;
  providerOrgName: string;
  communityOrgId: string | null;
  communityOrgName: string | null;
  partners: Partner[];
}

export interface DrawRecord {
  seed: string;
  field: string | null;
  candidates: string[];
  exclusions: { expertId: string; reason: string }[];
  result: DrawResult;
}

type PoolExpert = {
  id: string;
  field: string;
  employerOrgId: string | null;
  employerName: string | null;
  employerOrgName: string | null;
  formerEmployerOrgIds: string[];
  userId: string | null;
};

/** Why an expert may not review these applications, or null. */
export function conflictReason(expert: PoolExpert, applicants: readonly DrawApplicant[]): string | null {
  const employerNames = [expert.employerName, expert.employerOrgName]
    .map((n) => n?.trim())
    .filter((n): n is string => !!n);
  for (const a of applicants) {
    if (expert.employerOrgId === a.providerOrgId) return `受聘于申报单位“${a.providerOrgName}”`;
    if (expert.formerEmployerOrgIds.includes(a.providerOrgId))
      return `曾受聘于申报单位“${a.providerOrgName}”`;
    if (a.communityOrgId && expert.employerOrgId === a.communityOrgId)
      return `受聘于联合申报社区“${a.communityOrgName ?? ''}”`;
    const partner = a.partners.find((p) => employerNames.includes(p.name.trim()));
    if (partner) return `受聘于申报合作方“${partner.name.trim()}”`;
  }
  if (!expert.userId) return '未开通平台账号，无法在线确认和评分';
  return null;
}

/** Gathers the pool, records the exclusions and draws `panelSize` experts with a fresh seed. */
export async function drawForCall(
  db: Executor,
  input: { field: string; panelSize: number; applicants: readonly DrawApplicant[]; seed?: string },
): Promise<DrawRecord> {
  const pool: PoolExpert[] = await db
    .select({
      id: experts.id,
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
  const reasons = new Map(pool.map((e) => [e.id, conflictReason(e, input.applicants)]));
  const inField = pool.filter((e) => e.field === input.field);
  const wide = inField.filter((e) => !reasons.get(e.id)).length < input.panelSize;
  // Sorted by id in code, not by the database's collation, so that re-runs anywhere agree.
  const candidates = (wide ? pool : inField).map((e) => e.id).sort();
  const exclusions = candidates.flatMap((id) => {
    const reason = reasons.get(id);
    return reason ? [{ expertId: id, reason }] : [];
  });
  const seed = input.seed ?? randomBytes(16).toString('hex');
  const result = drawPanel({ seed, candidates, exclusions, size: input.panelSize });
  return { seed, field: wide ? null : input.field, candidates, exclusions, result };
}
