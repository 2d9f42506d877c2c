/**
 * Batch duplicate check over a JSON-lines file:
 *
 *   npm run cli -- duplicates --input FILE.jsonl [--threshold 0.5]
 *
 * Prints one JSON line {"a","b","score","kind"} per duplicate pair and kind, highest score first;
 * progress and errors go to stderr. Exit codes: 0 done, 1 invalid input (every bad line is reported
 * and nothing is printed on stdout), 2 bad arguments.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_THRESHOLD, findTextDuplicates } from './lib/detector';
import { findFileDuplicates } from './lib/files';
import { findStructuralDuplicates } from './lib/structure';
import { DUPLICATE_KINDS, type DuplicatePair } from './lib/types';

export interface BatchIo {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: duplicates --input FILE.jsonl [--threshold 0.5]

  --input FILE     JSON lines, one application per line ("-" reads standard input):
                   {"id": string, "text": string} and optionally "org", "community", "category",
                   "start" and "end" (YYYY-MM-DD), "legalRep", "phone", "address", "fileHashes": [string]
  --threshold T    text score in (0, 1] from which two texts are duplicates (default ${DEFAULT_THRESHOLD});
                   text score = max(Jaccard, containment) of the word-trigram sets

Prints {"a": id, "b": id, "score": number, "kind": "text" | "structure" | "file"} per line,
highest score first; "a" is the application that comes first in the input.
`;

const requiredString = (name: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a string`),
    })
    .refine((s) => s.trim() !== '', `${name} must not be empty`);

const optionalString = z.string({ error: 'must be a string' }).nullish();

const isoDate = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a calendar date')
  .nullish();

export const BatchRecordSchema = z
  .object(
    {
      id: requiredString('id'),
      text: requiredString('text'),
      org: optionalString,
      community: optionalString,
      category: optionalString,
      start: isoDate,
      end: isoDate,
      legalRep: optionalString,
      phone: optionalString,
      address: optionalString,
      fileHashes: z
        .array(z.string({ error: 'must be a string' }), { error: 'must be an array of strings' })
        .nullish(),
    },
    { error: 'must be a JSON object' },
  )
  .refine((r) => !r.start || !r.end || r.start <= r.end, { message: 'start is after end', path: ['end'] });

export type BatchRecord = z.infer<typeof BatchRecordSchema>;

export interface OutputPair extends DuplicatePair {}

function parseArguments(argv: string[]): { input: string; threshold: number } | { error: string } | 'help' {
  let values: { input?: string; threshold?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string' },
        threshold: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  if (!values.input) return { error: '--input is required' };
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD : Number(values.threshold);
  if (values.threshold !== undefined && !/^\s*[\d.eE+-]+\s*$/.test(values.threshold)) {
    return { error: `--threshold must be a number, got "${values.threshold}"` };
  }
  if (!(threshold > 0 && threshold <= 1))
    return { error: `--threshold must be in (0, 1], got "${values.threshold}"` };
  return { input: values.input, threshold };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      return path && !issue.message.startsWith(path) ? `${path} ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses and validates every line; records or the list of errors with line numbers. */
