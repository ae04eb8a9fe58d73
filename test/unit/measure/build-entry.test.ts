// LUT entries built from measured rounds (src/lut/build.ts): statistics over the merged samples and
// each flag set exactly when its condition holds.
import { describe, expect, it } from 'vitest';
import { buildEntry } from '../../../src/lut/build.js';
import { lutEntrySchema, type EntryFlag } from '../../../src/lut/schema.js';
import type { RoundRecord } from '../../../src/measure/journal.js';
import type { EntryState } from '../../../src/measure/protocol.js';
import { mergeSettings } from '../../../src/measure/settings.js';
import { mulberry32, relativeMargin, shuffled, summarize, trendTest, tukeyOutliers } from '../../../src/stats/index.js';
import { plannedEntry } from './fakes.js';
import { asOk, asNotOk } from '../../support/lut-entries.js';

const planned = plannedEntry('R-A-R');
const adaptive = mergeSettings({ targetRme: 0.01 });
const fixed = mergeSettings({ minSamples: 20, maxSamples: 20, targetRme: 0 });

function round(index: number, samples: number[], extra: Partial<RoundRecord> = {}): RoundRecord {
  return {
    type: 'round',
    id: planned.id,
    key: planned.key,
    modelSha256: planned.model.sha256,
    round: index,
    kind: 'iteration',
    samples,
    temperatures: { before: { cpu: 40 + index }, after: { cpu: 41 + index } },
    throttled: false,
    hostMs: 100,
    ...extra,
  };
}

/** `n` values evenly spread over [level, level * (1 + spread)] in a seeded order: no outliers, no trend. */
function clean(n: number, level = 10, spread = 0.01, seed = 3): number[] {
  const xs = Array.from({ length: n }, (_, i) => level * (1 + (spread * i) / (n - 1)));
  return shuffled(xs, mulberry32(seed));
}

function build(rounds: RoundRecord[], settings = adaptive, s: Partial<EntryState> = {}) {
  const entry = buildEntry(planned, { rounds, ...s }, settings);
  expect(() => lutEntrySchema.parse(entry)).not.toThrow();
  return entry;
}

const flagsOf = (rounds: RoundRecord[], settings = adaptive): EntryFlag[] => build(rounds, settings).flags;

describe('statistics', () => {
  it('are summarize() of the samples of all rounds in round order, whatever order the rounds came in', () => {
    const r0 = clean(20, 10, 0.01, 1);
    const r1 = clean(20, 10.02, 0.01, 2);
    const r2 = clean(8, 10.01, 0.01, 5);
    // Restored from a journal, rounds may arrive out of order.
    const entry = build([round(1, r1), round(2, r2), round(0, r0)]);
    const all = [...r0, ...r1, ...r2];
    expect(entry.state).toBe('ok');
    expect(entry.samples).toEqual(all);
    expect(asOk(entry).stats).toEqual(summarize(all));
    expect(entry.sampleRounds).toEqual([...r0.map(() => 0), ...r1.map(() => 1), ...r2.map(() => 2)]);
    expect(entry.rounds).toBe(3);
    expect(entry.sampleKind).toBe('iteration');
    expect(entry.targetRme).toBe(0.01);
    expect(entry.model).toEqual({
      sha256: planned.model.sha256,
      params: planned.params,
      macs: planned.macs,
      source: 'generated',
    });
    expect(entry.temperatures).toEqual({ before: { cpu: 40 }, after: { cpu: 43 } });
    expect(entry.hostMs).toBe(300);
  });

  it('records process samples, load times, providers and first warm-ups', () => {
    const entry = build([
      round(0, clean(10, 10, 0.01, 1), {
        kind: 'process',
        warmup: [30, 12],
        loadMs: 50,
        provider: 'CPUExecutionProvider',
      }),
      round(1, clean(10, 10, 0.01, 2), {
        kind: 'process',
        warmup: [31, 12],
        loadMs: 52,
        provider: 'CPUExecutionProvider',
        extra: { stopReason: 'target' },
      }),
    ]);
    expect(entry.sampleKind).toBe('process');
    expect(entry.extra).toMatchObject({
      loadMs: [50, 52],
      provider: 'CPUExecutionProvider',
      firstWarmupMs: [30, 31],
      stopReason: 'target',
    });
  });

  it('a failure or no samples gives a failed entry with the error and no statistics', () => {
    const failure = {
      type: 'failed' as const,
      id: planned.id,
      key: planned.key,
      modelSha256: planned.model.sha256,
      round: 0,
      error: { code: 'NSB_MODEL', message: 'cannot load' },
      permanent: true,
    };
    const failed = build([], adaptive, { failure });
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'NSB_MODEL', message: 'cannot load' }, flags: [] });
    expect(failed).not.toHaveProperty('stats');
    expect(asNotOk(build([])).error).toEqual({ code: 'NSB_NOT_MEASURED', message: 'not measured' });
  });
});

