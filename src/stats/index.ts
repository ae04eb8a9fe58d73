// Statistics for latency samples. No Node imports and no package but simple-statistics (for the
// descriptive statistics it has): the device runner is bundled with this code and runs it on devices.
export { erf, erfc, normalCdf, normalSf } from './normal.js';
export { gaussian, mulberry32, seedFor, shuffled } from './rng.js';
export { median, medianSorted, quantile, quantileSorted, sortedCopy } from './quantile.js';
export { geometricMean, mean } from './mean.js';
export {
  MIN_PRECISE_SAMPLES,
  medianCi,
  medianCiRanks,
  medianCiSorted,
  reachedTargetMargin,
  relativeMargin,
  relativeMarginSorted,
  type MedianCiRanks,
} from './median-ci.js';
export { MAD_SCALE, summarize, type SampleSummary } from './summary.js';
export { tukeyOutliers, type OutlierLabel, type TukeyOutliers } from './outliers.js';
export {
  mannKendall,
  theilSenSlope,
  trendTest,
  TREND_MIN_SAMPLES,
  TREND_ROUND_SAMPLES,
  type TrendOptions,
  type TrendResult,
} from './trend.js';
export {
  bootstrapLogRatios,
  bootstrapMedians,
  geomeanFromReplicates,
  geomeanOfRatios,
  percentileInterval,
  ratioOfMedians,
  type BootstrapOptions,
  type RatioEstimate,
} from './bootstrap.js';
export {
  EXACT_MAX_PRODUCT,
  exactUDistribution,
  logChoose,
  mannWhitney,
  mannWhitneyMinP,
  midranks,
  type Alternative,
  type MannWhitneyResult,
} from './mann-whitney.js';
export { benjaminiHochberg } from './multiple.js';
export { chiSquareSf, gammaQ, lnGamma, normalQuantile } from './chi-square.js';
export {
  MIN_ROUND_SAMPLES,
  effectiveRounds,
  groupByRound,
  pooledRoundVariance,
  roundEstimate,
  roundEstimates,
  roundHeterogeneity,
  type PooledRoundVariance,
  type RoundEstimate,
  type RoundHeterogeneity,
} from './rounds.js';
