// Seeded random test data for the front, hypervolume and rank-correlation tests.
import { mulberry32 } from './synthetic-lut.js';

/** n points with k objectives drawn from a small integer grid, so ties and exact duplicates are common. */
export function randomColumns(seed: number, n: number, k: number, levels: number): Float64Array[] {
  const rand = mulberry32(seed);
  const cols = Array.from({ length: k }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (const c of cols) c[i] = Math.floor(rand() * levels);
  // Copy some points verbatim to guarantee duplicates.
  for (let i = 0; i < n / 10; i++) {
    const from = Math.floor(rand() * n);
    const to = Math.floor(rand() * n);
    for (const c of cols) c[to] = c[from]!;
  }
  return cols;
}

/** O(n^2) reference: indices of points not dominated by any other (minimisation). */
export function bruteForceFront(cols: Float64Array[], ids: number[]): number[] {
  return ids.filter(
    (p) =>
      !ids.some((q) => {
        if (q === p) return false;
        let strictly = false;
        for (const c of cols) {
          if (c[q]! > c[p]!) return false;
          if (c[q]! < c[p]!) strictly = true;
        }
        return strictly;
      }),
  );
}
