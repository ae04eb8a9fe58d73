// Predicted latency of one candidate U-Net from a LUT: the sum of its six stage variants' block
// medians and the fixed parts' medians, with the interval rule of uncertainty.ts. A candidate whose
// entries are not all measured successfully has no prediction; the missing keys are named.
import type { Catalog } from '../catalog/load.js';
import { candidateCost, formatCandidate, formatCandidateIndices, type Candidate } from '../catalog/candidates.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import type { EntryFlag, Lut } from '../lut/schema.js';
import { chooseConfig, type LutConfig } from './config.js';
import { blockTable, describeProblem, type BlockTable, type EntryEstimate } from './entries.js';
import { combine, type SumEstimate } from './uncertainty.js';

export interface Predictor {
  /** How the device is named in outputs (the LUT's profile name, made unique by the caller). */
  label: string;
  file: string;
  lut: Lut;
  catalog: ResolvedCatalog;
  config: LutConfig;
  table: BlockTable;
}

export function createPredictor(
  lut: Lut,
  file: string,
  catalog: Catalog,
  wanted: Partial<LutConfig> = {},
  label: string = lut.device.profile,
): Predictor {
  const config = chooseConfig(lut, file, wanted);
  const resolved = catalog.resolve(config.latent, config.width);
  return { label, file, lut, catalog: resolved, config, table: blockTable(lut, resolved, config) };
}

export interface Contribution {
  /** Stage name, or part name for fixed parts. */
  name: string;
  /** Variant name (stages only). */
  variant?: string;
  params: number;
  macs: number;
  entry: EntryEstimate;
}

export interface CandidatePrediction {
  candidate: Candidate;
  code: string;
  indices: string;
  params: number;
  macs: number;
  /** False when any contributing entry is missing, failed, skipped or has no statistics. */
  available: boolean;
  /** The entries that keep the prediction from being made, with why. */
  missing: string[];
  latency?: SumEstimate;
  /** Union of the flags of contributing entries. */
  flags: EntryFlag[];
  /** Which entry carries which flags. */
  flagged: { id: string; flags: EntryFlag[] }[];
  stages: Contribution[];
  parts: Contribution[];
}

export function predictCandidate(p: Predictor, candidate: Candidate): CandidatePrediction {
  const cat = p.catalog;
  const stages: Contribution[] = cat.stages.map((s, i) => {
    const v = s.variants[candidate[i]!]!;
    return {
      name: s.name,
      variant: v.name,
      params: v.params,
      macs: v.macs,
      entry: p.table.stages[i]!.variants[v.index]!,
    };
  });
  const parts: Contribution[] = cat.parts.map((part, i) => ({
    name: part.name,
    params: part.params,
    macs: part.macs,
    entry: p.table.parts[i]!,
  }));
  const all = [...stages, ...parts];
  const missing = all.filter((c) => c.entry.status !== 'ok').map((c) => describeProblem(c.entry));
  const flagSet = new Set<EntryFlag>();
  const flagged: { id: string; flags: EntryFlag[] }[] = [];
  for (const c of all) {
    if (c.entry.flags.length === 0) continue;
    c.entry.flags.forEach((f) => flagSet.add(f));
    flagged.push({ id: c.entry.id, flags: c.entry.flags });
  }
  const cost = candidateCost(cat, candidate);
  const out: CandidatePrediction = {
    candidate,
    code: formatCandidate(cat, candidate),
    indices: formatCandidateIndices(candidate),
    params: cost.params,
    macs: cost.macs,
    available: missing.length === 0,
    missing,
    flags: [...flagSet],
    flagged,
    stages,
    parts,
  };
  if (out.available) out.latency = combine(all.map((c) => c.entry));
  return out;
}
