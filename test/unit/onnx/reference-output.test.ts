// (c) of the spine issue: one ResNet unit and one attention unit, at small size, give the same output
// from onnxruntime as an independent plain-TypeScript implementation (max abs error <= 1e-4).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import type { ResolvedUnit } from '../../../src/catalog/types.js';
import {
  add,
  attention,
  conv2d,
  erf,
  groupNorm,
  layerNorm,
  linear,
  silu,
  tensor,
  type Tensor,
} from '../../support/reference-units.js';
import { readUnitWeights, runOrt, seededInput, singleUnitModel, tempStore } from '../../support/unit-graph.js';

const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.1);
const k = cat.constants;
// The U-Net catalogue defines its time embedding and context; the reference needs them as numbers.
const tembDim = k.tembDim!;
const contextLength = k.contextLength!;
const contextDim = k.contextDim!;
const unit = (stage: string, name: string): ResolvedUnit => {
  const s = cat.stages.find((x) => x.name === stage)!;
  return s.variants[s.teacher]!.units.find((u) => u.name === name)!;
};

function referenceResnet(u: ResolvedUnit, w: Map<string, Float32Array>, x: Tensor, temb: Float32Array): Tensor {
  const W = (n: string) => w.get(n)!;
  let h = silu(groupNorm(x, k.groups, k.resnetEps, W('norm1.weight'), W('norm1.bias')));
  h = conv2d(h, W('conv1.weight'), W('conv1.bias'), u.out, 3, 1, 1);
  // time_emb_proj is stored [out, in] (as PyTorch stores Linear weights).
  const wt = W('time_emb_proj.weight');
  const st = Array.from(temb, (v) => v / (1 + Math.exp(-v)));
  const hw = u.sideIn * u.sideIn;
  for (let o = 0; o < u.out; o++) {
    let t = W('time_emb_proj.bias')[o]!;
    for (let c = 0; c < tembDim; c++) t += wt[o * tembDim + c]! * st[c]!;
    for (let i = 0; i < hw; i++) h.data[o * hw + i]! += t;
  }
  h = silu(groupNorm(h, k.groups, k.resnetEps, W('norm2.weight'), W('norm2.bias')));
  h = conv2d(h, W('conv2.weight'), W('conv2.bias'), u.out, 3, 1, 1);
  const shortcut = u.cin !== u.out ? conv2d(x, W('conv_shortcut.weight'), W('conv_shortcut.bias'), u.out, 1, 1, 0) : x;
  return add(shortcut, h);
}

function referenceAttention(u: ResolvedUnit, w: Map<string, Float32Array>, x: Tensor, context: Float32Array): Tensor {
  const W = (n: string) => w.get(n)!;
  const c = u.out;
  const side = u.sideIn;
  const n = side * side;
  let h = groupNorm(x, k.groups, k.attentionEps, W('norm.weight'), W('norm.bias'));
  h = conv2d(h, W('proj_in.weight'), W('proj_in.bias'), c, 1, 1, 0);
  // [1, C, H, W] -> tokens [N, C]
  let tok = new Float64Array(n * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) tok[i * c + ch] = h.data[ch * n + i]!;
  const ctx = Float64Array.from(context);
  const L = contextLength;
  let y = layerNorm(tok, n, c, k.layerNormEps, W('norm1.weight'), W('norm1.bias'));
  let a = attention(
    linear(y, n, c, W('attn1.to_q.weight'), c),
    linear(y, n, c, W('attn1.to_k.weight'), c),
    linear(y, n, c, W('attn1.to_v.weight'), c),
    n,
    n,
    c,
    k.heads,
  );
  let o = linear(a, n, c, W('attn1.to_out.weight'), c, W('attn1.to_out.bias'));
  tok = tok.map((v, i) => v + o[i]!);
  y = layerNorm(tok, n, c, k.layerNormEps, W('norm2.weight'), W('norm2.bias'));
  const kv = (name: string) => linear(ctx, L, contextDim, W(`attn2.${name}.weight`), c);
  a = attention(linear(y, n, c, W('attn2.to_q.weight'), c), kv('to_k'), kv('to_v'), n, L, c, k.heads);
  o = linear(a, n, c, W('attn2.to_out.weight'), c, W('attn2.to_out.bias'));
  tok = tok.map((v, i) => v + o[i]!);
  y = layerNorm(tok, n, c, k.layerNormEps, W('norm3.weight'), W('norm3.bias'));
  const proj = linear(y, n, c, W('ff.proj.weight'), 8 * c, W('ff.proj.bias'));
  const inner = new Float64Array(n * 4 * c);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < 4 * c; i++) {
      const value = proj[t * 8 * c + i]!;
      const gate = proj[t * 8 * c + 4 * c + i]!;
      inner[t * 4 * c + i] = value * 0.5 * gate * (1 + erf(gate / Math.SQRT2));
    }
  o = linear(inner, n, 4 * c, W('ff.out.weight'), c, W('ff.out.bias'));
  tok = tok.map((v, i) => v + o[i]!);
  const back = tensor([1, c, side, side]);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) back.data[ch * n + i] = tok[i * c + ch]!;
  return add(conv2d(back, W('proj_out.weight'), W('proj_out.bias'), c, 1, 1, 0), x);
}

function maxAbsDiff(a: Float32Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('generated units agree with a plain TypeScript reference', () => {
  const store = tempStore();

  it('ResNet unit with a channel change and 1x1 shortcut (E2 R1)', async () => {
    const u = unit('E2', 'R1');
    expect(u.cin).not.toBe(u.out);
    const model = singleUnitModel(store, cat, 'E2', u);
    const x = seededInput(model.inputs[0]!.shape, 1);
    const temb = seededInput([1, tembDim], 2);
    const got = await runOrt(model, { x, temb });
    const want = referenceResnet(u, readUnitWeights(cat, model, u), tensor(model.inputs[0]!.shape, x), temb);
    expect(maxAbsDiff(got['y']!, want.data)).toBeLessThanOrEqual(1e-4);
  });

  it('decoder ResNet unit that concatenates a skip (D1 R1)', async () => {
    const u = unit('D1', 'R1');
    const model = singleUnitModel(store, cat, 'D1', u);
    const x = seededInput(model.inputs[0]!.shape, 3);
    const skip = seededInput(model.inputs[1]!.shape, 4);
    const temb = seededInput([1, tembDim], 5);
    const got = await runOrt(model, { x, [u.concat!.tensor]: skip, temb });
    const joined = tensor([1, u.cin, u.sideIn, u.sideIn], [...x, ...skip]);
    const want = referenceResnet(u, readUnitWeights(cat, model, u), joined, temb);
    expect(maxAbsDiff(got['y']!, want.data)).toBeLessThanOrEqual(1e-4);
  });

  it('attention unit: self-attention, cross-attention to the context, GEGLU (E1 A1)', async () => {
    const u = unit('E1', 'A1');
    const model = singleUnitModel(store, cat, 'E1', u);
    const x = seededInput(model.inputs[0]!.shape, 6);
    const context = seededInput([1, contextLength, contextDim], 7);
    const got = await runOrt(model, { x, context });
    const want = referenceAttention(u, readUnitWeights(cat, model, u), tensor(model.inputs[0]!.shape, x), context);
    expect(maxAbsDiff(got['y']!, want.data)).toBeLessThanOrEqual(1e-4);
  });
});
