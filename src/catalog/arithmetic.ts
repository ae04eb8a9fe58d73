// Exact parameter and MAC counts of each unit kind, following the diffusers SD1.5 layout
// (reference/nanosd-paper.md §2.4, §6). MACs count convolutions, linear layers and the attention
// matmuls (QK^T and AV); norms, activations and softmax are not counted.
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
  const params =
    norm(d.cin) +
    conv(3, d.cin, d.cout) +
    linear(k.tembDim, d.cout, true) +
    norm(d.cout) +
    conv(3, d.cout, d.cout) +
    (shortcut ? conv(1, d.cin, d.cout) : 0);
  const macs =
    9 * d.cin * d.cout * hw + k.tembDim * d.cout + 9 * d.cout * d.cout * hw + (shortcut ? d.cin * d.cout * hw : 0);
  return { params, macs };
}

function attention(d: UnitDims, k: ModelConstants): UnitCost {
  const c = d.cout;
  const n = d.side * d.side;
  const l = k.contextLength;
  const dctx = k.contextDim;
  const params =
    norm(c) + // GroupNorm
    conv(1, c, c) + // proj_in
    norm(c) + // LayerNorm 1
    3 * linear(c, c, false) + linear(c, c, true) + // self-attention q, k, v, out
    norm(c) + // LayerNorm 2
    linear(c, c, false) + 2 * linear(dctx, c, false) + linear(c, c, true) + // cross-attention
    norm(c) + // LayerNorm 3
    linear(c, 8 * c, true) + linear(4 * c, c, true) + // GEGLU feed-forward, inner width 4C
    conv(1, c, c); // proj_out
  const macs =
    c * c * n + // proj_in
    4 * c * c * n + 2 * n * n * c + // self-attention projections, QK^T and AV
    2 * c * c * n + 2 * l * dctx * c + 2 * n * l * c + // cross-attention
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
      const out = Math.floor((d.side - 1) / 2) + 1; // 3x3, stride 2, padding 1
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
      return { params: linear(d.cin, d.cout, true) + linear(d.cout, d.cout, true), macs: d.cin * d.cout + d.cout * d.cout };
    case 'norm-conv':
      // GroupNorm, SiLU, 3x3 convolution (the output stem).
      return { params: norm(d.cin) + conv(3, d.cin, d.cout), macs: 9 * d.cin * d.cout * d.side * d.side };
  }
}
