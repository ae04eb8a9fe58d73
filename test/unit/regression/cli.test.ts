import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportRegressionCommand } from '../../../src/cli/commands/report-regression.js';
import { runCommand, type CommandResult } from '../../support/run-command.js';
import type { Lut } from '../../../src/lut/schema.js';
import { mulberry32 } from '../../../src/stats/index.js';
import { blockKey, logNormal, makeEntry, makeLut, scenarioTables } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-regression-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function writeLut(lut: Lut | string): string {
  const file = join(dir, `lut-${counter++}.json`);
  writeFileSync(file, typeof lut === 'string' ? lut : JSON.stringify(lut));
  return file;
}

function bench(argv: string[]): Promise<CommandResult> {
  return runCommand(reportRegressionCommand, argv);
}

const rng = mulberry32(17);
function pairOfTables(shift: number, flags: LutFlags = []): [string, string] {
  const keys = [blockKey('E1', 'R-R'), blockKey('E1', 'R-A-R')];
  const base = makeLut(keys.map((k) => makeEntry(k, logNormal(30, 10, 0.03, rng))));
  const cur = makeLut(
    keys.map((k, i) =>
      makeEntry(k, logNormal(30, 10 * (i === 1 ? shift : 1), 0.03, rng), { flags: i === 1 ? flags : [] }),
    ),
  );
  return [writeLut(base), writeLut(cur)];
}
type LutFlags = Lut['entries'][number]['flags'];

