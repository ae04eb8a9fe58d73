// Per-image latency of every candidate of the space with one or more VAE variants, for the search's
// `pipeline` objective and the exports: seconds per image = (tiles x (encoder + steps x U-Net +
// decoder) + text encoder + blending) / 1000, with the U-Net from its block sum (the space's fast
// path), so every candidate is predicted the same way. Pure, like the rest of predict/.
import type { Lut } from '../lut/schema.js';
import type { LutConfig } from './config.js';
import { describeProblem, estimateOf, indexEntries, type EntryEstimate } from './entries.js';
import {
  decoderKey,
  encoderKey,
  textEncoderKey,
  VAE_STAGE_PREFIX,
  type TextEncoderChoice,
  type VaeChoice,
} from './pipeline-keys.js';
import type { Predictor } from './predictor.js';
import type { SpacePrediction } from './space.js';

export interface PipelineSpaceOptions {
  vaes: VaeChoice[];
  steps: number;
  tiles: number;
  text?: TextEncoderChoice;
  /** Blending the whole image, ms. */
  blendMs: number;
  /** Decoding the photo and writing the picture, ms. */
  pictureMs: number;
}

export interface VaeColumn {
  vae: VaeChoice;
  encoder: EntryEstimate;
  decoder: EntryEstimate;
  /** Seconds per image per candidate number; NaN where the U-Net or a VAE half has no prediction. */
  seconds: Float64Array;
  /** Share of the VAE in each candidate's tile time (NaN where unpredicted). */
  vaeShare: Float64Array;
  /** The entries that keep this VAE's column from a prediction. */
  missing: string[];
}

export interface PipelineSpace {
  config: LutConfig;
  options: PipelineSpaceOptions;
  text?: EntryEstimate;
  columns: VaeColumn[];
}

export function pipelineSpace(p: Predictor, unet: SpacePrediction, o: PipelineSpaceOptions): PipelineSpace {
  const index = indexEntries(p.lut);
  const text = o.text ? estimateOf(index, textEncoderKey(o.text, p.config)) : undefined;
  const textMs = text?.status === 'ok' ? text.median : text ? Number.NaN : 0;
  const columns = o.vaes.map((vae): VaeColumn => {
    const encoder = estimateOf(index, encoderKey(vae, p.config));
    const decoder = estimateOf(index, decoderKey(vae, p.config));
    const missing = [encoder, decoder, ...(text ? [text] : [])].filter((e) => e.status !== 'ok').map(describeProblem);
    const seconds = new Float64Array(unet.size);
    const vaeShare = new Float64Array(unet.size);
    const vaeMs = encoder.median + decoder.median;
    for (let n = 0; n < unet.size; n++) {
      const tile = vaeMs + o.steps * unet.median[n]!;
      // NaN propagates from a missing VAE half or an unpredicted U-Net.
      seconds[n] = (o.tiles * tile + textMs + o.blendMs + o.pictureMs) / 1000;
      vaeShare[n] = vaeMs / tile;
    }
    return { vae, encoder, decoder, seconds, vaeShare, missing };
  });
  return { config: p.config, options: o, ...(text ? { text } : {}), columns };
}

/** True when the LUT holds VAE entries at this configuration (a pipeline can be predicted from it). */
export function hasPipelineEntries(lut: Lut, c: LutConfig): boolean {
  return lut.entries.some(
    (e) =>
      e.key.kind === 'pipeline' &&
      e.key.stage?.startsWith(VAE_STAGE_PREFIX) === true &&
      e.key.latent === c.latent &&
      e.key.width === c.width,
  );
}
