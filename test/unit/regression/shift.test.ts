import { describe, expect, it } from 'vitest';
import { compareLuts } from '../../../src/compare/compare.js';
import { learnRunSpread, poolHistory } from '../../../src/compare/history.js';
import {
  judgeSuiteShift,
  MIN_SUITE_ENTRIES,
  recordedSpread,
  STAND_IN_FLOOR,
  standInSpread,
  suiteExitCode,
} from '../../../src/compare/shift.js';
import type { Lut } from '../../../src/lut/schema.js';
import { lutSchema } from '../../../src/lut/schema.js';
import { gaussian, mulberry32 } from '../../../src/stats/index.js';
import { blockKey, logNormal, makeEntry, makeLut, scenarioTables } from './fixtures.js';

const opts = { resamples: 1000 };

/**
 * One run of a machine whose whole-run level is `level` and whose speed wanders `tau` between
 * rounds: `entries` entries, 4 rounds of 12 samples (3% noise within a round).
 */
function run(rng: () => number, level: number, change: Record<number, number> = {}, entries = 8, tau = 0.02): Lut {
  const roundFactors = Array.from({ length: 4 }, () => Math.exp(tau * gaussian(rng)));
  return makeLut(
    Array.from({ length: entries }, (_, e) => {
      const median = (4 + 2 * e) * level * (change[e] ?? 1);
      const samples = roundFactors.flatMap((f) => logNormal(12, median * f, 0.03, rng));
      const sampleRounds = roundFactors.flatMap((_, r) => Array<number>(12).fill(r));
      return makeEntry(blockKey('D1', `R${'-A'.repeat(e)}`), samples, { sampleRounds, rounds: 4 });
    }),
  );
}

