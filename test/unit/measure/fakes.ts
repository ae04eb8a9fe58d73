// In-memory, deterministic stand-ins for a device and a benchmark tool, for testing the measurement
// protocol's own logic (rounds, stopping, caps, thermal gate, retries). They implement the real
// `Transport` and `Runner` interfaces; nothing here runs a model or opens a process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadProfileFile } from '../../../src/devices/load.js';
import type { DeviceProfile } from '../../../src/devices/schema.js';
import { entryId } from '../../../src/lut/key.js';
import type { EntryKey } from '../../../src/lut/schema.js';
import { Journal } from '../../../src/measure/journal.js';
import {
  runProtocol,
  type EntryState,
  type PlannedEntry,
  type ProtocolEvents,
  type ProtocolInput,
} from '../../../src/measure/protocol.js';
import type { MeasureSettings } from '../../../src/measure/settings.js';
import type { ThermalPolicy } from '../../../src/measure/thermal-gate.js';
import type {
  ModelFiles,
  RunOutput,
  Runner,
  RunnerContext,
  RunRequest,
  StagedModel,
} from '../../../src/runners/types.js';
import { gaussian, mulberry32, relativeMargin, seedFor } from '../../../src/stats/index.js';
import type { DeviceInfo, ExecResult, PushResult, ThermalReading, Transport } from '../../../src/transports/types.js';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** Under the suite's own temporary folder (test/support/global-temp.ts removes it after the run). */
export function tempDir(prefix = 'nsb-measure-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A device that runs nothing; its temperatures come from `thermal(call)` (call = 0, 1, 2, ...). */
export class FakeTransport implements Transport {
  readonly kind = 'local' as const;
  readonly id = 'fake-device';
  thermalCalls = 0;
  readonly readings: ThermalReading[] = [];

  constructor(
    private readonly reading: (call: number) => ThermalReading = () => ({
      temperatures: { cpu: 40 },
      throttling: false,
    }),
  ) {}

  async exec(argv: readonly string[]): Promise<ExecResult> {
    const stderr = 'the fake device runs no commands';
    return { argv: [...argv], exitCode: 127, signal: undefined, stdout: '', stderr, durationMs: 0, timedOut: false };
  }
  async push(): Promise<PushResult> {
    return { skipped: true, bytes: 0, durationMs: 0 };
  }
  async pull(): Promise<void> {}
  async info(): Promise<DeviceInfo> {
    return { model: 'fake', soc: 'fake', os: 'fake', build: 'fake-1', abi: 'x86_64' };
  }
  async thermal(): Promise<ThermalReading> {
    const r = this.reading(this.thermalCalls++);
    this.readings.push(r);
    return r;
  }
  async close(): Promise<void> {}
}

/** What a sample generator is told: which entry, which round (from the request's seed), which sample. */
export interface SampleSpot {
  label: string;
  round: number;
  /** Index of the sample within this run() call. */
  i: number;
  /** Index of the sample over every run() call for this entry and round (process runners: the process). */
  k: number;
}

export type SampleFn = (spot: SampleSpot) => number;

export interface RunCall {
  label: string;
  round: number;
  request: RunRequest;
  samples: number[];
}

export interface FakeRunnerOptions {
  /**
   * `iteration`: one sample per inference, adaptive stopping inside run() as the device runner does;
   * `process`: one aggregate per run().
   */
  sampling?: 'iteration' | 'process';
  /** Base seed of the settings, so the round can be recovered from `request.seed = seed + round`. */
  seed?: number;
  samples: SampleFn;
  /** Thrown by run() (before sampling) when it returns an error; `attempt` counts run() calls per entry. */
  fail?: (label: string, attempt: number, round: number) => Error | undefined;
  /** Thrown by stage() when it returns an error. */
  failStage?: (label: string, attempt: number) => Error | undefined;
  /**
   * Extra fields of a RunOutput (cpuFallback, throttled, warmup ...); `k` is the index of its first sample
   * in the round.
   */
  output?: (label: string, round: number, k: number) => Partial<RunOutput>;
}

export interface FakeRunner extends Runner<Record<string, never>> {
  calls: RunCall[];
  staged: string[];
  runAttempts: Map<string, number>;
}

/**
 * A runner following the RunRequest contract as the device runner (src/device-runner/ort-runner.ts)
 * does: at least minIterations, at most maxIterations, stop early once the run's own relative margin
 * reaches targetRme (never below 6 samples) or its measured time reaches maxTimeMs.
 */
export function fakeRunner(o: FakeRunnerOptions): FakeRunner {
  const sampling = o.sampling ?? 'iteration';
  const baseSeed = o.seed ?? 1;
  const calls: RunCall[] = [];
  const staged: string[] = [];
  const runAttempts = new Map<string, number>();
  const stageAttempts = new Map<string, number>();
  const perRound = new Map<string, number>();
  return {
    name: 'fake',
    sampling,
    optionsSchema: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
    calls,
    staged,
    runAttempts,
    async prepare() {
      return { version: 'fake 1', ep: 'cpu', options: {} };
    },
    async stage(_ctx, _opts, model: ModelFiles): Promise<StagedModel> {
      const attempt = stageAttempts.get(model.label) ?? 0;
      stageAttempts.set(model.label, attempt + 1);
      const err = o.failStage?.(model.label, attempt);
      if (err) throw err;
      staged.push(model.label);
      return { model, remotePath: `/fake/${model.graph}` };
    },
    async run(_ctx, _opts, model, request): Promise<RunOutput> {
      const label = model.model.label;
      const round = request.seed - baseSeed;
      const attempt = runAttempts.get(label) ?? 0;
      runAttempts.set(label, attempt + 1);
      const err = o.fail?.(label, attempt, round);
      if (err) throw err;
      const spotKey = `${label}#${round}`;
      const first = perRound.get(spotKey) ?? 0;
      const samples: number[] = [];
      if (sampling === 'process') {
        const k = perRound.get(spotKey) ?? 0;
        perRound.set(spotKey, k + 1);
        samples.push(o.samples({ label, round, i: 0, k }));
      } else {
        let total = 0;
        while (samples.length < request.maxIterations) {
          const k = perRound.get(spotKey) ?? 0;
          perRound.set(spotKey, k + 1);
          const x = o.samples({ label, round, i: samples.length, k });
          samples.push(x);
          total += x;
          if (samples.length >= request.minIterations) {
            if (request.targetRme > 0 && samples.length >= 6 && relativeMargin(samples) <= request.targetRme) break;
            if (total >= request.maxTimeMs) break;
          }
        }
      }
      calls.push({ label, round, request, samples: [...samples] });
      return { kind: sampling, samples, ...(o.output?.(label, round, first) ?? {}) };
    },
  };
}

/**
 * Samples around `level` ms with a lognormal spread of coefficient of variation `cv`, seeded per entry,
 * round and index.
 */
export function noisy(level: number | ((spot: SampleSpot) => number), cv: number, seed = 1): SampleFn {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return (spot) => {
    const rng = mulberry32(seedFor(seed, `${spot.label}/${spot.round}/${spot.k}`));
    const base = typeof level === 'number' ? level : level(spot);
    return base * Math.exp(sigma * gaussian(rng));
  };
}

export function blockKey(stage: string, variant: string): EntryKey {
  return { kind: 'block', stage, variant, latent: 8, width: 1, precision: 'fp32' };
}

export function plannedEntry(label: string, key: EntryKey = blockKey('E1', label)): PlannedEntry {
  const sha = seedFor(1, label).toString(16).padStart(8, '0').repeat(8);
  return {
    id: entryId(key),
    key,
    model: {
      root: '/nonexistent',
      graph: `${label}.onnx`,
      files: [`${label}.onnx`],
      sha256: sha,
      inputs: [],
      outputs: [],
      precision: key.precision,
      label,
    },
    params: 1000,
    macs: 2000,
    source: 'generated',
  };
}

/** Entries named v0, v1, ... (block E1/<name>). */
export function plannedEntries(n: number): PlannedEntry[] {
  return Array.from({ length: n }, (_, i) => plannedEntry(`v${i}`));
}

let localProfile: DeviceProfile | undefined;
export function profile(): DeviceProfile {
  localProfile ??= loadProfileFile(join(repoRoot, 'device-profiles', 'local.json'));
  return localProfile;
}

/** The run identity in the harness's journal header (what `--resume` compares). */
export const FAKE_IDENTITY = { test: true };

export interface Harness {
  ctx: RunnerContext;
  journal: Journal;
  logs: string[];
  visits: { id: string; round: number }[];
  thermalWaits: { tempC: number; limitC: number }[];
  run(): ReturnType<typeof runProtocol>;
}

export function harness(o: {
  runner: FakeRunner;
  entries: PlannedEntry[];
  settings: MeasureSettings;
  transport?: Transport;
  thermal?: ThermalPolicy;
  events?: ProtocolEvents;
  signal?: AbortSignal;
  /** Continue an interrupted run: its journal (appended to, as `--resume` does) and the state restored from it. */
  resume?: { journal: Journal; restored: Map<string, EntryState> };
}): Harness {
  const dir = tempDir();
  const logs: string[] = [];
  const visits: { id: string; round: number }[] = [];
  const thermalWaits: { tempC: number; limitC: number }[] = [];
  const ctx: RunnerContext = {
    transport: o.transport ?? new FakeTransport(),
    profile: profile(),
    workDir: '/fake/work',
    hostDir: dir,
    log: (line) => logs.push(line),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const journal = o.resume?.journal ?? new Journal(join(dir, 'fake.lut.json.journal.jsonl'));
  if (!o.resume) journal.start({ type: 'header', identity: FAKE_IDENTITY, startedAt: new Date().toISOString() });
  const input: ProtocolInput<Record<string, never>> = {
    ctx,
    runner: o.runner,
    options: {},
    entries: o.entries,
    settings: o.settings,
    ...(o.thermal ? { thermal: o.thermal } : {}),
    journal,
    ...(o.resume ? { restored: o.resume.restored } : {}),
    events: {
      ...o.events,
      onVisit: (entry, round, done, total) => {
        visits.push({ id: entry.id, round });
        o.events?.onVisit?.(entry, round, done, total);
      },
      onThermalWait: (tempC, limitC) => {
        thermalWaits.push({ tempC, limitC });
        o.events?.onThermalWait?.(tempC, limitC);
      },
    },
  };
  return { ctx, journal, logs, visits, thermalWaits, run: () => runProtocol(input) };
}
