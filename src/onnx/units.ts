// ONNX subgraphs of the units, following diffusers semantics (reference/nanosd-paper.md §6): the U-Net's
// ResnetBlock2D, Transformer2DModel with one BasicTransformerBlock, Downsample2D, Upsample2D and stems
// here; the VAE's and the CLIP text encoder's own units in units-vae.ts and units-text.ts.
import type { ResolvedUnit } from '../catalog/types.js';
import type { ModelConstants } from '../catalog/schema.js';
import type { GraphBuilder } from './graph-builder.js';
import { DataType } from './proto.js';
import { conv, dense, groupNorm, heads, layerNorm, linear, silu, type Ctx } from './unit-ops.js';
import { emitTextUnit } from './units-text.js';
import { latentMean, scaleUnit, selfAttention } from './units-vae.js';
import type { WeightBinder } from './unit-weights.js';

export interface UnitInputs {
  x: string;
  temb?: string;
  context?: string;
  /** The skip tensor concatenated before a decoder ResNet. */
  skip?: string;
}

function resnet(ctx: Ctx, u: ResolvedUnit, io: UnitInputs): string {
  const { b, k } = ctx;
  const side = u.sideIn;
  const input = u.concat ? b.op1('Concat', [io.x, must(io.skip, `skip input of ${u.name}`)], { axis: 1 }) : io.x;
  let h = silu(b, groupNorm(ctx, input, u.cin, side, k.resnetEps, 'norm1'));
  h = conv(ctx, h, u.cin, u.out, 3, 'conv1');
  // Without a time embedding (the VAE) a ResNet has no time projection (diffusers temb_channels=None).
  if (k.tembDim !== undefined) {
    if (io.temb === undefined) throw new Error(`resnet ${u.name} needs temb`);
    const t = dense(ctx, silu(b, io.temb), k.tembDim, u.out, 'time_emb_proj');
    h = b.op1('Add', [h, b.op1('Reshape', [t, b.constI64([1, u.out, 1, 1])])]);
  }
  h = silu(b, groupNorm(ctx, h, u.out, side, k.resnetEps, 'norm2'));
  h = conv(ctx, h, u.out, u.out, 3, 'conv2');
  const shortcut = u.cin !== u.out ? conv(ctx, input, u.cin, u.out, 1, 'conv_shortcut') : input;
  return b.op1('Add', [shortcut, h], {}, 'resnet_out');
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
  let a = heads(
    ctx,
    linear(ctx, y, c, c, 'attn1.to_q', false),
    linear(ctx, y, c, c, 'attn1.to_k', false),
    linear(ctx, y, c, c, 'attn1.to_v', false),
    n,
    n,
    c,
  );
  tokens = b.op1('Add', [tokens, linear(ctx, a, c, c, 'attn1.to_out', true)]);
  // Cross-attention to the text context.
  y = layerNorm(ctx, tokens, c, 'norm2');
  const L = must(k.contextLength, 'contextLength');
  const D = must(k.contextDim, 'contextDim');
  a = heads(
    ctx,
    linear(ctx, y, c, c, 'attn2.to_q', false),
    linear(ctx, io.context, D, c, 'attn2.to_k', false),
    linear(ctx, io.context, D, c, 'attn2.to_v', false),
    n,
    L,
    c,
  );
  tokens = b.op1('Add', [tokens, linear(ctx, a, c, c, 'attn2.to_out', true)]);
  // GEGLU feed-forward: project to 2 x 4C, value * GELU(gate), back to C.
  y = layerNorm(ctx, tokens, c, 'norm3');
  const proj = linear(ctx, y, c, 8 * c, 'ff.proj', true);
  const [value, gate] = b.op('Split', [proj, b.constI64([4 * c, 4 * c])], { axis: -1 }, [
    b.fresh('geglu_value'),
    b.fresh('geglu_gate'),
  ]);
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
  let proj: string;
  if (b.precision === 'fp32') {
    const arg = b.op1('Mul', [b.op1('Reshape', [io.x, b.constI64([1, 1])]), b.constF(freqs, [1, half])]);
    proj = b.op1('Concat', [b.op1('Cos', [arg]), b.op1('Sin', [arg])], { axis: 1 });
  } else {
    // In fp16, t * f near t = 999 rounds by up to 0.25 rad and cos/sin with it (a 6% error in the
    // noise predicted at t = 999); diffusers computes the projection in fp32 and casts it, so do we.
    const t32 = b.op1('Cast', [b.op1('Reshape', [io.x, b.constI64([1, 1])])], { to: DataType.FLOAT });
    const arg = b.op1('Mul', [t32, b.constF32(freqs)]);
    const both = b.op1('Concat', [b.op1('Cos', [arg]), b.op1('Sin', [arg])], { axis: 1 });
    proj = b.op1('Cast', [both], { to: DataType.FLOAT16 });
  }
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
      return conv(ctx, io.x, u.cin, u.out, 3, 'conv', { stride: 2, ...(u.pads ? { pads: u.pads } : {}) });
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
    case 'self-attention':
      return selfAttention(ctx, u, io.x);
    case 'latent-mean':
      return latentMean(ctx, u, io.x);
    case 'scale':
      return scaleUnit(ctx, u, io.x);
    case 'token-embedding':
    case 'text-layer':
    case 'layer-norm':
      return emitTextUnit(ctx, u, io.x);
  }
}

function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`missing ${what}`);
  return v;
}