describe('the whole-suite shift of two tables', () => {
  it('a whole run 8% faster on a drifting machine: no entry improved; the spread is unknown, said plainly', () => {
    const rng = mulberry32(1);
    const r = compareLuts(run(rng, 1), run(rng, 0.92), opts);
    expect(r.suite).toMatchObject({ separated: true, verdict: 'inconclusive' });
    expect(r.suite!.ratio).toBeCloseTo(0.92, 1);
    expect(r.suite!.spread!.source).toBe('stand-in');
    expect(r.suite!.summary).toMatch(
      new RegExp(
        '^the whole suite is \\d+(\\.\\d+)?% faster \\(the machine itself could have done that.*' +
          'run-to-run spread is unknown; use `bench compare` or give baseline history',
      ),
    );
    expect(r.counts.improved + r.counts.regressed).toBe(0);
    // Without the separation the same pair calls entries improved: the relative view is what saves it.
    const alone = r.entries.filter((e) => e.reasons.some((x) => x === 'against the baseline alone: improved'));
    expect(alone.length).toBeGreaterThan(0);
    expect(r.exitCode).toBe(2);
    for (const e of r.entries)
      expect(e.reasons[0]).toMatch(/^judged against the rest of the suite \(the whole suite moved −\d/);
  });

  it('an entry that moved against the rest of the suite gets its own verdict', () => {
    const rng = mulberry32(2);
    const r = compareLuts(run(rng, 1), run(rng, 0.92, { 3: 1.2 }), opts);
    expect(r.suite!.verdict).toBe('inconclusive');
    expect(r.entries[3]!.verdict).toBe('regressed');
    expect(r.entries[3]!.relative!.ratio).toBeGreaterThan(1.15);
    expect(r.entries.filter((e) => e.verdict === 'regressed' || e.verdict === 'improved')).toHaveLength(1);
    expect(r.exitCode).toBe(1);
  });

  it('with baseline history of a quiet machine, the same shift is real: the entries keep their own verdicts', () => {
    const rng = mulberry32(3);
    const history = [run(rng, 1, {}, 8, 0.005), run(rng, 1.004, {}, 8, 0.005), run(rng, 0.997, {}, 8, 0.005)];
    const spread = learnRunSpread(history)!;
    expect(spread).toMatchObject({ runs: 3, df: 2, source: 'history' });
    expect(spread.sd).toBeLessThan(0.01);
    const baseline = poolHistory(history, ['a', 'b', 'c']);
    const r = compareLuts(baseline, run(rng, 0.8, {}, 8, 0.005), { ...opts, runSpread: spread });
    expect(r.suite).toMatchObject({ separated: true, verdict: 'improved' });
    expect(r.suite!.summary).toMatch(
      /beyond what the machine does between runs.*spread is ±0\.\d% \(learnt from 3 baseline tables\)/,
    );
    expect(r.counts.improved).toBe(8);
  });

  it('with history of a machine that wanders 6% between runs, an 8% shift is within it', () => {
    const rng = mulberry32(4);
    const history = [run(rng, 1), run(rng, 1.07), run(rng, 0.95), run(rng, 1.02)];
    const baseline = poolHistory(history, ['a', 'b', 'c', 'd']);
    expect(baseline.runSpread!.runs).toBe(4);
    expect(lutSchema.safeParse(baseline).success).toBe(true);
    // The spread recorded in the pooled baseline is read back when no history is given.
    const r = compareLuts(baseline, run(rng, 0.92), opts);
    expect(r.suite!.spread).toMatchObject({ source: 'baseline-file', runs: 4, df: 3 });
    expect(r.suite!.verdict).toBe('inconclusive');
    expect(r.counts.improved + r.counts.regressed).toBe(0);
  });

  it('a large real slowdown still fails without history (beyond three times the drift between rounds)', () => {
    const rng = mulberry32(5);
    const r = compareLuts(run(rng, 1), run(rng, 1.6), opts);
    expect(r.suite).toMatchObject({ separated: true, verdict: 'regressed' });
    expect(r.counts.regressed).toBe(8);
    expect(r.exitCode).toBe(1);
  });

  it("a real suite shift still counts the run-to-run spread in each entry's own verdict", () => {
    const rng = mulberry32(9);
    const history = [run(rng, 1), run(rng, 1.05), run(rng, 0.96), run(rng, 1.02), run(rng, 0.99)];
    const spread = learnRunSpread(history)!;
    expect(spread.sd).toBeGreaterThan(0.02);
    // The suite is 40% slower; entry 3 only 12%, which the spread of a whole run could half explain.
    const r = compareLuts(poolHistory(history, ['a', 'b', 'c', 'd', 'e']), run(rng, 1.4, { 3: 0.8 }), {
      ...opts,
      runSpread: spread,
    });
    expect(r.suite).toMatchObject({ separated: true, verdict: 'regressed' });
    expect(r.entries[3]!.verdict).toBe('inconclusive');
    expect(r.entries[3]!.reasons[0]).toMatch(
      /^regressed against the baseline, but with the machine's run-to-run spread counted \(±\d/,
    );
    expect(r.entries.filter((e) => e.verdict === 'regressed')).toHaveLength(7);
  });

  it('the stand-in spread: three taus, never under the floor, none without rounds', () => {
    const noise = (tau: number) => ({ tau, df: 10, entries: 10 });
    expect(standInSpread([noise(0.001), null])!.sd).toBe(STAND_IN_FLOOR);
    expect(standInSpread([noise(0.05), noise(0.02)])!.sd).toBeCloseTo(0.15, 12);
    expect(standInSpread([null, null])).toBeNull();
  });

  it('entries that each moved their own way are not a shared shift', () => {
    const { baseline, current } = scenarioTables(1);
    const r = compareLuts(baseline, current, opts);
    expect(r.suite!.separated).toBe(false);
    expect(r.suite!.summary).toMatch(/only \d of 7 entries moved together, so each entry is judged on its own/);
    for (const e of r.entries) expect(e.relative).toBeUndefined();
  });

  it('too few entries cannot separate a shift', () => {
    const rng = mulberry32(6);
    const r = compareLuts(run(rng, 1, {}, MIN_SUITE_ENTRIES - 1), run(rng, 0.9, {}, MIN_SUITE_ENTRIES - 1), opts);
    expect(r.suite!.separated).toBe(false);
    expect(r.suite!.summary).toMatch(/4 entries are too few/);
  });

  it('exit code: a shared shift beyond the spread fails, one the machine could have made warns', () => {
    const suite = judgeSuiteShift({ rows: [], spread: null, threshold: 0.05, alpha: 0.01 });
    expect(suite).toBeNull();
    const base = {
      ratio: 1.1,
      sharedBy: 8,
      entries: 8,
      separated: true,
      spread: null,
      ci95: null,
      p: null,
      summary: '',
    };
    expect(suiteExitCode(0, { ...base, verdict: 'inconclusive' })).toBe(2);
    expect(suiteExitCode(0, { ...base, verdict: 'regressed' })).toBe(1);
    expect(suiteExitCode(0, { ...base, verdict: 'regressed', separated: false })).toBe(0);
    expect(suiteExitCode(1, { ...base, verdict: 'inconclusive' })).toBe(1);
  });
});

describe('baseline history', () => {
  it("the spread of the tables' levels, by hand", () => {
    const e = (median: number) => makeEntry(blockKey('E1', 'R'), [median, median, median]);
    const f = (median: number) => makeEntry(blockKey('E1', 'R-A'), [median, median, median]);
    const tables = [
      makeLut([e(10), f(20)]),
      makeLut([e(10 * Math.exp(0.02)), f(20 * Math.exp(0.02))]),
      makeLut([e(10 * Math.exp(-0.02)), f(20 * Math.exp(-0.02))]),
    ];
    const s = learnRunSpread(tables)!;
    expect(s.sd).toBeCloseTo(Math.sqrt((0.02 ** 2 + 0.02 ** 2) / 2), 10);
    expect(learnRunSpread([tables[0]!])).toBeNull();
  });

  it('pools the samples of every table with their rounds kept apart', () => {
    const rng = mulberry32(7);
    const a = run(rng, 1, {}, 2);
    const b = run(rng, 1, {}, 2);
    const pooled = poolHistory([a, b], ['a', 'b'], '2026-02-01T00:00:00Z');
    const entry = pooled.entries[0]!;
    expect(entry.samples).toEqual([...a.entries[0]!.samples, ...b.entries[0]!.samples]);
    expect(new Set(entry.sampleRounds).size).toBe(8);
    expect(entry.rounds).toBe(8);
    expect(recordedSpread(pooled)).toMatchObject({ runs: 2, df: 1, source: 'baseline-file' });
    expect(pooled.runSpread!.learntAt).toBe('2026-02-01T00:00:00Z');
  });

  it('refuses history from another device, or with nothing in common', () => {
    const rng = mulberry32(8);
    const other = makeLut(run(rng, 1).entries, { fingerprint: 'other-machine' });
    expect(() => poolHistory([run(rng, 1), other], ['a.json', 'b.json'])).toThrow(
      /cannot compare a\.json with b\.json: different device fingerprint/,
    );
    const empty = makeLut([]);
    expect(() => poolHistory([run(rng, 1), empty], ['a', 'b'])).toThrow(/no measured entry in common/);
  });
});
