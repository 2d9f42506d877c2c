/**
 * fast-check arbitraries from the JSON Schemas of the OpenAPI document: values of the right shape
 * (`validValue`) and the same values broken in the ways attackers and bugs break them
 * (`mutatedValue`). Hand-written over the subset zod 4 emits for OpenAPI 3.0 (type, properties,
 * required, items, enum, anyOf/oneOf/allOf, nullable, format, pattern, length and range bounds):
 * the published JSON-Schema-to-fast-check packages are pre-1.0 and unmaintained (json-schema-fast-check)
 * or read zod 3 schemas, not the document (zod-fast-check).
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

/** Record ids of the seeded database, so that some generated requests reach real rows. */
export interface Pools {
  ids: string[];
  /** The same ids by table, for a field or path whose name says which table it points into. */
  byTable?: Record<string, string[]>;
  /** Per import route (OpenAPI path), workbooks of its template's columns with nasty cells. */
  workbooks?: Record<string, Buffer[]>;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replaceAll('-', '_');
const plural = (name: string) =>
  name.endsWith('y') ? `${name.slice(0, -1)}ies` : name.endsWith('s') ? name : `${name}s`;

/**
 * The ids a field or path segment named `name` most likely points to ('callId', 'calls',
 * 'providerOrgId', 'serviceAreaIds' …), else every id.
 */
export function idsFor(pools: Pools, name?: string): string[] {
  if (!name || !pools.byTable) return pools.ids;
  const base = name.replace(/Ids?$/, '');
  const table = /org$/i.test(base)
    ? 'orgs'
    : /(region|area|parent|community)$/i.test(base)
      ? 'regions'
      : /^(actor|user|uploadedBy)$/.test(base)
        ? 'users'
        : plural(snake(base));
  return pools.byTable[table]?.length ? pools.byTable[table] : pools.ids;
}

const TEXT_UNITS = '社区居家养老服务项目申报评审公示异议合同资金监管评估志愿者儿童青少年残疾人关爱';
const chinese = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...TEXT_UNITS), minLength, maxLength });

function stringValue(schema: JsonSchema, pools: Pools, name?: string): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? minLength + 30, minLength + 30));
  switch (schema.format) {
    case 'uuid': {
      const ids = idsFor(pools, name);
      return ids.length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() })
        : fc.uuid();
    }
    case 'date':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => `${d.toISOString().slice(0, 19)}+08:00`);
    case 'email':
      return fc.emailAddress();
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { maxLength: Math.max(maxLength, 40) });
    } catch {
      // a pattern fast-check cannot generate from: plain text below
    }
  }
  return fc.oneof(chinese(minLength, maxLength), fc.string({ minLength, maxLength }));
}

function numberValue(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exclusive = (bound: number | boolean | undefined, inclusive: number | undefined, step: number) =>
    typeof bound === 'number'
      ? bound + step
      : bound === true && inclusive !== undefined
        ? inclusive + step
        : inclusive;
  let min = exclusive(schema.exclusiveMinimum, schema.minimum, integer ? 1 : Number.EPSILON) ?? -1_000_000;
  let max = exclusive(schema.exclusiveMaximum, schema.maximum, integer ? -1 : -Number.EPSILON) ?? 1_000_000;
  min = Math.max(min, -(2 ** 31));
  max = Math.min(max, 2 ** 31 - 1);
  if (max < min) max = min;
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

const typesOf = (schema: JsonSchema) =>
  Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];

/** A value that has the shape `schema` describes (zod's refinements are not in the document). */
export function validValue(
  schema: JsonSchema,
  pools: Pools,
  depth = 0,
  name?: string,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  const inner = (s: JsonSchema, key = name) => validValue(s, pools, depth + 1, key);
  const value = ((): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum?.length) return fc.constantFrom(...schema.enum);
    const choices = schema.anyOf ?? schema.oneOf;
    if (choices?.length) return fc.oneof(...choices.map((c) => inner(c)));
    if (schema.allOf?.length) {
      const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
      for (const part of schema.allOf) {
        Object.assign(merged.properties!, part.properties);
        merged.required!.push(...(part.required ?? []));
      }
      return inner(merged);
    }
    const types = typesOf(schema).filter((t) => t !== 'null');
    if (typesOf(schema).includes('null') && types.length === 0) return fc.constant(null);
    const type = types[0] ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'string':
        return stringValue(schema, pools, name);
      case 'integer':
      case 'number':
        return numberValue(schema, type === 'integer');
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? minLength + 3, minLength + 3));
        return fc.array(inner(schema.items ?? {}), { minLength, maxLength });
      }
      case 'object': {
        const properties = schema.properties ?? {};
        const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, inner(s, k)]));
        return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return schema.nullable || typesOf(schema).includes('null')
    ? fc.option(value, { nil: null, freq: 8 })
    : value;
}

const BIG_TEXT = '长'.repeat(100_000);

