// The typed result of comparing two LUTs. The JSON report is this object (plus a schema header),
// and the Markdown and JUnit renderers read nothing else, so every number a reader sees can be
// traced back to it.
import type { EntryKind, LutEntry } from '../lut/schema.js';

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

/**
 * `two-table`: two tables measured at different times (`bench report regression`); `paired`: both
 * sides measured in one session, round by round interleaved (`bench compare`).
 */
export type ComparisonMode = 'two-table' | 'paired';

export const REGRESSION_SCHEMA_ID = 'nanosd-bench/regression';
export const REGRESSION_SCHEMA_VERSION = 1;

export const regressionDefaults = {
  /** Practical threshold: changes smaller than 5% are not reported as regressions. */
  threshold: 0.05,
  /** Significance level applied to the Benjamini-Hochberg adjusted p-values. */
  alpha: 0.01,
  seed: 1,
  /** Bootstrap replicates per entry (statistics.md 16.3). */
  resamples: 10_000,
} as const;

/** Entry flags that make a measurement untrustworthy for a verdict (either side). */
export const downgradingFlags = ['margin-not-reached', 'throttled', 'trend', 'cpu-fallback'] as const;

export interface RegressionOptions {
  threshold?: number;
  alpha?: number;
  seed?: number;
  resamples?: number;
  /** Compare tables from different devices or runtimes anyway (the differences are reported). */
  allowMismatch?: boolean;
  /** The machine's run-to-run spread learnt from baseline history (else the baseline's own, if recorded). */
  runSpread?: RunSpread;
  /** How the tables are named in the report (file paths). */
  baselineLabel?: string;
  currentLabel?: string;
}

export interface ResolvedOptions {
  threshold: number;
  alpha: number;
  seed: number;
  resamples: number;
  allowMismatch: boolean;
}

/** A table's between-round noise: how far a round's median typically lies from its entry's. */
export interface RoundNoise {
  /** Standard deviation of a round's log median around its entry's (0.03 ~ 3%), drift only. */
  tau: number;
  /** Degrees of freedom behind the estimate (sum over entries of rounds - 1). */
  df: number;
  /** Entries with at least two rounds large enough to estimate it. */
  entries: number;
}

export interface TableInfo {
  label: string;
  profile: string;
  fingerprint: string;
  runner: string;
  runtimeVersion: string;
  ep: string;
  precision: string;
  threads: number | null;
  harness: string;
  updatedAt: string;
  entries: number;
  /** null when no entry has two rounds to estimate it from. */
  roundNoise: RoundNoise | null;
}

export interface Mismatch {
  field: 'device fingerprint' | 'runner' | 'execution provider' | 'precision';
  baseline: string;
  current: string;
}

export interface SideSummary {
  state: LutEntry['state'];
  n: number;
  /** null when the entry has no samples (failed or skipped). */
  median: number | null;
  ci95: [number, number] | null;
  rme: number | null;
  /** Largest fitted rise (fraction of the median) of a round flagged as trending; null if none found. */
  trendRise: number | null;
  flags: string[];
  sampleKind: LutEntry['sampleKind'];
  error: string | null;
}

export interface EntryComparison {
  id: string;
  label: string;
  kind: EntryKind;
  baseline: SideSummary;
  current: SideSummary;
  /** median(current) / median(baseline); null when it could not be computed. */
  ratio: number | null;
  /** 95% interval of the ratio: the bootstrap interval widened by both tables' between-round noise. */
  ci95: [number, number] | null;
  /** The percentile-bootstrap interval alone (noise within rounds only). */
  ci95Sampling: [number, number] | null;
  /** Standard deviation of the log ratio due to between-round drift (0 when unknown). */
  roundNoise: number | null;
  /** Mann-Whitney U of current against baseline. */
  u: number | null;
  /** One-sided Mann-Whitney p for "current is slower". */
  pSlower: number | null;
  /** One-sided p for "current is faster". */
  pFaster: number | null;
  /** Two-sided p, for display. */
  pTwoSided: number | null;
  /** Benjamini-Hochberg adjusted pSlower across the compared entries (the regression gate). */
  qSlower: number | null;
  /** Benjamini-Hochberg adjusted pFaster (the improvement call). */
  qFaster: number | null;
  /** Smallest one-sided p the rank test can give for these sample sizes. */
  minP: number | null;
  /**
   * A normal test on the log ratio whose standard error includes the between-round drift (read off
   * the widened interval), one-sided each way, and its Benjamini-Hochberg adjusted values.
   */
  driftTest: { pSlower: number; pFaster: number; qSlower: number | null; qFaster: number | null } | null;
  /** Seed of this entry's bootstrap stream (derived from the run seed and the entry id). */
  seed: number;
  verdict: Verdict;
  /** What the numbers alone say, before a failure or a quality flag downgrades it; null if untested. */
  statisticalVerdict: Verdict | null;
  /** Why the verdict is what it is, when that is not obvious (always set for inconclusive). */
  reasons: string[];
  /** The model hash differs between the tables (the graph itself changed). */
  modelChanged: boolean;
  /** `bench compare`: the paired rounds behind the ratio, its interval and its test. */
  paired?: PairedEntryStats;
  /** Two tables whose whole suite shifted together: this entry judged against the rest of the suite. */
  relative?: RelativeComparison;
}

