// Exact parameter and MAC counts of each unit kind, following the diffusers SD1.5 layout
// (reference/nanosd-paper.md §2.4, §6; the VAE and CLIP text encoder of §6.5). MACs count convolutions,
// linear layers and the attention matmuls (QK^T and AV); norms, activations, softmax, embedding look-ups
// and elementwise scaling are not counted.
import type { ModelConstants, UnitKind } from './schema.js';

/** Everything the formulas need about one unit instance. */
export interface UnitDims {
  kind: UnitKind;
  /** Channels entering the unit's first layer (main tensor plus any concatenated skip). */
  cin: number;
  cout: number;
  /** Spatial side of the input (the output side for samplers follows from the kind). */
  side: number;
  kernel?: number;
  /** Tokens of a sequence unit. */
  tokens?: number;
  /** Downsampler padding [top, left, bottom, right]; default 1 on every side. */
  pads?: readonly [number, number, number, number];
  /** Feed-forward inner width of a text layer. */
  ff?: number;
}

export interface UnitCost {
  params: number;
  macs: number;
}

const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const linear = (cin: number, cout: number, bias: boolean) => cin * cout + (bias ? cout : 0);
const norm = (c: number) => 2 * c;

function resnet(d: UnitDims, k: ModelConstants): UnitCost {
  const hw = d.side * d.side;
  const shortcut = d.cin !== d.cout;
  // A model without a time embedding (the VAE) has no time projection in its ResNets.
  const temb = k.tembDim ?? 0;
  const params =
    norm(d.cin) +
    conv(3, d.cin, d.cout) +
    (temb > 0 ? linear(temb, d.cout, true) : 0) +
    norm(d.cout) +
    conv(3, d.cout, d.cout) +
    (shortcut ? conv(1, d.cin, d.cout) : 0);
  const macs =
    9 * d.cin * d.cout * hw + temb * d.cout + 9 * d.cout * d.cout * hw + (shortcut ? d.cin * d.cout * hw : 0);
  return { params, macs };
}

/** diffusers `Attention` as the VAE's mid block uses it: GroupNorm, q/k/v/out with biases, residual. */
function selfAttention(d: UnitDims): UnitCost {
  const c = d.cout;
  const n = d.side * d.side;
  return { params: norm(c) + 4 * linear(c, c, true), macs: 4 * c * c * n + 2 * n * n * c };
}

/** CLIP encoder layer: LayerNorm, causal self-attention (biased q/k/v/out), LayerNorm, MLP c -> ff -> c. */
function textLayer(d: UnitDims): UnitCost {
  const c = d.cout;
  const l = d.tokens ?? 1;
  const f = d.ff ?? 4 * c;
  return {
    params: 2 * norm(c) + 4 * linear(c, c, true) + linear(c, f, true) + linear(f, c, true),
    macs: 4 * c * c * l + 2 * l * l * c + 2 * l * c * f,
  };
}

/** Output side of a 3x3 stride-2 convolution with the given padding. */
export function downsampledSide(side: number, pads: readonly [number, number, number, number] = [1, 1, 1, 1]): number {
  return Math.floor((side + pads[0] + pads[2] - 3) / 2) + 1;
}

function attention(d: UnitDims, k: ModelConstants): UnitCost {
  const c = d.cout;
  const n = d.side * d.side;
  // The resolver refuses an attention unit in a catalogue without a context.
  const l = k.contextLength ?? 0;
  const dctx = k.contextDim ?? 0;
  const params =
    norm(c) + // GroupNorm
    conv(1, c, c) + // proj_in
    norm(c) + // LayerNorm 1
    3 * linear(c, c, false) +
    linear(c, c, true) + // self-attention q, k, v, out
    norm(c) + // LayerNorm 2
    linear(c, c, false) +
    2 * linear(dctx, c, false) +
    linear(c, c, true) + // cross-attention
    norm(c) + // LayerNorm 3
    linear(c, 8 * c, true) +
    linear(4 * c, c, true) + // GEGLU feed-forward, inner width 4C
    conv(1, c, c); // proj_out
  const macs =
    c * c * n + // proj_in
    4 * c * c * n +
    2 * n * n * c + // self-attention projections, QK^T and AV
    2 * c * c * n +
    2 * l * dctx * c +
    2 * n * l * c + // cross-attention
    12 * c * c * n + // feed-forward (C -> 8C, 4C -> C)
    c * c * n; // proj_out
  return { params, macs };
}

/** Parameters and MACs of one unit. */
export function unitCost(d: UnitDims, k: ModelConstants): UnitCost {
  switch (d.kind) {
    case 'resnet':
      return resnet(d, k);
    case 'attention':
      return attention(d, k);
    case 'downsample': {
      const out = downsampledSide(d.side, d.pads);
      return { params: conv(3, d.cin, d.cout), macs: 9 * d.cin * d.cout * out * out };
    }
    case 'upsample': {
      const out = d.side * 2; // nearest x2, then 3x3 convolution at the new size
      return { params: conv(3, d.cin, d.cout), macs: 9 * d.cin * d.cout * out * out };
    }
    case 'conv': {
      const kk = d.kernel ?? 3;
      return { params: conv(kk, d.cin, d.cout), macs: kk * kk * d.cin * d.cout * d.side * d.side };
    }
    case 'time-embedding':
      // Linear(timeProj -> temb), SiLU, Linear(temb -> temb); the sinusoidal projection has no weights.
      return {
        params: linear(d.cin, d.cout, true) + linear(d.cout, d.cout, true),
        macs: d.cin * d.cout + d.cout * d.cout,
      };
    case 'norm-conv':
      // GroupNorm, SiLU, 3x3 convolution (the output stem).
      return { params: norm(d.cin) + conv(3, d.cin, d.cout), macs: 9 * d.cin * d.cout * d.side * d.side };
    case 'self-attention':
      return selfAttention(d);
    case 'latent-mean':
    case 'scale':
      return { params: 0, macs: 0 };
    case 'token-embedding':
      // Token table [vocab, C] (cin is the vocabulary) plus position table [tokens, C]; look-ups, no MACs.
      return { params: d.cin * d.cout + (d.tokens ?? 0) * d.cout, macs: 0 };
    case 'text-layer':
      return textLayer(d);
    case 'layer-norm':
      return { params: norm(d.cout), macs: 0 };
  }
}
