import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateProposals } from '../../seed/proposals/generate';
import { runDuplicatesBatch } from './batch';
import { ORIGINAL, PADDED, REWORDED, UNRELATED_SAME_CATEGORY } from './lib/fixtures.test-data';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'duplicates-batch-'));
let files = 0;
function inputFile(lines: (string | object)[]): string {
  const path = join(dir, `input-${++files}.jsonl`);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

async function run(argv: string[], stdin?: string) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runDuplicatesBatch(argv, {
    stdin: stdin === undefined ? undefined : Readable.from([stdin]),
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const period = { community: '星光社区', category: 'elderly', start: '2024-01-01', end: '2024-12-31' };
const fixture = [
  { id: 'orig', text: ORIGINAL, org: '阳光社工', ...period },
  { id: 'other', text: UNRELATED_SAME_CATEGORY, org: '春晖社工', community: '和平社区', category: 'elderly' },
  '',
  { id: 'reworded', text: REWORDED, org: '同心社工', ...period, start: '2025-01-01', end: '2025-12-31' },
  { id: 'padded', text: PADDED, org: '阳光社工', ...period, start: '2024-07-01', end: '2025-06-30' },
  { id: 'alone', text: '青少年禁毒知识竞赛。', fileHashes: ['9f86d081'] },
  { id: 'attached', text: '社区花园共建。', fileHashes: ['9F86D081', 'aa'], org: null },
];

describe('duplicates batch CLI', () => {
  it('prints one JSON line per pair and kind, sorted by score, and nothing else', async () => {
    const { code, stdout, stderr } = await run(['--input', inputFile(fixture)]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines)
      expect(line).toMatch(/^\{"a":"[^"]+","b":"[^"]+","score":[\d.]+,"kind":"(text|structure|file)"\}$/);
    const pairs = lines.map((l) => JSON.parse(l) as { a: string; b: string; score: number; kind: string });
    const scores = pairs.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(pairs.map((p) => `${p.kind} ${p.a} ${p.b}`).sort()).toEqual([
      'file alone attached',
      'structure orig padded',
      'text orig padded',
      'text orig reworded',
      'text reworded padded',
    ]);
    expect(pairs.find((p) => p.kind === 'structure')?.score).toBe(1);
    expect(pairs.find((p) => p.kind === 'file')?.score).toBe(1);
    expect(pairs.slice(0, 3).map((p) => p.score)).toEqual([1, 1, 1]);
    // Equal scores keep the input order of "a", then of "b".
    expect(pairs.slice(3).map((p) => `${p.a} ${p.b}`)).toEqual(['orig reworded', 'reworded padded']);
    expect(stderr).toMatch(/6 applications, 5 pairs/);
  });

  it('applies --threshold to the text score', async () => {
    const { code, stdout } = await run(['--input', inputFile(fixture), '--threshold', '0.9']);
    expect(code).toBe(0);
    const texts = stdout.split('\n').filter((l) => l.includes('"text"'));
    expect(texts.map((l) => JSON.parse(l))).toEqual([{ a: 'orig', b: 'padded', score: 1, kind: 'text' }]);
  });

  it('reads standard input with --input -', async () => {
    const lines = fixture.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
    const { code, stdout } = await run(['--input', '-'], lines);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('reports every bad line with its number, prints nothing on stdout and fails', async () => {
    const { code, stdout, stderr } = await run([
      '--input',
      inputFile([
        { id: 'a', text: '正常的一行。' },
        '{"id": "b", "text": ',
        { id: 'a', text: '重复的编号。' },
        { id: '  ', text: '空编号。' },
        { id: 'c' },
        { id: 'd', text: '   ' },
        { id: 'e', text: '日期错误。', start: '2024-02-30', end: '2024-03-01' },
        { id: 'f', text: '日期颠倒。', start: '2024-05-01', end: '2024-03-01' },
        { id: 7, text: '类型错误。' },
        { id: 'g', text: '类型错误。', fileHashes: 'abc', community: 3 },
        '[1, 2]',
        '   ',
        { id: 'h', text: '最后一行正常。' },
      ]),
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(':')[0])).toEqual([
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
      'line 10',
      'line 11',
    ]);
    expect(stderr).toContain('line 2: invalid JSON');
    expect(stderr).toContain('line 3: duplicate id "a" (first on line 1)');
    expect(stderr).toContain('line 5: text is required');
    expect(stderr).toContain('line 7: start is not a calendar date');
    expect(stderr).toContain('line 8: end start is after end');
    expect(stderr).toMatch(/line 10: .*community must be a string.*fileHashes must be an array of strings/);
    expect(lines[lines.length - 1]).toBe('10 invalid lines; nothing compared');
  });

  it('rejects bad arguments with the usage and exit code 2', async () => {
    const file = inputFile(fixture);
    for (const argv of [
      [],
      ['--input'],
      ['--input', file, '--threshold', '0'],
      ['--input', file, '--threshold', '1.5'],
      ['--input', file, '--threshold', 'abc'],
      ['--input', file, '--unknown'],
      ['--input', file, 'extra'],
    ]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('usage: duplicates --input FILE.jsonl');
    }
    expect((await run(['--input', file, '--threshold', '1'])).code).toBe(0);
  });

  it('fails on an unreadable input file', async () => {
    const { code, stdout, stderr } = await run(['--input', join(dir, 'missing.jsonl')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('cannot read');
  });

  it('finds the planted near-duplicates in a generated file of 3,000 applications', async () => {
    const proposals = [...generateProposals({ docs: 3000, seed: 3 })];
    const file = inputFile(
      proposals.map(({ id, text, org, community, category, start, end }) => ({
        id,
        text,
        org,
        community,
        category,
        start,
        end,
      })),
    );
    const { code, stdout } = await run(['--input', file]);
    expect(code).toBe(0);
    const pairs = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { a: string; b: string; score: number; kind: string });
    const textPairs = new Set(pairs.filter((p) => p.kind === 'text').map((p) => `${p.a} ${p.b}`));
    const planted = proposals.filter((p) => p.variantOf);
    expect(planted.length).toBeGreaterThan(150);
    const missed = planted.filter((p) => !textPairs.has(`${p.variantOf} ${p.id}`));
    expect(missed.map((p) => p.variantKind)).toEqual([]);
    const family = new Map(proposals.map((p) => [p.id, p.variantOf ?? p.id]));
    const unrelated = pairs.filter((p) => p.kind === 'text' && family.get(p.a) !== family.get(p.b));
    expect(unrelated).toEqual([]);
    for (const p of pairs.filter((x) => x.kind === 'structure')) {
      const [a, b] = [p.a, p.b].map((id) => proposals.find((x) => x.id === id)!);
      expect([a.org, a.community, a.category]).toEqual([b.org, b.community, b.category]);
    }
  }, 30_000);
});
