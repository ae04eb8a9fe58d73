// Tukey-fence outlier labels, as criterion.rs does: mild beyond 1.5 IQR outside the quartiles,
// severe beyond 3 IQR. Outliers are only labelled and counted, never dropped: the statistics we
// report (median, order-statistic intervals, rank tests) are robust to them, and a slow tail is
// itself information about the device. Quartiles are type-7 (see quantile.ts).
import { quantileSorted, sortedCopy } from './quantile.js';

export type OutlierLabel = 'low-severe' | 'low-mild' | 'ok' | 'high-mild' | 'high-severe';

export interface TukeyOutliers {
  /** Counts are exclusive: a severe outlier is not also counted as mild. */
  lowMild: number;
  highMild: number;
  lowSevere: number;
  highSevere: number;
  /** One label per sample, in the order of the input. */
  labels: OutlierLabel[];
  /** The fences: [low severe, low mild, high mild, high severe]. */
  fences: [number, number, number, number];
}

export function tukeyOutliers(samples: readonly number[]): TukeyOutliers {
  if (samples.length === 0) throw new Error('outliers of an empty sample');
  const sorted = sortedCopy(samples);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const fences: [number, number, number, number] = [q1 - 3 * iqr, q1 - 1.5 * iqr, q3 + 1.5 * iqr, q3 + 3 * iqr];
  const [lowSevereFence, lowMildFence, highMildFence, highSevereFence] = fences;
  const out: TukeyOutliers = { lowMild: 0, highMild: 0, lowSevere: 0, highSevere: 0, labels: [], fences };
  for (const x of samples) {
    let label: OutlierLabel = 'ok';
    if (x < lowSevereFence) label = 'low-severe';
    else if (x < lowMildFence) label = 'low-mild';
    else if (x > highSevereFence) label = 'high-severe';
    else if (x > highMildFence) label = 'high-mild';
    if (label === 'low-severe') out.lowSevere++;
    else if (label === 'low-mild') out.lowMild++;
    else if (label === 'high-mild') out.highMild++;
    else if (label === 'high-severe') out.highSevere++;
    out.labels.push(label);
  }
  return out;
}
