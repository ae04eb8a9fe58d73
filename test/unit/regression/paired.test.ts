import { describe, expect, it } from 'vitest';
import {
  comparePaired,
  decidePairedVerdict,
  pairedDefaults,
  pairedLogRatios,
  pairedTest,
  pairKey,
} from '../../../src/compare/paired.js';
import { compareLuts } from '../../../src/compare/compare.js';
import type { Lut } from '../../../src/lut/schema.js';
import { gaussian, median, mulberry32 } from '../../../src/stats/index.js';
import { blockKey, logNormal, makeEntry, makeLut } from './fixtures.js';

interface Session {
  entries?: number;
  rounds?: number;
  perRound?: number;
  /** sd of the machine's speed between rounds: shared by the two visits of a round. */
  drift?: number;
  /** sd of the speed change between the two visits of one round (not shared). */
  jitter?: number;
  /** Current/baseline change per entry index (default 1). */
  change?: Record<number, number>;
  seed: number;
}

/** Two sides of one interleaved session on a machine whose speed wanders from round to round. */
function session(s: Session): { baseline: Lut; current: Lut } {
  const rng = mulberry32(s.seed);
  const n = s.entries ?? 10;
  const rounds = s.rounds ?? 8;
  const perRound = s.perRound ?? 15;
  const sides: { samples: number[]; sampleRounds: number[] }[][] = [[], []];
  for (let e = 0; e < n; e++) for (const side of sides) side.push({ samples: [], sampleRounds: [] });
  for (let r = 0; r < rounds; r++) {
    const machine = Math.exp((s.drift ?? 0.05) * gaussian(rng));
    for (let e = 0; e < n; e++) {
      sides.forEach((side, k) => {
        const level =
          (5 + 3 * e) * machine * Math.exp((s.jitter ?? 0.01) * gaussian(rng)) * (k === 1 ? (s.change?.[e] ?? 1) : 1);
        side[e]!.samples.push(...logNormal(perRound, level, 0.03, rng));
        side[e]!.sampleRounds.push(...Array<number>(perRound).fill(r));
      });
    }
  }
  const table = (k: number) =>
    makeLut(sides[k]!.map((x, e) => makeEntry(blockKey('E1', `R${'-R'.repeat(e)}`), x.samples, { ...x, rounds })));
  return { baseline: table(0), current: table(1) };
}

describe('paired round ratios', () => {
  it("pairs rounds by number and takes each round's median", () => {
    const base = makeEntry(blockKey('E1', 'R'), [10, 11, 12, 20, 20, 20, 7], { sampleRounds: [0, 0, 0, 1, 1, 1, 2] });
    const cur = makeEntry(blockKey('E1', 'R'), [22, 22, 33, 11, 12, 13], { sampleRounds: [1, 1, 1, 0, 0, 0] });
    // Round 2 was measured on one side only: it has no pair.
    expect(pairedLogRatios(base, cur)).toEqual([Math.log(12 / 11), Math.log(22 / 20)]);
  });

  it('the t-interval and t test of the mean log ratio, by hand', () => {
    const d = [0.01, 0.03, 0.02, 0.06];
    const mean = 0.03;
    const sd = Math.sqrt((0.02 ** 2 + 0 + 0.01 ** 2 + 0.03 ** 2) / 3);
    const t = pairedTest(d);
    expect(t.ratio).toBeCloseTo(Math.exp(mean), 12);
    expect(t.stats).toMatchObject({ rounds: 4, df: 3 });
    expect(t.stats.sd).toBeCloseTo(sd, 12);
    expect(t.stats.t).toBeCloseTo(mean / (sd / 2), 10);
    // t(0.975, 3) = 3.18245
    expect(Math.log(t.ci95[1]) - mean).toBeCloseTo((3.18245 * sd) / 2, 4);
    expect(t.pSlower + t.pFaster).toBeCloseTo(1, 12);
    expect(t.pSlower).toBeLessThan(0.05);
    expect(t.pTwoSided).toBeCloseTo(2 * t.pSlower, 12);
  });

  it('rounds agreeing exactly leave an exact mean', () => {
    const t = pairedTest([0.1, 0.1, 0.1]);
    expect(t.ci95[0]).toBeCloseTo(Math.exp(0.1), 12);
    expect(t.pSlower).toBe(0);
    expect(pairedTest([0, 0, 0]).pSlower).toBe(0.5);
  });

  it('the rule: interval and test must agree, as with two tables', () => {
    const base = { ratio: 1.05, qSlower: 0.001, qFaster: 1, rounds: 8, threshold: 0.02, alpha: 0.01 };
    expect(decidePairedVerdict({ ...base, ci95: [1.03, 1.07] }).verdict).toBe('regressed');
    expect(decidePairedVerdict({ ...base, ci95: [1.03, 1.07], qSlower: 0.2 }).reasons[0]).toMatch(
      /paired t test is not significant/,
    );
    expect(decidePairedVerdict({ ...base, ratio: 1, ci95: [0.99, 1.01] }).verdict).toBe('unchanged');
    expect(decidePairedVerdict({ ...base, ratio: 1, ci95: [0.95, 1.06] }).reasons[0]).toMatch(
      /8 paired rounds disagree/,
    );
    expect(decidePairedVerdict({ ...base, ratio: 1.02, ci95: [1.01, 1.03] }).reasons[0]).toMatch(
      /close to the threshold/,
    );
  });
});

