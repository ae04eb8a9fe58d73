// One candidate's prediction on each device as plain data: what `bench predict --json` prints and its
// text table is drawn from. Numbers that do not exist (a missing entry's median) are null, never NaN.
import type { EntryFlag, Lut } from '../lut/schema.js';
import { calibration, candidateModelError, type Calibration } from './calibration.js';
import type { LutConfig } from './config.js';
import type { EntryStatus } from './entries.js';
import type { CandidatePrediction, Contribution, Predictor } from './predictor.js';
import { withModelError, type ModelError, type SumEstimate } from './uncertainty.js';

export interface ContributionSummary {
  /** Stage name, or part name for fixed parts. */
  name: string;
  /** Variant name (stages only). */
  variant?: string;
  params: number;
  macs: number;
  /** The LUT entry it rests on. */
  id: string;
  status: EntryStatus;
  median: number | null;
  ci95: [number, number] | null;
  flags: EntryFlag[];
}

export interface DevicePrediction {
  device: string;
  lut: string;
  fingerprint: string;
  runtime: Lut['runtime'];
  config: LutConfig;
  available: boolean;
  missing: string[];
  /** The sum of the entries with an interval that also covers the model's error, when the LUT shows it. */
  latency: SumEstimate | null;
  /** The same sum with the entries' sampling error alone. */
  samplingLatency: SumEstimate | null;
  /** The model's error as the LUT's candidates measured end to end show it; null without any. */
  modelError: ModelError | null;
  /** Every flag of the entries the candidate rests on, and which entry carries which. */
  flags: EntryFlag[];
  flagged: { id: string; flags: EntryFlag[] }[];
  /** Conditions of the run: flags most of the LUT's entries at this configuration carry, told once. */
  runWide: RunWideFlag[];
  stages: ContributionSummary[];
  parts: ContributionSummary[];
  /** Measured / predicted over the LUT's end-to-end candidate entries, when it has any. */
  calibration: NonNullable<Calibration['summary']> | null;
}

/** A flag most entries carry, how many of how many, and what it says about the run (report/flags.ts). */
export interface RunWideFlag {
  flag: EntryFlag;
  entries: number;
  of: number;
  meaning: string;
}

export interface PredictionReport {
  candidate: { code: string; indices: string; params: number; macs: number };
  /** In the order of the LUTs given; the first is the primary device. */
  devices: DevicePrediction[];
}

function contribution(c: Contribution): ContributionSummary {
  const ok = c.entry.status === 'ok';
  return {
    name: c.name,
    ...(c.variant !== undefined ? { variant: c.variant } : {}),
    params: c.params,
    macs: c.macs,
    id: c.entry.id,
    status: c.entry.status,
    median: ok ? c.entry.median : null,
    ci95: ok ? [c.entry.lo, c.entry.hi] : null,
    flags: c.entry.flags,
  };
}

export function summarisePrediction(
  p: Predictor,
  r: CandidatePrediction,
  runWide: readonly RunWideFlag[],
): DevicePrediction {
  const cal = calibration(p);
  const error = candidateModelError(cal);
  return {
    device: p.label,
    lut: p.file,
    fingerprint: p.lut.device.fingerprint,
    runtime: p.lut.runtime,
    config: p.config,
    available: r.available,
    missing: r.missing,
    latency: r.latency ? withModelError(r.latency, error) : null,
    samplingLatency: r.latency ?? null,
    modelError: error ?? null,
    flags: r.flags,
    flagged: r.flagged,
    runWide: [...runWide],
    stages: r.stages.map(contribution),
    parts: r.parts.map(contribution),
    calibration: cal.summary ?? null,
  };
}
