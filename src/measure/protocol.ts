// The measurement protocol, the same for every device and runner:
//   - rounds: every entry is visited once per round, in a new seeded random order each round, so slow
//     drift (heat, background load) spreads over all entries instead of biasing the last ones;
//   - in each visit the runner warms up, then samples until the entry's median is precise enough
//     (relative margin <= target) or its share of the caps is used; runners that print only an
//     aggregate are sampled by repeating processes;
//   - a thermal gate before each visit, temperatures recorded before and after;
//   - every finished visit is appended to the journal, so an interrupted run loses nothing;
//   - a failing entry is retried once; a model the runtime cannot load fails for good; a device that
//     keeps failing stops the run with its error (the journal keeps what was done).
import { BenchError, DeviceError, DiskFullError, InterruptedError, ModelError, errorMessage } from '../errors.js';
import type { EntryKey } from '../lut/schema.js';
import type { ModelFiles, Runner, RunnerContext, RunOutput, RunRequest, StagedModel } from '../runners/types.js';
import { mulberry32, reachedTargetMargin, relativeMargin, shuffled } from '../stats/index.js';
import type { FailureRecord, Journal, RoundRecord } from './journal.js';
import type { MeasureSettings } from './settings.js';
import { readThermal, thermalGate, type ThermalPolicy } from './thermal-gate.js';

export interface PlannedEntry {
  id: string;
  key: EntryKey;
  model: ModelFiles;
  params: number;
  macs: number;
  source: 'generated' | 'manifest';
}

export interface EntryState {
  rounds: RoundRecord[];
  failure?: FailureRecord;
}

export interface ProtocolEvents {
  onVisit?(entry: PlannedEntry, round: number, done: number, total: number): void;
  onRound?(record: RoundRecord, merged: number[]): void;
  onFailure?(record: FailureRecord): void;
  onThermalWait?(tempC: number, limitC: number): void;
}

export interface ProtocolInput<O> {
  ctx: RunnerContext;
  runner: Runner<O>;
  options: O;
  entries: PlannedEntry[];
  settings: MeasureSettings;
  thermal?: ThermalPolicy;
  journal: Journal;
  /** State restored from a journal (`--resume`). */
  restored?: Map<string, EntryState>;
  events?: ProtocolEvents;
}

/** Fewest samples one round of one entry takes (a single sample says nothing about its spread). */
export const MIN_CHUNK = 5;

/** Consecutive device failures after which the run stops instead of failing every remaining entry. */
export const MAX_CONSECUTIVE_DEVICE_FAILURES = 2;

