// Measurement quality and the exit code. A verdict on a throttled, drifting or CPU-fallback
// measurement is not trustworthy in either direction (the error is a bias the intervals do not see),
// so such entries become inconclusive (with the advice to re-run) instead of failing or passing the
// build; the numbers' own verdict is kept next to it in the result.
//
// Proportion: a flag whose size is known only downgrades a verdict it could have produced.
//   - `trend` carries the fitted rise of the rising round (Theil-Sen, as a fraction of the median). A
//     regressed or improved verdict whose interval clears the band by more than that rise stands: a
//     drift of 3% within a round does not make a +80% slowdown doubtful; likewise an unchanged verdict
//     whose interval lies inside the band by more than that rise. Otherwise it downgrades, and always
//     when the rise is not known (tables without round labels).
//   - `margin-not-reached` says the median is known less precisely than the protocol's target (1% by
//     default), which is noise, and the interval of the ratio already carries it. It downgrades only
//     when the median is too imprecise to resolve the practical threshold at all (a relative margin
//     above half the threshold, the precision rule of pyperf-style checks, which ties the sample size
//     to the threshold W, not to the table's own target), and then only a verdict whose interval does
//     not clear the band by more than that margin.
//   - `throttled` and `cpu-fallback` have no size: they always downgrade.
import { downgradingFlags, type RegressionCounts, type SideSummary, type Verdict } from './types.js';

const advice: Record<(typeof downgradingFlags)[number], string> = {
  'margin-not-reached': 'sampling stopped before the median was precise enough for the threshold',
  throttled: 'the device was throttling or too hot',
  trend: 'latency drifted during sampling',
  'cpu-fallback': 'work ran on the CPU instead of the accelerator',
};

/**
 * How far the ratio's interval lies from the nearest edge of the band, as a fraction: for a regressed
 * or improved verdict how far beyond the band it lies (0.1: the nearer end is 10% past the band's
 * edge), for an unchanged one how far inside (0.1: either edge could move 10% and the interval would
 * still be inside). A bias of that size or less cannot have produced the verdict. 0 for inconclusive.
 */
export function clearance(statistical: Verdict, ci95: [number, number] | null, threshold: number): number {
  if (!ci95) return 0;
  const upper = 1 + threshold;
  const lower = 1 - threshold;
  if (statistical === 'regressed') return Math.max(0, ci95[0] / upper - 1);
  if (statistical === 'improved') return Math.max(0, lower / ci95[1] - 1);
  if (statistical === 'unchanged') {
    // At a 100% threshold the band has no lower edge: nothing below can leave it.
    const belowLower = lower > 0 ? ci95[0] / lower - 1 : Infinity;
    return Math.max(0, Math.min(upper / ci95[1] - 1, belowLower));
  }
  return 0;
}

function downgrades(
  side: SideSummary,
  flag: (typeof downgradingFlags)[number],
  threshold: number,
  clear: number,
): boolean {
  if (!side.flags.includes(flag)) return false;
  if (flag === 'trend') return side.trendRise === null || clear <= side.trendRise;
  if (flag !== 'margin-not-reached') return true;
  if (side.rme === null) return true;
  return side.rme > threshold / 2 && clear <= side.rme;
}

export function downgradeReasons(
  baseline: SideSummary,
  current: SideSummary,
  statistical: Verdict,
  threshold: number,
  ci95: [number, number] | null = null,
): string[] {
  const reasons: string[] = [];
  const clear = clearance(statistical, ci95, threshold);
  for (const [name, side] of [
    ['baseline', baseline],
    ['current', current],
  ] as const) {
    const bad = downgradingFlags.filter((f) => downgrades(side, f, threshold, clear));
    if (bad.length === 0) continue;
    const sizes: string[] = [];
    if (bad.includes('margin-not-reached') && side.rme !== null)
      sizes.push(`margin ±${(side.rme * 100).toFixed(1)}% > half the ${(threshold * 100).toFixed(0)}% threshold`);
    const clears = statistical === 'unchanged' ? 'lies inside the band by' : 'clears the band by';
    if (bad.includes('trend') && side.trendRise !== null) {
      sizes.push(`a rise of ${(side.trendRise * 100).toFixed(1)}% within a round, more than the interval ${clears}`);
    }
    const size = sizes.length > 0 ? ` (${sizes.join('; ')})` : '';
    reasons.push(`${name} flagged ${bad.join(', ')}${size} (${bad.map((f) => advice[f]).join('; ')})`);
  }
  if (reasons.length === 0) return [];
  reasons.push(
    `the numbers alone say ${statistical}; re-run the flagged table on a cooled-down, idle device to confirm`,
  );
  return reasons;
}

/**
 * 0 no regression, 1 at least one regression, 2 only inconclusive entries kept it from passing.
 * (Tables with nothing in common never get here: compareLuts refuses them as bad input, exit 3.)
 */
export function regressionExitCode(counts: RegressionCounts): 0 | 1 | 2 {
  if (counts.regressed > 0) return 1;
  if (counts.inconclusive > 0) return 2;
  return 0;
}
