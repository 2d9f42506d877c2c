import { and, eq, gte, inArray, ne, notInArray, or, sql } from 'drizzle-orm';
import type { ProposalInput } from '../../../domain/applications.js';
import { insertAll } from '../../db/bulk.js';
import type { Db, Executor, Tx } from '../../db/client.js';
import { applications } from '../applications/schema.js';
import { calls } from '../calls/schema.js';
import { attachments } from '../files/schema.js';
import { orgs } from '../orgs/schema.js';
import {
  bandKeys,
  DuplicateDetector,
  FINGERPRINT_VERSION,
  matchingPassages,
  overlap,
  periodsOverlap,
  providerLink,
  textScore,
} from './lib/index.js';
import { duplicateBands, duplicateFingerprints, duplicateHits } from './schema.js';

export interface DuplicateSettings {
  threshold: number;
  lookbackYears: number;
}

const detector = new DuplicateDetector();

/** The text compared: what a proposal says it will do, not its tables. */
export const applicationText = (
  p: Pick<ProposalInput, 'title' | 'needAssessment' | 'objectives' | 'activities'>,
) => [p.title, p.needAssessment, p.objectives, p.activities].filter(Boolean).join('\n');

const SUBMITTED = notInArray(applications.status, ['draft', 'withdrawn']);

/** Puts an application's fingerprint and band buckets in the index (replacing older ones). */
export async function indexApplication(tx: Executor, applicationId: string, text: string) {
  const fp = detector.fingerprint(text);
  await removeFromIndex(tx, applicationId);
  await tx
    .insert(duplicateFingerprints)
    .values({ applicationId, version: FINGERPRINT_VERSION, shingles: Array.from(fp.shingles) });
  const keys = [...new Set(bandKeys(fp.bandHashes))];
  if (fp.shingles.length && keys.length) {
    await tx.insert(duplicateBands).values(keys.map((bandKey) => ({ bandKey, applicationId })));
  }
  return { fp, keys };
}

export async function removeFromIndex(tx: Executor, applicationId: string) {
  await tx.delete(duplicateBands).where(eq(duplicateBands.applicationId, applicationId));
  await tx.delete(duplicateFingerprints).where(eq(duplicateFingerprints.applicationId, applicationId));
}

type HitRow = typeof duplicateHits.$inferInsert;

async function textHits(
  tx: Tx,
  self: SelfInfo,
  settings: DuplicateSettings,
  fp: { shingles: Uint32Array },
  keys: string[],
): Promise<HitRow[]> {
  if (keys.length === 0) return [];
  const candidates = await tx
    .selectDistinct({ id: duplicateBands.applicationId })
    .from(duplicateBands)
    .where(and(inArray(duplicateBands.bandKey, keys), ne(duplicateBands.applicationId, self.id)));
  if (candidates.length === 0) return [];
  const rows = await tx
    .select({
      id: applications.id,
      shingles: duplicateFingerprints.shingles,
      proposal: applications.proposal,
    })
    .from(duplicateFingerprints)
    .innerJoin(applications, eq(applications.id, duplicateFingerprints.applicationId))
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(
      and(
        inArray(
          duplicateFingerprints.applicationId,
          candidates.map((c) => c.id),
        ),
        gte(calls.year, self.year - settings.lookbackYears),
        SUBMITTED,
      ),
    );
  const options = { ...detector.options, threshold: settings.threshold };
  const hits: HitRow[] = [];
  for (const row of rows) {
    const o = overlap(fp.shingles, row.shingles);
    const score = textScore(o, Math.min(fp.shingles.length, row.shingles.length), options);
    if (score < settings.threshold) continue;
    const passages = matchingPassages(self.text, applicationText(row.proposal));
    hits.push({
      applicationId: self.id,
      otherApplicationId: row.id,
      kind: 'text',
      score,
      detail: { jaccard: o.jaccard, containment: o.containment, passages },
    });
  }
  return hits;
}

