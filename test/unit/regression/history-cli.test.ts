import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportRegressionCommand } from '../../../src/cli/commands/report-regression.js';
import { readLut } from '../../../src/lut/io.js';
import type { Lut } from '../../../src/lut/schema.js';
import { gaussian, mulberry32 } from '../../../src/stats/index.js';
import { runCommand } from '../../support/run-command.js';
import { blockKey, logNormal, makeEntry, makeLut } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One run of 8 entries, 4 rounds, at a whole-run level (the machine's drift between runs). */
function run(rng: () => number, level: number, file: string): string {
  const rounds = Array.from({ length: 4 }, () => Math.exp(0.02 * gaussian(rng)));
  const lut: Lut = makeLut(
    Array.from({ length: 8 }, (_, e) => {
      const samples = rounds.flatMap((f) => logNormal(12, (4 + 2 * e) * level * f, 0.03, rng));
      return makeEntry(blockKey('D1', `R${'-A'.repeat(e)}`), samples, {
        sampleRounds: rounds.flatMap((_, r) => Array<number>(12).fill(r)),
        rounds: 4,
      });
    }),
  );
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(lut));
  return path;
}

describe('bench report regression with baseline history', () => {
  const rng = mulberry32(11);
  const history = [
    run(rng, 1, 'h1.json'),
    run(rng, 1.06, 'h2.json'),
    run(rng, 0.95, 'h3.json'),
    run(rng, 1.03, 'h4.json'),
    run(rng, 0.98, 'h5.json'),
  ];
  const current = run(rng, 0.93, 'current.json');

  it('several --baseline tables: pooled, the spread learnt, the whole-suite shift judged against it', async () => {
    const saved = join(dir, 'baseline.lut.json');
    const args = history.flatMap((h) => ['--baseline', h]);
    const r = await runCommand(reportRegressionCommand, [
      ...args,
      '--current',
      current,
      '--out',
      join(dir, 'out'),
      '--save-baseline',
      saved,
    ]);
    expect([0, 2]).toContain(r.code);
    const doc = JSON.parse(readFileSync(join(dir, 'out', 'regression.json'), 'utf8'));
    expect(doc.suite.spread).toMatchObject({ source: 'history', runs: 5, df: 4 });
    expect(doc.counts).toMatchObject({ regressed: 0, improved: 0 });
    expect(r.stdout).toMatch(/\*\*Whole suite\*\*: the whole suite is [\d.]+% faster .*learnt from 5 baseline tables/);
    expect(doc.baseline.label).toBe(history.join(' + '));
    // The pooled baseline carries its spread: given alone later, it is read from the file.
    const pooled = readLut(saved);
    expect(pooled.runSpread!.runs).toBe(5);
    expect(pooled.entries[0]!.samples).toHaveLength(5 * 48);
    const again = await runCommand(reportRegressionCommand, [
      '--baseline',
      saved,
      '--current',
      current,
      '--out',
      join(dir, 'out2'),
      '--format',
      'json',
    ]);
    const doc2 = JSON.parse(readFileSync(join(dir, 'out2', 'regression.json'), 'utf8'));
    expect(doc2.suite.spread).toMatchObject({ source: 'baseline-file', runs: 5 });
    expect(again.code).toBe(r.code);
  });

  it('--save-baseline without history, and history from another device, are bad input (exit 3)', async () => {
    const one = await runCommand(reportRegressionCommand, [
      '--baseline',
      history[0]!,
      '--current',
      current,
      '--save-baseline',
      join(dir, 'x.json'),
      '--out',
      join(dir, 'o3'),
    ]);
    expect(one.code).toBe(3);
    expect(one.stderr).toMatch(/--save-baseline needs baseline history/);
    const other = makeLut(readLut(history[1]!).entries, { fingerprint: 'another-machine' });
    const otherFile = join(dir, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other));
    const mixed = await runCommand(reportRegressionCommand, [
      '--baseline',
      history[0]!,
      '--baseline',
      otherFile,
      '--current',
      current,
      '--out',
      join(dir, 'o4'),
    ]);
    expect(mixed.code).toBe(3);
    expect(mixed.stderr).toMatch(/cannot compare .*h1\.json with .*other\.json: different device fingerprint/);
  });
});