export async function runProtocol<O>(input: ProtocolInput<O>): Promise<Map<string, EntryState>> {
  const { ctx, entries, settings, journal, events } = input;
  const state = new Map<string, EntryState>();
  for (const e of entries) state.set(e.id, input.restored?.get(e.id) ?? { rounds: [] });
  const staged = new Map<string, StagedModel>();
  let deviceFailures = 0;

  for (let round = 0; round < settings.maxRounds; round++) {
    const pending = entries.filter((e) => needsRound(state.get(e.id)!, round, settings));
    // No `break` on an empty round: after `--resume` the early rounds are complete (restored from the
    // journal) while later ones still have work, and the run must end as an uninterrupted one would.
    if (pending.length === 0) continue;
    const order = shuffled(pending, mulberry32(settings.seed * 7919 + round));
    let visited = 0;
    for (const entry of order) {
      if (ctx.signal?.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new InterruptedError();
      events?.onVisit?.(entry, round, visited++, order.length);
      const s = state.get(entry.id)!;
      try {
        const record = await visitWithRetry(input, entry, round, s, staged);
        s.rounds.push(record);
        journal.append(record);
        deviceFailures = 0;
        events?.onRound?.(
          record,
          s.rounds.flatMap((r) => r.samples),
        );
      } catch (error) {
        if (error instanceof InterruptedError || ctx.signal?.aborted) throw ctx.signal?.reason ?? error;
        // A full disk (the journal, raw output) is no fault of the entry: stop, the journal as it was.
        if (error instanceof DiskFullError) throw error;
        const failure = failureRecord(entry, round, error);
        s.failure = failure;
        journal.append(failure);
        events?.onFailure?.(failure);
        if (!(error instanceof DeviceError)) deviceFailures = 0;
        else if (++deviceFailures >= MAX_CONSECUTIVE_DEVICE_FAILURES) throw error;
      }
    }
  }
  return state;
}

/** The journal's record of an entry that failed in a round; a model the runtime refuses fails for good. */
export function failureRecord(entry: PlannedEntry, round: number, error: unknown): FailureRecord {
  return {
    type: 'failed',
    id: entry.id,
    key: entry.key,
    modelSha256: entry.model.sha256,
    round,
    error: { code: error instanceof BenchError ? error.code : 'NSB_INTERNAL', message: errorMessage(error) },
    permanent: error instanceof ModelError,
  };
}

function needsRound(s: EntryState, round: number, settings: MeasureSettings): boolean {
  if (s.failure) return false;
  if (s.rounds.some((r) => r.round === round)) return false;
  const merged = s.rounds.flatMap((r) => r.samples);
  // The sample cap holds in every round: `--iterations N` means exactly N, however few.
  if (merged.length >= settings.maxSamples) return false;
  if (round < settings.rounds) return true;
  const time = merged.reduce((a, b) => a + b, 0);
  if (time >= settings.maxTimeMs) return false;
  return !(merged.length >= settings.minSamples && relativeMargin(merged) <= settings.targetRme);
}

/** One visit of one entry in one round, retried once unless the failure is final. */
export async function visitWithRetry<O>(
  input: ProtocolInput<O>,
  entry: PlannedEntry,
  round: number,
  s: EntryState,
  staged: Map<string, StagedModel>,
): Promise<RoundRecord> {
  try {
    return await visit(input, entry, round, s, staged);
  } catch (error) {
    const final = error instanceof ModelError || error instanceof InterruptedError || error instanceof DiskFullError;
    if (final || input.ctx.signal?.aborted) throw error;
    input.ctx.log(`retrying ${entry.id} after: ${errorMessage(error)}`);
    staged.delete(entry.id);
    return visit(input, entry, round, s, staged);
  }
}

async function visit<O>(
  input: ProtocolInput<O>,
  entry: PlannedEntry,
  round: number,
  s: EntryState,
  staged: Map<string, StagedModel>,
): Promise<RoundRecord> {
  const { ctx, runner, options, settings } = input;
  const started = performance.now();
  const gate = await thermalGate(ctx.transport, input.thermal, ctx.signal, input.events?.onThermalWait);
  let model = staged.get(entry.id);
  if (!model) {
    model = await runner.stage(ctx, options, entry.model);
    staged.set(entry.id, model);
  }
  const previous = s.rounds.flatMap((r) => r.samples);
  const usedTime = previous.reduce((a, b) => a + b, 0);
  const remainingRounds = Math.max(1, settings.rounds - round);
  // Every round contributes a real share (not one sample), so drift spreads over the rounds and the
  // spread between processes shows in the merged sample.
  const share = Math.max(MIN_CHUNK, Math.ceil(settings.minSamples / settings.rounds));
  const budget = settings.maxSamples - previous.length;
  const chunkMin = Math.min(
    budget,
    Math.max(share, Math.ceil((settings.minSamples - previous.length) / remainingRounds)),
  );
  const chunkMax = Math.min(budget, Math.max(chunkMin, Math.ceil(budget / remainingRounds)));
  const chunkTime = Math.max(1, Math.round((settings.maxTimeMs - usedTime) / remainingRounds));
  const request: RunRequest = {
    warmup: settings.warmup,
    minIterations: chunkMin,
    maxIterations: chunkMax,
    maxTimeMs: chunkTime,
    targetRme: settings.targetRme,
    ...(settings.threads > 0 ? { threads: settings.threads } : {}),
    ...(settings.threadSpinning === false ? { threadSpinning: false } : {}),
    ...(settings.affinity ? { affinity: settings.affinity } : {}),
    seed: settings.seed + round,
    timeoutMs: settings.timeoutMs,
  };
  const out =
    runner.sampling === 'iteration'
      ? await runner.run(ctx, options, model, request)
      : await sampleProcesses(input, model, request, previous);
  if (out.samples.length === 0) throw new ModelError(`${entry.model.label}: the runner returned no samples`);
  const after = await readThermal(ctx.transport);
  return {
    type: 'round',
    id: entry.id,
    key: entry.key,
    modelSha256: entry.model.sha256,
    round,
    kind: out.kind,
    samples: out.samples,
    ...(out.warmup ? { warmup: out.warmup } : {}),
    ...(out.loadMs !== undefined ? { loadMs: out.loadMs } : {}),
    ...(out.provider !== undefined ? { provider: out.provider } : {}),
    ...(out.cpuFallback !== undefined ? { cpuFallback: out.cpuFallback } : {}),
    ...(out.peakMemoryBytes !== undefined ? { peakMemoryBytes: out.peakMemoryBytes } : {}),
    temperatures: { before: gate.reading.temperatures, after: after.temperatures },
    throttled: gate.throttled || after.throttling || out.throttled === true,
    hostMs: performance.now() - started,
    ...(out.extra ? { extra: out.extra } : {}),
  };
}

/** For runners that print one aggregate per process: repeat processes until precise or capped. */
async function sampleProcesses<O>(
  input: ProtocolInput<O>,
  model: StagedModel,
  request: RunRequest,
  previous: number[],
): Promise<RunOutput> {
  const { ctx, runner, options } = input;
  const samples: number[] = [];
  let last: RunOutput | undefined;
  let cpuFallback = false;
  let peak: number | undefined;
  let time = 0;
  while (samples.length < request.maxIterations) {
    last = await runner.run(ctx, options, model, request);
    // A process that reports nothing would otherwise be started again forever.
    if (last.samples.length === 0) throw new ModelError(`${model.model.label}: the runner returned no samples`);
    samples.push(...last.samples);
    cpuFallback ||= last.cpuFallback === true;
    if (last.peakMemoryBytes !== undefined) peak = Math.max(peak ?? 0, last.peakMemoryBytes);
    time += last.samples.reduce((a, b) => a + b, 0);
    if (samples.length >= request.minIterations) {
      const merged = [...previous, ...samples];
      if (reachedTargetMargin(merged, request.targetRme)) break;
      if (time >= request.maxTimeMs) break;
    }
  }
  return { ...last!, kind: 'process', samples, cpuFallback, ...(peak !== undefined ? { peakMemoryBytes: peak } : {}) };
}
