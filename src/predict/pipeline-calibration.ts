// How far the per-tile sum (encoder + steps x U-Net + decoder) is from the per-tile graph measured
// whole, over every tile graph the LUT holds, and the model error that gives a pipeline prediction.
// Two sources combine: the tile graphs (what the sum of pipeline entries misses), and, when the
// U-Net term itself comes from blocks, the candidates measured whole (what the block sum misses),
// weighted by the U-Net's share of the tile. Independent sources add in quadrature in log space.
import { parseCandidate } from '../catalog/candidates.js';
import { errorMessage } from '../errors.js';
import { calibration, candidateModelError } from './calibration.js';
import { TILE_STAGE, type VaeChoice } from './pipeline-keys.js';
import {
  blockPredictor,
  hasBlocksAt,
  predictPipeline,
  type PipelinePrediction,
  type PipelineRequest,
} from './pipeline.js';
import { modelErrorFrom, type ModelError } from './uncertainty.js';

export interface TileCalibrationPoint {
  id: string;
  vae: string;
  code: string;
  steps: number;
  measured: number;
  predicted: number;
  ratio: number;
}

export interface PipelineCalibration {
  tiles: TileCalibrationPoint[];
  /** Candidate calibration, when the LUT has blocks at the configuration. */
  candidates?: ReturnType<typeof calibration>;
  skipped: { id: string; reason: string }[];
}

type Base = Pick<PipelineRequest, 'lut' | 'file' | 'unet' | 'config'>;

export function pipelineCalibration(r: Base, vaeNamed: (name: string) => VaeChoice | undefined): PipelineCalibration {
  const tiles: TileCalibrationPoint[] = [];
  const skipped: PipelineCalibration['skipped'] = [];
  for (const e of r.lut.entries) {
    const k = e.key;
    if (k.kind !== 'pipeline' || k.stage !== TILE_STAGE) continue;
    if (k.latent !== r.config.latent || k.width !== r.config.width || k.precision !== r.config.precision) continue;
    if (e.state !== 'ok' || !e.stats) continue;
    const vae = vaeNamed(k.variant ?? '');
    if (!vae) {
      skipped.push({ id: e.id, reason: `VAE variant '${k.variant}' is not in the catalogue` });
      continue;
    }
    let p: PipelinePrediction;
    try {
      const candidate = parseCandidate(r.unet, k.arch ?? '');
      p = predictPipeline({ ...r, candidate, vae, steps: k.steps ?? 1, tiles: 1 });
    } catch (error) {
      skipped.push({ id: e.id, reason: errorMessage(error) });
      continue;
    }
    if (!p.perTile) {
      skipped.push({ id: e.id, reason: `no prediction: missing ${p.missing.map((m) => m.problem).join(', ')}` });
      continue;
    }
    const predicted = p.perTile.median;
    const measured = e.stats.median;
    const ratio = measured / predicted;
    tiles.push({ id: e.id, vae: vae.name, code: p.code, steps: p.steps, measured, predicted, ratio });
  }
  const out: PipelineCalibration = { tiles, skipped };
  const hasBlocks = hasBlocksAt(r.lut, r.config);
  if (hasBlocks) {
    const predictor = blockPredictor(r);
    out.candidates = calibration(predictor);
  }
  return out;
}

/** The model error of one pipeline prediction (undefined when the LUT holds no end-to-end measurement). */
export function pipelineModelError(p: PipelinePrediction, cal: PipelineCalibration): ModelError | undefined {
  const tileSource = cal.tiles.length === 1 ? 'pipeline tile' : 'pipeline tiles';
  const tile = modelErrorFrom(
    cal.tiles.map((t) => t.ratio),
    tileSource,
  );
  // The block sum's own error matters only where the U-Net term is a block sum.
  const unet = p.unet?.source === 'blocks' && cal.candidates ? candidateModelError(cal.candidates) : undefined;
  if (!unet) return tile;
  const share = p.perTile && p.unet ? (p.steps * p.unet.estimate.median) / p.perTile.median : 1;
  const scale = (ratio: number) => Math.exp(share * Math.log(ratio));
  const scaled = { ...unet, lower: scale(unet.lower), upper: scale(unet.upper) };
  if (!tile) return { ...scaled, source: `${unet.source} (the U-Net's ${(share * 100).toFixed(0)}% of a tile)` };
  return {
    n: tile.n + unet.n,
    source: `${tile.source} and ${unet.source}`,
    lower: Math.exp(-Math.hypot(Math.log(tile.lower), Math.log(scaled.lower))),
    upper: Math.exp(Math.hypot(Math.log(tile.upper), Math.log(scaled.upper))),
    min: Math.min(tile.min, unet.min),
    max: Math.max(tile.max, unet.max),
  };
}
