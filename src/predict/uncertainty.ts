// How the uncertainty of a sum of independently measured medians is propagated.
//
// Each LUT entry carries a distribution-free 95% interval [lo, hi] of its median. A candidate's
// predicted latency is the sum of n such medians. Two intervals are reported:
//
//  - `interval` (the default, "quadrature"): the lower and upper half-widths are each combined as the
//    root of the sum of squares, [S - sqrt(sum (m_i - lo_i)^2), S + sqrt(sum (hi_i - m_i)^2)].
//    This is what adding independent errors gives when each half-width is a fixed multiple of a
//    standard error; keeping the two sides apart respects skewed intervals. It assumes the blocks'
//    errors are independent, which a shared cause (thermal state, clock governor) can break.
//  - `conservative`: the sum of the bounds, [sum lo_i, sum hi_i]. It holds whatever the dependence
//    between entries, and is always at least as wide.
//
// Neither accounts for effects that a block-sum cannot see (fusion across block boundaries, cache
// warmth); `calibration()` compares with candidates measured end to end for that.

export interface Estimate {
  median: number;
  /** Lower and upper bound of the 95% interval of the median. */
  lo: number;
  hi: number;
}

export interface SumEstimate {
  median: number;
  interval: [number, number];
  conservative: [number, number];
}

/** Half-widths of an entry's interval, clamped so a malformed interval never widens the other side. */
export function halfWidths(e: Estimate): { below: number; above: number } {
  const below = Number.isFinite(e.lo) ? Math.max(0, e.median - e.lo) : 0;
  const above = Number.isFinite(e.hi) ? Math.max(0, e.hi - e.median) : 0;
  return { below, above };
}

export function combine(parts: readonly Estimate[]): SumEstimate {
  let median = 0;
  let below2 = 0;
  let above2 = 0;
  let below = 0;
  let above = 0;
  for (const p of parts) {
    const h = halfWidths(p);
    median += p.median;
    below2 += h.below * h.below;
    above2 += h.above * h.above;
    below += h.below;
    above += h.above;
  }
  return {
    median,
    interval: [median - Math.sqrt(below2), median + Math.sqrt(above2)],
    conservative: [median - below, median + above],
  };
}
