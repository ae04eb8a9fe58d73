// Turning measured rounds into LUT entries: statistics, flags and the record of what happened.
import type { EntryState, PlannedEntry } from '../measure/protocol.js';
import type { MeasureSettings } from '../measure/settings.js';
import {
  medianSorted,
  roundEstimates,
  roundHeterogeneity,
  sortedCopy,
  summarize,
  TREND_ROUND_SAMPLES,
  trendTest,
  tukeyOutliers,
} from '../stats/index.js';
import type { EntryFlag, LutEntry } from './schema.js';

/** A first timed run slower than this multiple of the median is flagged `first-run-slow`. */
const FIRST_RUN_SLOW_FACTOR = 1.5;

/**
 * `rounds-disagree`: Cochran's Q of the round medians below this p, and the rounds at least this far
 * apart (a 0.5% disagreement can be real and still not matter for any verdict).
 */
const ROUNDS_DISAGREE_P = 0.01;
const ROUNDS_DISAGREE_SPREAD = 0.02;

export function buildEntry(planned: PlannedEntry, s: EntryState, settings: MeasureSettings): LutEntry {
  const rounds = [...s.rounds].sort((a, b) => a.round - b.round);
  const samples = rounds.flatMap((r) => r.samples);
  const base = {
    id: planned.id,
    key: planned.key,
    model: { sha256: planned.model.sha256, params: planned.params, macs: planned.macs, source: planned.source },
    sampleKind: rounds[0]?.kind ?? ('iteration' as const),
    samples,
    sampleRounds: rounds.flatMap((r) => r.samples.map(() => r.round)),
    rounds: rounds.length,
    targetRme: settings.targetRme,
    measuredAt: new Date().toISOString(),
  };
  if (s.failure || samples.length === 0) {
    return {
      ...base,
      state: 'failed',
      error: s.failure?.error ?? { code: 'NSB_NOT_MEASURED', message: 'not measured' },
      flags: [],
    };
  }
  const stats = summarize(samples);
  const out = tukeyOutliers(samples);
  const flags: EntryFlag[] = [];
  if (out.lowMild + out.highMild + out.lowSevere + out.highSevere > 0) flags.push('outliers');
  // Drift is judged within each round (a round is one process, one continuous stretch of time).
  if (rounds.some((r) => r.samples.length >= TREND_ROUND_SAMPLES && trendTest(r.samples).rising)) flags.push('trend');
  if (rounds.some((r) => r.throttled)) flags.push('throttled');
  if (settings.targetRme > 0 && stats.rme > settings.targetRme) flags.push('margin-not-reached');
  if (rounds.some((r) => r.cpuFallback)) flags.push('cpu-fallback');
  const agreement = roundHeterogeneity(roundEstimates(samples, base.sampleRounds));
  if (agreement && agreement.p < ROUNDS_DISAGREE_P && agreement.spread >= ROUNDS_DISAGREE_SPREAD)
    flags.push('rounds-disagree');
  // Warm-up runs are discarded on purpose; a slow first *timed* run means the warm-up was too short.
  const firstWarmups = rounds.map((r) => r.warmup?.[0]).filter((x): x is number => x !== undefined);
  const med = medianSorted(sortedCopy(samples));
  if (rounds.some((r) => r.samples.length >= 3 && r.samples[0]! > FIRST_RUN_SLOW_FACTOR * med))
    flags.push('first-run-slow');
  const loads = rounds.map((r) => r.loadMs).filter((x): x is number => x !== undefined);
  const peaks = rounds.map((r) => r.peakMemoryBytes).filter((x): x is number => x !== undefined);
  const providers = [...new Set(rounds.map((r) => r.provider).filter((p): p is string => p !== undefined))];
  return {
    ...base,
    state: 'ok',
    stats,
    flags,
    outliers: { lowMild: out.lowMild, highMild: out.highMild, lowSevere: out.lowSevere, highSevere: out.highSevere },
    temperatures: { before: rounds[0]!.temperatures.before, after: rounds[rounds.length - 1]!.temperatures.after },
    ...(peaks.length > 0 ? { peakMemoryBytes: Math.max(...peaks) } : {}),
    hostMs: rounds.reduce((a, r) => a + r.hostMs, 0),
    extra: {
      ...(loads.length > 0 ? { loadMs: loads } : {}),
      ...(providers.length > 0 ? { provider: providers.join(', ') } : {}),
      firstWarmupMs: firstWarmups,
      ...Object.assign({}, ...rounds.map((r) => r.extra ?? {})),
    },
  };
}
