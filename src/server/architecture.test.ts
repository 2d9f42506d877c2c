/**
 * The layering rule (README, "Architecture"): behaviour flows down the module list of app.ts.
 * A module may import another module's code only if that module is listed earlier; any file may
 * import any module's schema.ts (tables reference each other; reading a table is not using its
 * module's rules). Shared infrastructure (db/, http/, calendar.ts, config.ts, context.ts) imports
 * no module code; lifecycle/ and http/crud/ build on the audit trail and timeline only. app.ts,
 * main.ts, seed/ and testing/ sit above everything. Type-only imports carry no behaviour and are
 * not counted. And every status column changes only through lifecycle/transitions.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modules } from './app.js';

const serverRoot = path.dirname(fileURLToPath(import.meta.url));
const modulesRoot = path.join(serverRoot, 'modules');
const order = modules.map((m) => m.name);
const FOUNDATION = ['audit', 'timeline'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The runtime imports of a file (not `import type`), resolved to absolute paths. */
function runtimeImports(file: string, text: string): { spec: string; target: string }[] {
  const found: { spec: string; target: string }[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|import\('([^']+)'\)/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[2]) continue;
    const spec = match[3] ?? match[4];
    if (!spec?.startsWith('.')) continue;
    found.push({ spec, target: path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts') });
  }
  return found;
}

type Unit = { kind: 'module'; name: string } | { kind: 'infra'; name: string } | { kind: 'top' };

function unitOf(file: string): Unit {
  const rel = path.relative(serverRoot, file).split(path.sep);
  if (rel[0] === 'modules') return { kind: 'module', name: rel[1] };
  if (['lifecycle'].includes(rel[0]) || (rel[0] === 'http' && rel[1] === 'crud'))
    return { kind: 'infra', name: 'foundation-helpers' };
  if (['db', 'http', 'calendar.ts', 'config.ts', 'context.ts'].includes(rel[0]))
    return { kind: 'infra', name: 'base' };
  return { kind: 'top' };
}

function violations(
  files = sourceFiles(serverRoot).map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
) {
  const problems: string[] = [];
  for (const { file, text } of files) {
    const from = unitOf(file);
    if (from.kind === 'top') continue;
    for (const { spec, target } of runtimeImports(file, text)) {
      if (!target.startsWith(modulesRoot)) continue;
      const targetModule = path.relative(modulesRoot, target).split(path.sep)[0];
      if (path.basename(target) === 'schema.ts') continue;
      const where = `${path.relative(serverRoot, file)} imports '${spec}'`;
      if (from.kind === 'infra') {
        if (from.name === 'base' || !FOUNDATION.includes(targetModule))
          problems.push(`${where}: shared infrastructure may not use module "${targetModule}"`);
        continue;
      }
      if (targetModule === from.name) continue;
      const mine = order.indexOf(from.name);
      const theirs = order.indexOf(targetModule);
      if (theirs === -1 || mine === -1 || theirs > mine) {
        problems.push(
          `${where}: module "${from.name}" (#${mine + 1}) may not use "${targetModule}" (#${theirs + 1}), which comes later in app.ts; hand it down from app.ts instead`,
        );
      }
    }
  }
  return problems;
}

describe('architecture', () => {
  it('lists every module folder exactly once in app.ts', () => {
    const folders = readdirSync(modulesRoot).filter((n) => statSync(path.join(modulesRoot, n)).isDirectory());
    expect([...order].sort()).toEqual([...folders].sort());
    expect(new Set(order).size).toBe(order.length);
  });

  it('has no module importing a module listed after it, and no infrastructure importing modules', () => {
    expect(violations()).toEqual([]);
  });

  it('names the file and the import of a violation, and lets schema and type imports pass', () => {
    const [first, last] = [order[0], order[order.length - 1]];
    const file = path.join(modulesRoot, first, 'x.ts');
    const text = [
      `import { a } from '../${last}/service.js';`,
      `import { t } from '../${last}/schema.js';`,
      `import type { T } from '../${last}/service.js';`,
    ].join('\n');
    expect(violations([{ file, text }])).toEqual([
      expect.stringContaining(`modules/${first}/x.ts imports '../${last}/service.js'`),
    ]);
    const infra = {
      file: path.join(serverRoot, 'db', 'x.ts'),
      text: `import { a } from '../modules/${first}/service.js';`,
    };
    expect(violations([infra])).toHaveLength(1);
  });

  it('changes status columns only through lifecycle/transitions.ts', () => {
    const rawStatusWrite = /\.set\(\s*\{[^)]*?\bstatus\s*:|updateVersioned\([^)]*?\{[^)]*?\bstatus\s*:/s;
    const offenders = sourceFiles(serverRoot)
      .filter((f) => !f.includes(`${path.sep}lifecycle${path.sep}`) && unitOf(f).kind !== 'top')
      .filter((f) => rawStatusWrite.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(serverRoot, f));
    expect(offenders).toEqual([]);
  });
});
