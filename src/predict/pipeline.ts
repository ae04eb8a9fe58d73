// Predicted latency of the whole pipeline from a LUT (pure: reads nothing but the LUT it is given).
//
//   per tile  = VAE encoder + steps x U-Net + VAE decoder
//   per image = tiles x per tile + once-per-image parts (text encoder) + blending + picture in and out
//
// The U-Net is the candidate measured whole when the LUT has it, else the sum of its blocks and parts
// (predictor.ts). The tiles run the same graphs on same-shaped inputs, so their errors are one error
// repeated: half-widths scale with the tile count and the steps, not with their square roots. The
// interval then widens by the model error that the LUT's end-to-end measurements show
// (pipeline-calibration.ts); without any, it is the entries' sampling error only and says so.
import { formatCandidate, formatCandidateIndices, type Candidate } from '../catalog/candidates.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import type { EntryFlag, Lut } from '../lut/schema.js';
import type { LutConfig } from './config.js';
import { blockTable, describeProblem, estimateOf, indexEntries, type EntryEstimate } from './entries.js';
import {
  decoderKey,
  encoderKey,
  textEncoderKey,
  tileKey,
  unetKey,
  type TextEncoderChoice,
  type VaeChoice,
} from './pipeline-keys.js';
import { predictCandidate, type Predictor } from './predictor.js';
import { halfWidths, type Estimate, type SumEstimate } from './uncertainty.js';

export interface PipelineRequest {
  lut: Lut;
  file: string;
  /** The U-Net catalogue resolved at the tile's latent side and the LUT's width. */
  unet: ResolvedCatalog;
  config: LutConfig;
  candidate: Candidate;
  vae: VaeChoice;
  /** The text encoder run once per image; absent: a fixed prompt embedding (nothing to run). */
  text?: TextEncoderChoice;
  steps: number;
  tiles: number;
  /** Blending the tiles into the picture, ms for the whole image (estimated by the caller). */
  blendMs?: number;
  /** Decoding the photo and writing the picture, ms (estimated by the caller). */
  pictureMs?: number;
}

export type PipelineUnit = 'encoder' | 'unet' | 'decoder' | 'text';

export interface MissingPipelineEntry {
  unit: PipelineUnit;
  /** `pipeline/vae_decoder/teacher/l16/w1/fp32 (missing)` */
  problem: string;
}

export interface UnetTerm {
  /** `candidate`: measured whole; `blocks`: sum of its block and part entries. */
  source: 'candidate' | 'blocks';
  estimate: Estimate;
  /** The block-sum prediction as well, when the blocks are there (for the share and calibration). */
  blocks?: Estimate;
}

export interface PipelinePrediction {
  code: string;
  indices: string;
  vae: string;
  steps: number;
  tiles: number;
  available: boolean;
  missing: MissingPipelineEntry[];
  encoder: EntryEstimate;
  decoder: EntryEstimate;
  text?: EntryEstimate;
  unet?: UnetTerm;
  perTile?: SumEstimate;
  /** Sampling error only; see pipeline-calibration.ts for the interval with the model's error. */
  perImage?: SumEstimate;
  /** (encoder + decoder) / per tile. */
  vaeShare?: number;
  /** The per-tile graph measured whole, when the LUT has it, and measured / predicted per tile. */
  tileGraph?: { estimate: EntryEstimate; ratio: number };
  flags: EntryFlag[];
}

/** Sum of terms each repeated `times` (errors of one term repeated are one error: half-widths scale linearly). */
export function repeatedSum(terms: readonly { e: Estimate; times: number }[]): SumEstimate {
  let median = 0;
  let below2 = 0;
  let above2 = 0;
  let below = 0;
  let above = 0;
  for (const { e, times } of terms) {
    const h = halfWidths(e);
    median += times * e.median;
    below2 += (times * h.below) ** 2;
    above2 += (times * h.above) ** 2;
    below += times * h.below;
    above += times * h.above;
  }
  return {
    median,
    interval: [median - Math.sqrt(below2), median + Math.sqrt(above2)],
    conservative: [median - below, median + above],
  };
}

/** The U-Net per step: measured whole if possible, else from blocks; or what is missing for either. */
type UnetRequest = Pick<PipelineRequest, 'lut' | 'file' | 'unet' | 'config' | 'candidate'>;

/** True when the LUT holds U-Net blocks at the configuration (a block sum can be made). */
export function hasBlocksAt(lut: Lut, c: LutConfig): boolean {
  return lut.entries.some((e) => e.key.kind === 'block' && e.key.latent === c.latent && e.key.width === c.width);
}