/** Open Contracting R043/R044: the same or a linked provider, same community and category, overlapping periods. */
async function structureHits(tx: Tx, self: SelfInfo, settings: DuplicateSettings): Promise<HitRow[]> {
  if (!self.communityRegionId) return [];
  const rows = await tx
    .select({ id: applications.id, org: orgs, start: calls.servicePeriodStart, end: calls.servicePeriodEnd })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .where(
      and(
        ne(applications.id, self.id),
        eq(applications.communityRegionId, self.communityRegionId),
        eq(calls.category, self.category),
        gte(calls.year, self.year - settings.lookbackYears),
        SUBMITTED,
      ),
    );
  const me = {
    id: self.id,
    org: self.org.id,
    legalRep: self.org.legalRepresentative ?? undefined,
    phone: self.org.contactPhone ?? undefined,
    address: self.org.address ?? undefined,
  };
  const hits: HitRow[] = [];
  for (const row of rows) {
    if (!periodsOverlap({ start: self.start, end: self.end }, row)) continue;
    const reasons = providerLink(me, {
      id: row.id,
      org: row.org.id,
      legalRep: row.org.legalRepresentative ?? undefined,
      phone: row.org.contactPhone ?? undefined,
      address: row.org.address ?? undefined,
    });
    if (reasons.length === 0) continue;
    hits.push({
      applicationId: self.id,
      otherApplicationId: row.id,
      kind: 'structure',
      score: reasons.includes('same_org') ? 1 : 0.8,
      detail: { reasons, otherPeriod: { start: row.start, end: row.end } },
    });
  }
  return hits;
}

async function fileHits(tx: Tx, self: SelfInfo): Promise<HitRow[]> {
  const mine = await tx
    .select({ sha256: attachments.sha256, name: attachments.name })
    .from(attachments)
    .where(and(eq(attachments.ownerType, 'application'), eq(attachments.ownerId, self.id)));
  if (mine.length === 0) return [];
  const others = await tx
    .select({ ownerId: attachments.ownerId, sha256: attachments.sha256, name: attachments.name })
    .from(attachments)
    .innerJoin(applications, eq(applications.id, attachments.ownerId))
    .where(
      and(
        eq(attachments.ownerType, 'application'),
        ne(attachments.ownerId, self.id),
        inArray(
          attachments.sha256,
          mine.map((m) => m.sha256),
        ),
        SUBMITTED,
      ),
    );
  const byOther = new Map<string, { sha256: string; name: string }[]>();
  for (const o of others)
    byOther.set(o.ownerId, [...(byOther.get(o.ownerId) ?? []), { sha256: o.sha256, name: o.name }]);
  return [...byOther].map(([otherId, files]) => ({
    applicationId: self.id,
    otherApplicationId: otherId,
    kind: 'file' as const,
    score: 1,
    detail: { files },
  }));
}

interface SelfInfo {
  id: string;
  text: string;
  year: number;
  category: string;
  communityRegionId: string | null;
  start: string;
  end: string;
  org: typeof orgs.$inferSelect;
}

/**
 * Run at submission, inside its transaction: indexes the application and attaches every text,
 * structure and file duplicate above the threshold among the applications and funded projects
 * of the last `lookbackYears` years. Returns the number of hits.
 */
export async function checkOnSubmission(tx: Tx, settings: DuplicateSettings, applicationId: string) {
  const [row] = await tx
    .select({ application: applications, call: calls, org: orgs })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
    .where(eq(applications.id, applicationId));
  const self: SelfInfo = {
    id: applicationId,
    text: applicationText(row.application.proposal),
    year: row.call.year,
    category: row.call.category,
    communityRegionId: row.application.communityRegionId,
    start: row.call.servicePeriodStart,
    end: row.call.servicePeriodEnd,
    org: row.org,
  };
  const { fp, keys } = await indexApplication(tx, applicationId, self.text);
  const hits = [
    ...(await textHits(tx, self, settings, fp, keys)),
    ...(await structureHits(tx, self, settings)),
    ...(await fileHits(tx, self)),
  ];
  await tx.delete(duplicateHits).where(eq(duplicateHits.applicationId, applicationId));
  // A pair already recorded from the other side (when that one was checked later) is not stored twice.
  const reverse = await tx
    .select({ other: duplicateHits.applicationId, kind: duplicateHits.kind })
    .from(duplicateHits)
    .where(eq(duplicateHits.otherApplicationId, applicationId));
  const known = new Set(reverse.map((r) => `${r.kind}:${r.other}`));
  const fresh = hits.filter((h) => !known.has(`${h.kind}:${h.otherApplicationId}`));
  if (fresh.length) await tx.insert(duplicateHits).values(fresh);
  return hits.length;
}

