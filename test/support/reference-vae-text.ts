// Independent plain-TypeScript forward passes (float64) of the SD1.5 VAE encoder and decoder and of the
// CLIP text transformer, written from the model descriptions (diffusers AutoencoderKL, transformers
// CLIPTextModel). They share nothing with the graph builder but the weight files they read, and walk the
// catalogue's resolved units only to know which ResNets and widths a variant has.
import type { ModelConstants } from '../../src/catalog/schema.js';
import type { ResolvedUnit } from '../../src/catalog/types.js';
import { add, conv2d, groupNorm, layerNorm, linear, silu, tensor, type Tensor } from './reference-units.js';

/** A unit's fp32 weights by local name (`conv1.weight`). */
export type UnitWeights = (unit: string) => Map<string, Float32Array>;

/** Pads one row at the bottom and one column at the right with zeros (F.pad(x, (0, 1, 0, 1))). */
export function padBottomRight(x: Tensor): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const y = tensor([1, c, h + 1, w + 1]);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) y.data[(ch * (h + 1) + i) * (w + 1) + j] = x.data[(ch * h + i) * w + j]!;
  return y;
}

export function upsampleNearest(x: Tensor): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const y = tensor([1, c, 2 * h, 2 * w]);
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < 2 * h; i++)
      for (let j = 0; j < 2 * w; j++)
        y.data[(ch * 2 * h + i) * 2 * w + j] = x.data[(ch * h + (i >> 1)) * w + (j >> 1)]!;
  return y;
}

/** Scaled dot-product attention per head; `causal` hides later tokens. */
export function attend(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  n: number,
  c: number,
  heads: number,
  causal: boolean,
): Float64Array {
  const d = c / heads;
  const out = new Float64Array(n * c);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < n; i++) {
      const last = causal ? i : n - 1;
      const p = new Float64Array(last + 1);
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        let s = 0;
        for (let e = 0; e < d; e++) s += q[i * c + h * d + e]! * k[j * c + h * d + e]!;
        p[j] = s / Math.sqrt(d);
        max = Math.max(max, p[j]!);
      }
      let sum = 0;
      for (let j = 0; j <= last; j++) sum += p[j] = Math.exp(p[j]! - max);
      for (let e = 0; e < d; e++) {
        let s = 0;
        for (let j = 0; j <= last; j++) s += (p[j]! / sum) * v[j * c + h * d + e]!;
        out[i * c + h * d + e] = s;
      }
    }
  return out;
}

function resnetNoTemb(k: ModelConstants, u: ResolvedUnit, W: (n: string) => Float32Array, x: Tensor): Tensor {
  let h = silu(groupNorm(x, k.groups, k.resnetEps, W('norm1.weight'), W('norm1.bias')));
  h = conv2d(h, W('conv1.weight'), W('conv1.bias'), u.out, 3, 1, 1);
  h = silu(groupNorm(h, k.groups, k.resnetEps, W('norm2.weight'), W('norm2.bias')));
  h = conv2d(h, W('conv2.weight'), W('conv2.bias'), u.out, 3, 1, 1);
  return add(u.cin !== u.out ? conv2d(x, W('conv_shortcut.weight'), W('conv_shortcut.bias'), u.out, 1, 1, 0) : x, h);
}

function midAttention(k: ModelConstants, u: ResolvedUnit, W: (n: string) => Float32Array, x: Tensor): Tensor {
  const c = u.out;
  const n = u.sideIn * u.sideIn;
  const h = groupNorm(x, k.groups, k.attentionEps, W('group_norm.weight'), W('group_norm.bias'));
  const tok = new Float64Array(n * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) tok[i * c + ch] = h.data[ch * n + i]!;
  const lin = (name: string, xs: Float64Array) => linear(xs, n, c, W(`${name}.weight`), c, W(`${name}.bias`));
  const o = lin('to_out', attend(lin('to_q', tok), lin('to_k', tok), lin('to_v', tok), n, c, k.heads, false));
  const back = tensor(x.shape);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) back.data[ch * n + i] = o[i * c + ch]!;
  return add(back, x);
}