/** One entry of `bench compare`: per round, log(current round median / baseline round median). */
export interface PairedEntryStats {
  /** Rounds measured on both sides (the pairs). */
  rounds: number;
  logRatios: number[];
  /** Standard deviation of the log ratios (null with fewer than two pairs). */
  sd: number | null;
  /** Degrees of freedom of the t-interval and the t test (rounds - 1). */
  df: number;
  /** t statistic of the mean log ratio against 0 (null when it is not defined). */
  t: number | null;
}

/** An entry's change once the whole suite's shift is divided out (two-table mode). */
export interface RelativeComparison {
  /** ratio / suite shift. */
  ratio: number;
  ci95: [number, number];
  pSlower: number;
  pFaster: number;
  qSlower: number | null;
  qFaster: number | null;
  verdict: Verdict;
}

/**
 * The whole-suite shift of a two-table comparison (the geometric mean of the ratios) judged against
 * the machine's run-to-run spread: a shift every entry shares is what a drifting machine produces.
 */
export interface SuiteShift {
  /** Geometric mean of the ratios of the entries that moved together (all of them when not separated). */
  ratio: number;
  /** Entries whose own interval holds the median ratio, of those with a ratio: is the shift shared? */
  sharedBy: number;
  entries: number;
  /** The shift is shared by most entries, so entries are judged against it (see compare/shift.ts). */
  separated: boolean;
  /** Standard deviation of a whole run's log level on this machine; null when unknown. */
  spread: RunSpread | null;
  /** Interval of the shift with the run-to-run spread counted; null when the spread is unknown. */
  ci95: [number, number] | null;
  p: { slower: number; faster: number } | null;
  verdict: Verdict;
  /** One plain sentence for the report's header. */
  summary: string;
}

/** A machine's run-to-run spread of a whole table's level, learnt from tables of one configuration. */
export interface RunSpread {
  /** sd of log(table level) between runs (0.04 ~ whole runs typically 4% apart). */
  sd: number;
  /** Runs it was learnt from (the baseline's level is their mean); null for the stand-in. */
  runs: number | null;
  /** Degrees of freedom (runs - 1) of a learnt spread; null: taken as known (normal quantiles). */
  df: number | null;
  /**
   * `history`: several --baseline tables; `baseline-file`: recorded in the baseline table;
   * `stand-in`: none known, three times the larger drift between rounds stands in (large shifts only).
   */
  source: 'history' | 'baseline-file' | 'stand-in';
}

export interface OneSidedEntry {
  id: string;
  label: string;
  kind: EntryKind;
  state: LutEntry['state'];
  n: number;
  median: number | null;
}

export interface RegressionCounts {
  compared: number;
  regressed: number;
  improved: number;
  unchanged: number;
  inconclusive: number;
  onlyInBaseline: number;
  onlyInCurrent: number;
}

export interface RegressionResult {
  /** Absent in results of older versions: two tables. */
  mode?: ComparisonMode;
  options: ResolvedOptions;
  baseline: TableInfo;
  current: TableInfo;
  /** Differences that would have refused the comparison (only non-empty with allowMismatch). */
  mismatches: Mismatch[];
  entries: EntryComparison[];
  onlyInBaseline: OneSidedEntry[];
  onlyInCurrent: OneSidedEntry[];
  counts: RegressionCounts;
  /** Suite geometric mean of the ratios with a bootstrap interval; null when nothing had a ratio. */
  geomean: { value: number; ci95: [number, number]; ci95Sampling: [number, number]; entries: number } | null;
  /** 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing. */
  exitCode: 0 | 1 | 2;
  /** Report-level remarks (e.g. a table whose drift between rounds is unknown). */
  notes: string[];
  /** Two tables: the whole-suite shift and what it means on this machine. */
  suite?: SuiteShift | null;
}
