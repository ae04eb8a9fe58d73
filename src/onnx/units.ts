// ONNX subgraphs of the U-Net units, following diffusers semantics (reference/nanosd-paper.md §6):
// ResnetBlock2D, Transformer2DModel with one BasicTransformerBlock, Downsample2D, Upsample2D, and the
// stems. GroupNorm is written in the Reshape -> InstanceNormalization -> Reshape -> Mul -> Add form that
// PyTorch's ONNX export produces and that every execution provider supports.
import type { ResolvedUnit } from '../catalog/types.js';
import type { ModelConstants } from '../catalog/schema.js';
import type { GraphBuilder } from './graph-builder.js';
import { fanInBound, ones, zeros, type WeightBinder } from './unit-weights.js';

export interface UnitInputs {
  x: string;
  temb?: string;
  context?: string;
  /** The skip tensor concatenated before a decoder ResNet. */
  skip?: string;
}

type Ctx = { b: GraphBuilder; w: WeightBinder; k: ModelConstants };

function groupNorm({ b, w, k }: Ctx, x: string, c: number, side: number, eps: number, name: string): string {
  const g = k.groups;
  const grouped = b.op1('Reshape', [x, b.constI64([1, g, -1])]);
  const normed = b.op1('InstanceNormalization', [grouped, b.constF(new Array<number>(g).fill(1), [g]), b.constF(new Array<number>(g).fill(0), [g])], {
    epsilon: { float: eps },
  });
  const back = b.op1('Reshape', [normed, b.constI64([1, c, side, side])]);
  const scaled = b.op1('Mul', [back, w.param(`${name}.weight`, [c, 1, 1], ones)]);
  return b.op1('Add', [scaled, w.param(`${name}.bias`, [c, 1, 1], zeros)]);
}

function silu(b: GraphBuilder, x: string): string {
  return b.op1('Mul', [x, b.op1('Sigmoid', [x])], {}, 'silu');
}

function conv({ b, w }: Ctx, x: string, cin: number, cout: number, kernel: number, name: string, stride = 1): string {
  const weight = w.param(`${name}.weight`, [cout, cin, kernel, kernel], fanInBound(cin * kernel * kernel));
  const bias = w.param(`${name}.bias`, [cout], fanInBound(cin * kernel * kernel));
  const pad = Math.floor(kernel / 2);
  return b.op1('Conv', [x, weight, bias], { kernel_shape: [kernel, kernel], pads: [pad, pad, pad, pad], strides: [stride, stride] });
}

/** Linear layer on [.., tokens, cin] with the weight stored [cin, cout] for MatMul. */
function linear({ b, w }: Ctx, x: string, cin: number, cout: number, name: string, bias: boolean): string {
  const y = b.op1('MatMul', [x, w.param(`${name}.weight`, [cin, cout], fanInBound(cin))]);
  return bias ? b.op1('Add', [y, w.param(`${name}.bias`, [cout], fanInBound(cin))]) : y;
}

/** Linear layer on a [1, cin] vector with the weight stored [cout, cin] (Gemm transB, as PyTorch stores it). */
function dense({ b, w }: Ctx, x: string, cin: number, cout: number, name: string): string {
  const weight = w.param(`${name}.weight`, [cout, cin], fanInBound(cin));
  const bias = w.param(`${name}.bias`, [cout], fanInBound(cin));
  return b.op1('Gemm', [x, weight, bias], { transB: 1 });
}

function layerNorm({ b, w, k }: Ctx, x: string, c: number, name: string): string {
  return b.op1('LayerNormalization', [x, w.param(`${name}.weight`, [c], ones), w.param(`${name}.bias`, [c], zeros)], {
    axis: -1,
    epsilon: { float: k.layerNormEps },
  });
}

function resnet(ctx: Ctx, u: ResolvedUnit, io: UnitInputs): string {
  const { b, k } = ctx;
  if (io.temb === undefined) throw new Error(`resnet ${u.name} needs temb`);
  const side = u.sideIn;
  const input = u.concat ? b.op1('Concat', [io.x, must(io.skip, u.name)], { axis: 1 }) : io.x;
  let h = silu(b, groupNorm(ctx, input, u.cin, side, k.resnetEps, 'norm1'));
  h = conv(ctx, h, u.cin, u.out, 3, 'conv1');
  const t = dense(ctx, silu(b, io.temb), k.tembDim, u.out, 'time_emb_proj');
  h = b.op1('Add', [h, b.op1('Reshape', [t, b.constI64([1, u.out, 1, 1])])]);
  h = silu(b, groupNorm(ctx, h, u.out, side, k.resnetEps, 'norm2'));
  h = conv(ctx, h, u.out, u.out, 3, 'conv2');
  const shortcut = u.cin !== u.out ? conv(ctx, input, u.cin, u.out, 1, 'conv_shortcut') : input;
  return b.op1('Add', [shortcut, h], {}, 'resnet_out');
}

