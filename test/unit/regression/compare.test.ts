import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLut } from '../../../src/lut/io.js';
import { lutSchema, type Lut } from '../../../src/lut/schema.js';
import { clearance } from '../../../src/compare/quality.js';
import {
  compareLuts,
  decideVerdict,
  RegressionInputError,
  regressionExitCode,
  samplesToReach,
  type EntryComparison,
} from '../../../src/report/regression/index.js';
import { mulberry32 } from '../../../src/stats/index.js';
import { repoRoot } from '../../support/cli.js';
import { blockKey, logNormal, makeEntry, makeLut, scenarioTables } from './fixtures.js';

const opts = { resamples: 2000 };
const byId = (entries: EntryComparison[], stage: string, variant: string) =>
  entries.find((e) => e.id === `block/${stage}/${variant}/l16/w1/fp32`)!;

describe('verdict rule', () => {
  const base = {
    ratio: 1,
    ci95: [0.99, 1.01] as [number, number],
    qSlower: 0.5,
    qFaster: 0.5,
    minP: 1e-9,
    nBaseline: 30,
    nCurrent: 30,
    threshold: 0.05,
    alpha: 0.01,
  };
  it('regressed needs both a significant test and the interval above the band', () => {
    expect(decideVerdict({ ...base, ratio: 1.2, ci95: [1.15, 1.25], qSlower: 1e-6 }).verdict).toBe('regressed');
    expect(decideVerdict({ ...base, ratio: 1.2, ci95: [1.15, 1.25], qSlower: 0.02 }).verdict).toBe('inconclusive');
    expect(decideVerdict({ ...base, ratio: 1.08, ci95: [1.03, 1.12], qSlower: 1e-6 }).verdict).toBe('inconclusive');
  });
  it('improved mirrors it; unchanged is equivalence inside the band', () => {
    expect(decideVerdict({ ...base, ratio: 0.8, ci95: [0.78, 0.82], qFaster: 1e-6 }).verdict).toBe('improved');
    expect(decideVerdict({ ...base, ratio: 1.03, ci95: [1.02, 1.04], qSlower: 1e-8 }).verdict).toBe('unchanged');
    expect(decideVerdict(base).verdict).toBe('unchanged');
  });
  it('explains inconclusive: too noisy, near the threshold, too few samples', () => {
    expect(decideVerdict({ ...base, ci95: [0.9, 1.12] }).reasons[0]).toMatch(/too noisy/);
    expect(decideVerdict({ ...base, ratio: 1.05, ci95: [1.03, 1.07] }).reasons[0]).toMatch(/close to the threshold/);
    const few = decideVerdict({
      ...base,
      ratio: 1.5,
      ci95: [1.4, 1.6],
      qSlower: 0.05,
      minP: 0.05,
      nBaseline: 3,
      nCurrent: 3,
    });
    expect(few.verdict).toBe('inconclusive');
    expect(few.reasons[0]).toMatch(/too few samples \(n = 3 vs 3\).*at least 5 per side/);
  });
  it('with drift between rounds, the drift-aware test must agree as well', () => {
    const slower = { ...base, ratio: 1.2, ci95: [1.06, 1.4] as [number, number], qSlower: 1e-9 };
    expect(decideVerdict({ ...slower, driftQSlower: 0.001, driftQFaster: 1 }).verdict).toBe('regressed');
    const drift = decideVerdict({ ...slower, driftQSlower: 0.08, driftQFaster: 1 });
    expect(drift.verdict).toBe('inconclusive');
    expect(drift.reasons[0]).toMatch(/drift between rounds counted.*drift-aware q = 0\.080.*--rounds N/);
    const faster = { ...base, ratio: 0.8, ci95: [0.7, 0.93] as [number, number], qFaster: 1e-9 };
    expect(decideVerdict({ ...faster, driftQSlower: 1, driftQFaster: 0.002 }).verdict).toBe('improved');
    expect(decideVerdict({ ...faster, driftQSlower: 1, driftQFaster: 0.2 }).verdict).toBe('inconclusive');
  });
  it('samples needed per side for the rank test to reach alpha', () => {
    expect(samplesToReach(0.01)).toBe(5); // 1/C(10,5) = 1/252 <= 0.01 < 1/C(8,4) = 1/70
    expect(samplesToReach(0.002)).toBe(6); // 1/924
    expect(samplesToReach(0.5)).toBe(1);
  });
  it('exit code: any regression 1, else any inconclusive 2, else 0', () => {
    const c = {
      compared: 3,
      regressed: 0,
      improved: 1,
      unchanged: 2,
      inconclusive: 0,
      onlyInBaseline: 4,
      onlyInCurrent: 1,
    };
    expect(regressionExitCode(c)).toBe(0);
    expect(regressionExitCode({ ...c, inconclusive: 1 })).toBe(2);
    expect(regressionExitCode({ ...c, inconclusive: 1, regressed: 1 })).toBe(1);
  });
});