describe('bench report regression', () => {
  it('a regression: exit 1, Markdown on stdout, three report files', async () => {
    const { baseline, current } = scenarioTables(2);
    const out = join(dir, 'out-1');
    const r = await bench(['--baseline', writeLut(baseline), '--current', writeLut(current), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('## ❌ Latency: 2 entries regressed');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(r.stdout);
    expect(JSON.parse(readFileSync(join(out, 'regression.json'), 'utf8'))).toMatchObject({
      schema: 'nanosd-bench/regression',
      exitCode: 1,
    });
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/^<\?xml[^>]*>\n<testsuites /);
    expect(r.stderr).toMatch(/^wrote .*summary\.md, .*regression\.json, .*junit\.xml\n$/);
  });

  it('no change: exit 0; only the chosen formats are written', async () => {
    const [a, b] = pairOfTables(1);
    const out = join(dir, 'out-0');
    const r = await bench(['--baseline', a, '--current', b, '--out', out, '--format', 'json,junit']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'summary.md'))).toBe(false);
    expect(existsSync(join(out, 'regression.json'))).toBe(true);
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
  });

  it('only an inconclusive entry: exit 2', async () => {
    const [a, b] = pairOfTables(1.3, ['trend']);
    const r = await bench(['--baseline', a, '--current', b, '--out', join(dir, 'out-2'), '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/current flagged trend/);
  });

  it('threshold, alpha and seed reach the verdict and the JSON', async () => {
    const [a, b] = pairOfTables(1.08);
    const out = join(dir, 'out-t');
    expect((await bench(['--baseline', a, '--current', b, '--out', out, '--threshold', '20%'])).code).toBe(0);
    const r = await bench([
      '--baseline',
      a,
      '--current',
      b,
      '--out',
      out,
      '--threshold',
      '2%',
      '--alpha',
      '0.001',
      '--seed',
      '42',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(join(out, 'regression.json'), 'utf8'));
    expect(doc.options).toMatchObject({ threshold: 0.02, alpha: 0.001, seed: 42 });
  });

  it('--json prints the JSON report instead of the Markdown; the files are written as asked', async () => {
    const [a, b] = pairOfTables(1);
    const out = join(dir, 'out-j');
    const args = ['--baseline', a, '--current', b, '--out', out, '--format', 'json', '--threshold', '0.2'];
    const r = await bench([...args, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'nanosd-bench/regression', options: { threshold: 0.2 } });
    expect(r.stdout).toBe(readFileSync(join(out, 'regression.json'), 'utf8'));
    expect(existsSync(join(out, 'summary.md'))).toBe(false);
  });

  it('tables from another device are refused (3) unless --allow-mismatch', async () => {
    const [a] = pairOfTables(1);
    const other = writeLut(makeLut(makeLut([]).entries, { fingerprint: 'another-phone' }));
    const refused = await bench(['--baseline', a, '--current', other, '--out', join(dir, 'out-m')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /^bench: cannot compare .* different device fingerprint fp-local-1 vs another-phone \(.*--allow-mismatch.*\)\n$/,
    );
    const allowed = await bench(['--baseline', a, '--current', other, '--out', join(dir, 'out-m'), '--allow-mismatch']);
    expect(allowed.code).toBe(3); // allowed, but nothing in common: bad input, not a pass
    expect(allowed.stderr).toMatch(/^bench: nothing to compare: no entry of .* \(no entries\)/);
    const sameEntries = JSON.parse(readFileSync(a, 'utf8')) as Lut;
    const moved = writeLut(makeLut(sameEntries.entries, { fingerprint: 'another-phone' }));
    const compared = await bench([
      '--baseline',
      a,
      '--current',
      moved,
      '--out',
      join(dir, 'out-m'),
      '--allow-mismatch',
    ]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(/differ in device fingerprint/);
  });

  describe('bad input: exit 3, one line on stderr, nothing written', () => {
    const good = writeLut(makeLut([makeEntry(blockKey('E1', 'R'), [1, 2, 3, 4, 5])]));
    const text = readFileSync(good, 'utf8');
    const newer = JSON.parse(text) as Record<string, unknown>;
    newer['schemaVersion'] = 99;
    const badSchema = JSON.parse(text) as { entries: Record<string, unknown>[] };
    badSchema.entries[0]!['samples'] = 'fast';
    const empty = JSON.parse(text) as { entries: Record<string, unknown>[] };
    empty.entries[0]!['samples'] = [];
    const cases: [string, string[], RegExp][] = [
      ['a missing file', ['--current', join(dir, 'nope.json')], /nope\.json: file not found/],
      ['a truncated file', ['--current', writeLut(text.slice(0, text.length / 2))], /not valid JSON/],
      ['an empty file', ['--current', writeLut('')], /the file is empty/],
      [
        'a newer schema version',
        ['--current', writeLut(JSON.stringify(newer))],
        /newer nanosd-bench \(schema version 99/,
      ],
      ['a schema failure', ['--current', writeLut(JSON.stringify(badSchema))], /entries.*samples/],
      ['empty samples in an ok entry', ['--current', writeLut(JSON.stringify(empty))], /an ok entry has no samples/],
      [
        'a threshold above 100%',
        ['--current', good, '--threshold', '150%'],
        /--threshold 150%: must be between 0\.1% and 100%/,
      ],
      ['a threshold below 0.1%', ['--current', good, '--threshold', '0.01%'], /--threshold 0\.01%/],
      [
        'a threshold that is not a number',
        ['--current', good, '--threshold', 'lots'],
        /--threshold lots: not a number/,
      ],
      // A bare 2 was read as 2% (and 0.99 as 99%): percentages carry their sign now, fractions do not.
      ['a bare number above 1', ['--current', good, '--threshold', '2'], /--threshold 2: .* 2% or the fraction 0\.02/],
      ['alpha 0', ['--current', good, '--alpha', '0'], /--alpha 0: must be greater than 0/],
      ['alpha above 0.5', ['--current', good, '--alpha', '0.7'], /--alpha 0\.7: must be at most 0\.5/],
      ['a negative seed', ['--current', good, '--seed', '-1'], /--seed -1: must be at least 0/],
      [
        'an unknown format',
        ['--current', good, '--format', 'md,pdf'],
        /--format pdf: unknown format; known: md, json, junit/,
      ],
      ['a format named like a property', ['--current', good, '--format', 'toString'], /--format toString: unknown/],
    ];
    for (const [what, extra, message] of cases) {
      it(what, async () => {
        const out = join(dir, `bad-${counter++}`);
        const r = await bench(['--baseline', good, ...extra, '--out', out]);
        expect(r.code).toBe(3);
        expect(r.stderr.startsWith('bench: ')).toBe(true);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).toBe('');
        expect(existsSync(out)).toBe(false);
      });
    }
    it('a missing --current', async () => {
      const r = await bench(['--baseline', good]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^bench: bench report regression: --baseline and --current are both required\n$/);
    });
    it('an --out that cannot be written', async () => {
      const r = await bench(['--baseline', good, '--current', good, '--out', join(good, 'sub')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^bench: --out .*lut-\d+\.json\/sub: .*lut-\d+\.json is a file, not a folder /);
      expect(r.stderr).toMatch(/ \(choose a writable folder with --out\)\n$/);
    });
  });
});
