// The measurement protocol's knobs, their defaults, and how a profile and the command line override
// them (command line wins).

export interface MeasureSettings {
  /** Timed inferences discarded at the start of every process. */
  warmup: number;
  /** Stop sampling an entry once the relative margin of its median (95% CI half-width / median) is this small. */
  targetRme: number;
  /** Never fewer samples than this per entry (over all rounds). */
  minSamples: number;
  /** Never more samples than this per entry. */
  maxSamples: number;
  /** Never more measured time than this per entry (over all rounds), in ms. */
  maxTimeMs: number;
  /** Rounds every entry takes part in; each round visits the entries in a new seeded random order. */
  rounds: number;
  /** Extra rounds for entries whose margin is not reached yet, while their caps allow. */
  maxRounds: number;
  seed: number;
  /** Kill a runner process after this long. */
  timeoutMs: number;
  /** Intra-op threads (0: the runtime's default). */
  threads: number;
  /** False: idle intra-op threads sleep, as in an app running several models in turn (see RunRequest). */
  threadSpinning?: boolean;
  affinity?: string;
}

export const DEFAULT_SETTINGS: MeasureSettings = {
  warmup: 3,
  targetRme: 0.01,
  minSamples: 10,
  maxSamples: 300,
  maxTimeMs: 6_000,
  rounds: 2,
  maxRounds: 4,
  seed: 1,
  timeoutMs: 300_000,
  threads: 0,
};

export type SettingsOverride = Partial<MeasureSettings>;

export function mergeSettings(...layers: (SettingsOverride | undefined)[]): MeasureSettings {
  const out: MeasureSettings = { ...DEFAULT_SETTINGS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  if (out.maxRounds < out.rounds) out.maxRounds = out.rounds;
  if (out.maxSamples < out.minSamples) out.maxSamples = out.minSamples;
  return out;
}

/** The settings that change what a sample means; an entry measured under others is measured again. */
export function samplingIdentity(s: MeasureSettings): Record<string, unknown> {
  // Spinning off joins the identity only when set, so that tables measured before the knob still match.
  const spinning = s.threadSpinning === false ? { threadSpinning: false } : {};
  return { warmup: s.warmup, threads: s.threads, ...spinning, affinity: s.affinity ?? null, seed: s.seed };
}

/**
 * The settings that decide when an entry is done (rounds and caps). Part of a journal's identity: a
 * `--resume` under other caps would end neither as the interrupted run nor as a fresh one.
 */
export function samplingCaps(s: MeasureSettings): Record<string, unknown> {
  return {
    minSamples: s.minSamples,
    maxSamples: s.maxSamples,
    maxTimeMs: s.maxTimeMs,
    targetRme: s.targetRme,
    rounds: s.rounds,
    maxRounds: s.maxRounds,
  };
}