describe('flags', () => {
  it('none on clean, precise samples', () => {
    const r0 = clean(30, 10, 0.01, 1);
    const r1 = clean(30, 10, 0.01, 2);
    expect(relativeMargin([...r0, ...r1])).toBeLessThanOrEqual(0.01);
    expect(flagsOf([round(0, r0), round(1, r1)])).toEqual([]);
  });

  describe('trend', () => {
    it('latency rising with the iteration index within a round', () => {
      const rising = Array.from({ length: 30 }, (_, i) => 10 + 0.05 * i + (i % 3) * 0.01);
      expect(trendTest(rising).rising).toBe(true);
      expect(flagsOf([round(0, clean(30)), round(1, rising)])).toContain('trend');
    });

    it('not for falling latency, a rise below 2% of the median, or a rise only between rounds', () => {
      const falling = Array.from({ length: 30 }, (_, i) => 12 - 0.05 * i);
      expect(flagsOf([round(0, falling)])).not.toContain('trend');
      const slight = Array.from({ length: 30 }, (_, i) => 10 * (1 + (0.01 * i) / 29));
      expect(trendTest(slight).p).toBeLessThan(0.01);
      expect(flagsOf([round(0, slight)])).not.toContain('trend');
      // Each round flat, the second one 5% slower (a rise across processes is not drift within one).
      expect(flagsOf([round(0, clean(20, 10)), round(1, clean(20, 10.5))])).not.toContain('trend');
    });
  });

  describe('outliers', () => {
    it('set when a Tukey-fence outlier is present, which stays in the sample', () => {
      const xs = clean(30);
      xs.splice(15, 0, 30);
      const entry = build([round(0, xs)]);
      expect(entry.flags).toContain('outliers');
      expect(entry.samples).toContain(30);
      const t = tukeyOutliers(xs);
      expect(entry.outliers).toEqual({
        lowMild: t.lowMild,
        highMild: t.highMild,
        lowSevere: t.lowSevere,
        highSevere: t.highSevere,
      });
      expect(entry.outliers!.highSevere).toBe(1);
    });

    it('set for a low outlier too, and only then', () => {
      const xs = clean(30);
      xs.splice(10, 0, 5);
      expect(flagsOf([round(0, xs)])).toContain('outliers');
      const entry = build([round(0, clean(30))]);
      expect(entry.flags).not.toContain('outliers');
      expect(entry.outliers).toEqual({ lowMild: 0, highMild: 0, lowSevere: 0, highSevere: 0 });
    });
  });

  describe('first-run-slow', () => {
    const slowFirst = (factor: number, seed = 1) => {
      const xs = clean(20, 10, 0.01, seed);
      return [10 * factor, ...xs];
    };

    it('the first timed run of a round > 1.5x the median', () => {
      expect(flagsOf([round(0, slowFirst(1.6)), round(1, clean(20, 10, 0.01, 2))])).toContain('first-run-slow');
      // The second process's first run counts as much as the first's.
      expect(flagsOf([round(0, clean(20, 10, 0.01, 2)), round(1, slowFirst(1.6))])).toContain('first-run-slow');
    });

    it('not at 1.4x, and not for a slow run that is not the first', () => {
      expect(flagsOf([round(0, slowFirst(1.4))])).not.toContain('first-run-slow');
      const xs = clean(20);
      xs.splice(5, 0, 20);
      const flags = flagsOf([round(0, xs)]);
      expect(flags).toContain('outliers');
      expect(flags).not.toContain('first-run-slow');
    });
  });

  describe('rounds-disagree', () => {
    it('rounds 5% apart with 1% noise each disagree; rounds 0.5% apart do not', () => {
      expect(flagsOf([round(0, clean(20, 10, 0.01, 1)), round(1, clean(20, 10.5, 0.01, 2))])).toContain(
        'rounds-disagree',
      );
      expect(flagsOf([round(0, clean(20, 10, 0.01, 1)), round(1, clean(20, 10.05, 0.01, 2))])).not.toContain(
        'rounds-disagree',
      );
    });
    it('a real but tiny disagreement (under 2%) is not flagged, nor is one round', () => {
      // Noise of 0.1%: 1.5% apart is far beyond the noise, but below the practical floor.
      expect(flagsOf([round(0, clean(20, 10, 0.001, 1)), round(1, clean(20, 10.15, 0.001, 2))])).not.toContain(
        'rounds-disagree',
      );
      expect(flagsOf([round(0, clean(20, 10, 0.001, 1)), round(1, clean(20, 10.25, 0.001, 2))])).toContain(
        'rounds-disagree',
      );
      expect(flagsOf([round(0, clean(40, 10, 0.3, 1))])).not.toContain('rounds-disagree');
    });
    it('noisy rounds whose medians differ within their noise agree', () => {
      expect(flagsOf([round(0, clean(20, 10, 0.3, 1)), round(1, clean(20, 10.3, 0.3, 2))])).not.toContain(
        'rounds-disagree',
      );
    });
  });

  it('throttled: when any round was throttled, and only then', () => {
    expect(
      flagsOf([round(0, clean(20, 10, 0.01, 1)), round(1, clean(20, 10, 0.01, 2), { throttled: true })]),
    ).toContain('throttled');
    expect(flagsOf([round(0, clean(20, 10, 0.01, 1)), round(1, clean(20, 10, 0.01, 2))])).not.toContain('throttled');
  });

  it('cpu-fallback: when any round ran partly on the CPU', () => {
    expect(flagsOf([round(0, clean(20), { cpuFallback: true })])).toContain('cpu-fallback');
    expect(flagsOf([round(0, clean(20), { cpuFallback: false })])).not.toContain('cpu-fallback');
  });

  describe('margin-not-reached', () => {
    const wide = clean(20, 10, 0.3);

    it('when the relative margin of all samples is above the target', () => {
      const entry = build([round(0, wide)]);
      expect(asOk(entry).stats.rme).toBeGreaterThan(0.01);
      expect(entry.flags).toContain('margin-not-reached');
    });

    it('not when it is at or below the target', () => {
      const tight = clean(40, 10, 0.005);
      expect(summarize(tight).rme).toBeLessThanOrEqual(0.01);
      expect(flagsOf([round(0, tight)])).not.toContain('margin-not-reached');
      // The target is the entry's: a looser one is met by the wide sample.
      const rme = summarize(wide).rme;
      expect(flagsOf([round(0, wide)], mergeSettings({ targetRme: rme }))).not.toContain('margin-not-reached');
      expect(flagsOf([round(0, wide)], mergeSettings({ targetRme: rme * 0.99 }))).toContain('margin-not-reached');
    });

    it('never with a fixed count (--iterations: target 0)', () => {
      const entry = build([round(0, wide)], fixed);
      expect(entry.targetRme).toBe(0);
      expect(entry.flags).not.toContain('margin-not-reached');
    });
  });

  it('several flags at once, each for its own reason', () => {
    const rising = Array.from({ length: 30 }, (_, i) => 10 + 0.1 * i);
    const flags = flagsOf([
      round(0, [25, ...clean(20, 10, 0.3)], { throttled: true, cpuFallback: true }),
      round(1, rising),
    ]);
    expect([...flags].sort()).toEqual(
      ['cpu-fallback', 'first-run-slow', 'margin-not-reached', 'outliers', 'throttled', 'trend'].sort(),
    );
  });
});
