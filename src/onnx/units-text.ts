// The CLIP ViT-L/14 text transformer's units (transformers CLIPTextModel, reference/nanosd-paper.md
// §6.5): token and position embeddings, pre-norm encoder layers with causal self-attention and a
// quick-GELU MLP, and the final LayerNorm whose output is the U-Net's context.
import type { ResolvedUnit } from '../catalog/types.js';
import { DataType } from './proto.js';
import { heads, layerNorm, linear, type Ctx } from './unit-ops.js';
import type { GraphBuilder } from './graph-builder.js';
import type { WeightInit } from './weights.js';

/** nn.Embedding-like initialisation, small enough for fp16 (CLIP initialises with std 0.02). */
const embeddingInit: WeightInit = { kind: 'uniform', bound: 0.035 };
/** Added to masked scores: far below any real score, and finite in fp16. */
const MASKED = -30000;

export function emitTextUnit(ctx: Ctx, u: ResolvedUnit, x: string): string {
  switch (u.kind) {
    case 'token-embedding':
      return tokenEmbedding(ctx, u, x);
    case 'text-layer':
      return textLayer(ctx, u, x);
    case 'layer-norm':
      return layerNorm(ctx, x, u.out, 'final_layer_norm');
    default:
      throw new Error(`${u.kind} is not a text-encoder unit`);
  }
}

/**
 * Token ids arrive as floats in the graph's precision, because every runner feeds every input as a
 * float tensor; they are cast to int32 and clamped to the vocabulary so arbitrary fed values still index
 * the table (ids are exact as floats up to 2^24 in fp32; in fp16 above 2048 they round, which changes
 * which rows are read but not the time it takes).
 */
function tokenEmbedding(ctx: Ctx, u: ResolvedUnit, x: string): string {
  const { b, w } = ctx;
  const vocab = u.in;
  const tokens = must(u.tokens, u.name);
  const ids32 = b.op1('Cast', [x], { to: DataType.INT32 }, 'token_ids');
  const clamped = b.op1('Min', [b.op1('Max', [ids32, b.constI32([0])]), b.constI32([vocab - 1])]);
  const table = w.param('token_embedding.weight', [vocab, u.out], embeddingInit);
  const looked = b.op1('Gather', [table, clamped], { axis: 0 }); // [1, tokens, C]
  return b.op1('Add', [looked, w.param('position_embedding.weight', [tokens, u.out], embeddingInit)], {}, 'embeddings');
}

/** CLIPEncoderLayer: x + attn(LN1(x)) with a causal mask, then x + fc2(quick_gelu(fc1(LN2(x)))). */
function textLayer(ctx: Ctx, u: ResolvedUnit, x: string): string {
  const { b } = ctx;
  const c = u.out;
  const l = must(u.tokens, u.name);
  const ff = u.ff ?? 4 * c;
  let y = layerNorm(ctx, x, c, 'layer_norm1');
  const q = linear(ctx, y, c, c, 'self_attn.q_proj', true);
  const kk = linear(ctx, y, c, c, 'self_attn.k_proj', true);
  const v = linear(ctx, y, c, c, 'self_attn.v_proj', true);
  const a = heads(ctx, q, kk, v, l, l, c, causalMask(ctx, l));
  let h = b.op1('Add', [x, linear(ctx, a, c, c, 'self_attn.out_proj', true)]);
  y = layerNorm(ctx, h, c, 'layer_norm2');
  const f = linear(ctx, y, c, ff, 'mlp.fc1', true);
  const gelu = b.op1('Mul', [f, b.op1('Sigmoid', [b.op1('Mul', [f, b.constF([1.702], [])])])], {}, 'quick_gelu');
  h = b.op1('Add', [h, linear(ctx, gelu, ff, c, 'mlp.fc2', true)], {}, 'text_layer_out');
  return h;
}

/** One mask constant per graph and length, shared by every layer. */
const masks = new WeakMap<GraphBuilder, Map<number, string>>();

/** [l, l]: 0 where token i may see token j (j <= i), a large negative number above the diagonal. */
function causalMask({ b }: Ctx, l: number): string {
  let byLength = masks.get(b);
  if (!byLength) masks.set(b, (byLength = new Map()));
  const cached = byLength.get(l);
  if (cached !== undefined) return cached;
  const values = new Float32Array(l * l);
  for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) values[i * l + j] = MASKED;
  const name = b.constF(values, [l, l]);
  byLength.set(l, name);
  return name;
}

function must(v: number | undefined, unit: string): number {
  if (v === undefined) throw new Error(`text unit ${unit} needs its token count`);
  return v;
}