describe('comparePaired', () => {
  it('a machine drifting 8% between rounds: no change is neither regressed nor improved', () => {
    const { baseline, current } = session({ seed: 3, drift: 0.08 });
    const r = comparePaired(baseline, current);
    expect(r.mode).toBe('paired');
    expect(r.options.threshold).toBe(pairedDefaults.threshold);
    expect(r.counts).toMatchObject({ compared: 10, regressed: 0, improved: 0 });
    expect(r.counts.unchanged).toBeGreaterThanOrEqual(3);
    expect(r.geomean!.ci95[0]).toBeLessThan(1);
    expect(r.geomean!.ci95[1]).toBeGreaterThan(1);
    for (const e of r.entries) {
      expect(e.paired).toMatchObject({ rounds: 8, df: 7 });
      expect(e.ci95![0]).toBeLessThanOrEqual(e.ratio!);
      expect(e.qSlower!).toBeGreaterThanOrEqual(e.pSlower!);
    }
  });

  it('finds a +5% change of one entry and no other', () => {
    let found = 0;
    for (let seed = 10; seed < 30; seed++) {
      const r = comparePaired(...(Object.values(session({ seed, change: { 4: 1.05 } })) as [Lut, Lut]));
      const changed = r.entries[4]!;
      if (changed.verdict === 'regressed') found++;
      expect(r.entries.filter((e, i) => i !== 4 && (e.verdict === 'regressed' || e.verdict === 'improved'))).toEqual(
        [],
      );
      expect(changed.ci95![0]).toBeLessThan(1.05);
      expect(changed.ci95![1]).toBeGreaterThan(1.05 * 0.99);
    }
    expect(found).toBeGreaterThanOrEqual(18);
  });

  it('a real slowdown of every entry is regressed, exit 1', () => {
    const r = comparePaired(
      ...(Object.values(
        session({ seed: 4, change: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, 1.4])) }),
      ) as [Lut, Lut]),
    );
    expect(r.counts.regressed).toBe(10);
    expect(r.exitCode).toBe(1);
    expect(r.geomean!.value).toBeGreaterThan(1.35);
  });

  it('the same tables compared as two tables call the drift a change; pairing does not', () => {
    // With drift shared round by round and large (10%), the two tables' verdict cannot tell.
    const { baseline, current } = session({ seed: 5, drift: 0.1, change: { 0: 1.1 } });
    const paired = comparePaired(baseline, current);
    const tables = compareLuts(baseline, current, { resamples: 1000 });
    expect(paired.entries[0]!.verdict).toBe('regressed');
    expect(tables.entries[0]!.verdict).not.toBe('regressed');
  });

  it('sides of different precision pair by catalogue item and shape', () => {
    const { baseline, current } = session({ seed: 6, entries: 3 });
    const fp16 = structuredClone(current);
    for (const e of fp16.entries) {
      e.key = { ...e.key, precision: 'fp16' };
      e.id = e.id.replace('fp32', 'fp16');
    }
    fp16.runtime.precision = 'fp16';
    const r = comparePaired(baseline, fp16);
    expect(r.counts.compared).toBe(3);
    expect(r.mismatches).toEqual([{ field: 'precision', baseline: 'fp32', current: 'fp16' }]);
    expect(pairKey(baseline.entries[0]!)).toBe(pairKey(fp16.entries[0]!));
  });

  it('too few rounds, a failed side and a throttled side are inconclusive, saying why', () => {
    const { baseline, current } = session({ seed: 7, entries: 3, rounds: 4 });
    const cur = structuredClone(current);
    const two = cur.entries[0]!;
    two.sampleRounds = two.sampleRounds!.map((r) => Math.min(r, 1));
    cur.entries[1] = {
      ...cur.entries[1]!,
      state: 'failed',
      samples: [],
      sampleRounds: [],
      error: { code: 'NSB_MODEL', message: 'bad' },
    };
    cur.entries[2]!.flags = ['throttled'];
    const r = comparePaired(baseline, cur);
    expect(r.entries.map((e) => e.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive']);
    expect(r.entries[0]!.reasons[0]).toMatch(/only 2 rounds were measured on both sides.*--rounds N/);
    expect(r.entries[1]!.reasons[0]).toMatch(/failed on the current side \(NSB_MODEL: bad\)/);
    expect(r.entries[2]!.reasons.join(' ')).toMatch(/current flagged throttled/);
    expect(r.entries[2]!.statisticalVerdict).not.toBeNull();
    expect(r.exitCode).toBe(2);
  });

  it('refuses sides with nothing in common', () => {
    const { baseline } = session({ seed: 8, entries: 2 });
    const other = makeLut([makeEntry(blockKey('D1', 'R'), [1, 2, 3])]);
    expect(() => comparePaired(baseline, other)).toThrow(/nothing to compare/);
  });

  it('the suite interval comes from the rounds', () => {
    const { baseline, current } = session({
      seed: 9,
      change: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, 1.1])),
    });
    const r = comparePaired(baseline, current);
    const g = r.geomean!;
    expect(g.ci95[0]).toBeLessThan(g.value);
    expect(g.ci95[0]).toBeGreaterThan(1.05);
    expect(median(r.entries.map((e) => e.ratio!))).toBeCloseTo(1.1, 1);
  });
});
