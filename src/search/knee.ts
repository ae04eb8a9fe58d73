// The knee of a front: in the front's own normalised space (each objective mapped to [0, 1] by the
// front's minimum and maximum, all minimised), the point farthest below the hyperplane through the
// unit points, i.e. with the smallest sum of normalised objectives. With two objectives the front's
// extremes sit at (0, 1) and (1, 0), so this is exactly the point at the largest distance from the
// line joining the two extremes. Ties go to the lowest candidate number.
import type { Columns } from './pareto.js';

export function kneePoint(cols: Columns, front: readonly number[]): number | undefined {
  if (front.length === 0) return undefined;
  const lo = cols.map((c) => Math.min(...front.map((n) => c[n]!)));
  const hi = cols.map((c) => Math.max(...front.map((n) => c[n]!)));
  let best: number | undefined;
  let bestSum = Number.POSITIVE_INFINITY;
  for (const n of front) {
    let sum = 0;
    cols.forEach((c, j) => {
      const range = hi[j]! - lo[j]!;
      sum += range > 0 ? (c[n]! - lo[j]!) / range : 0;
    });
    if (sum < bestSum - 1e-12 || (Math.abs(sum - bestSum) <= 1e-12 && best !== undefined && n < best)) {
      bestSum = sum;
      best = n;
    }
  }
  return best;
}
