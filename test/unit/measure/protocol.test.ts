// The adaptive measurement protocol (src/measure/protocol.ts) against an in-memory device and runner
// (./fakes.ts): when sampling stops, `--iterations N`, the seeded round order, extra rounds, the
// thermal gate, retries and device failures, and runners that print one aggregate per process.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { measureOptions, measureOptionsFrom } from '../../../src/cli/measure-flags.js';
import { DeviceError, InterruptedError, ModelError, RunnerError } from '../../../src/errors.js';
import { buildEntry } from '../../../src/lut/build.js';
import { lutEntrySchema } from '../../../src/lut/schema.js';
import type { FailureRecord, RoundRecord } from '../../../src/measure/journal.js';
import type { EntryState, PlannedEntry } from '../../../src/measure/protocol.js';
import {
  DEFAULT_SETTINGS,
  mergeSettings,
  type MeasureSettings,
  type SettingsOverride,
} from '../../../src/measure/settings.js';
import type { ThermalPolicy } from '../../../src/measure/thermal-gate.js';
import { relativeMargin, summarize } from '../../../src/stats/index.js';
import {
  FakeTransport,
  fakeRunner,
  harness,
  noisy,
  plannedEntries,
  plannedEntry,
  profile,
  type FakeRunnerOptions,
  type SampleFn,
} from './fakes.js';
import { asOk, asNotOk } from '../../support/lut-entries.js';

const settingsWith = (over: SettingsOverride = {}): MeasureSettings => mergeSettings({ warmup: 0, ...over });

/**
 * Settings as `bench blocks <flags>` makes them: the CLI flags over the given layers (as src/app/blocks.ts
 * merges them).
 */
function cliSettings(args: string[], ...layers: (SettingsOverride | undefined)[]): MeasureSettings {
  const parsed = parseArgs({ args, options: measureOptions, allowPositionals: true, strict: true });
  const sink = { write: () => true };
  const o = measureOptionsFrom(
    { values: parsed.values, positionals: parsed.positionals },
    { stdout: sink, stderr: sink, signal: new AbortController().signal, env: {} },
  );
  return mergeSettings(...layers, o.settings);
}

const merged = (s: EntryState): number[] => [...s.rounds].sort((a, b) => a.round - b.round).flatMap((r) => r.samples);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const constant =
  (ms: number): SampleFn =>
  () =>
    ms;

async function measure(
  o: FakeRunnerOptions & {
    entries?: PlannedEntry[];
    settings: MeasureSettings;
    thermal?: ThermalPolicy;
    transport?: FakeTransport;
  },
) {
  const runner = fakeRunner({ seed: o.settings.seed, ...o });
  const entries = o.entries ?? plannedEntries(3);
  const h = harness({
    runner,
    entries,
    settings: o.settings,
    ...(o.thermal ? { thermal: o.thermal } : {}),
    ...(o.transport ? { transport: o.transport } : {}),
  });
  const state = await h.run();
  const built = new Map(entries.map((e) => [e.id, buildEntry(e, state.get(e.id)!, o.settings)]));
  // Outside the failure tests, every entry must be measured.
  if (!o.fail && !o.failStage)
    expect(entries.filter((e) => state.get(e.id)!.failure).map((e) => state.get(e.id)!.failure!.error.message)).toEqual(
      [],
    );
  return { ...h, runner, entries, state, built };
}

