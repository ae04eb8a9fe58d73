// Measurement quality and the exit code. A verdict on a throttled, drifting or imprecise
// measurement is not trustworthy in either direction, so such entries become inconclusive (with
// the advice to re-run) instead of failing or passing the build; the numbers' own verdict is kept
// next to it in the result.
import { downgradingFlags, type RegressionCounts, type Verdict } from './types.js';

const advice: Record<(typeof downgradingFlags)[number], string> = {
  'margin-not-reached': 'sampling stopped before the target margin',
  throttled: 'the device was throttling or too hot',
  trend: 'latency drifted during sampling',
  'cpu-fallback': 'work ran on the CPU instead of the accelerator',
};

export function downgradeReasons(baselineFlags: readonly string[], currentFlags: readonly string[], statistical: Verdict): string[] {
  const reasons: string[] = [];
  for (const [name, flags] of [['baseline', baselineFlags], ['current', currentFlags]] as const) {
    const bad = downgradingFlags.filter((f) => flags.includes(f));
    if (bad.length === 0) continue;
    reasons.push(`${name} flagged ${bad.join(', ')} (${bad.map((f) => advice[f]).join('; ')})`);
  }
  if (reasons.length === 0) return [];
  reasons.push(`the numbers alone say ${statistical}; re-run the flagged table on a cooled-down, idle device to confirm`);
  return reasons;
}

/** 0 no regression, 1 at least one regression, 2 only inconclusive entries kept it from passing. */
export function regressionExitCode(counts: RegressionCounts): 0 | 1 | 2 {
  if (counts.regressed > 0) return 1;
  if (counts.inconclusive > 0 || counts.compared === 0) return 2;
  return 0;
}
