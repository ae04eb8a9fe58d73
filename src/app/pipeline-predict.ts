// The prediction half of `bench pipeline`: from the device's LUT, per tile and per image, with the
// model error the LUT's end-to-end measurements show, the VAE's share, and the exact commands that
// measure whatever is missing. Blending, decoding the photo and writing the picture are estimated by
// timing the runner's own code on this computer (pipeline-host-stages.ts).
import type { Candidate } from '../catalog/candidates.js';
import { parseVaeVariant, type VaeVariant } from '../catalog/vae.js';
import type { Lut } from '../lut/schema.js';
import type { ImageFormat } from '../pipeline/image-codec.js';
import type { TilePlan } from '../pipeline/tiling.js';
import type { LutConfig } from '../predict/config.js';
import { pipelineCalibration, pipelineModelError, type PipelineCalibration } from '../predict/pipeline-calibration.js';
import { predictPipeline, type PipelinePrediction } from '../predict/pipeline.js';
import { withModelError, type ModelError, type SumEstimate } from '../predict/uncertainty.js';
import { measureCommands, type PipelineCommandContext } from './pipeline-commands.js';
import { estimateBlendMs, estimatePictureMs } from './pipeline-host-stages.js';
import { textChoiceOf, vaeChoiceOf, type PipelineCatalogs } from './pipeline-models.js';

export interface PipelinePredictionResult {
  prediction: PipelinePrediction;
  calibration: PipelineCalibration;
  modelError?: ModelError;
  /** The per-image estimate with the model error (the prediction's own is sampling error only). */
  perImage?: SumEstimate;
  blendMs: number;
  /** Decoding the photo and encoding the restored picture (timed on this computer). */
  pictureMs: number;
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
  /** The photo's format and the restored picture's. */
  formats: { input: ImageFormat; output: ImageFormat };
  commands: PipelineCommandContext;
}

export function predictForDevice(i: PredictInput): PipelinePredictionResult {
  const unet = i.catalogs.unet.resolve(i.config.latent, i.config.width);
  const vaeResolved = i.catalogs.vae.resolve(i.config.latent, 1);
  const blendMs = estimateBlendMs(i.plan);
  const pictureMs = estimatePictureMs(i.plan, i.formats.input, i.formats.output);
  const base = { lut: i.lut, file: i.lutFile, unet, config: i.config };
  const prediction = predictPipeline({
    ...base,
    candidate: i.candidate,
    vae: vaeChoiceOf(i.vae),
    ...(i.text ? { text: textChoiceOf(i.catalogs.text) } : {}),
    steps: i.steps,
    tiles: i.plan.count,
    blendMs,
    pictureMs,
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
    pictureMs,
    commands: prediction.available ? [] : measureCommands(i.commands, prediction.missing),
  };
}