/** A block-sum predictor over the LUT at the configuration (call only when hasBlocksAt). */
export function blockPredictor(r: Omit<UnetRequest, 'candidate'>): Predictor {
  const table = blockTable(r.lut, r.unet, r.config);
  return { label: r.lut.device.profile, file: r.file, lut: r.lut, catalog: r.unet, config: r.config, table };
}

export function unetTerm(r: UnetRequest): { term?: UnetTerm; missing: string[] } {
  const index = indexEntries(r.lut);
  const code = formatCandidate(r.unet, r.candidate);
  const measured = estimateOf(index, unetKey(code, r.config));
  const hasBlocks = hasBlocksAt(r.lut, r.config);
  let blocks: Estimate | undefined;
  let blockProblems: string[] = [];
  if (hasBlocks) {
    const p = blockPredictor(r);
    const c = predictCandidate(p, r.candidate);
    if (c.latency) blocks = { median: c.latency.median, lo: c.latency.interval[0], hi: c.latency.interval[1] };
    blockProblems = c.missing;
  }
  if (measured.status === 'ok') {
    return { term: { source: 'candidate', estimate: measured, ...(blocks ? { blocks } : {}) }, missing: [] };
  }
  if (blocks) return { term: { source: 'blocks', estimate: blocks, blocks }, missing: [] };
  const none = `block entries at latent ${r.config.latent}, width ${r.config.width} (none)`;
  const blockText = hasBlocks ? blockProblems : [none];
  return { missing: [describeProblem(measured), ...blockText] };
}

export function predictPipeline(r: PipelineRequest): PipelinePrediction {
  const index = indexEntries(r.lut);
  const encoder = estimateOf(index, encoderKey(r.vae, r.config));
  const decoder = estimateOf(index, decoderKey(r.vae, r.config));
  const text = r.text ? estimateOf(index, textEncoderKey(r.text, r.config)) : undefined;
  const unet = unetTerm(r);
  const missing: MissingPipelineEntry[] = [
    ...(encoder.status === 'ok' ? [] : [{ unit: 'encoder' as const, problem: describeProblem(encoder) }]),
    ...unet.missing.map((problem) => ({ unit: 'unet' as const, problem })),
    ...(decoder.status === 'ok' ? [] : [{ unit: 'decoder' as const, problem: describeProblem(decoder) }]),
    ...(text && text.status !== 'ok' ? [{ unit: 'text' as const, problem: describeProblem(text) }] : []),
  ];
  const code = formatCandidate(r.unet, r.candidate);
  const flags = new Set<EntryFlag>([...encoder.flags, ...decoder.flags, ...(text?.flags ?? [])]);
  if (unet.term?.source === 'candidate') (unet.term.estimate as EntryEstimate).flags.forEach((f) => flags.add(f));
  const out: PipelinePrediction = {
    code,
    indices: formatCandidateIndices(r.candidate),
    vae: r.vae.name,
    steps: r.steps,
    tiles: r.tiles,
    available: missing.length === 0,
    missing,
    encoder,
    decoder,
    ...(text ? { text } : {}),
    ...(unet.term ? { unet: unet.term } : {}),
    flags: [...flags],
  };
  if (!out.available || !unet.term) return out;
  const perTile = repeatedSum([
    { e: encoder, times: 1 },
    { e: unet.term.estimate, times: r.steps },
    { e: decoder, times: 1 },
  ]);
  const once: { e: Estimate; times: number }[] = [
    ...(text ? [{ e: text, times: 1 }] : []),
    ...[r.blendMs, r.pictureMs]
      .filter((ms): ms is number => ms !== undefined)
      .map((ms) => ({ e: { median: ms, lo: ms, hi: ms }, times: 1 })),
  ];
  // The tiles' sum is one error repeated; the once-per-image parts are independent of it.
  const tileEstimate = { median: perTile.median, lo: perTile.interval[0], hi: perTile.interval[1] };
  const tilesPart = repeatedSum([{ e: tileEstimate, times: r.tiles }]);
  const rest = repeatedSum(once);
  const median = tilesPart.median + rest.median;
  const below = Math.hypot(tilesPart.median - tilesPart.interval[0], rest.median - rest.interval[0]);
  const above = Math.hypot(tilesPart.interval[1] - tilesPart.median, rest.interval[1] - rest.median);
  out.perTile = perTile;
  out.perImage = {
    median,
    interval: [median - below, median + above],
    conservative: [
      r.tiles * perTile.conservative[0] + rest.conservative[0],
      r.tiles * perTile.conservative[1] + rest.conservative[1],
    ],
  };
  out.vaeShare = (encoder.median + decoder.median) / perTile.median;
  const graph = estimateOf(index, tileKey(r.vae, code, r.steps, r.config));
  if (graph.status === 'ok') out.tileGraph = { estimate: graph, ratio: graph.median / perTile.median };
  return out;
}
