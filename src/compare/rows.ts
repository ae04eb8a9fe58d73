// The parts of a comparison row both verdicts build alike (two tables, and two interleaved sides):
// each side's summary, an entry only one table has, a row before any test has filled it, and the side
// that did not measure.
import { entryLabel } from '../lut/key.js';
import type { LutEntry } from '../lut/schema.js';
import { medianCiSorted, relativeMarginSorted } from '../stats/median-ci.js';
import { medianSorted, sortedCopy } from '../stats/quantile.js';
import type { EntryComparison, OneSidedEntry, SideSummary } from './types.js';

/** One side of a row; `trendRise` is the fitted rise the verdict weighs, or null. */
export function sideSummary(entry: LutEntry, trendRise: number | null): SideSummary {
  const sorted = sortedCopy(entry.samples);
  const has = sorted.length > 0;
  return {
    state: entry.state,
    n: sorted.length,
    median: has ? medianSorted(sorted) : null,
    ci95: has ? medianCiSorted(sorted) : null,
    rme: has ? relativeMarginSorted(sorted) : null,
    trendRise,
    flags: [...entry.flags],
    sampleKind: entry.sampleKind,
    error: entry.state === 'ok' ? null : `${entry.error.code}: ${entry.error.message}`,
  };
}

/** An entry that only one of the two tables holds. */
export function oneSided(e: LutEntry): OneSidedEntry {
  const sorted = sortedCopy(e.samples);
  const median = sorted.length > 0 ? medianSorted(sorted) : null;
  return { id: e.id, label: entryLabel(e.key), kind: e.key.kind, state: e.state, n: sorted.length, median };
}

/** A row with both sides summarised and nothing tested yet: inconclusive until a test says more. */
export function emptyRow(
  base: LutEntry,
  cur: LutEntry,
  seed: number,
  sides: { baseline: SideSummary; current: SideSummary },
): EntryComparison {
  return {
    id: base.id,
    label: entryLabel(base.key),
    kind: base.key.kind,
    baseline: sides.baseline,
    current: sides.current,
    ratio: null,
    ci95: null,
    ci95Sampling: null,
    roundNoise: null,
    u: null,
    pSlower: null,
    pFaster: null,
    pTwoSided: null,
    qSlower: null,
    qFaster: null,
    minP: null,
    driftTest: null,
    seed,
    verdict: 'inconclusive',
    statisticalVerdict: null,
    reasons: [],
    modelChanged: base.model.sha256 !== cur.model.sha256,
  };
}

/** The first side whose entry did not measure: its name, state and the error it recorded (` (code: ...)`). */
export function failedSide(base: LutEntry, cur: LutEntry): { name: string; state: string; why: string } | undefined {
  for (const [name, e] of [
    ['baseline', base],
    ['current', cur],
  ] as const) {
    if (e.state !== 'ok') return { name, state: e.state, why: e.error ? ` (${e.error.code}: ${e.error.message})` : '' };
  }
  return undefined;
}
