// The LUT keys of a whole pipeline's pieces: the VAE encoder and decoder of a VAE variant, the text
// encoder, the U-Net candidate, and the per-tile graph (encoder -> U-Net x steps -> decoder). The
// measuring run (app/pipeline-measure.ts) writes entries under exactly these keys and the prediction
// reads them, so both build them here.
import type { Catalog } from '../catalog/load.js';
import type { VaeVariant } from '../catalog/vae.js';
import type { EntryKey } from '../lut/schema.js';
import type { LutConfig } from './config.js';

/** The `stage` of pipeline entries that are not units of a catalogue stage. */
export const TILE_STAGE = 'tile';

/** A VAE variant as the pipeline uses it: its name and the catalogue stage variants of its halves. */
export interface VaeChoice {
  /** The name users give with `--vae` (the teacher's is the catalogue's first variant). */
  name: string;
  encoder: { stage: string; variant: string };
  decoder: { stage: string; variant: string };
}

/** The once-per-image text encoder, when the pipeline runs one (else a fixed prompt embedding). */
export interface TextEncoderChoice {
  stage: string;
  variant: string;
}

/** VAE stages are keyed `vae_encoder`, `vae_decoder`: apart from the U-Net's stage names. */
export const VAE_STAGE_PREFIX = 'vae_';

/** How the VAE's halves are named in LUT keys (`vae_encoder`, `vae_decoder`): apart from U-Net stages. */
export function vaeChoiceOf(v: VaeVariant): VaeChoice {
  return {
    name: v.name,
    encoder: { stage: `${VAE_STAGE_PREFIX}${v.encoder.stage}`, variant: v.encoder.variant },
    decoder: { stage: `${VAE_STAGE_PREFIX}${v.decoder.stage}`, variant: v.decoder.variant },
  };
}

/** The text encoder part of a text catalogue, keyed by the catalogue's name. */
export function textChoiceOf(text: Catalog): TextEncoderChoice {
  const part = text.spec.parts[0];
  return { stage: part?.name ?? 'text_encoder', variant: text.spec.name };
}

const base = (c: LutConfig) => ({ latent: c.latent, width: c.width, precision: c.precision });

export function encoderKey(vae: VaeChoice, c: LutConfig): EntryKey {
  return { kind: 'pipeline', stage: vae.encoder.stage, variant: vae.encoder.variant, ...base(c) };
}

export function decoderKey(vae: VaeChoice, c: LutConfig): EntryKey {
  return { kind: 'pipeline', stage: vae.decoder.stage, variant: vae.decoder.variant, ...base(c) };
}

export function textEncoderKey(text: TextEncoderChoice, c: LutConfig): EntryKey {
  return { kind: 'pipeline', stage: text.stage, variant: text.variant, ...base(c) };
}

/** The U-Net candidate measured whole (`bench candidates` writes the same key). */
export function unetKey(code: string, c: LutConfig): EntryKey {
  return { kind: 'candidate', arch: code, ...base(c) };
}

export function tileKey(vae: VaeChoice, code: string, steps: number, c: LutConfig): EntryKey {
  return { kind: 'pipeline', stage: TILE_STAGE, variant: vae.name, arch: code, steps, ...base(c) };
}
