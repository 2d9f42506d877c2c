/**
 * Open Contracting Data Standard 1.1 helpers shared by the open-data module and its tests: money,
 * dates, the state of a changed record at an earlier moment, and the OCDS merge into a compiled
 * release.
 */
import { chinaIso } from './time.js';

export const OCDS_VERSION = '1.1' as const;
/** The official 1.1.5 schema every package of ours is valid against. */
export const RELEASE_SCHEMA_URL = 'https://standard.open-contracting.org/schema/1__1__5/release-schema.json';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type OcdsValue = { amount: number; currency: 'CNY' };

/** Fen as OCDS money: yuan with two decimals (a whole number of fen divided by 100 is exact in JSON). */
export const cny = (fen: number): OcdsValue => ({ amount: Math.round(fen) / 100, currency: 'CNY' });

/** Back to fen, for sums that must agree to the fen. */
export const fenOf = (value: { amount: number }) => Math.round(value.amount * 100);

/** OCDS dates are date-times: an instant in Shanghai time, or a Shanghai calendar day at midnight. */
export const ocdsDate = (at: Date | string): string =>
  typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T00:00:00+08:00` : chinaIso(new Date(at));

/** The end of a Shanghai calendar day, for period end dates. */
export const ocdsEndOfDay = (day: string) => `${day}T23:59:59+08:00`;

export interface FieldChange {
  at: Date;
  changes: Record<string, { before: unknown; after: unknown }>;
}

/**
 * What a record was at `moment`: its current values with every later change undone (newest first).
 * The platform keeps each public change with its before and after values (call_changes,
 * contract_amendments, the audit trail), so an earlier release is rebuilt the same way every time.
 */
export function stateAt<T extends Record<string, unknown>>(
  current: T,
  changes: FieldChange[],
  moment: Date,
): T {
  const later = changes.filter((c) => c.at.getTime() > moment.getTime());
  later.sort((a, b) => b.at.getTime() - a.at.getTime());
  const state: Record<string, unknown> = { ...current };
  for (const change of later)
    for (const [field, { before }] of Object.entries(change.changes)) state[field] = before;
  return state as T;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields whose arrays are replaced as a whole (`wholeListMerge` in the 1.1.5 release schema). */
const WHOLE_LIST = new Set(['additionalIdentifiers', 'additionalClassifications']);

function mergeInto(target: JsonObject, source: JsonObject) {
  for (const [key, value] of Object.entries(source)) {
    if (value === null) {
      delete target[key];
    } else if (Array.isArray(value)) {
      const identified =
        !WHOLE_LIST.has(key) && value.length > 0 && value.every((v) => isObject(v) && 'id' in v);
      if (!identified) {
        target[key] = structuredClone(value);
        continue;
      }
      // Identifier merge: objects with the same id are merged, new ids are appended in order.
      const existing = Array.isArray(target[key]) ? (target[key] as JsonObject[]) : [];
      const byId = new Map(existing.map((item) => [String(item.id), item]));
      for (const item of value as JsonObject[]) {
        const id = String(item.id);
        const known = byId.get(id);
        if (known) mergeInto(known, item);
        else {
          const copy = structuredClone(item);
          existing.push(copy);
          byId.set(id, copy);
        }
      }
      target[key] = existing;
    } else if (isObject(value)) {
      const inner = isObject(target[key]) ? (target[key] as JsonObject) : {};
      mergeInto(inner, value);
      target[key] = inner;
    } else {
      target[key] = value;
    }
  }
}

/**
 * The compiled release of one ocid's releases, by the OCDS 1.1 merge rules: releases in date order;
 * objects merged field by field, the newer value winning; arrays of objects merged by `id`; other
 * arrays replaced; `null` removes a field; the release's own `id`, `date` and `tag` are omitted when
 * merged and the compiled release gets `tag: ['compiled']`, the newest date and an id of its own.
 *
 * Hand-written: the reference implementation (ocdsmerge) is Python only, and npm has no maintained
 * JavaScript port; these rules are all our releases need (no extensions, no versioned release).
 */
export function compileReleases(releases: readonly JsonObject[]): JsonObject {
  if (releases.length === 0) throw new Error('compileReleases: no releases');
  const ordered = [...releases].sort((a, b) => Date.parse(String(a.date)) - Date.parse(String(b.date)));
  const compiled: JsonObject = {};
  for (const release of ordered) {
    const { id: _id, date: _date, tag: _tag, ...rest } = release;
    mergeInto(compiled, rest);
  }
  const last = ordered[ordered.length - 1];
  return {
    ocid: last.ocid,
    id: `${String(last.ocid)}-compiled-${String(last.id)}`,
    date: last.date,
    tag: ['compiled'],
    ...compiled,
  };
}