describe('sampling until precise', () => {
  it('a low-noise entry stops at the minimum sample count once its margin is reached', async () => {
    const settings = settingsWith({ minSamples: 20 });
    const r = await measure({ samples: noisy(10, 0.001), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      const xs = merged(s);
      expect(xs).toHaveLength(20);
      expect(s.rounds.map((x) => x.round)).toEqual([0, 1]);
      expect(relativeMargin(xs)).toBeLessThanOrEqual(settings.targetRme);
      const entry = r.built.get(e.id)!;
      expect(entry.state).toBe('ok');
      expect(entry.flags).not.toContain('margin-not-reached');
      expect(asOk(entry).stats).toEqual(summarize(xs));
      expect(() => lutEntrySchema.parse(entry)).not.toThrow();
    }
    // The runner is told the target, so it can stop early within a round.
    expect(r.runner.calls.every((c) => c.request.targetRme === settings.targetRme)).toBe(true);
  });

  it.each([
    [10, 1],
    [10, 3],
    [20, 2],
    [30, 3],
    [40, 2],
  ])(
    'the minimum sample count (%i, %i rounds) holds even for samples with no spread at all',
    async (minSamples, rounds) => {
      const settings = settingsWith({ minSamples, rounds, maxRounds: rounds + 2 });
      const r = await measure({ samples: constant(7), settings });
      for (const e of r.entries) {
        const s = r.state.get(e.id)!;
        expect(merged(s).length).toBeGreaterThanOrEqual(minSamples);
        expect(merged(s).length).toBeLessThan(settings.maxSamples);
        // Precise from the start: no extra round.
        expect(s.rounds).toHaveLength(rounds);
      }
    },
  );

  it('a moderately noisy entry samples beyond the minimum, stops once precise, before the caps', async () => {
    const settings = settingsWith({ minSamples: 10 });
    const r = await measure({ samples: noisy(10, 0.03), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      const xs = merged(s);
      expect(xs.length).toBeGreaterThan(settings.minSamples);
      expect(xs.length).toBeLessThan(settings.maxSamples);
      expect(sum(xs)).toBeLessThan(settings.maxTimeMs);
      expect(relativeMargin(xs)).toBeLessThanOrEqual(settings.targetRme);
      // No round after the margin was reached: every extra round started with the margin still missed.
      const sorted = [...s.rounds].sort((a, b) => a.round - b.round);
      for (const round of sorted.filter((x) => x.round >= settings.rounds)) {
        const before = sorted.filter((x) => x.round < round.round).flatMap((x) => x.samples);
        expect(relativeMargin(before)).toBeGreaterThan(settings.targetRme);
      }
      expect(r.built.get(e.id)!.flags).not.toContain('margin-not-reached');
    }
  });

  it('a noisy entry is sampled up to the sample cap and flagged margin-not-reached', async () => {
    const settings = settingsWith({ minSamples: 20, maxSamples: 300 });
    const r = await measure({ samples: noisy(1, 0.3), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      const xs = merged(s);
      expect(xs).toHaveLength(300);
      expect(relativeMargin(xs)).toBeGreaterThan(settings.targetRme);
      // Both rounds took a share; the cap leaves nothing for an extra round.
      expect(s.rounds.map((x) => x.round)).toEqual([0, 1]);
      expect(s.rounds.every((x) => x.samples.length >= 5)).toBe(true);
      const entry = r.built.get(e.id)!;
      expect(entry.flags).toContain('margin-not-reached');
      expect(asOk(entry).stats.rme).toBeGreaterThan(settings.targetRme);
    }
  });

  it('a noisy entry is sampled up to the time cap and flagged margin-not-reached', async () => {
    const settings = settingsWith({ minSamples: 10, maxTimeMs: 400 });
    const r = await measure({ samples: noisy(10, 0.3), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      const xs = merged(s);
      expect(sum(xs)).toBeGreaterThanOrEqual(settings.maxTimeMs - 1);
      expect(xs.length).toBeLessThan(settings.maxSamples);
      // No round starts once the time cap is used up.
      const sorted = [...s.rounds].sort((a, b) => a.round - b.round);
      expect(sum(sorted.slice(0, -1).flatMap((x) => x.samples))).toBeLessThan(settings.maxTimeMs);
      expect(s.rounds.length).toBeLessThanOrEqual(settings.maxRounds);
      expect(r.built.get(e.id)!.flags).toContain('margin-not-reached');
    }
  });

  it('every round and every visit is in the journal, in order', async () => {
    const settings = settingsWith({ minSamples: 10 });
    const r = await measure({ samples: noisy(10, 0.005), settings });
    const lines = r.journal.read();
    expect(lines[0]!.type).toBe('header');
    const rounds = lines.filter((l): l is RoundRecord => l.type === 'round');
    expect(rounds.map((l) => ({ id: l.id, round: l.round }))).toEqual(r.visits);
    for (const e of r.entries) {
      expect(rounds.filter((l) => l.id === e.id).flatMap((l) => l.samples)).toEqual(merged(r.state.get(e.id)!));
    }
  });
});

describe('--iterations N: exactly N samples', () => {
  it('the flag means minSamples = maxSamples = N, no margin target, no time cap', () => {
    const s = cliSettings(['--iterations', '12']);
    expect(s).toMatchObject({ minSamples: 12, maxSamples: 12, targetRme: 0, rounds: DEFAULT_SETTINGS.rounds });
    expect(s.maxTimeMs).toBeGreaterThan(1e12);
    const ten = cliSettings(['--iterations', '10', '--rounds', '2']);
    expect(ten).toMatchObject({ minSamples: 10, maxSamples: 10, targetRme: 0, rounds: 2, maxRounds: 2 });
    // --target-rme and --max-time-ms do not loosen a fixed count.
    expect(cliSettings(['--iterations', '5', '--target-rme', '2%', '--max-time-ms', '10'])).toMatchObject({
      targetRme: 0,
      maxSamples: 5,
    });
  });

  const cases: [string[], number, number][] = [
    // [flags, N, rounds the entry gets]
    [['--iterations', '3'], 3, 1],
    [['--iterations', '12'], 12, 2],
    [['--iterations', '12', '--rounds', '2'], 12, 2],
    [['--iterations', '7', '--rounds', '2'], 7, 2],
    [['--iterations', '10', '--rounds', '2'], 10, 2],
    [['--iterations', '12', '--rounds', '3'], 12, 3],
    [['--iterations', '25', '--rounds', '3'], 25, 3],
    [['--iterations', '40', '--rounds', '1'], 40, 1],
  ];
  it('--rounds that N samples cannot fill (each round takes at least 5) is refused, not quietly lowered', () => {
    for (const [n, rounds, most] of [
      [3, 2, 1],
      [1, 2, 1],
      [10, 4, 2],
    ] as const) {
      const flags = ['--iterations', String(n), '--rounds', String(rounds)];
      const message = `--rounds ${rounds} with --iterations ${n}: every round takes at least 5 samples`;
      expect(() => cliSettings(flags)).toThrow(`${message}, so ${n} samples make at most ${most} rounds`);
    }
  });
  it.each(cases)('%j -> exactly %i samples in %i round(s)', async (flags, n, rounds) => {
    for (const samples of [noisy(10, 0.3), constant(5)]) {
      const settings = cliSettings(flags);
      const r = await measure({ samples, settings, entries: plannedEntries(4) });
      for (const e of r.entries) {
        const s = r.state.get(e.id)!;
        expect(s.failure).toBeUndefined();
        expect(merged(s)).toHaveLength(n);
        expect(s.rounds).toHaveLength(rounds);
        expect(s.rounds.every((x) => x.samples.length > 0)).toBe(true);
        // Each round is a real share (at least 5 samples) whenever N allows it.
        if (n >= 5 * settings.rounds) expect(s.rounds.every((x) => x.samples.length >= 5)).toBe(true);
        const entry = r.built.get(e.id)!;
        expect(entry.state).toBe('ok');
        expect(entry.samples).toHaveLength(n);
        expect(entry.flags).not.toContain('margin-not-reached');
      }
      // The runner is asked for a fixed count: no early stop.
      expect(
        r.runner.calls.every((c) => c.request.minIterations === c.request.maxIterations && c.request.targetRme === 0),
      ).toBe(true);
    }
  });

  it.each([3, 12])(
    '--iterations %i over the local profile (4 rounds of at least 5 samples there) still gives exactly N',
    async (n) => {
      const settings = cliSettings(['--iterations', String(n)], profile().measure);
      expect(settings.rounds).toBe(4);
      const r = await measure({ samples: noisy(10, 0.2), settings });
      for (const e of r.entries) {
        expect(r.state.get(e.id)!.failure).toBeUndefined();
        expect(merged(r.state.get(e.id)!)).toHaveLength(n);
      }
    },
  );
});

describe('rounds in a seeded random order', () => {
  const orders = (visits: { id: string; round: number }[], rounds: number) =>
    Array.from({ length: rounds }, (_, round) => visits.filter((v) => v.round === round).map((v) => v.id));
  const run = async (seed: number) => {
    const settings = settingsWith({ minSamples: 15, maxSamples: 15, targetRme: 0, rounds: 3, maxRounds: 3, seed });
    return measure({ samples: constant(1), settings, entries: plannedEntries(8) });
  };

  it('visits every entry once per round, in an order that differs between rounds', async () => {
    const r = await run(1);
    const ids = r.entries.map((e) => e.id);
    const [o0, o1, o2] = orders(r.visits, 3);
    for (const o of [o0!, o1!, o2!]) expect([...o].sort()).toEqual([...ids].sort());
    expect(o0).not.toEqual(o1);
    expect(o1).not.toEqual(o2);
    expect(o0).not.toEqual(o2);
    // The runner ran them in that order.
    expect(r.runner.calls.map((c) => `${c.round}:${c.label}`)).toEqual(
      r.visits.map((v) => `${v.round}:${r.entries.find((e) => e.id === v.id)!.model.label}`),
    );
  });

  it('the same seed gives the same order; another seed another', async () => {
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(b.visits).toEqual(a.visits);
    expect(c.visits).not.toEqual(a.visits);
  });

  it('the order is not the catalogue order: over seeds, every entry is sometimes visited first', async () => {
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const r = await run(seed);
      for (const o of orders(r.visits, 3)) firsts.add(o[0]!);
    }
    expect(firsts.size).toBe(8);
  });
});

describe('extra rounds', () => {
  // `shifting`: precise within each round, but its level moves 5% per round, so the merged margin
  // never reaches 1%; `steady` is precise after the regular rounds.
  const steady = plannedEntry('steady');
  const shifting = plannedEntry('shifting');
  const samples: SampleFn = (spot) =>
    spot.label === 'shifting' ? noisy((x) => 10 * (1 + 0.05 * x.round), 0.0005)(spot) : noisy(10, 0.002)(spot);

  it.each([2, 3, 4, 6])(
    'only entries whose margin is not reached get them, up to maxRounds = %i',
    async (maxRounds) => {
      const settings = settingsWith({ minSamples: 10, rounds: 2, maxRounds });
      const r = await measure({ samples, settings, entries: [steady, shifting] });
      expect(r.state.get(steady.id)!.rounds.map((x) => x.round)).toEqual([0, 1]);
      expect(r.state.get(shifting.id)!.rounds.map((x) => x.round)).toEqual(
        Array.from({ length: maxRounds }, (_, i) => i),
      );
      expect(r.visits.filter((v) => v.round >= 2).every((v) => v.id === shifting.id)).toBe(true);
      expect(r.built.get(shifting.id)!.flags).toContain('margin-not-reached');
      expect(r.built.get(steady.id)!.flags).not.toContain('margin-not-reached');
      expect(r.built.get(shifting.id)!.rounds).toBe(maxRounds);
      const rounds = [...r.state.get(shifting.id)!.rounds].sort((a, b) => a.round - b.round);
      expect(r.built.get(shifting.id)!.sampleRounds).toEqual(rounds.flatMap((x) => x.samples.map(() => x.round)));
    },
  );

  it('stop at the sample cap before maxRounds', async () => {
    const settings = settingsWith({ minSamples: 10, maxSamples: 24, rounds: 2, maxRounds: 10 });
    const r = await measure({ samples, settings, entries: [shifting] });
    const s = r.state.get(shifting.id)!;
    expect(merged(s)).toHaveLength(24);
    expect(s.rounds.length).toBeGreaterThan(2);
    expect(s.rounds.length).toBeLessThan(10);
  });

  it('stop at the time cap before maxRounds', async () => {
    const settings = settingsWith({ minSamples: 10, maxTimeMs: 150, rounds: 2, maxRounds: 10 });
    const r = await measure({ samples, settings, entries: [shifting] });
    const s = r.state.get(shifting.id)!;
    expect(s.rounds.length).toBeGreaterThan(2);
    expect(s.rounds.length).toBeLessThan(10);
    const sorted = [...s.rounds].sort((a, b) => a.round - b.round);
    expect(sum(sorted.slice(0, -1).flatMap((x) => x.samples))).toBeLessThan(150);
    expect(sum(merged(s))).toBeGreaterThanOrEqual(149);
  });
});

describe('thermal gate', () => {
  const settings = settingsWith({ minSamples: 5, maxSamples: 5, targetRme: 0, rounds: 1, maxRounds: 1 });
  const reading = (cpu: number, throttling = false) => ({ temperatures: { cpu, battery: 30 }, throttling });

  it('waits above the limit until the device cools, then records temperatures before and after', async () => {
    // Hot for the first three reads, then cooling: 80 before the entry, 82 after it.
    const transport = new FakeTransport((call) => (call < 3 ? reading(95) : reading(80 + 2 * (call - 3))));
    const thermal: ThermalPolicy = { sensors: [], limitC: 90, cooldownMaxMs: 5_000, pollMs: 5 };
    const r = await measure({ samples: constant(3), settings, entries: [plannedEntry('a')], thermal, transport });
    expect(r.thermalWaits).toEqual([
      { tempC: 95, limitC: 90 },
      { tempC: 95, limitC: 90 },
      { tempC: 95, limitC: 90 },
    ]);
    const round = r.state.get(r.entries[0]!.id)!.rounds[0]!;
    expect(round.temperatures).toEqual({ before: { cpu: 80, battery: 30 }, after: { cpu: 82, battery: 30 } });
    expect(round.throttled).toBe(false);
    const entry = r.built.get(r.entries[0]!.id)!;
    expect(entry.temperatures).toEqual({ before: { cpu: 80, battery: 30 }, after: { cpu: 82, battery: 30 } });
    expect(entry.flags).not.toContain('throttled');
  });

  it('a device that never cools is measured after the cool-down cap and flagged throttled', async () => {
    const transport = new FakeTransport(() => reading(95));
    const thermal: ThermalPolicy = { sensors: [], limitC: 90, cooldownMaxMs: 40, pollMs: 5 };
    const started = performance.now();
    const r = await measure({ samples: constant(3), settings, entries: plannedEntries(2), thermal, transport });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 35);
    expect(r.thermalWaits.length).toBeGreaterThanOrEqual(2);
    for (const e of r.entries) {
      const round = r.state.get(e.id)!.rounds[0]!;
      expect(round.throttled).toBe(true);
      expect(round.temperatures).toEqual({ before: { cpu: 95, battery: 30 }, after: { cpu: 95, battery: 30 } });
      const entry = r.built.get(e.id)!;
      expect(entry.state).toBe('ok');
      expect(entry.samples).toHaveLength(5);
      expect(entry.flags).toContain('throttled');
    }
  });

  it('a device reporting throttling waits like a hot one; throttling after the run flags the entry', async () => {
    const cools = new FakeTransport((call) => reading(60, call < 2));
    const thermal: ThermalPolicy = { sensors: [], limitC: 90, cooldownMaxMs: 5_000, pollMs: 5 };
    const a = await measure({
      samples: constant(3),
      settings,
      entries: [plannedEntry('a')],
      thermal,
      transport: cools,
    });
    expect(a.thermalWaits).toHaveLength(2);
    expect(a.built.get(a.entries[0]!.id)!.flags).not.toContain('throttled');

    // Cool and quiet before the entry, throttling by the end of it.
    const heats = new FakeTransport((call) => reading(60, call >= 1));
    const b = await measure({
      samples: constant(3),
      settings,
      entries: [plannedEntry('a')],
      thermal,
      transport: heats,
    });
    expect(b.thermalWaits).toHaveLength(0);
    expect(b.built.get(b.entries[0]!.id)!.flags).toContain('throttled');
  });

  it('only the profile sensors count; without a limit nothing waits but temperatures are recorded', async () => {
    const hotBattery = () => new FakeTransport(() => ({ temperatures: { cpu: 50, battery: 99 }, throttling: false }));
    const a = await measure({
      samples: constant(3),
      settings,
      entries: [plannedEntry('a')],
      thermal: { sensors: ['CPU'], limitC: 90, cooldownMaxMs: 5_000, pollMs: 5 },
      transport: hotBattery(),
    });
    expect(a.thermalWaits).toHaveLength(0);
    expect(a.built.get(a.entries[0]!.id)!.flags).not.toContain('throttled');

    const b = await measure({
      samples: constant(3),
      settings,
      entries: [plannedEntry('a')],
      thermal: { sensors: [], cooldownMaxMs: 5_000, pollMs: 5 },
      transport: hotBattery(),
    });
    expect(b.thermalWaits).toHaveLength(0);
    expect(b.built.get(b.entries[0]!.id)!.temperatures).toEqual({
      before: { cpu: 50, battery: 99 },
      after: { cpu: 50, battery: 99 },
    });
  });

  it('a device that cannot report temperatures is measured anyway, with none recorded', async () => {
    const transport = new FakeTransport(() => {
      throw new Error('no thermal zones');
    });
    const r = await measure({
      samples: constant(3),
      settings,
      entries: [plannedEntry('a')],
      thermal: { sensors: [], limitC: 90, cooldownMaxMs: 5_000, pollMs: 5 },
      transport,
    });
    const entry = r.built.get(r.entries[0]!.id)!;
    expect(entry.state).toBe('ok');
    expect(entry.temperatures).toEqual({ before: {}, after: {} });
  });

  it('Ctrl-C during a cool-down ends the wait at once', async () => {
    const controller = new AbortController();
    const runner = fakeRunner({ samples: constant(3) });
    const h = harness({
      runner,
      entries: [plannedEntry('a')],
      settings,
      transport: new FakeTransport(() => reading(95)),
      thermal: { sensors: [], limitC: 90, cooldownMaxMs: 60_000, pollMs: 10_000 },
      signal: controller.signal,
    });
    const started = performance.now();
    setTimeout(() => controller.abort(new InterruptedError('interrupted by SIGINT')), 30);
    await expect(h.run()).rejects.toThrow(/interrupted by SIGINT/);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(runner.calls).toHaveLength(0);
  });
});

describe('failures', () => {
  const settings = settingsWith({ minSamples: 10, maxSamples: 10, targetRme: 0, rounds: 2, maxRounds: 2 });
  const failures = (r: { journal: { read(): unknown[] } }) =>
    r.journal.read().filter((l): l is FailureRecord => (l as FailureRecord).type === 'failed');

  it('a model the runtime cannot load fails for good: no retry, no later round', async () => {
    const entries = [plannedEntry('bad'), ...plannedEntries(3)];
    const bad = entries[0]!;
    const r = await measure({
      samples: constant(2),
      settings,
      entries,
      fail: (label) =>
        label === 'bad' ? new ModelError('the runtime cannot load model bad: Unsupported op') : undefined,
    });
    expect(r.runner.runAttempts.get('bad')).toBe(1);
    const s = r.state.get(bad.id)!;
    expect(s.failure).toMatchObject({
      type: 'failed',
      id: bad.id,
      round: 0,
      permanent: true,
      error: { code: 'NSB_MODEL' },
    });
    expect(r.visits.filter((v) => v.id === bad.id).map((v) => v.round)).toEqual([0]);
    expect(failures(r)).toHaveLength(1);
    const entry = r.built.get(bad.id)!;
    expect(entry.state).toBe('failed');
    expect(asNotOk(entry).error).toEqual({
      code: 'NSB_MODEL',
      message: 'the runtime cannot load model bad: Unsupported op',
    });
    expect(() => lutEntrySchema.parse(entry)).not.toThrow();
    // The others are measured as usual.
    for (const e of entries.slice(1)) expect(r.built.get(e.id)!).toMatchObject({ state: 'ok', rounds: 2 });
  });

  it('a ModelError while staging is not retried either', async () => {
    const r = await measure({
      samples: constant(2),
      settings,
      entries: [plannedEntry('bad')],
      failStage: () => new ModelError('bad.onnx is not an ONNX model'),
    });
    expect(r.runner.calls).toHaveLength(0);
    expect(r.state.get(plannedEntry('bad').id)!.failure).toMatchObject({
      permanent: true,
      error: { code: 'NSB_MODEL' },
    });
    expect(r.logs.filter((l) => l.startsWith('retrying'))).toEqual([]);
  });

  it('any other error is retried once (staging again); a success then counts as usual', async () => {
    const entries = plannedEntries(3);
    const flaky = entries[1]!.model.label;
    const r = await measure({
      samples: constant(2),
      settings,
      entries,
      fail: (label, attempt) =>
        label === flaky && attempt === 0 ? new RunnerError('fake', 'exit code 139') : undefined,
    });
    expect(r.runner.runAttempts.get(flaky)).toBe(3); // round 0 twice, round 1 once
    expect(r.runner.staged.filter((l) => l === flaky)).toHaveLength(2);
    expect(r.logs).toEqual([`retrying ${entries[1]!.id} after: runner fake: exit code 139`]);
    expect(r.state.get(entries[1]!.id)!.failure).toBeUndefined();
    expect(failures(r)).toHaveLength(0);
    expect(r.built.get(entries[1]!.id)!).toMatchObject({ state: 'ok', rounds: 2 });
    expect(r.built.get(entries[1]!.id)!.samples).toHaveLength(10);
  });

  it.each([
    ['RunnerError', () => new RunnerError('fake', 'timed out after 10 ms'), 'NSB_RUNNER'],
    ['plain Error', () => new Error('ECONNRESET'), 'NSB_INTERNAL'],
  ])('a %s that persists fails the entry after one retry (not permanent)', async (_name, error, code) => {
    const entries = plannedEntries(3);
    const flaky = entries[0]!.model.label;
    const r = await measure({
      samples: constant(2),
      settings,
      entries,
      fail: (label) => (label === flaky ? error() : undefined),
    });
    expect(r.runner.runAttempts.get(flaky)).toBe(2);
    expect(r.state.get(entries[0]!.id)!.failure).toMatchObject({ permanent: false, error: { code } });
    expect(r.visits.filter((v) => v.id === entries[0]!.id)).toHaveLength(1);
    expect(r.built.get(entries[0]!.id)!.state).toBe('failed');
    for (const e of entries.slice(1)) expect(r.built.get(e.id)!.state).toBe('ok');
  });

  it('two consecutive device failures stop the run with the device error', async () => {
    const entries = plannedEntries(5);
    const runner = fakeRunner({ samples: constant(2), fail: () => new DeviceError('fake-device', 'device offline') });
    const h = harness({ runner, entries, settings });
    await expect(h.run()).rejects.toBeInstanceOf(DeviceError);
    // Two entries tried (each with its retry), the rest never visited.
    expect(h.visits).toHaveLength(2);
    expect([...runner.runAttempts.values()]).toEqual([2, 2]);
    const lines = h.journal.read().filter((l): l is FailureRecord => l.type === 'failed');
    expect(lines.map((l) => l.error.code)).toEqual(['NSB_DEVICE', 'NSB_DEVICE']);
    expect(lines.map((l) => l.id)).toEqual(h.visits.map((v) => v.id));
  });

  it('device failures with a success between them do not stop the run', async () => {
    const entries = plannedEntries(5);
    let visit = -1;
    const runner = fakeRunner({
      samples: constant(2),
      fail: (_label, _attempt, round) =>
        round === 0 && (visit === 0 || visit === 2) ? new DeviceError('fake-device', 'device offline') : undefined,
    });
    const h = harness({ runner, entries, settings, events: { onVisit: () => void visit++ } });
    const state = await h.run();
    const failed = entries.filter((e) => state.get(e.id)!.failure);
    expect(failed.map((e) => e.id)).toEqual([h.visits[0]!.id, h.visits[2]!.id]);
    expect(failed.every((e) => state.get(e.id)!.failure!.error.code === 'NSB_DEVICE')).toBe(true);
    expect(entries.filter((e) => !state.get(e.id)!.failure).every((e) => state.get(e.id)!.rounds.length === 2)).toBe(
      true,
    );
  });

  it('Ctrl-C while running is not retried and not recorded as a failure', async () => {
    const controller = new AbortController();
    const runner = fakeRunner({
      samples: constant(2),
      fail: () => {
        controller.abort(new InterruptedError('interrupted by SIGINT'));
        return new RunnerError('fake', 'killed');
      },
    });
    const h = harness({ runner, entries: plannedEntries(3), settings, signal: controller.signal });
    await expect(h.run()).rejects.toThrow(/interrupted by SIGINT/);
    expect([...runner.runAttempts.values()]).toEqual([1]);
    expect(h.journal.read().filter((l) => l.type === 'failed')).toHaveLength(0);
  });
});

describe('runners that print one aggregate per process', () => {
  it('--iterations N runs exactly N processes per entry, recorded as process samples', async () => {
    const settings = cliSettings(['--iterations', '12', '--rounds', '2']);
    const r = await measure({ sampling: 'process', samples: noisy(10, 0.2), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      expect(s.failure).toBeUndefined();
      expect(r.runner.calls.filter((c) => c.label === e.model.label)).toHaveLength(12);
      expect(merged(s)).toHaveLength(12);
      expect(s.rounds.map((x) => x.kind)).toEqual(['process', 'process']);
      expect(r.built.get(e.id)!.sampleKind).toBe('process');
      expect(asOk(r.built.get(e.id)).stats).toEqual(summarize(merged(s)));
    }
    expect(r.runner.calls.every((c) => c.samples.length === 1)).toBe(true);
  });

  it('low noise: processes are repeated until the minimum and the margin are reached', async () => {
    const settings = settingsWith({ minSamples: 20 });
    const r = await measure({ sampling: 'process', samples: noisy(10, 0.001), settings });
    for (const e of r.entries) {
      const s = r.state.get(e.id)!;
      expect(merged(s)).toHaveLength(20);
      expect(s.rounds).toHaveLength(2);
      expect(relativeMargin(merged(s))).toBeLessThanOrEqual(settings.targetRme);
      expect(r.built.get(e.id)!.flags).not.toContain('margin-not-reached');
    }
  });

  it('noise: processes are repeated up to the sample cap, or the time cap', async () => {
    const bySamples = await measure({
      sampling: 'process',
      samples: noisy(1, 0.3),
      settings: settingsWith({ minSamples: 20, maxSamples: 60 }),
      entries: plannedEntries(2),
    });
    for (const e of bySamples.entries) {
      expect(merged(bySamples.state.get(e.id)!)).toHaveLength(60);
      expect(bySamples.built.get(e.id)!.flags).toContain('margin-not-reached');
    }
    const settings = settingsWith({ minSamples: 10, maxTimeMs: 300 });
    const byTime = await measure({
      sampling: 'process',
      samples: noisy(10, 0.3),
      settings,
      entries: plannedEntries(2),
    });
    for (const e of byTime.entries) {
      const xs = merged(byTime.state.get(e.id)!);
      expect(sum(xs)).toBeGreaterThanOrEqual(settings.maxTimeMs - 1);
      expect(xs.length).toBeLessThan(settings.maxSamples);
      expect(byTime.built.get(e.id)!.flags).toContain('margin-not-reached');
    }
  });

  it('one process falling back to the CPU flags the entry', async () => {
    const settings = settingsWith({ minSamples: 10, maxSamples: 10, targetRme: 0 });
    const r = await measure({
      sampling: 'process',
      samples: noisy(10, 0.01),
      settings,
      entries: [plannedEntry('a')],
      output: (_l, round, k) => ({ cpuFallback: round === 1 && k === 2 }),
    });
    const s = r.state.get(plannedEntry('a').id)!;
    expect(s.rounds.map((x) => x.cpuFallback)).toEqual([false, true]);
    expect(r.built.get(plannedEntry('a').id)!.flags).toContain('cpu-fallback');
  });

  // A process that yields no sample never advances the sampling loop: without the check the runner
  // would be started again and again (here stopped by the fake after 50 calls). Like the iteration
  // path, the entry fails with a ModelError.
  it('a process that yields no sample fails the entry instead of being restarted forever', async () => {
    const settings = settingsWith({ minSamples: 10 });
    const base = fakeRunner({ sampling: 'process', samples: constant(1) });
    let calls = 0;
    const runner = {
      ...base,
      async run() {
        if (++calls > 50) throw new Error('runaway: the protocol keeps starting processes');
        return { kind: 'process' as const, samples: [] };
      },
    };
    const h = harness({ runner, entries: [plannedEntry('a')], settings });
    const state = await h.run();
    expect(calls).toBeLessThanOrEqual(2);
    expect(state.get(plannedEntry('a').id)!.failure).toMatchObject({ error: { code: 'NSB_MODEL' } });
  });
});
