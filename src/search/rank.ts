// Rank correlation of two paired samples: Spearman's rho (Pearson correlation of mid-ranks, so ties
// get the average of their ranks) and Kendall's tau-b (tie-corrected) by Knight's O(n log n)
// algorithm: sort by (x, y), count the exchanges a merge sort by y needs (discordant pairs), and
// correct for tied pairs. Both are NaN when a side is constant.

export function midRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = new Int32Array(n).map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j]!] === x[order[i]!]) j++;
    const r = (i + j + 1) / 2; // mean of the 1-based ranks i+1 .. j
    for (let t = i; t < j; t++) ranks[order[t]!] = r;
    i = j;
  }
  return ranks;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired(x, y);
  return pearson(midRanks(x), midRanks(y));
}

/** Pairs tied within runs of equal values of `key` over `order`. */
function tiedPairs(order: Int32Array, same: (a: number, b: number) => boolean): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && same(order[i - 1]!, order[i]!)) run++;
    else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs;
}

export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired(x, y);
  const n = x.length;
  if (n < 2) return Number.NaN;
  const order = new Int32Array(n).map((_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(order, (a, b) => x[a] === x[b]);
  const n3 = tiedPairs(order, (a, b) => x[a] === x[b] && y[a] === y[b]);
  const swaps = mergeSortCountingSwaps(order, y);
  // `order` is now sorted by y.
  const n2 = tiedPairs(order, (a, b) => y[a] === y[b]);
  const denominator = Math.sqrt((n0 - n1) * (n0 - n2));
  if (denominator === 0) return Number.NaN;
  return (n0 - n1 - n2 + n3 - 2 * swaps) / denominator;
}

/** Stable bottom-up merge sort of `order` by y; returns the number of strict inversions. */
function mergeSortCountingSwaps(order: Int32Array, y: ArrayLike<number>): number {
  const n = order.length;
  let src: Int32Array = order;
  let dst: Int32Array = new Int32Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (y[src[j]!]! < y[src[i]!]!) {
          // Every remaining left element is strictly greater: each is one discordant pair.
          swaps += mid - i;
          dst[k++] = src[j++]!;
        } else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src);
  return swaps;
}

function checkPaired(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new Error(`rank correlation of unpaired samples (${x.length} vs ${y.length})`);
}
