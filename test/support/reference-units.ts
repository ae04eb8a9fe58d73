// An independent plain-TypeScript forward pass of the ResNet and attention units (diffusers
// semantics), in float64, used to check the ONNX graphs numerically. It shares nothing with the graph
// builder except the weight file it reads.
export interface Tensor {
  data: Float64Array;
  shape: number[];
}

export const tensor = (shape: number[], data?: ArrayLike<number>): Tensor => ({
  shape,
  data: data ? Float64Array.from(data) : new Float64Array(shape.reduce((a, b) => a * b, 1)),
});

export function conv2d(
  x: Tensor,
  w: Float32Array,
  b: Float32Array,
  cout: number,
  k: number,
  stride: number,
  pad: number,
): Tensor {
  const [, cin, h, wd] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - k) / stride) + 1;
  const y = tensor([1, cout, oh, ow]);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let s = b[o]!;
        for (let c = 0; c < cin; c++)
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const ii = i * stride + di - pad;
              const jj = j * stride + dj - pad;
              if (ii < 0 || jj < 0 || ii >= h || jj >= wd) continue;
              s += w[((o * cin + c) * k + di) * k + dj]! * x.data[(c * h + ii) * wd + jj]!;
            }
        y.data[(o * oh + i) * ow + j] = s;
      }
  return y;
}

export function groupNorm(x: Tensor, groups: number, eps: number, gamma: Float32Array, beta: Float32Array): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const per = (c / groups) * h * w;
  const y = tensor(x.shape);
  for (let g = 0; g < groups; g++) {
    const start = g * per;
    let mean = 0;
    for (let i = 0; i < per; i++) mean += x.data[start + i]!;
    mean /= per;
    let v = 0;
    for (let i = 0; i < per; i++) v += (x.data[start + i]! - mean) ** 2;
    v /= per;
    for (let i = 0; i < per; i++) {
      const ch = Math.floor((start + i) / (h * w));
      y.data[start + i] = ((x.data[start + i]! - mean) / Math.sqrt(v + eps)) * gamma[ch]! + beta[ch]!;
    }
  }
  return y;
}

export const silu = (x: Tensor): Tensor => ({ shape: x.shape, data: x.data.map((v) => v / (1 + Math.exp(-v))) });
export const add = (a: Tensor, b: Tensor): Tensor => ({ shape: a.shape, data: a.data.map((v, i) => v + b.data[i]!) });

/** [n, cin] x W[cin, cout] (+ b) */
export function linear(
  x: Float64Array,
  n: number,
  cin: number,
  w: Float32Array,
  cout: number,
  b?: Float32Array,
): Float64Array {
  const y = new Float64Array(n * cout);
  for (let t = 0; t < n; t++)
    for (let o = 0; o < cout; o++) {
      let s = b ? b[o]! : 0;
      for (let c = 0; c < cin; c++) s += x[t * cin + c]! * w[c * cout + o]!;
      y[t * cout + o] = s;
    }
  return y;
}

export function layerNorm(
  x: Float64Array,
  n: number,
  c: number,
  eps: number,
  gamma: Float32Array,
  beta: Float32Array,
): Float64Array {
  const y = new Float64Array(n * c);
  for (let t = 0; t < n; t++) {
    let mean = 0;
    for (let i = 0; i < c; i++) mean += x[t * c + i]!;
    mean /= c;
    let v = 0;
    for (let i = 0; i < c; i++) v += (x[t * c + i]! - mean) ** 2;
    v /= c;
    for (let i = 0; i < c; i++) y[t * c + i] = ((x[t * c + i]! - mean) / Math.sqrt(v + eps)) * gamma[i]! + beta[i]!;
  }
  return y;
}

export function attention(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  n: number,
  m: number,
  c: number,
  heads: number,
): Float64Array {
  const d = c / heads;
  const out = new Float64Array(n * c);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < n; i++) {
      const scores = new Float64Array(m);
      let max = -Infinity;
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let e = 0; e < d; e++) s += q[i * c + h * d + e]! * k[j * c + h * d + e]!;
        scores[j] = s / Math.sqrt(d);
        max = Math.max(max, scores[j]!);
      }
      let sum = 0;
      for (let j = 0; j < m; j++) sum += scores[j] = Math.exp(scores[j]! - max);
      for (let e = 0; e < d; e++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += (scores[j]! / sum) * v[j * c + h * d + e]!;
        out[i * c + h * d + e] = s;
      }
    }
  return out;
}

/** erf by its Maclaurin series / continued fraction split, accurate to ~1e-12 on the range used. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let k = 1; k < 60; k++) {
      term *= (-ax * ax) / k;
      sum += term / (2 * k + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Asymptotic continued fraction for erfc.
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}
