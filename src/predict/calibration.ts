// Calibration of the block-sum prediction against candidates measured end to end. A `candidate` entry
// of the LUT at the predictor's configuration is compared with the prediction for the same code; the
// ratio measured / predicted says how much the block sum misses (fusion across block boundaries,
// caches, scheduling). Nothing here measures anything: it only reads what the LUT holds.
import { parseCandidate } from '../catalog/candidates.js';
import { errorMessage } from '../errors.js';
import type { EntryFlag } from '../lut/schema.js';
import { predictCandidate, type Predictor } from './predictor.js';
import { modelErrorFrom, type ModelError } from './uncertainty.js';

export interface CalibrationPoint {
  /** The entry's arch as recorded, and the canonical code it parses to. */
  arch: string;
  code: string;
  measured: number;
  measuredCi95: [number, number];
  predicted: number;
  predictedInterval: [number, number];
  ratio: number;
  flags: EntryFlag[];
}

export interface Calibration {
  points: CalibrationPoint[];
  /** Median and geometric mean of the ratios; absent without points. */
  summary?: { n: number; median: number; geomean: number; min: number; max: number };
  /** Candidate entries that could not be compared, with why. */
  skipped: { arch: string; reason: string }[];
}

export function calibration(p: Predictor): Calibration {
  const points: CalibrationPoint[] = [];
  const skipped: Calibration['skipped'] = [];
  for (const e of p.lut.entries) {
    const k = e.key;
    if (k.kind !== 'candidate') continue;
    if (k.latent !== p.config.latent || k.width !== p.config.width || k.precision !== p.config.precision) continue;
    const arch = k.arch ?? '';
    if (e.state !== 'ok') {
      skipped.push({ arch, reason: `entry is ${e.state}` });
      continue;
    }
    let prediction;
    try {
      prediction = predictCandidate(p, parseCandidate(p.catalog, arch));
    } catch (error) {
      skipped.push({ arch, reason: errorMessage(error) });
      continue;
    }
    if (!prediction.latency) {
      skipped.push({ arch, reason: `no prediction: missing ${prediction.missing.join(', ')}` });
      continue;
    }
    points.push({
      arch,
      code: prediction.code,
      measured: e.stats.median,
      measuredCi95: e.stats.ci95,
      predicted: prediction.latency.median,
      predictedInterval: prediction.latency.interval,
      ratio: e.stats.median / prediction.latency.median,
      flags: [...new Set([...e.flags, ...prediction.flags])],
    });
  }
  const out: Calibration = { points, skipped };
  if (points.length > 0) {
    const r = points.map((x) => x.ratio).sort((a, b) => a - b);
    const mid = r.length >> 1;
    out.summary = {
      n: r.length,
      median: r.length % 2 === 1 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2,
      geomean: Math.exp(r.reduce((s, x) => s + Math.log(x), 0) / r.length),
      min: r[0]!,
      max: r[r.length - 1]!,
    };
  }
  return out;
}

/** The model error the calibration points show (undefined without points). */
export function candidateModelError(c: Calibration): ModelError | undefined {
  return modelErrorFrom(
    c.points.map((x) => x.ratio),
    c.points.length === 1 ? 'candidate' : 'candidates',
  );
}