/** Rebuilds the whole index from the submitted applications (e.g. after the algorithm changed). */
export async function reindexAll(db: Db, onProgress?: (done: number, total: number) => void) {
  const rows = await db
    .select({ id: applications.id, proposal: applications.proposal })
    .from(applications)
    .where(SUBMITTED);
  onProgress?.(0, rows.length);
  await db.transaction(async (tx) => {
    await tx.delete(duplicateBands);
    await tx.delete(duplicateFingerprints);
    const chunk = 200;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows
        .slice(i, i + chunk)
        .map((r) => ({ id: r.id, fp: detector.fingerprint(applicationText(r.proposal)) }));
      // One JSON parameter per chunk: binding ~40 band rows per application one by one is the slow part.
      await insertAll(
        tx,
        duplicateFingerprints,
        part.map((p) => ({
          applicationId: p.id,
          version: FINGERPRINT_VERSION,
          shingles: Array.from(p.fp.shingles),
        })),
      );
      await insertAll(
        tx,
        duplicateBands,
        part.flatMap((p) =>
          p.fp.shingles.length
            ? [...new Set(bandKeys(p.fp.bandHashes))].map((bandKey) => ({ bandKey, applicationId: p.id }))
            : [],
        ),
        5000,
      );
      onProgress?.(Math.min(i + chunk, rows.length), rows.length);
    }
  });
  return rows.length;
}

/**
 * Checks again the submitted applications of calls still being decided (open, closed, in review),
 * e.g. after a reindex or an import of historical projects. Returns how many hits were attached.
 */
export async function recheckUndecided(db: Db, settings: DuplicateSettings) {
  const rows = await db
    .select({ id: applications.id })
    .from(applications)
    .innerJoin(calls, eq(calls.id, applications.callId))
    .where(and(SUBMITTED, inArray(calls.status, ['published', 'closed', 'in_review'])));
  let hits = 0;
  for (const row of rows) hits += await db.transaction((tx) => checkOnSubmission(tx, settings, row.id));
  return hits;
}

// ---------- reading ----------
/** The hits of an application with both sides' texts, for the side-by-side view. */
export async function hitsFor(db: Db, applicationId: string) {
  const hits = await db.select().from(duplicateHits).where(eq(duplicateHits.applicationId, applicationId));
  // Hits found later, when another application was submitted, concern this one too.
  const reverse = await db
    .select()
    .from(duplicateHits)
    .where(eq(duplicateHits.otherApplicationId, applicationId));
  const all = [
    ...hits.map((h) => ({ ...h, mirrored: false })),
    ...reverse.map((h) => ({ ...h, mirrored: true })),
  ];
  const otherIds = [...new Set(all.map((h) => (h.mirrored ? h.applicationId : h.otherApplicationId)))];
  const [self] = await db
    .select({ proposal: applications.proposal })
    .from(applications)
    .where(eq(applications.id, applicationId));
  const others = otherIds.length
    ? await db
        .select({
          id: applications.id,
          proposal: applications.proposal,
          status: applications.status,
          providerName: orgs.name,
          callCode: calls.code,
          callTitle: calls.title,
          year: calls.year,
        })
        .from(applications)
        .innerJoin(calls, eq(calls.id, applications.callId))
        .innerJoin(orgs, eq(orgs.id, applications.providerOrgId))
        .where(or(...otherIds.map((id) => eq(applications.id, id))))
    : [];
  const byId = new Map(others.map((o) => [o.id, o]));
  const selfText = applicationText(self.proposal);
  const seen = new Set<string>();
  return all
    .map((h) => {
      const otherId = h.mirrored ? h.applicationId : h.otherApplicationId;
      const other = byId.get(otherId)!;
      const otherText = applicationText(other.proposal);
      const detail = h.detail as Record<string, unknown>;
      return {
        kind: h.kind,
        score: Math.round(h.score * 1000) / 1000,
        foundAt: h.createdAt.toISOString(),
        other: {
          applicationId: otherId,
          title: other.proposal.title,
          providerName: other.providerName,
          callCode: other.callCode,
          callTitle: other.callTitle,
          year: other.year,
          funded: ['awarded'].includes(other.status),
        },
        reasons: (detail.reasons as string[] | undefined) ?? [],
        files: (detail.files as { name: string }[] | undefined)?.map((f) => f.name) ?? [],
        sideBySide:
          h.kind === 'text'
            ? {
                selfText,
                otherText,
                passages: h.mirrored
                  ? matchingPassages(selfText, otherText)
                  : (detail.passages as ReturnType<typeof matchingPassages>),
              }
            : null,
      };
    })
    .filter((h) => {
      const key = `${h.kind}:${h.other.applicationId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => b.score - a.score);
}

export async function hitCount(db: Executor, applicationId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(duplicateHits)
    .where(
      or(eq(duplicateHits.applicationId, applicationId), eq(duplicateHits.otherApplicationId, applicationId)),
    );
  return row.n;
}
