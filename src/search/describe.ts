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
  code: string;
  indices: string;
  variants: string[];
  params: number;
  macs: number;
  /** Per device, in LUT order; null when the device has no prediction for it. */
  latency: (DeviceLatency | null)[];
  quality: number | null;
}

export function candidateRow(space: EvaluatedSpace, n: number): CandidateRow {
  const c = candidateAt(space.catalog, n);
  const q = space.quality?.values[n];
  return {
    number: n,
    code: formatCandidate(space.catalog, c),
    indices: formatCandidateIndices(c),
    variants: space.catalog.stages.map((s, i) => s.variants[c[i]!]!.name),
    params: space.params[n]!,
    macs: space.macs[n]!,
    latency: space.devices.map(({ prediction: p }) =>
      p.available[n]
        ? { median: p.median[n]!, interval: [p.lo[n]!, p.hi[n]!], conservative: [p.consLo[n]!, p.consHi[n]!], flags: flagsFromBits(p.flags[n]!) }
        : null,
    ),
    quality: q === undefined || Number.isNaN(q) ? null : q,
  };
}
