/**
 * JSON with object keys sorted at every depth (by UTF-16 code unit), undefined members left
 * out, dates as ISO strings: equal content always gives the same text. The audit chain hashes
 * this format, so it must never change (existing chains would no longer verify).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The fields of `after` (left out when undefined) whose value differs from `before`, with both
 * values: the before/after of an edit, for the audit trail and change histories. Compared as
 * canonical JSON, since jsonb hands objects back in its own key order.
 */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const changed: Record<string, { before: unknown; after: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    if (canonicalJson(before[key] ?? null) !== canonicalJson(value))
      changed[key] = { before: before[key] ?? null, after: value };
  }
  return changed;
}