/** Multi-head attention on [1, n, c] queries and [1, m, c] keys/values, 8 heads by default. */
function heads(ctx: Ctx, q: string, kk: string, v: string, n: number, m: number, c: number): string {
  const { b } = ctx;
  const h = ctx.k.heads;
  const d = c / h;
  const split = (x: string, len: number, perm: number[]) => b.op1('Transpose', [b.op1('Reshape', [x, b.constI64([1, len, h, d])])], { perm });
  const qh = split(q, n, [0, 2, 1, 3]); // [1, h, n, d]
  const kt = split(kk, m, [0, 2, 3, 1]); // [1, h, d, m]
  const vh = split(v, m, [0, 2, 1, 3]); // [1, h, m, d]
  const scores = b.op1('Mul', [b.op1('MatMul', [qh, kt]), b.constF([1 / Math.sqrt(d)], [])]);
  const probs = b.op1('Softmax', [scores], { axis: -1 });
  const o = b.op1('Transpose', [b.op1('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] });
  return b.op1('Reshape', [o, b.constI64([1, n, c])]);
}

function attention(ctx: Ctx, u: ResolvedUnit, io: UnitInputs): string {
  const { b, k } = ctx;
  if (io.context === undefined) throw new Error(`attention ${u.name} needs context`);
  const c = u.out;
  const side = u.sideIn;
  const n = side * side;
  let h = groupNorm(ctx, io.x, c, side, k.attentionEps, 'norm');
  h = conv(ctx, h, c, c, 1, 'proj_in');
  let tokens = b.op1('Transpose', [b.op1('Reshape', [h, b.constI64([1, c, n])])], { perm: [0, 2, 1] });
  // Self-attention.
  let y = layerNorm(ctx, tokens, c, 'norm1');
  let a = heads(ctx, linear(ctx, y, c, c, 'attn1.to_q', false), linear(ctx, y, c, c, 'attn1.to_k', false), linear(ctx, y, c, c, 'attn1.to_v', false), n, n, c);
  tokens = b.op1('Add', [tokens, linear(ctx, a, c, c, 'attn1.to_out', true)]);
  // Cross-attention to the text context.
  y = layerNorm(ctx, tokens, c, 'norm2');
  const L = k.contextLength;
  a = heads(
    ctx,
    linear(ctx, y, c, c, 'attn2.to_q', false),
    linear(ctx, io.context, k.contextDim, c, 'attn2.to_k', false),
    linear(ctx, io.context, k.contextDim, c, 'attn2.to_v', false),
    n,
    L,
    c,
  );
  tokens = b.op1('Add', [tokens, linear(ctx, a, c, c, 'attn2.to_out', true)]);
  // GEGLU feed-forward: project to 2 x 4C, value * GELU(gate), back to C.
  y = layerNorm(ctx, tokens, c, 'norm3');
  const proj = linear(ctx, y, c, 8 * c, 'ff.proj', true);
  const [value, gate] = b.op('Split', [proj, b.constI64([4 * c, 4 * c])], { axis: -1 }, [b.fresh('geglu_value'), b.fresh('geglu_gate')]);
  const gelu = b.op1('Mul', [
    b.op1('Mul', [gate!, b.constF([0.5], [])]),
    b.op1('Add', [b.op1('Erf', [b.op1('Mul', [gate!, b.constF([Math.SQRT1_2], [])])]), b.constF([1], [])]),
  ]);
  tokens = b.op1('Add', [tokens, linear(ctx, b.op1('Mul', [value!, gelu]), 4 * c, c, 'ff.out', true)]);
  h = b.op1('Reshape', [b.op1('Transpose', [tokens], { perm: [0, 2, 1] }), b.constI64([1, c, side, side])]);
  h = conv(ctx, h, c, c, 1, 'proj_out');
  return b.op1('Add', [h, io.x], {}, 'attention_out');
}

function timeEmbedding(ctx: Ctx, u: ResolvedUnit, io: UnitInputs): string {
  const { b } = ctx;
  // Sinusoidal projection (flip_sin_to_cos = true, freq_shift = 0): cat(cos(t f), sin(t f)).
  const half = u.in / 2;
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const arg = b.op1('Mul', [b.op1('Reshape', [io.x, b.constI64([1, 1])]), b.constF(freqs, [1, half])]);
  const proj = b.op1('Concat', [b.op1('Cos', [arg]), b.op1('Sin', [arg])], { axis: 1 });
  const h = silu(b, dense(ctx, proj, u.in, u.out, 'linear_1'));
  return dense(ctx, h, u.out, u.out, 'linear_2');
}

/** Appends one unit to the graph and returns its output tensor. */
export function emitUnit(b: GraphBuilder, w: WeightBinder, k: ModelConstants, u: ResolvedUnit, io: UnitInputs): string {
  const ctx: Ctx = { b, w, k };
  switch (u.kind) {
    case 'resnet':
      return resnet(ctx, u, io);
    case 'attention':
      return attention(ctx, u, io);
    case 'downsample':
      return conv(ctx, io.x, u.cin, u.out, 3, 'conv', 2);
    case 'upsample': {
      const up = b.op1('Resize', [io.x, '', b.constF32([1, 1, 2, 2])], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      return conv(ctx, up, u.cin, u.out, 3, 'conv');
    }
    case 'conv':
      return conv(ctx, io.x, u.cin, u.out, u.kernel ?? 3, 'conv');
    case 'time-embedding':
      return timeEmbedding(ctx, u, io);
    case 'norm-conv':
      return conv(ctx, silu(b, groupNorm(ctx, io.x, u.cin, u.sideIn, k.resnetEps, 'norm')), u.cin, u.out, 3, 'conv');
  }
}

function must(v: string | undefined, unit: string): string {
  if (v === undefined) throw new Error(`unit ${unit} needs its skip input`);
  return v;
}
