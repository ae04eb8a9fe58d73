// The sampler a per-tile pipeline graph runs between U-Net evaluations: SD1.5's noise schedule
// (scaled-linear betas 0.00085 -> 0.012 over 1000 training steps) with deterministic DDIM updates
// (eta 0) on "trailing" timesteps, the last step going to the clean latent. One step is what one-step
// restoration models do (t = 999, then x0 from the predicted noise). Each update is affine in the
// latent and the predicted noise, so the graph holds only two constants per step.

import { UsageError } from '../errors.js';

const TRAIN_STEPS = 1000;
const BETA_START = 0.00085;
const BETA_END = 0.012;

export interface DenoiseStep {
  timestep: number;
  /** x_next = latentScale * x + noiseScale * eps */
  latentScale: number;
  noiseScale: number;
}

/** Cumulative alphas of the scaled-linear schedule, index = timestep. */
export function alphasCumprod(): Float64Array {
  const out = new Float64Array(TRAIN_STEPS);
  const a = Math.sqrt(BETA_START);
  const b = Math.sqrt(BETA_END);
  let prod = 1;
  for (let t = 0; t < TRAIN_STEPS; t++) {
    const beta = (a + ((b - a) * t) / (TRAIN_STEPS - 1)) ** 2;
    prod *= 1 - beta;
    out[t] = prod;
  }
  return out;
}

/** diffusers' `timestep_spacing="trailing"`: round(arange(1000, 0, -1000/steps)) - 1. */
export function trailingTimesteps(steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > TRAIN_STEPS)
    throw new UsageError(`--steps ${steps} must be an integer from 1 to ${TRAIN_STEPS}`);
  return Array.from({ length: steps }, (_, i) => Math.round(TRAIN_STEPS - (i * TRAIN_STEPS) / steps) - 1);
}

export function denoiseSchedule(steps: number): DenoiseStep[] {
  const ac = alphasCumprod();
  const ts = trailingTimesteps(steps);
  return ts.map((t, i) => {
    const at = ac[t]!;
    const next = ts[i + 1];
    const prev = next === undefined ? 1 : ac[next]!;
    // x0 = (x - sqrt(1 - at) eps) / sqrt(at);  x_next = sqrt(prev) x0 + sqrt(1 - prev) eps
    const latentScale = Math.sqrt(prev) / Math.sqrt(at);
    const noiseScale = Math.sqrt(1 - prev) - (Math.sqrt(prev) * Math.sqrt(1 - at)) / Math.sqrt(at);
    return { timestep: t, latentScale, noiseScale };
  });
}
