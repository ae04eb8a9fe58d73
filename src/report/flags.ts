// Flags that say something. Every flag stays in the data (LUT, regression.json); on screen a flag that
// most entries carry is a condition of the run (this host is noisy, it drifted between rounds), told
// once in the header, and a row shows only the flags that change what to do with that entry (re-run
// it cool, give it more samples, check the accelerator). `outliers` never changes that: the medians
// and tests are robust to outliers and the samples are kept, so it is only ever a run-wide remark.
import type { EntryFlag } from '../lut/schema.js';

/** What a run-wide flag says about the run, for the header. */
const conditions: Record<EntryFlag, string> = {
  outliers: 'this host is noisy (outliers are kept; medians and tests are robust to them)',
  trend: 'latency rose within rounds (heat or growing background load)',
  throttled: 'the device throttled or ran hot: re-run it cooled down',
  'margin-not-reached': 'the caps stopped sampling before the target margin (--max-time-ms, --iterations)',
  'cpu-fallback': 'work ran on the CPU instead of the accelerator',
  'first-run-slow': 'the warm-up is too short (--warmup N)',
  'rounds-disagree': 'the machine drifted between rounds',
};

/** Flags that never change what to do with one entry. */
const NEVER_PER_ROW: readonly EntryFlag[] = ['outliers'];

/** A flag carried by at least this share of the entries (and MIN_RUN_WIDE of them) is a run condition. */
export const RUN_WIDE_SHARE = 0.5;
const MIN_RUN_WIDE = 3;

export interface FlagSummary {
  /** Flags of the run as a whole, with how many entries carry each and what that says. */
  runWide: { flag: EntryFlag; entries: number; of: number; meaning: string }[];
  /** The flags worth showing on one row: not run-wide, not `outliers`. */
  perRow(flags: readonly string[]): string[];
}

export function summariseFlags(entries: readonly { flags: readonly string[] }[]): FlagSummary {
  const counts = new Map<EntryFlag, number>();
  for (const e of entries)
    for (const f of new Set(e.flags)) counts.set(f as EntryFlag, (counts.get(f as EntryFlag) ?? 0) + 1);
  const of = entries.length;
  const runWide = [...counts.entries()]
    .filter(([flag, n]) => n >= MIN_RUN_WIDE && n >= RUN_WIDE_SHARE * of && flag in conditions)
    .sort((a, b) => b[1] - a[1])
    .map(([flag, n]) => ({ flag, entries: n, of, meaning: conditions[flag] }));
  return { runWide, perRow: rowFlagFilter(runWide) };
}

/**
 * The per-row filter a run-wide list implies, for outputs that carry the list as data (a prediction's
 * JSON, the Pareto page) and show rows later: every flag but the run-wide ones and `outliers`.
 */
export function rowFlagFilter(runWide: readonly { flag: string }[]): FlagSummary['perRow'] {
  const hidden = new Set<string>([...NEVER_PER_ROW, ...runWide.map((r) => r.flag)]);
  return (flags) => flags.filter((f) => !hidden.has(f));
}

/** "outliers in 38 of 39 entries: this host is noisy (...)", one line per run-wide flag. */
export function runWideLines(summary: Pick<FlagSummary, 'runWide'>): string[] {
  return summary.runWide.map((r) => `${r.flag} in ${r.entries} of ${r.of} entries: ${r.meaning}`);
}
