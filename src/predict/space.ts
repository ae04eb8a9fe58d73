// The fast path: predicted latency of every candidate of the space at once, into typed arrays indexed
// by candidate number (the mixed-radix order of catalog/candidates.ts `candidateAt`, last stage
// fastest). Same rule as predictCandidate, without building an object per candidate.
import { entryFlags, type EntryFlag } from '../lut/schema.js';
import { describeProblem, type EntryEstimate } from './entries.js';
import type { Predictor } from './predictor.js';
import { halfWidths } from './uncertainty.js';

export interface SpacePrediction {
  size: number;
  median: Float64Array;
  /** Quadrature interval (see uncertainty.ts). */
  lo: Float64Array;
  hi: Float64Array;
  /** Sum of bounds. */
  consLo: Float64Array;
  consHi: Float64Array;
  /** 1 where every contributing entry is ok; the other arrays hold NaN elsewhere. */
  available: Uint8Array;
  /** Bit i set when a contributing entry carries `entryFlags[i]`. */
  flags: Uint8Array;
  availableCount: number;
  /** Every entry that keeps some candidate from a prediction, with why. */
  problems: string[];
}

export function flagBits(flags: readonly EntryFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= 1 << entryFlags.indexOf(f);
  return bits;
}

export function flagsFromBits(bits: number): EntryFlag[] {
  return entryFlags.filter((_, i) => (bits & (1 << i)) !== 0);
}

interface Term {
  ok: number;
  m: number;
  below: number;
  above: number;
  below2: number;
  above2: number;
  bits: number;
}

function term(e: EntryEstimate): Term {
  if (e.status !== 'ok') return { ok: 0, m: 0, below: 0, above: 0, below2: 0, above2: 0, bits: flagBits(e.flags) };
  const h = halfWidths(e);
  return {
    ok: 1,
    m: e.median,
    below: h.below,
    above: h.above,
    below2: h.below * h.below,
    above2: h.above * h.above,
    bits: flagBits(e.flags),
  };
}

export function predictSpace(p: Predictor): SpacePrediction {
  const stages = p.table.stages.map((s) => s.variants.map(term));
  const radix = stages.map((s) => s.length);
  const size = radix.reduce((a, b) => a * b, 1);
  const fixed = p.table.parts.map(term).reduce(
    (a, t) => ({
      ok: a.ok & t.ok,
      m: a.m + t.m,
      below: a.below + t.below,
      above: a.above + t.above,
      below2: a.below2 + t.below2,
      above2: a.above2 + t.above2,
      bits: a.bits | t.bits,
    }),
    { ok: 1, m: 0, below: 0, above: 0, below2: 0, above2: 0, bits: 0 },
  );
  const out: SpacePrediction = {
    size,
    median: new Float64Array(size),
    lo: new Float64Array(size),
    hi: new Float64Array(size),
    consLo: new Float64Array(size),
    consHi: new Float64Array(size),
    available: new Uint8Array(size),
    flags: new Uint8Array(size),
    availableCount: 0,
    problems: [...p.table.stages.flatMap((s) => s.variants), ...p.table.parts]
      .filter((e) => e.status !== 'ok')
      .map(describeProblem),
  };
  const k = stages.length;
  const digit = new Array<number>(k).fill(0);
  for (let n = 0; n < size; n++) {
    let ok = fixed.ok;
    let m = fixed.m;
    let below = fixed.below;
    let above = fixed.above;
    let below2 = fixed.below2;
    let above2 = fixed.above2;
    let bits = fixed.bits;
    for (let s = 0; s < k; s++) {
      const t = stages[s]![digit[s]!]!;
      ok &= t.ok;
      m += t.m;
      below += t.below;
      above += t.above;
      below2 += t.below2;
      above2 += t.above2;
      bits |= t.bits;
    }
    out.flags[n] = bits;
    if (ok) {
      out.available[n] = 1;
      out.availableCount++;
      out.median[n] = m;
      out.lo[n] = m - Math.sqrt(below2);
      out.hi[n] = m + Math.sqrt(above2);
      out.consLo[n] = m - below;
      out.consHi[n] = m + above;
    } else {
      out.median[n] = out.lo[n] = out.hi[n] = out.consLo[n] = out.consHi[n] = Number.NaN;
    }
    // Odometer step: last stage fastest, matching candidateAt.
    for (let s = k - 1; s >= 0; s--) {
      digit[s]!++;
      if (digit[s]! < radix[s]!) break;
      digit[s] = 0;
    }
  }
  return out;
}