describe('compareLuts on synthetic tables', () => {
  const { baseline, current } = scenarioTables(1);
  const r = compareLuts(baseline, current, opts);

  it('the synthetic tables are valid LUTs', () => {
    expect(() => lutSchema.parse(baseline)).not.toThrow();
    expect(() => lutSchema.parse(current)).not.toThrow();
  });

  it('gives the expected verdict per scenario', () => {
    expect(byId(r.entries, 'E1', 'R-R').verdict).toBe('unchanged');
    expect(byId(r.entries, 'E1', 'R-A-R').verdict).toBe('regressed');
    expect(byId(r.entries, 'E2', 'R-A-R-A').verdict).toBe('regressed');
    expect(byId(r.entries, 'E2', 'R-R').verdict).toBe('improved');
    const noisy = byId(r.entries, 'E3', 'R-R');
    expect(noisy.verdict).toBe('inconclusive');
    const few = byId(r.entries, 'E3', 'R-A-R');
    expect(few.verdict).toBe('inconclusive');
    expect(few.reasons.join(' ')).toMatch(/too few samples/);
    const throttled = byId(r.entries, 'D1', 'R-R-R');
    expect(throttled).toMatchObject({ verdict: 'inconclusive', statisticalVerdict: 'regressed' });
    expect(throttled.reasons.join(' ')).toMatch(/current flagged throttled/);
    const failed = byId(r.entries, 'D2', 'R-R-R');
    expect(failed).toMatchObject({ verdict: 'inconclusive', statisticalVerdict: null, ratio: null, pSlower: null });
    expect(failed.reasons[0]).toMatch(/failed in the current table \(NSB_RUNNER/);
  });

  it('lists entries present in only one table', () => {
    expect(r.onlyInBaseline.map((e) => e.id)).toEqual(['block/D3/R-R-R/l16/w1/fp32']);
    expect(r.onlyInCurrent.map((e) => e.id)).toEqual(['block/D3/R-A-R-A-R-A/l16/w1/fp32']);
    expect(r.counts).toEqual({
      compared: 8,
      regressed: 2,
      improved: 1,
      unchanged: 1,
      inconclusive: 4,
      onlyInBaseline: 1,
      onlyInCurrent: 1,
    });
    expect(r.exitCode).toBe(1);
  });

  it('numbers are consistent: ratio inside its interval, q >= p, BH over the tested entries', () => {
    const tested = r.entries.filter((e) => e.pSlower !== null);
    expect(tested).toHaveLength(7);
    for (const e of tested) {
      expect(e.ratio!).toBeGreaterThan(e.ci95![0]);
      expect(e.ratio!).toBeLessThan(e.ci95![1]);
      expect(e.qSlower!).toBeGreaterThanOrEqual(e.pSlower!);
      expect(e.ratio).toBeCloseTo(e.current.median! / e.baseline.median!, 14);
    }
    const big = byId(r.entries, 'E2', 'R-A-R-A');
    expect(big.ratio!).toBeGreaterThan(1.4);
    expect(big.pSlower!).toBeLessThan(1e-10);
  });

  it('reports a suite geometric mean over the entries with a ratio', () => {
    const ratios = r.entries.filter((e) => e.ratio !== null).map((e) => e.ratio!);
    const g = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
    expect(r.geomean!.entries).toBe(7);
    expect(r.geomean!.value).toBeCloseTo(g, 12);
    expect(r.geomean!.ci95[0]).toBeLessThan(g);
    expect(r.geomean!.ci95[1]).toBeGreaterThan(g);
  });

  it("is reproducible from its seed, and one entry's interval does not depend on the others", () => {
    expect(compareLuts(baseline, current, opts)).toEqual(r);
    const one = compareLuts(makeLut([baseline.entries[1]!]), makeLut([current.entries[1]!]), opts);
    expect(one.entries[0]!.ci95).toEqual(r.entries[1]!.ci95);
    expect(compareLuts(baseline, current, { ...opts, seed: 2 }).entries[1]!.ci95).not.toEqual(r.entries[1]!.ci95);
  });
});

describe('compareLuts: outcomes and refusals', () => {
  const rng = mulberry32(5);
  const same = (n: number) => {
    const keys = Array.from({ length: n }, (_, i) => blockKey('E1', `V${i}`));
    return {
      baseline: makeLut(keys.map((k) => makeEntry(k, logNormal(30, 10, 0.03, rng)))),
      current: makeLut(keys.map((k) => makeEntry(k, logNormal(30, 10, 0.03, rng)))),
    };
  };

  it('no change on every entry: exit 0', () => {
    const { baseline, current } = same(6);
    const r = compareLuts(baseline, current, opts);
    expect(r.counts.regressed).toBe(0);
    expect(r.counts.unchanged).toBe(6);
    expect(r.exitCode).toBe(0);
  });

  it('only inconclusive entries: exit 2', () => {
    const { baseline, current } = same(2);
    current.entries[0]!.flags = ['trend'];
    const r = compareLuts(baseline, current, opts);
    expect(r.counts).toMatchObject({ inconclusive: 1, unchanged: 1, regressed: 0 });
    expect(r.exitCode).toBe(2);
  });

  it('margin-not-reached downgrades only a median too imprecise for the threshold', () => {
    const key = blockKey('E1', 'R-R');
    const baseline = makeLut([makeEntry(key, logNormal(60, 10, 0.03, rng))]);
    // A precise median (margin well under half the 5% threshold) that missed the 1% target: the
    // interval already carries its noise, so a clear +20% slowdown stays a regression.
    const precise = makeEntry(key, logNormal(60, 12, 0.03, rng), { flags: ['margin-not-reached'] });
    expect(precise.stats!.rme).toBeLessThan(0.025);
    const kept = compareLuts(baseline, makeLut([precise]), opts).entries[0]!;
    expect(kept.verdict).toBe('regressed');
    // Few, noisy samples: the margin exceeds half the threshold, so the verdict cannot be trusted.
    const noisy = makeEntry(key, logNormal(8, 12, 0.2, rng), { flags: ['margin-not-reached'] });
    expect(noisy.stats!.rme).toBeGreaterThan(0.025);
    const downgraded = compareLuts(baseline, makeLut([noisy]), opts).entries[0]!;
    expect(downgraded.verdict).toBe('inconclusive');
    expect(downgraded.reasons.join(' ')).toMatch(
      /current flagged margin-not-reached \(margin ±\d+\.\d% > half the 5% threshold\)/,
    );
  });

  it('a flag with a known size downgrades only a verdict it could have produced', () => {
    const key = blockKey('E1', 'R-R');
    const baseline = makeLut([makeEntry(key, logNormal(60, 10, 0.02, rng))]);
    // Current: two rounds of 30; the second rises linearly by 6% across the round (a trend).
    const rising = (median: number) => {
      const flat = logNormal(30, median, 0.005, rng);
      const ramp = Array.from(
        { length: 30 },
        (_, i) => median * (0.97 + (0.06 * i) / 29) * Math.exp(0.002 * (rng() - 0.5)),
      );
      return makeEntry(key, [...flat, ...ramp], {
        flags: ['trend'],
        sampleRounds: [...Array<number>(30).fill(0), ...Array<number>(30).fill(1)],
        rounds: 2,
      });
    };
    const big = compareLuts(baseline, makeLut([rising(15)]), opts).entries[0]!;
    expect(big.current.trendRise).toBeGreaterThan(0.04);
    expect(big.current.trendRise).toBeLessThan(0.08);
    expect(big.verdict).toBe('regressed'); // +50%: a 6% drift within a round cannot have made it
    const near = compareLuts(baseline, makeLut([rising(11)]), opts).entries[0]!;
    expect(near.statisticalVerdict).toBe('regressed');
    expect(near.verdict).toBe('inconclusive'); // +10%: the interval clears the band by less than the drift
    expect(near.reasons.join(' ')).toMatch(
      /current flagged trend \(a rise of [56]\.\d% within a round, more than the interval clears the band by\)/,
    );
    // A noisy median far past the band: its imprecision cannot have produced a doubling.
    const noisy = makeEntry(key, logNormal(8, 20, 0.2, rng), { flags: ['margin-not-reached'] });
    expect(noisy.stats!.rme).toBeGreaterThan(0.025);
    expect(compareLuts(baseline, makeLut([noisy]), opts).entries[0]!.verdict).toBe('regressed');
  });

  it('no entry in common (another latent, an empty table) is bad input, exit 3, not a pass', () => {
    const l16 = makeLut([makeEntry(blockKey('E1', 'A'), [1, 2, 3])]);
    const l8key = { ...blockKey('E1', 'A'), latent: 8 };
    const cases: [Lut, RegExp][] = [
      [
        makeLut([makeEntry(l8key, [1, 2, 3])]),
        /\(1 entries at latent 8, width 1, fp32\) is in a\.json \(1 entries at latent 16/,
      ],
      [makeLut([]), /no entry of b\.json \(no entries\)/],
    ];
    for (const [current, message] of cases) {
      let error: unknown;
      try {
        compareLuts(l16, current, { ...opts, baselineLabel: 'a.json', currentLabel: 'b.json' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RegressionInputError);
      expect((error as RegressionInputError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/^nothing to compare: /);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses tables from different devices or runtimes unless allowed', () => {
    const { baseline } = same(1);
    for (const over of [
      { fingerprint: 'other' },
      { runner: 'ort-perf-test' },
      { ep: 'qnn-htp' },
      { precision: 'fp16' as const },
    ]) {
      const current = makeLut(baseline.entries, over);
      let error: unknown;
      try {
        compareLuts(baseline, current, { ...opts, baselineLabel: 'a.json', currentLabel: 'b.json' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RegressionInputError);
      expect((error as RegressionInputError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/^cannot compare a\.json with b\.json: different /);
      const allowed = compareLuts(baseline, current, { ...opts, allowMismatch: true });
      expect(allowed.mismatches).toHaveLength(1);
    }
  });

  it('refuses an ok entry without samples, and bad options', () => {
    const { baseline, current } = same(1);
    current.entries[0]!.samples = [];
    expect(() => compareLuts(baseline, current, { ...opts, currentLabel: 'b.json' })).toThrow(
      /b\.json: entries\[0\] \(block\/E1\/V0\/l16\/w1\/fp32\) is ok but has no samples/,
    );
    const ok = same(1);
    expect(() => compareLuts(ok.baseline, ok.current, { threshold: 0 })).toThrow(RegressionInputError);
    expect(() => compareLuts(ok.baseline, ok.current, { alpha: 0.9 })).toThrow(RegressionInputError);
    expect(() => compareLuts(ok.baseline, ok.current, { resamples: 5 })).toThrow(RegressionInputError);
  });

  it('samples of 0 ms make an entry inconclusive instead of a division by zero', () => {
    const key = blockKey('E1', 'Z');
    const r = compareLuts(
      makeLut([makeEntry(key, [0, 0, 0, 0, 0, 0])]),
      makeLut([makeEntry(key, [0, 0, 1, 0, 0, 0])]),
      opts,
    );
    expect(r.entries[0]).toMatchObject({ verdict: 'inconclusive', ratio: null });
    expect(r.entries[0]!.reasons[0]).toMatch(/timer is too coarse/);
  });

  it('notes a model that changed between the tables', () => {
    const { baseline, current } = same(1);
    current.entries[0] = { ...current.entries[0]!, model: { ...current.entries[0]!.model, sha256: 'different' } };
    const r = compareLuts(baseline, current, opts);
    expect(r.entries[0]!.modelChanged).toBe(true);
    expect(r.entries[0]!.reasons.join(' ')).toMatch(/model differs/);
  });
});

describe('between-round drift widens the interval', () => {
  // Ten entries, two rounds of 25 samples each (2% noise within a round). Every round of a table is
  // shifted by a machine-wide factor, as on a host whose speed drifts between rounds.
  function drifting(factors: number[][], shift: number, seed: number) {
    const rng = mulberry32(seed);
    const table = (side: number, scale: number) =>
      makeLut(
        Array.from({ length: 10 }, (_, e) => {
          const median = 5 + 3 * e;
          const samples = factors[side]!.flatMap((f) => logNormal(25, median * f * scale, 0.02, rng));
          return makeEntry(blockKey('E1', `R${'-R'.repeat(e)}`), samples, {
            sampleRounds: factors[side]!.flatMap((_, r) => Array<number>(25).fill(r)),
            rounds: 2,
          });
        }),
      );
    return { baseline: table(0, 1), current: table(1, shift) };
  }

  it('a shift between runs no larger than the drift between rounds is not a regression', () => {
    const { baseline, current } = drifting(
      [
        [1, 1.04],
        [1.1, 1.14],
      ],
      1,
      3,
    );
    const r = compareLuts(baseline, current, opts);
    expect(r.baseline.roundNoise!.tau).toBeGreaterThan(0.02);
    expect(r.baseline.roundNoise!.tau).toBeLessThan(0.035);
    expect(r.baseline.roundNoise!.entries).toBe(10);
    expect(r.counts.regressed).toBe(0);
    const widened = r.entries.filter((e) =>
      e.reasons.some((x) => /drift between rounds.*would say regressed.*--rounds N/.test(x)),
    );
    expect(widened.length).toBeGreaterThan(5);
    for (const e of r.entries) {
      expect(e.ci95![0]).toBeLessThan(e.ci95Sampling![0]);
      expect(e.ci95![1]).toBeGreaterThan(e.ci95Sampling![1]);
      expect(e.roundNoise).toBeGreaterThan(0.02);
    }
    expect(r.geomean!.ci95[0]).toBeLessThan(r.geomean!.ci95Sampling[0]);
    expect(r.notes).toEqual([]);
    for (const e of r.entries) {
      // The drift-aware test is far less sure than the rank test, which sees no drift.
      expect(e.driftTest!.pSlower).toBeGreaterThan(e.pSlower!);
      expect(e.driftTest!.qSlower).toBeGreaterThanOrEqual(e.driftTest!.pSlower);
      expect(e.driftTest!.pSlower + e.driftTest!.pFaster).toBeCloseTo(1, 1); // nearly symmetric in log space
    }
  });

  it('a slowdown well beyond the drift is still caught', () => {
    const { baseline, current } = drifting(
      [
        [1, 1.04],
        [1.1, 1.14],
      ],
      1.5,
      4,
    );
    const r = compareLuts(baseline, current, opts);
    expect(r.counts.regressed).toBe(10);
    expect(r.exitCode).toBe(1);
  });

  it('an entry whose own rounds disagree more than the table does uses its own spread', () => {
    const { baseline, current } = drifting(
      [
        [1, 1.01],
        [1, 1.01],
      ],
      1,
      5,
    );
    const calm = compareLuts(baseline, current, opts).entries[0]!.roundNoise!;
    const wild = structuredClone(baseline);
    const e = wild.entries[0]!;
    e.samples = e.samples.map((x, i) => (i >= 25 ? x * 1.3 : x));
    const r = compareLuts(wild, current, opts);
    expect(r.entries[0]!.roundNoise!).toBeGreaterThan(0.1);
    expect(r.entries[1]!.roundNoise!).toBeLessThan(0.05);
    expect(calm).toBeLessThan(r.entries[0]!.roundNoise!);
  });

  it('tables without rounds keep the bootstrap interval and say the drift is unknown', () => {
    const { baseline, current } = scenarioTables(1);
    const r = compareLuts(baseline, current, opts);
    expect(r.baseline.roundNoise).toBeNull();
    for (const e of r.entries.filter((x) => x.ci95 !== null)) expect(e.ci95).toEqual(e.ci95Sampling);
    expect(r.notes.filter((n) => /no entry has two rounds/.test(n))).toHaveLength(2);
  });
});

describe('identical tables and equivalence', () => {
  const committed = readLut(join(repoRoot, 'reports', 'baselines', 'local.lut.json'));

  it('a real table compared with itself: every entry unchanged, exit 0, at any threshold', () => {
    // The committed baseline has drift between rounds, trend and margin-not-reached flags: none of
    // that can separate a measurement from itself.
    for (const threshold of [0.05, 1]) {
      const r = compareLuts(committed, committed, { ...opts, threshold });
      expect(r.counts).toMatchObject({ compared: 39, unchanged: 39, inconclusive: 0, regressed: 0, improved: 0 });
      expect(r.exitCode).toBe(0);
      expect(r.geomean).toMatchObject({ value: 1, ci95: [1, 1] });
      for (const e of r.entries) {
        expect(e).toMatchObject({ ratio: 1, ci95: [1, 1], verdict: 'unchanged', pSlower: null });
        expect(e.reasons).toEqual([expect.stringMatching(/^the same measurement in both tables/)]);
      }
    }
  });

  it('entries a narrower run kept are unchanged; the re-measured one is still judged', () => {
    const current = structuredClone(committed);
    const slower = current.entries.find((e) => e.id === 'block/E1/R-R/l16/w1/fp32')!;
    slower.samples = slower.samples.map((x) => x * 1.5);
    const r = compareLuts(committed, current, opts);
    expect(r.counts).toMatchObject({ compared: 39, unchanged: 38 });
    const judged = r.entries.find((e) => e.id === slower.id)!;
    expect(judged.pSlower).not.toBeNull();
    expect(judged.statisticalVerdict).toBe('regressed');
  });

  it('one measurement in both tables with too few samples or a throttled flag is still unchanged', () => {
    const entry = makeEntry(blockKey('E1', 'R'), [5, 6, 7], { flags: ['throttled'] });
    const r = compareLuts(makeLut([entry]), makeLut([structuredClone(entry)]), opts);
    expect(r.entries[0]!.verdict).toBe('unchanged');
    // The same samples from other rounds are a different measurement.
    const relabelled = { ...structuredClone(entry), sampleRounds: [0, 1, 1] };
    const other = compareLuts(makeLut([{ ...entry, sampleRounds: [0, 0, 1] }]), makeLut([relabelled]), opts);
    expect(other.entries[0]!.verdict).toBe('inconclusive');
  });

  it('a trend downgrades an unchanged verdict only if it rises more than the interval lies inside the band', () => {
    const rng = mulberry32(23);
    const key = blockKey('E1', 'R-R');
    const rising = () => {
      const flat = logNormal(30, 10, 0.005, rng);
      const ramp = Array.from(
        { length: 30 },
        (_, i) => 10 * (0.97 + (0.06 * i) / 29) * Math.exp(0.002 * (rng() - 0.5)),
      );
      const sampleRounds = [...Array<number>(30).fill(0), ...Array<number>(30).fill(1)];
      return makeEntry(key, [...flat, ...ramp], { flags: ['trend'], sampleRounds, rounds: 2 });
    };
    const baseline = makeLut([rising()]);
    const current = makeLut([rising()]);
    // At a 100% threshold the interval lies far inside the band: a 6% rise cannot have put it there.
    const wide = compareLuts(baseline, current, { ...opts, threshold: 1 }).entries[0]!;
    expect(wide.current.trendRise).toBeGreaterThan(0.04);
    expect(wide).toMatchObject({ statisticalVerdict: 'unchanged', verdict: 'unchanged' });
    // At 5% the interval lies inside by less than the rise: downgraded, and the reason says so truthfully.
    const narrow = compareLuts(baseline, current, opts).entries[0]!;
    expect(narrow).toMatchObject({ statisticalVerdict: 'unchanged', verdict: 'inconclusive' });
    const why = /flagged trend \(a rise of \d\.\d% within a round, more than the interval lies inside the band by\)/;
    expect(narrow.reasons.join(' ')).toMatch(why);
    expect(narrow.reasons.join(' ')).not.toMatch(/clears the band/);
  });

  it('clearance: beyond the band for a change, inside it for unchanged, none for inconclusive', () => {
    expect(clearance('regressed', [1.155, 1.3], 0.05)).toBeCloseTo(0.1, 10);
    expect(clearance('improved', [0.7, 0.8636363636363636], 0.05)).toBeCloseTo(0.1, 10);
    expect(clearance('unchanged', [0.99, 1.01], 0.05)).toBeCloseTo(1.05 / 1.01 - 1, 10);
    expect(clearance('unchanged', [0.5, 1.5], 1)).toBeCloseTo(2 / 1.5 - 1, 10);
    expect(clearance('inconclusive', [0.9, 1.2], 0.05)).toBe(0);
  });
});
