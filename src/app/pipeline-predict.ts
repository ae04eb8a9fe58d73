// The prediction half of `bench pipeline`: from the device's LUT, per tile and per image, with the
// model error the LUT's end-to-end measurements show, the VAE's share, and the exact commands that
// measure whatever is missing. Blending is estimated by timing the real blending code on this
// computer (it is plain JavaScript on the device as well, outside any model).
import type { Candidate } from '../catalog/candidates.js';
import { parseVaeVariant, type VaeVariant } from '../catalog/vae.js';
import type { Lut } from '../lut/schema.js';
import { TileBlender, tileWindow } from '../pipeline/blend.js';
import type { TilePlan } from '../pipeline/tiling.js';
import type { LutConfig } from '../predict/config.js';
import { pipelineCalibration, pipelineModelError, type PipelineCalibration } from '../predict/pipeline-calibration.js';
import { predictPipeline, type PipelinePrediction } from '../predict/pipeline.js';
import { withModelError, type ModelError, type SumEstimate } from '../predict/uncertainty.js';
import { measureCommands, type PipelineCommandContext } from './pipeline-commands.js';
import { textChoiceOf, vaeChoiceOf, type PipelineCatalogs } from './pipeline-models.js';

export interface PipelinePredictionResult {
  prediction: PipelinePrediction;
  calibration: PipelineCalibration;
  modelError?: ModelError;
  /** The per-image estimate with the model error (the prediction's own is sampling error only). */
  perImage?: SumEstimate;
  blendMs: number;
  /** Commands that measure the missing entries. */
  commands: string[];
}

export interface PredictInput {
  lut: Lut;
  lutFile: string;
  catalogs: PipelineCatalogs;
  config: LutConfig;
  candidate: Candidate;
  vae: VaeVariant;
  steps: number;
  text: boolean;
  plan: TilePlan;
  commands: PipelineCommandContext;
}

/** Blending one image as the runner does it, timed here: every tile added once, then normalised. */
export function estimateBlendMs(plan: TilePlan): number {
  const blender = new TileBlender(plan.image.width, plan.image.height);
  const tile = new Float32Array(3 * plan.tile * plan.tile);
  // A few tiles are enough to time one: the rest cost the same.
  const sample = plan.tiles.slice(0, Math.min(plan.count, 4));
  const started = performance.now();
  for (const t of sample) {
    const at = { x: t.x, y: t.y, size: plan.tile };
    const { wx, wy } = tileWindow(plan.image.width, plan.image.height, at, plan.overlap);
    blender.add(tile, at, wx, wy);
  }
  const perTile = (performance.now() - started) / sample.length;
  const finishStarted = performance.now();
  blender.finish();
  return perTile * plan.count + (performance.now() - finishStarted);
}

export function predictForDevice(i: PredictInput): PipelinePredictionResult {
  const unet = i.catalogs.unet.resolve(i.config.latent, i.config.width);
  const vaeResolved = i.catalogs.vae.resolve(i.config.latent, 1);
  const blendMs = estimateBlendMs(i.plan);
  const base = { lut: i.lut, file: i.lutFile, unet, config: i.config };
  const prediction = predictPipeline({
    ...base,
    candidate: i.candidate,
    vae: vaeChoiceOf(i.vae),
    ...(i.text ? { text: textChoiceOf(i.catalogs.text) } : {}),
    steps: i.steps,
    tiles: i.plan.count,
    blendMs,
  });
  const calibration = pipelineCalibration(base, (name) => {
    try {
      return vaeChoiceOf(parseVaeVariant(vaeResolved, name));
    } catch {
      return undefined;
    }
  });
  const modelError = pipelineModelError(prediction, calibration);
  return {
    prediction,
    calibration,
    ...(modelError ? { modelError } : {}),
    ...(prediction.perImage ? { perImage: withModelError(prediction.perImage, modelError) } : {}),
    blendMs,
    commands: prediction.available ? [] : measureCommands(i.commands, prediction.missing),
  };
}
