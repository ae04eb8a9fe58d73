// The whole candidate space evaluated at once: parameters and MACs from the catalogue, predicted
// latency per device (one predictor per LUT), and quality when given. Arrays are indexed by candidate
// number (the mixed-radix order of catalog/candidates.ts `candidateAt`).
import type { ResolvedCatalog } from '../catalog/types.js';
import type { Predictor } from '../predict/predictor.js';
import { predictSpace, type SpacePrediction } from '../predict/space.js';
import type { QualityInput } from './quality.js';

export interface DeviceSpace {
  label: string;
  predictor: Predictor;
  prediction: SpacePrediction;
}

export interface EvaluatedSpace {
  catalog: ResolvedCatalog;
  size: number;
  /** Variant count per stage. */
  radix: number[];
  params: Float64Array;
  macs: Float64Array;
  devices: DeviceSpace[];
  quality?: QualityInput;
}

export function evaluateSpace(catalog: ResolvedCatalog, predictors: readonly Predictor[], quality?: QualityInput): EvaluatedSpace {
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
    radix,
    params,
    macs,
    devices: predictors.map((p) => ({ label: p.label, predictor: p, prediction: predictSpace(p) })),
  };
  if (quality) out.quality = quality;
  return out;
}
