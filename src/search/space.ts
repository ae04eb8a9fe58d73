// The whole candidate space evaluated at once: parameters and MACs from the catalogue, predicted
// latency per device (one predictor per LUT), and quality when given. Arrays are indexed by candidate
// number (the mixed-radix order of catalog/candidates.ts `candidateAt`).
//
// With a pipeline (the `pipeline` objective, `--vae`), each device also has seconds per image, and
// the VAE variants become part of the space: its number is `vae * base + U-Net number` (the VAE the
// slowest digit, the teacher VAE first, so one VAE changes no number), and params and MACs are the
// whole tile's (U-Net + VAE parameters; encoder + steps x U-Net + decoder MACs).
import type { ResolvedCatalog } from '../catalog/types.js';
import { pipelineSpace, type PipelineSpace } from '../predict/pipeline-space.js';
import type { TextEncoderChoice, VaeChoice } from '../predict/pipeline-keys.js';
import type { Predictor } from '../predict/predictor.js';
import { predictSpace, type SpacePrediction } from '../predict/space.js';
import type { QualityInput } from './quality.js';

export interface DeviceSpace {
  label: string;
  predictor: Predictor;
  prediction: SpacePrediction;
  /** Seconds per image and the VAE's share of a tile, per candidate number (with a pipeline). */
  pipeline?: { seconds: Float64Array; vaeShare: Float64Array; space: PipelineSpace; missing: string[] };
}

export interface PipelineSearchInput {
  vaes: { choice: VaeChoice; params: number; macs: number }[];
  steps: number;
  tiles: number;
  text?: TextEncoderChoice;
  /** Blending the whole image, ms. */
  blendMs: number;
  /** Decoding the photo and writing the picture, ms. */
  pictureMs: number;
  /** For outputs: `4000x3000 in 88 tiles of 512 px`. */
  description: string;
}

export interface EvaluatedSpace {
  catalog: ResolvedCatalog;
  /** Candidates: U-Net candidates times VAE variants. */
  size: number;
  /** U-Net candidates (the catalogue's space). */
  base: number;
  pipeline?: PipelineSearchInput;
  /** Variant count per stage. */
  radix: number[];
  params: Float64Array;
  macs: Float64Array;
  devices: DeviceSpace[];
  quality?: QualityInput;
}

export function evaluateSpace(
  catalog: ResolvedCatalog,
  predictors: readonly Predictor[],
  quality?: QualityInput,
  pipeline?: PipelineSearchInput,
): EvaluatedSpace {
  const unet = evaluateUnetSpace(catalog, predictors, quality);
  return pipeline ? withPipeline(unet, pipeline) : unet;
}

function evaluateUnetSpace(
  catalog: ResolvedCatalog,
  predictors: readonly Predictor[],
  quality?: QualityInput,
): EvaluatedSpace {
  const radix = catalog.stages.map((s) => s.variants.length);
  const size = radix.reduce((a, b) => a * b, 1);
  const params = new Float64Array(size);
  const macs = new Float64Array(size);
  const fixedParams = catalog.parts.reduce((a, p) => a + p.params, 0);
  const fixedMacs = catalog.parts.reduce((a, p) => a + p.macs, 0);
  const vp = catalog.stages.map((s) => s.variants.map((v) => v.params));
  const vm = catalog.stages.map((s) => s.variants.map((v) => v.macs));
  const k = radix.length;
  const digit = new Array<number>(k).fill(0);
  for (let n = 0; n < size; n++) {
    let p = fixedParams;
    let m = fixedMacs;
    for (let s = 0; s < k; s++) {
      p += vp[s]![digit[s]!]!;
      m += vm[s]![digit[s]!]!;
    }
    params[n] = p;
    macs[n] = m;
    for (let s = k - 1; s >= 0; s--) {
      digit[s]!++;
      if (digit[s]! < radix[s]!) break;
      digit[s] = 0;
    }
  }
  for (const p of predictors) {
    if (p.catalog.hash !== catalog.hash || p.catalog.latent !== catalog.latent || p.catalog.width !== catalog.width) {
      throw new Error(`predictor ${p.label} was built for another catalogue resolution`);
    }
  }
  const out: EvaluatedSpace = {
    catalog,
    size,
    base: size,
    radix,
    params,
    macs,
    devices: predictors.map((p) => ({ label: p.label, predictor: p, prediction: predictSpace(p) })),
  };
  if (quality) out.quality = quality;
  return out;
}

/** `times` copies of each array one after the other (the U-Net space once per VAE variant). */
function tiled<T extends Float64Array | Uint8Array>(a: T, times: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length * times);
  for (let v = 0; v < times; v++) out.set(a, v * a.length);
  return out;
}

function tiledPrediction(p: SpacePrediction, times: number): SpacePrediction {
  if (times === 1) return p;
  return {
    ...p,
    size: p.size * times,
    median: tiled(p.median, times),
    lo: tiled(p.lo, times),
    hi: tiled(p.hi, times),
    consLo: tiled(p.consLo, times),
    consHi: tiled(p.consHi, times),
    available: tiled(p.available, times),
    flags: tiled(p.flags, times),
    availableCount: p.availableCount * times,
  };
}

function withPipeline(unet: EvaluatedSpace, pipeline: PipelineSearchInput): EvaluatedSpace {
  const base = unet.base;
  const V = pipeline.vaes.length;
  const size = base * V;
  const params = new Float64Array(size);
  const macs = new Float64Array(size);
  pipeline.vaes.forEach((vae, v) => {
    for (let n = 0; n < base; n++) {
      params[v * base + n] = unet.params[n]! + vae.params;
      macs[v * base + n] = pipeline.steps * unet.macs[n]! + vae.macs;
    }
  });
  const devices = unet.devices.map((d): DeviceSpace => {
    const space = pipelineSpace(d.predictor, d.prediction, {
      vaes: pipeline.vaes.map((x) => x.choice),
      steps: pipeline.steps,
      tiles: pipeline.tiles,
      blendMs: pipeline.blendMs,
      pictureMs: pipeline.pictureMs,
      ...(pipeline.text ? { text: pipeline.text } : {}),
    });
    const seconds = new Float64Array(size);
    const vaeShare = new Float64Array(size);
    space.columns.forEach((c, v) => {
      seconds.set(c.seconds, v * base);
      vaeShare.set(c.vaeShare, v * base);
    });
    const missing = [...new Set(space.columns.flatMap((c) => c.missing))];
    return { ...d, prediction: tiledPrediction(d.prediction, V), pipeline: { seconds, vaeShare, space, missing } };
  });
  const out: EvaluatedSpace = { ...unet, size, params, macs, devices, pipeline };
  if (unet.quality) out.quality = { ...unet.quality, values: tiled(unet.quality.values, V) };
  return out;
}
