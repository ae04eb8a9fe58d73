// One candidate as a row of numbers for outputs (JSON, CSV, tables, reports).
import { candidateAt, formatCandidate, formatCandidateIndices } from '../catalog/candidates.js';
import type { EntryFlag } from '../lut/schema.js';
import { flagsFromBits } from '../predict/space.js';
import type { EvaluatedSpace } from './space.js';

export interface DeviceLatency {
  median: number;
  /** Quadrature 95% interval. */
  interval: [number, number];
  /** Sum of the entries' bounds. */
  conservative: [number, number];
  flags: EntryFlag[];
}

export interface CandidateRow {
  number: number;
  /** The VAE variant, when the space has a pipeline. */
  vae?: string;
  code: string;
  indices: string;
  variants: string[];
  params: number;
  macs: number;
  /** Per device, in LUT order; null when the device has no prediction for it. */
  latency: (DeviceLatency | null)[];
  quality: number | null;
  /** Per device: predicted seconds per image and the VAE's share of a tile (with a pipeline). */
  pipeline?: ({ seconds: number; vaeShare: number } | null)[];
}

export function candidateRow(space: EvaluatedSpace, n: number): CandidateRow {
  // With VAE variants in the space the U-Net candidate is the fast digit (space.ts).
  const c = candidateAt(space.catalog, n % space.base);
  const q = space.quality?.values[n];
  const vae = space.pipeline?.vaes[Math.floor(n / space.base)]?.choice.name;
  const row: CandidateRow = {
    number: n,
    ...(vae !== undefined ? { vae } : {}),
    code: formatCandidate(space.catalog, c),
    indices: formatCandidateIndices(c),
    variants: space.catalog.stages.map((s, i) => s.variants[c[i]!]!.name),
    params: space.params[n]!,
    macs: space.macs[n]!,
    latency: space.devices.map(({ prediction: p }) =>
      p.available[n]
        ? {
            median: p.median[n]!,
            interval: [p.lo[n]!, p.hi[n]!],
            conservative: [p.consLo[n]!, p.consHi[n]!],
            flags: flagsFromBits(p.flags[n]!),
          }
        : null,
    ),
    quality: q === undefined || Number.isNaN(q) ? null : q,
  };
  if (space.pipeline) {
    row.pipeline = space.devices.map(({ pipeline: p }) =>
      p && Number.isFinite(p.seconds[n]!) ? { seconds: p.seconds[n]!, vaeShare: p.vaeShare[n]! } : null,
    );
  }
  return row;
}
