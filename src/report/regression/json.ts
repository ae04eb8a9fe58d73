// The JSON report: the source of truth the other formats are derived from. Versioned, and it
// carries everything needed to re-derive a verdict: thresholds, alpha, seeds, resample count, the
// methods used, per-entry numbers and reasons.
import { REGRESSION_SCHEMA_ID, REGRESSION_SCHEMA_VERSION, type RegressionResult } from '../../compare/types.js';

export interface JsonMeta {
  createdAt?: string;
  harnessVersion?: string;
}

export const regressionMethod = {
  effect: 'ratio of medians, current / baseline',
  interval:
    '95% percentile bootstrap of the ratio of medians, each side resampled independently ' +
    '(ci95Sampling; per-entry seed derived from the run seed and the entry id), ' +
    'widened in log space by the between-round drift of both tables: half-width^2 + 1.96^2 (tau_b^2/R_b ' +
    '+ tau_c^2/R_c), tau^2 the between-round variance component of log round medians pooled over ' +
    'the table (method of moments), R the effective (Kish) number of rounds behind the median (ci95)',
  test:
    'Mann-Whitney U, one-sided "current slower" for the gate; exact distribution without ties ' +
    'when m*n <= 2500, else normal approximation with tie correction and continuity correction',
  correction: 'Benjamini-Hochberg over the compared entries, per direction',
  driftTest:
    'one-sided normal test of log(ratio) against 0, standard error read off the widened interval ' +
    '(so the between-round drift counts), Benjamini-Hochberg over the compared entries, per direction',
  rule:
    'regressed: q(slower) <= alpha, drift-aware q(slower) <= alpha and CI lower bound > 1 + threshold; ' +
    'improved: mirror; unchanged: CI inside [1 - threshold, 1 + threshold]; else inconclusive',
  quantiles: 'type 7 (linear interpolation, NumPy default)',
  geomean:
    'geometric mean of per-entry ratios; interval from the per-entry bootstrap ' +
    'replicates (entries taken as fixed), widened by the mean drift variance ' +
    'of the entries (drift is shared, it does not average out over the suite)',
} as const;

/** `bench compare`: both sides measured in one session, round by round interleaved. */
export const pairedMethod = {
  design:
    'both sides measured in one session on one device; per round ' +
    'the entries in seeded random order, the two sides of an entry ' +
    'back to back, the side that goes first counterbalanced (A B then B A per pair of rounds, seeded)',
  effect:
    'per round r, d_r = log(current round median / baseline round median); ' +
    'ratio = exp(mean d_r) (geometric mean of the paired round ratios)',
  interval:
    '95% Student t-interval of mean d_r over the R paired rounds (R ' +
    '- 1 df), exponentiated; drift common to both sides cancels in d_r',
  test: 'one-sided paired t test of mean d_r against 0, each way (p for "current slower" gates a regression)',
  correction: 'Benjamini-Hochberg over the compared entries, per direction',
  rule:
    'regressed: q(slower) <= alpha and CI lower bound > 1 + threshold; improved: mirror; unchanged: CI inside ' +
    '[1 - threshold, 1 + threshold]; else inconclusive; throttled or cpu-fallback on either side: inconclusive',
  geomean:
    "geometric mean of the entries' ratios; interval: t-interval " +
    'over rounds of the per-round mean of d_r across entries',
} as const;

/** Two tables: the whole-suite shift and each entry against it (compare/shift.ts). */
export const suiteMethod = {
  suite:
    'geometric mean g of the ratios; judged against the run-to-run ' +
    "spread sigma of a whole table's level, learnt from several " +
    'baseline tables (sd of their levels, K - 1 df) or recorded in ' +
    'the baseline: se^2 = var_sampling(log g) + sigma^2 (1 + 1/K), ' +
    'Student t(K - 1); none known: a stand-in of 3 x the larger tau (normal), which only a very large shift can exceed',
  relative:
    'when the shift is shared (>= 5 entries, most intervals holding ' +
    "g) and could be the machine's own (suite inconclusive): " +
    "each entry judged on ratio / g, its interval widened by g's " +
    'sampling error, a one-sided normal test, Benjamini-Hochberg',
} as const;

export function regressionDocument(result: RegressionResult, meta: JsonMeta = {}) {
  return {
    schema: REGRESSION_SCHEMA_ID,
    schemaVersion: REGRESSION_SCHEMA_VERSION,
    ...(meta.createdAt !== undefined ? { createdAt: meta.createdAt } : {}),
    generator: { name: 'nanosd-bench', version: meta.harnessVersion ?? null },
    method: result.mode === 'paired' ? pairedMethod : { ...regressionMethod, ...suiteMethod },
    ...result,
  };
}

export function renderJson(result: RegressionResult, meta: JsonMeta = {}): string {
  return `${JSON.stringify(regressionDocument(result, meta), null, 2)}\n`;
}
