// The VAE's own units (diffusers AutoencoderKL, reference/nanosd-paper.md §6.5): the mid block's
// single-head self-attention, the mean of the encoder's Gaussian, and the latent scaling factor.
// Its ResNets, asymmetric downsamplers, upsamplers and stems are the shared kinds in units.ts.
import type { ResolvedUnit } from '../catalog/types.js';
import { groupNorm, heads, linear, type Ctx } from './unit-ops.js';

/**
 * diffusers `Attention` as the VAE builds it (`_from_deprecated_attn_block`): GroupNorm, then q, k, v
 * and out projections with biases over the H*W tokens, heads from the catalogue (1 in SD1.5: one head
 * of 512 channels), then the residual; rescale_output_factor is 1.
 */
export function selfAttention(ctx: Ctx, u: ResolvedUnit, x: string): string {
  const { b, k } = ctx;
  const c = u.out;
  const side = u.sideIn;
  const n = side * side;
  const h = groupNorm(ctx, x, c, side, k.attentionEps, 'group_norm');
  const tokens = b.op1('Transpose', [b.op1('Reshape', [h, b.constI64([1, c, n])])], { perm: [0, 2, 1] });
  const q = linear(ctx, tokens, c, c, 'to_q', true);
  const kk = linear(ctx, tokens, c, c, 'to_k', true);
  const v = linear(ctx, tokens, c, c, 'to_v', true);
  const o = linear(ctx, heads(ctx, q, kk, v, n, n, c), c, c, 'to_out', true);
  const back = b.op1('Reshape', [b.op1('Transpose', [o], { perm: [0, 2, 1] }), b.constI64([1, c, side, side])]);
  return b.op1('Add', [back, x], {}, 'self_attention_out');
}

/**
 * The mean of DiagonalGaussianDistribution(moments): the first half of the channels (the rest is the
 * log-variance). Timing graphs take the mean rather than a sample: drawing noise costs nothing worth
 * timing and would make the graph's output random.
 */
export function latentMean({ b }: Ctx, u: ResolvedUnit, x: string): string {
  return b.op1('Slice', [x, b.constI64([0]), b.constI64([u.out]), b.constI64([1])], {}, 'latent_mean');
}

/**
 * Multiplies by the unit's factor: 0.18215 after the encoder, 1/0.18215 before the decoder (where
 * diffusers' pipelines apply the scaling factor).
 */
export function scaleUnit({ b }: Ctx, u: ResolvedUnit, x: string): string {
  if (u.factor === undefined) throw new Error(`scale unit ${u.name} has no factor`);
  return b.op1('Mul', [x, b.constF([u.factor], [])], {}, 'scaled');
}
