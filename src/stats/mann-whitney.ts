// Mann-Whitney U (Wilcoxon rank-sum) test: does one sample tend to hold larger values than the
// other? Rank based, so it suits skewed, heavy-tailed latency data where t-tests are fragile.
//
// Conventions (the same as SciPy's `mannwhitneyu`):
//   - `u` is U of the first sample: the number of pairs (a_i, b_j) with a_i > b_j, ties counting 1/2.
//   - alternative 'greater': a is stochastically greater than b (P(A > B) > 1/2). For latencies,
//     mannWhitney(current, baseline, 'greater') tests "current is slower". 'less' is the mirror.
// p-values:
//   - exact (the permutation distribution of U) when there are no ties and m * n <= EXACT_MAX_PRODUCT;
//   - otherwise the normal approximation with the tie-corrected variance
//       var(U) = m n / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1)))
//     and a continuity correction of 1/2.
// `minP` is the smallest p-value any arrangement of m and n distinct values can give,
// 1 / C(m + n, m) one-sided and twice that two-sided (asv uses the same bound): when it exceeds
// alpha the test cannot reject whatever the data, and a caller should say "too few samples".
import { normalCdf, normalSf } from './normal.js';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  u: number;
  p: number;
  minP: number;
  /** Whether p came from the exact distribution or the normal approximation. */
  method: 'exact' | 'normal';
}

export const EXACT_MAX_PRODUCT = 2500;

/** Midranks (1-based) of `values`, and the sizes of the tie groups (only groups of 2 or more). */
export function midranks(values: readonly number[]): { ranks: Float64Array; ties: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(values.length);
  const ties: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/** ln C(n, k) by a sum of logs (exact enough for the sizes used here, no gamma function needed). */
export function logChoose(n: number, k: number): number {
  const kk = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= kk; i++) s += Math.log((n - kk + i) / i);
  return s;
}

export function mannWhitneyMinP(m: number, n: number, alternative: Alternative): number {
  const one = Math.exp(-logChoose(m + n, m));
  return Math.min(1, alternative === 'two-sided' ? 2 * one : one);
}

const exactCache = new Map<string, Float64Array>();

/**
 * The null distribution of U for sizes (m, n) without ties: P(U = u), u = 0..m*n. Built from
 * p[i,j](u) = i/(i+j) p[i-1,j](u-j) + j/(i+j) p[i,j-1](u) (is the largest value from the first
 * sample or the second?), in probabilities so nothing overflows. Cached per size pair.
 */
export function exactUDistribution(m: number, n: number): Float64Array {
  const a = Math.min(m, n);
  const b = Math.max(m, n);
  const key = `${a},${b}`;
  const hit = exactCache.get(key);
  if (hit) return hit;
  // rows[j] holds the distribution for (i, j) as i advances.
  let rows: Float64Array[] = Array.from({ length: b + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= a; i++) {
    const next: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= b; j++) {
      const up = rows[j]!; // (i-1, j)
      const left = next[j - 1]!; // (i, j-1)
      const dist = new Float64Array(i * j + 1);
      const wUp = i / (i + j);
      const wLeft = j / (i + j);
      for (let u = 0; u < up.length; u++) dist[u + j]! += wUp * up[u]!;
      for (let u = 0; u < left.length; u++) dist[u]! += wLeft * left[u]!;
      next.push(dist);
    }
    rows = next;
  }
  const result = rows[b]!;
  exactCache.set(key, result);
  return result;
}

function exactP(u: number, m: number, n: number, alternative: Alternative): number {
  const dist = exactUDistribution(m, n);
  let upper = 0; // P(U >= u)
  let lower = 0; // P(U <= u)
  for (let k = 0; k < dist.length; k++) {
    if (k >= u) upper += dist[k]!;
    if (k <= u) lower += dist[k]!;
  }
  if (alternative === 'greater') return Math.min(1, upper);
  if (alternative === 'less') return Math.min(1, lower);
  return Math.min(1, 2 * Math.min(upper, lower));
}

function normalP(u: number, m: number, n: number, ties: readonly number[], alternative: Alternative): number {
  const total = m + n;
  const mu = (m * n) / 2;
  let tieSum = 0;
  for (const t of ties) tieSum += t * t * t - t;
  const variance = ((m * n) / 12) * (total + 1 - tieSum / (total * (total - 1)));
  if (!(variance > 0)) return 1; // every value equal: no evidence either way
  const sd = Math.sqrt(variance);
  if (alternative === 'greater') return normalSf((u - mu - 0.5) / sd);
  if (alternative === 'less') return normalCdf((u - mu + 0.5) / sd);
  const z = (Math.abs(u - mu) - 0.5) / sd;
  return Math.min(1, 2 * normalSf(z));
}

export function mannWhitney(
  a: readonly number[],
  b: readonly number[],
  alternative: Alternative = 'two-sided',
): MannWhitneyResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new Error(`Mann-Whitney needs two non-empty samples (sizes ${m} and ${n})`);
  const { ranks, ties } = midranks([...a, ...b]);
  let rankSum = 0;
  for (let i = 0; i < m; i++) rankSum += ranks[i]!;
  const u = rankSum - (m * (m + 1)) / 2;
  const minP = mannWhitneyMinP(m, n, alternative);
  if (ties.length === 0 && m * n <= EXACT_MAX_PRODUCT) {
    return { u, p: exactP(u, m, n, alternative), minP, method: 'exact' };
  }
  return { u, p: normalP(u, m, n, ties, alternative), minP, method: 'normal' };
}