/** Runs a VAE stage's units in order, by what each unit is in diffusers terms. */
export function referenceVaeStage(
  k: ModelConstants,
  units: ResolvedUnit[],
  weights: UnitWeights,
  input: Tensor,
): Tensor {
  let x = input;
  for (const u of units) {
    const w = weights(u.name);
    const W = (n: string) => w.get(n)!;
    switch (u.kind) {
      case 'conv': {
        const kk = u.kernel ?? 3;
        x = conv2d(x, W('conv.weight'), W('conv.bias'), u.out, kk, 1, Math.floor(kk / 2));
        break;
      }
      case 'resnet':
        x = resnetNoTemb(k, u, W, x);
        break;
      case 'self-attention':
        x = midAttention(k, u, W, x);
        break;
      case 'downsample':
        x = conv2d(padBottomRight(x), W('conv.weight'), W('conv.bias'), u.out, 3, 2, 0);
        break;
      case 'upsample':
        x = conv2d(upsampleNearest(x), W('conv.weight'), W('conv.bias'), u.out, 3, 1, 1);
        break;
      case 'norm-conv':
        x = conv2d(
          silu(groupNorm(x, k.groups, k.resnetEps, W('norm.weight'), W('norm.bias'))),
          W('conv.weight'),
          W('conv.bias'),
          u.out,
          3,
          1,
          1,
        );
        break;
      case 'latent-mean': {
        const hw = u.sideIn * u.sideIn;
        x = tensor([1, u.out, u.sideIn, u.sideIn], x.data.slice(0, u.out * hw));
        break;
      }
      case 'scale':
        x = { shape: x.shape, data: x.data.map((v) => v * u.factor!) };
        break;
      default:
        throw new Error(`no VAE reference for ${u.kind}`);
    }
  }
  return x;
}

/** CLIPTextModel: embeddings, pre-norm layers with causal attention and quick-GELU, final LayerNorm. */
export function referenceTextEncoder(
  k: ModelConstants,
  units: ResolvedUnit[],
  weights: UnitWeights,
  ids: Float32Array,
): Float64Array {
  let x: Float64Array = new Float64Array(0);
  for (const u of units) {
    const w = weights(u.name);
    const W = (n: string) => w.get(n)!;
    const c = u.out;
    const l = u.tokens!;
    if (u.kind === 'token-embedding') {
      x = new Float64Array(l * c);
      for (let t = 0; t < l; t++) {
        const id = Math.min(u.in - 1, Math.max(0, Math.trunc(ids[t]!)));
        for (let i = 0; i < c; i++)
          x[t * c + i] = W('token_embedding.weight')[id * c + i]! + W('position_embedding.weight')[t * c + i]!;
      }
    } else if (u.kind === 'text-layer') {
      const ff = u.ff!;
      const lin = (xs: Float64Array, cin: number, cout: number, name: string) =>
        linear(xs, l, cin, W(`${name}.weight`), cout, W(`${name}.bias`));
      let y = layerNorm(x, l, c, k.layerNormEps, W('layer_norm1.weight'), W('layer_norm1.bias'));
      const a = attend(
        lin(y, c, c, 'self_attn.q_proj'),
        lin(y, c, c, 'self_attn.k_proj'),
        lin(y, c, c, 'self_attn.v_proj'),
        l,
        c,
        k.heads,
        true,
      );
      const o = lin(a, c, c, 'self_attn.out_proj');
      x = x.map((v, i) => v + o[i]!);
      y = layerNorm(x, l, c, k.layerNormEps, W('layer_norm2.weight'), W('layer_norm2.bias'));
      const f = lin(y, c, ff, 'mlp.fc1').map((v) => v / (1 + Math.exp(-1.702 * v)));
      const m = lin(f, ff, c, 'mlp.fc2');
      x = x.map((v, i) => v + m[i]!);
    } else if (u.kind === 'layer-norm') {
      x = layerNorm(x, l, c, k.layerNormEps, W('final_layer_norm.weight'), W('final_layer_norm.bias'));
    } else {
      throw new Error(`no text reference for ${u.kind}`);
    }
  }
  return x;
}