/** Strings that have broken a database, a parser or a date before. */
export const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '2027-02-30',
  '0000-00-00',
  '9999-99-99',
  '9999-12-31',
  '1899-12-31',
  '2026-13-01',
  '2026-02-29',
  '2027-02-30T09:00:00+08:00',
  '2026-12-01T25:61:00+08:00',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '',
  ' ',
  '\t\n',
  '\u202eexe.fdp',
  '\u200b',
  '😀'.repeat(500),
  'ℌ𝔢𝔩𝔩𝔬',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '%00',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '9223372036854775808',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  BIG_TEXT,
];

export const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  0.5,
  1e-7,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
];

const nastyScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 'a'], { a: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const MUTATIONS = ['replace', 'retype', 'inject', 'extra', 'drop', 'long', 'nest'] as const;
type Mutation = { kind: (typeof MUTATIONS)[number]; at: number; with: unknown; offset: number };

/** What 'inject' puts inside a string: the characters that break storage, display or parsing. */
const INJECTED = ['\u0000', '\ud800', '\udfff', '\u202e', '\u200b', '😀', "'", '"', '\\', '%00', '\r\n'];

const mutation = (kinds: readonly Mutation['kind'][]) =>
  fc.record({ kind: fc.constantFrom(...kinds), at: fc.nat(), with: nastyScalar, offset: fc.nat() });

/**
 * Mostly one targeted change of one leaf (a bad character inside a string, a nasty value of the
 * same type), so that the rest of the request stays valid and reaches the code behind the
 * validation; else one to three changes of any kind anywhere.
 */
export const mutationArbitrary: fc.Arbitrary<Mutation[]> = fc.oneof(
  { weight: 3, arbitrary: mutation(['inject', 'retype']).map((m) => [m]) },
  { weight: 2, arbitrary: fc.array(mutation(MUTATIONS), { minLength: 1, maxLength: 3 }) },
);

type Slot = { parent: Record<string, unknown> | unknown[] | null; key: string | number };

/** Every place in a value (its root first), down to a depth that keeps 'nest' values walkable. */
function slots(value: unknown): Slot[] {
  const out: Slot[] = [{ parent: null, key: '' }];
  const walk = (node: unknown, depth: number) => {
    if (depth > 20 || node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      out.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      walk(child, depth + 1);
    }
  };
  walk(value, 0);
  return out;
}

const nested = (depth: number) => {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Applies the mutations to a copy of `value`. */
export function applyMutations(value: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(value);
  for (const mutation of mutations) {
    // The nasty values are shared constants: each use gets its own copy.
    const m = { ...mutation, with: structuredClone(mutation.with) };
    const all = slots(root);
    // The targeted kinds pick among the leaves (strings for 'inject'), when there are any.
    const leaves = all.filter((candidate) => {
      const v =
        candidate.parent === null ? root : (candidate.parent as Record<string, unknown>)[candidate.key];
      return m.kind === 'inject' ? typeof v === 'string' : v === null || typeof v !== 'object';
    });
    const among = (m.kind === 'inject' || m.kind === 'retype') && leaves.length > 0 ? leaves : all;
    const slot = among[m.at % among.length];
    const get = () => (slot.parent === null ? root : (slot.parent as Record<string, unknown>)[slot.key]);
    const set = (v: unknown) => {
      if (slot.parent === null) root = v;
      else (slot.parent as Record<string, unknown>)[slot.key] = v;
    };
    const current = get();
    switch (m.kind) {
      case 'replace':
        set(m.with);
        break;
      case 'retype':
        set(
          typeof current === 'string'
            ? NASTY_STRINGS[m.offset % NASTY_STRINGS.length]
            : typeof current === 'number'
              ? NASTY_NUMBERS[m.offset % NASTY_NUMBERS.length]
              : m.with,
        );
        break;
      case 'inject': {
        const fragment = INJECTED[m.offset % INJECTED.length];
        if (typeof current === 'string') {
          const at = m.offset % (current.length + 1);
          set(current.slice(0, at) + fragment + current.slice(at));
        } else set(fragment);
        break;
      }
      case 'extra':
        if (current && typeof current === 'object' && !Array.isArray(current)) {
          const key = typeof m.with === 'string' ? m.with.slice(0, 40) : `extra${m.offset}`;
          (current as Record<string, unknown>)[key] = m.with;
        } else set({ extra: m.with });
        break;
      case 'drop':
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else if (slot.parent) delete (slot.parent as Record<string, unknown>)[slot.key];
        else root = undefined;
        break;
      case 'long':
        set(
          typeof current === 'string' && current.length > 0
            ? current.repeat(Math.ceil(20_000 / current.length))
            : BIG_TEXT,
        );
        break;
      case 'nest':
        set(nested(1 + (m.offset % 2000)));
        break;
    }
  }
  return root;
}

/** A valid-shaped value with one to three of the mutations above. */
export const mutatedValue = (schema: JsonSchema, pools: Pools) =>
  fc.tuple(validValue(schema, pools), mutationArbitrary).map(([v, m]) => applyMutations(v, m));
