// The layers units are made of (GroupNorm, SiLU, convolutions, linear layers, LayerNorm, multi-head
// attention), each appending nodes to a graph and declaring its parameters through the weight binder.
// GroupNorm is written in the Reshape -> InstanceNormalization -> Reshape -> Mul -> Add form that
// PyTorch's ONNX export produces and that every execution provider supports.
import type { ModelConstants } from '../catalog/schema.js';
import type { GraphBuilder } from './graph-builder.js';
import { fanInBound, ones, zeros, type WeightBinder } from './unit-weights.js';

export type Ctx = { b: GraphBuilder; w: WeightBinder; k: ModelConstants };

export function groupNorm({ b, w, k }: Ctx, x: string, c: number, side: number, eps: number, name: string): string {
  const g = k.groups;
  const grouped = b.op1('Reshape', [x, b.constI64([1, g, -1])]);
  const normed = b.op1(
    'InstanceNormalization',
    [grouped, b.constF(new Array<number>(g).fill(1), [g]), b.constF(new Array<number>(g).fill(0), [g])],
    {
      epsilon: { float: eps },
    },
  );
  const back = b.op1('Reshape', [normed, b.constI64([1, c, side, side])]);
  const scaled = b.op1('Mul', [back, w.param(`${name}.weight`, [c, 1, 1], ones)]);
  return b.op1('Add', [scaled, w.param(`${name}.bias`, [c, 1, 1], zeros)]);
}

export function silu(b: GraphBuilder, x: string): string {
  return b.op1('Mul', [x, b.op1('Sigmoid', [x])], {}, 'silu');
}

export interface ConvOptions {
  stride?: number;
  /** [top, left, bottom, right]; default: kernel/2 on every side. */
  pads?: readonly [number, number, number, number];
}

export function conv(
  { b, w }: Ctx,
  x: string,
  cin: number,
  cout: number,
  kernel: number,
  name: string,
  opts: ConvOptions = {},
): string {
  const weight = w.param(`${name}.weight`, [cout, cin, kernel, kernel], fanInBound(cin * kernel * kernel));
  const bias = w.param(`${name}.bias`, [cout], fanInBound(cin * kernel * kernel));
  const pad = Math.floor(kernel / 2);
  const stride = opts.stride ?? 1;
  return b.op1('Conv', [x, weight, bias], {
    kernel_shape: [kernel, kernel],
    pads: [...(opts.pads ?? [pad, pad, pad, pad])],
    strides: [stride, stride],
  });
}

/** Linear layer on [.., tokens, cin] with the weight stored [cin, cout] for MatMul. */
export function linear({ b, w }: Ctx, x: string, cin: number, cout: number, name: string, bias: boolean): string {
  const y = b.op1('MatMul', [x, w.param(`${name}.weight`, [cin, cout], fanInBound(cin))]);
  return bias ? b.op1('Add', [y, w.param(`${name}.bias`, [cout], fanInBound(cin))]) : y;
}

/** Linear layer on a [1, cin] vector with the weight stored [cout, cin] (Gemm transB, as PyTorch stores it). */
export function dense({ b, w }: Ctx, x: string, cin: number, cout: number, name: string): string {
  const weight = w.param(`${name}.weight`, [cout, cin], fanInBound(cin));
  const bias = w.param(`${name}.bias`, [cout], fanInBound(cin));
  return b.op1('Gemm', [x, weight, bias], { transB: 1 });
}

export function layerNorm({ b, w, k }: Ctx, x: string, c: number, name: string): string {
  return b.op1('LayerNormalization', [x, w.param(`${name}.weight`, [c], ones), w.param(`${name}.bias`, [c], zeros)], {
    axis: -1,
    epsilon: { float: k.layerNormEps },
  });
}

/**
 * Multi-head attention on [1, n, c] queries and [1, m, c] keys/values with the catalogue's head count;
 * `mask` is an additive [n, m] constant (a causal mask) added to the scores before the softmax.
 */
export function heads(
  ctx: Ctx,
  q: string,
  kk: string,
  v: string,
  n: number,
  m: number,
  c: number,
  mask?: string,
): string {
  const { b } = ctx;
  const h = ctx.k.heads;
  const d = c / h;
  const split = (x: string, len: number, perm: number[]) =>
    b.op1('Transpose', [b.op1('Reshape', [x, b.constI64([1, len, h, d])])], { perm });
  const qh = split(q, n, [0, 2, 1, 3]); // [1, h, n, d]
  const kt = split(kk, m, [0, 2, 3, 1]); // [1, h, d, m]
  const vh = split(v, m, [0, 2, 1, 3]); // [1, h, m, d]
  let scores = b.op1('Mul', [b.op1('MatMul', [qh, kt]), b.constF([1 / Math.sqrt(d)], [])]);
  if (mask !== undefined) scores = b.op1('Add', [scores, mask]);
  const probs = b.op1('Softmax', [scores], { axis: -1 });
  const o = b.op1('Transpose', [b.op1('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] });
  return b.op1('Reshape', [o, b.constI64([1, n, c])]);
}