export async function readRecords(
  lines: AsyncIterable<string>,
): Promise<{ records: BatchRecord[]; errors: string[] }> {
  const records: BatchRecord[] = [];
  const errors: string[] = [];
  const firstLineOf = new Map<string, number>();
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      errors.push(`line ${lineNumber}: invalid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = BatchRecordSchema.safeParse(json);
    const problems = parsed.success ? [] : [describeIssues(parsed.error)];
    const id = (json as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id.trim() !== '') {
      const first = firstLineOf.get(id);
      if (first !== undefined) problems.push(`duplicate id "${id}" (first on line ${first})`);
      else firstLineOf.set(id, lineNumber);
    }
    if (problems.length > 0) errors.push(`line ${lineNumber}: ${problems.join('; ')}`);
    else if (parsed.success) records.push(parsed.data);
  }
  return { records, errors };
}

const undefinedIfNull = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** Text, structure and file pairs, highest score first; ties in input order. */
export function findAllDuplicates(
  records: readonly BatchRecord[],
  threshold: number,
  onProgress?: (done: number) => void,
): OutputPair[] {
  const text = findTextDuplicates(
    records.map((r) => ({ id: r.id, text: r.text })),
    { threshold },
    onProgress,
  );
  const structure = findStructuralDuplicates(
    records.map((r) => ({
      id: r.id,
      org: undefinedIfNull(r.org),
      community: undefinedIfNull(r.community),
      category: undefinedIfNull(r.category),
      start: undefinedIfNull(r.start),
      end: undefinedIfNull(r.end),
      legalRep: undefinedIfNull(r.legalRep),
      phone: undefinedIfNull(r.phone),
      address: undefinedIfNull(r.address),
    })),
  );
  const files = findFileDuplicates(records.map((r) => ({ id: r.id, fileHashes: r.fileHashes ?? [] })));
  const order = new Map(records.map((r, i) => [r.id, i]));
  const pairs: OutputPair[] = [...text, ...structure, ...files].map(({ a, b, score, kind }) =>
    order.get(a)! <= order.get(b)! ? { a, b, score, kind } : { a: b, b: a, score, kind },
  );
  return pairs.sort(
    (x, y) =>
      y.score - x.score ||
      DUPLICATE_KINDS.indexOf(x.kind) - DUPLICATE_KINDS.indexOf(y.kind) ||
      order.get(x.a)! - order.get(y.a)! ||
      order.get(x.b)! - order.get(y.b)!,
  );
}

function progressReporter(stderr: NodeJS.WritableStream, total: number): (done: number) => void {
  if (!(stderr as { isTTY?: boolean }).isTTY || total === 0) return () => {};
  const step = Math.max(1, Math.floor(total / 100));
  return (done) => {
    if (done % step !== 0 && done !== total) return;
    const filled = Math.round((done / total) * 30);
    stderr.write(
      `\r[${'#'.repeat(filled)}${' '.repeat(30 - filled)}] ${done}/${total}${done === total ? '\n' : ''}`,
    );
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

export async function runDuplicatesBatch(argv: string[], io: BatchIo): Promise<number> {
  const args = parseArguments(argv);
  if (args === 'help') {
    await write(io.stdout, USAGE);
    return 0;
  }
  if ('error' in args) {
    await write(io.stderr, `duplicates: ${args.error}\n\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  let input: NodeJS.ReadableStream;
  if (args.input === '-') {
    if (!io.stdin) {
      await write(io.stderr, 'duplicates: no standard input to read\n');
      return 2;
    }
    input = io.stdin;
  } else input = createReadStream(args.input, { encoding: 'utf8' });

  let result: Awaited<ReturnType<typeof readRecords>>;
  try {
    result = await readRecords(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }));
  } catch (error) {
    await write(io.stderr, `duplicates: cannot read ${args.input}: ${(error as Error).message}\n`);
    return 1;
  }
  if (result.errors.length > 0) {
    const s = result.errors.length === 1 ? '' : 's';
    await write(
      io.stderr,
      `${result.errors.join('\n')}\n${result.errors.length} invalid line${s}; nothing compared\n`,
    );
    return 1;
  }

  const { records } = result;
  const pairs = findAllDuplicates(records, args.threshold, progressReporter(io.stderr, records.length));
  const lines = pairs.map((p) =>
    JSON.stringify({ a: p.a, b: p.b, score: Math.round(p.score * 1e4) / 1e4, kind: p.kind }),
  );
  if (lines.length > 0) await write(io.stdout, `${lines.join('\n')}\n`);
  const byKind = DUPLICATE_KINDS.map((k) => `${k} ${pairs.filter((p) => p.kind === k).length}`).join(', ');
  const elapsed = ((performance.now() - started) / 1000).toFixed(1);
  await write(
    io.stderr,
    `duplicates: ${records.length} applications, ${pairs.length} pairs (${byKind}) in ${elapsed} s\n`,
  );
  return 0;
}
