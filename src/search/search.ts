// The search over the whole evaluated space: per device, the exact front of the chosen objectives
// under the constraints, its hypervolume and knee; named reference points on the first (primary)
// device; and, with several devices, how the latency ranking and the front carry over from the
// primary device to each other one.
//
// Constraints apply per device: --max-latency keeps the candidates whose predicted latency on that
// device is within the budget, so each device's front answers "what is best on this device".
//
// Hypervolume reference point: each objective is normalised over the candidates the front was chosen
// from (ideal = best value -> 0, nadir = worst value -> 1; quality negated when higher is better) and
// the reference point is 1.1 in every normalised objective, i.e. the nadir pushed out by 10% of the
// range so the extreme front points still contribute. The value is in normalised units (at most
// 1.1^k); the reference is also reported in raw units.
import { candidateNumber, teacherCandidate } from '../catalog/candidates.js';
import { hypervolume } from './hypervolume.js';
import { kneePoint } from './knee.js';
import type { Objective } from './objectives.js';
import { paretoFront, type Columns } from './pareto.js';
import { kendallTauB, spearman } from './rank.js';
import type { EvaluatedSpace } from './space.js';

export interface SearchOptions {
  objectives: Objective[];
  maxLatencyMs?: number;
  maxParams?: number;
}

export interface Hypervolume {
  value: number;
  /** Reference point in raw units, objective order (quality in its own units and direction). */
  reference: number[];
  ideal: number[];
  nadir: number[];
}

export interface DeviceFront {
  label: string;
  /** Candidates the front was chosen from. */
  eligible: number;
  excluded: { noLatency: number; noQuality: number; overLatency: number; overParams: number };
  /** Candidate numbers on the front, in lexicographic order of the objectives. */
  front: number[];
  hypervolume?: Hypervolume;
  knee?: number;
}

export interface Transfer {
  from: string;
  to: string;
  /** Candidates with a prediction on both devices. */
  n: number;
  spearman: number;
  kendallTauB: number;
  frontSize: number;
  /** How many of `from`'s front are also on `to`'s front. */
  kept: number;
}

export interface SearchResult {
  objectives: Objective[];
  /** Per objective: minimised or maximised. */
  directions: ('min' | 'max')[];
  constraints: { maxLatencyMs?: number; maxParams?: number };
  fronts: DeviceFront[];
  references: { teacher: number; smallest: number; fastest?: number; knee?: number };
  transfer: Transfer[];
}

export const HV_REFERENCE = 1.1;

/** Minimised column per objective for device d (quality negated when higher is better). */
export function objectiveColumns(space: EvaluatedSpace, objectives: readonly Objective[], d: number): Float64Array[] {
  return objectives.map((o) => {
    if (o === 'latency') return space.devices[d]!.prediction.median;
    if (o === 'params') return space.params;
    if (o === 'macs') return space.macs;
    if (o === 'pipeline') {
      const pipeline = space.devices[d]!.pipeline;
      if (!pipeline) throw new Error('pipeline objective without a pipeline in the space');
      return pipeline.seconds;
    }
    const q = space.quality;
    if (!q) throw new Error('quality objective without quality input');
    return q.better === 'higher' ? q.values.map((v) => -v) : q.values;
  });
}

function deviceFront(space: EvaluatedSpace, opts: SearchOptions, d: number): DeviceFront {
  const dev = space.devices[d]!;
  const pred = dev.prediction;
  const needLatency = opts.objectives.includes('latency') || opts.maxLatencyMs !== undefined;
  const seconds = opts.objectives.includes('pipeline') ? dev.pipeline?.seconds : undefined;
  const needQuality = opts.objectives.includes('quality');
  const excluded = { noLatency: 0, noQuality: 0, overLatency: 0, overParams: 0 };
  const ids: number[] = [];
  for (let n = 0; n < space.size; n++) {
    if ((needLatency && !pred.available[n]) || (seconds && Number.isNaN(seconds[n]!))) excluded.noLatency++;
    else if (needQuality && Number.isNaN(space.quality!.values[n]!)) excluded.noQuality++;
    else if (opts.maxLatencyMs !== undefined && pred.median[n]! > opts.maxLatencyMs) excluded.overLatency++;
    else if (opts.maxParams !== undefined && space.params[n]! > opts.maxParams) excluded.overParams++;
    else ids.push(n);
  }
  const cols = objectiveColumns(space, opts.objectives, d);
  const front = paretoFront(cols, ids);
  const out: DeviceFront = { label: dev.label, eligible: ids.length, excluded, front };
  const knee = kneePoint(cols, front);
  if (knee !== undefined) out.knee = knee;
  if (front.length > 0 && cols.length <= 3)
    out.hypervolume = frontHypervolume(cols, ids, front, opts.objectives, space);
  return out;
}

function frontHypervolume(
  cols: Columns,
  ids: readonly number[],
  front: readonly number[],
  objectives: readonly Objective[],
  space: EvaluatedSpace,
): Hypervolume {
  const ideal = cols.map(() => Number.POSITIVE_INFINITY);
  const nadir = cols.map(() => Number.NEGATIVE_INFINITY);
  for (const n of ids) {
    cols.forEach((c, j) => {
      if (c[n]! < ideal[j]!) ideal[j] = c[n]!;
      if (c[n]! > nadir[j]!) nadir[j] = c[n]!;
    });
  }
  const range = ideal.map((lo, j) => (nadir[j]! > lo ? nadir[j]! - lo : 1));
  const points = front.map((n) => cols.map((c, j) => (c[n]! - ideal[j]!) / range[j]!));
  const value = hypervolume(
    points,
    cols.map(() => HV_REFERENCE),
  );
  // Back to the user's units: negated quality columns are turned back.
  const raw = (j: number, v: number) => (objectives[j] === 'quality' && space.quality?.better === 'higher' ? -v : v);
  return {
    value,
    reference: range.map((r, j) => raw(j, ideal[j]! + HV_REFERENCE * r)),
    ideal: ideal.map((v, j) => raw(j, v)),
    nadir: nadir.map((v, j) => raw(j, v)),
  };
}

/** Lowest value of `primary` over the space (NaN skipped), ties broken by `secondary`, then by candidate number. */
function argBest(size: number, primary: ArrayLike<number>, secondary: ArrayLike<number>): number | undefined {
  let best: number | undefined;
  for (let n = 0; n < size; n++) {
    if (Number.isNaN(primary[n]!)) continue;
    if (best === undefined) best = n;
    else {
      const d = primary[n]! - primary[best]!;
      const s = secondary[n]! - secondary[best]!;
      if (d < 0 || (d === 0 && s < 0)) best = n;
    }
  }
  return best;
}

function transfer(space: EvaluatedSpace, fronts: DeviceFront[], a: number, b: number): Transfer {
  const pa = space.devices[a]!.prediction;
  const pb = space.devices[b]!.prediction;
  const x: number[] = [];
  const y: number[] = [];
  for (let n = 0; n < space.size; n++) {
    if (pa.available[n] && pb.available[n]) {
      x.push(pa.median[n]!);
      y.push(pb.median[n]!);
    }
  }
  const onB = new Set(fronts[b]!.front);
  const fa = fronts[a]!.front;
  return {
    from: fronts[a]!.label,
    to: fronts[b]!.label,
    n: x.length,
    spearman: x.length >= 2 ? spearman(x, y) : Number.NaN,
    kendallTauB: x.length >= 2 ? kendallTauB(x, y) : Number.NaN,
    frontSize: fa.length,
    kept: fa.filter((n) => onB.has(n)).length,
  };
}

export function runSearch(space: EvaluatedSpace, opts: SearchOptions): SearchResult {
  if (space.devices.length === 0) throw new Error('a search needs at least one device');
  const fronts = space.devices.map((_, d) => deviceFront(space, opts, d));
  const latency = space.devices[0]!.prediction.median;
  const references: SearchResult['references'] = {
    teacher: candidateNumber(space.catalog, teacherCandidate(space.catalog)),
    smallest: argBest(
      space.size,
      space.params,
      latency.map((v) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v)),
    )!,
  };
  const fastest = argBest(space.size, latency, space.params);
  if (fastest !== undefined) references.fastest = fastest;
  if (fronts[0]!.knee !== undefined) references.knee = fronts[0]!.knee;
  const result: SearchResult = {
    objectives: [...opts.objectives],
    directions: opts.objectives.map((o) => (o === 'quality' && space.quality?.better !== 'lower' ? 'max' : 'min')),
    constraints: {},
    fronts,
    references,
    transfer: space.devices.slice(1).map((_, i) => transfer(space, fronts, 0, i + 1)),
  };
  if (opts.maxLatencyMs !== undefined) result.constraints.maxLatencyMs = opts.maxLatencyMs;
  if (opts.maxParams !== undefined) result.constraints.maxParams = opts.maxParams;
  return result;
}
