// The data the Pareto report embeds, as plain JSON: compact per-candidate arrays (candidate codes are
// rebuilt in the page from the candidate number and the variant names), the fronts, reference points,
// per-variant block numbers, device fingerprints and every flag the entries carry, with which of them
// are conditions of the run (told once) and which a row shows.
import type { EntryFlag } from '../../lut/schema.js';
import { configLabel } from '../../predict/config.js';
import type { Calibration } from '../../predict/calibration.js';
import { paretoFront } from '../../search/pareto.js';
import { objectiveColumns, type SearchResult } from '../../search/search.js';
import type { EvaluatedSpace } from '../../search/space.js';
import type { FlagSummary } from '../flags.js';
import { blockTableFlags } from '../table-flags.js';

export interface BlockPoint {
  stage: string;
  variant: string;
  /** `block` for stage variants, `part` for fixed parts. */
  kind: 'block' | 'part';
  id: string;
  params: number;
  macs: number;
  status: string;
  median: number | null;
  lo: number | null;
  hi: number | null;
  flags: EntryFlag[];
  error?: string;
}

export interface ReportDevice {
  label: string;
  lut: string;
  profile: string;
  fingerprint: string;
  info: Record<string, unknown>;
  runtime: { runner: string; version: string; ep: string; precision: string; threads?: number };
  harness: string;
  config: string;
  updatedAt: string;
  predicted: number;
  problems: string[];
  /** Per candidate: median, quadrature interval (ms) and flag bits, null/0 where not predicted. */
  latency: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  flagBits: number[];
  blocks: BlockPoint[];
  /** Flags most of this device's entries carry: conditions of the run, told once in the banner. */
  runWide: FlagSummary['runWide'];
  /** The flags a row shows on this device (a cell, a tooltip, the front table): the others are run-wide. */
  rowFlags: string[];
  calibration?: Calibration;
  /** Per candidate: seconds per image of the whole pipeline and the VAE's share of a tile (with a pipeline). */
  pipeline?: { description: string; vae: string; seconds: (number | null)[]; vaeShare: (number | null)[] };
}

export interface ParetoData {
  title: string;
  flagNames: readonly string[];
  catalog: { name: string; hash: string; latent: number; width: number };
  stages: { name: string; variants: string[] }[];
  size: number;
  /** Per candidate: parameters, and MACs in GMACs. */
  params: number[];
  gmacs: number[];
  devices: ReportDevice[];
  quality: null | {
    metric: string;
    better: 'higher' | 'lower';
    file: string;
    kind: string;
    count: number;
    missing: { count: number; first: string[] };
    values: (number | null)[];
  };
  objectives: string[];
  directions: string[];
  constraints: { maxLatencyMs?: number; maxParams?: number };
  /** The search's front on the primary device, and the 2-D fronts the charts draw as staircases. */
  front: number[];
  frontLatencyParams: number[];
  frontLatencyQuality: number[];
  references: { name: string; number: number }[];
  excluded: SearchResult['fronts'][number]['excluded'];
  eligible: number;
  hypervolume: SearchResult['fronts'][number]['hypervolume'] | null;
  transfer: SearchResult['transfer'];
  otherFronts: { label: string; front: number[] }[];
}

/** Rounded to `digits` decimals, keeping the embedded arrays short. */
function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function nullable(arr: Float64Array, ok: Uint8Array, digits: number): (number | null)[] {
  return Array.from(arr, (v, i) => (ok[i] ? round(v, digits) : null));
}

export function buildParetoData(
  space: EvaluatedSpace,
  result: SearchResult,
  opts: { title?: string; flagNames: readonly string[]; calibrations?: (Calibration | undefined)[] },
): ParetoData {
  const cat = space.catalog;
  const f0 = result.fronts[0]!;
  return {
    title: opts.title ?? `Pareto report: ${cat.spec.name}`,
    flagNames: opts.flagNames,
    catalog: { name: cat.spec.name, hash: cat.hash, latent: cat.latent, width: cat.width },
    stages: cat.stages.map((s) => ({ name: s.name, variants: s.variants.map((v) => v.name) })),
    size: space.size,
    params: Array.from(space.params),
    gmacs: Array.from(space.macs, (m) => round(m / 1e9, 4)),
    devices: space.devices.map((d, i) => reportDevice(space, d, opts.flagNames, opts.calibrations?.[i])),
    quality: qualityData(space.quality),
    objectives: result.objectives,
    directions: result.directions,
    constraints: result.constraints,
    front: f0.front,
    ...chartFronts(space, result),
    references: referencePoints(result.references),
    excluded: f0.excluded,
    eligible: f0.eligible,
    hypervolume: f0.hypervolume ?? null,
    transfer: result.transfer,
    otherFronts: result.fronts.slice(1).map((f) => ({ label: f.label, front: f.front })),
  };
}

/**
 * The charts' 2-D staircases on the primary device, chosen from the same candidates as the search
 * front: predicted, and within the constraints.
 */
function chartFronts(
  space: EvaluatedSpace,
  result: SearchResult,
): Pick<ParetoData, 'frontLatencyParams' | 'frontLatencyQuality'> {
  const primary = space.devices[0]!;
  const { maxLatencyMs, maxParams } = result.constraints;
  const avail = Array.from({ length: space.size }, (_, n) => n).filter(
    (n) =>
      primary.prediction.available[n] &&
      (maxLatencyMs === undefined || primary.prediction.median[n]! <= maxLatencyMs) &&
      (maxParams === undefined || space.params[n]! <= maxParams),
  );
  const frontLatencyParams = paretoFront([primary.prediction.median, space.params], avail);
  const q = space.quality;
  if (!q) return { frontLatencyParams, frontLatencyQuality: [] };
  const cols = objectiveColumns(space, ['latency', 'quality'], 0);
  const rated = avail.filter((n) => !Number.isNaN(q.values[n]!));
  return { frontLatencyParams, frontLatencyQuality: paretoFront(cols, rated) };
}

function referencePoints(refs: SearchResult['references']): ParetoData['references'] {
  const references: ParetoData['references'] = [
    { name: 'teacher', number: refs.teacher },
    { name: 'smallest', number: refs.smallest },
  ];
  if (refs.fastest !== undefined) references.push({ name: 'fastest', number: refs.fastest });
  if (refs.knee !== undefined) references.push({ name: 'knee', number: refs.knee });
  return references;
}

type SpaceDevice = EvaluatedSpace['devices'][number];

function reportDevice(
  space: EvaluatedSpace,
  d: SpaceDevice,
  flagNames: readonly string[],
  calibration: Calibration | undefined,
): ReportDevice {
  const lut = d.predictor.lut;
  const p = d.prediction;
  const flags = blockTableFlags(d.predictor.table);
  const { runner, version, ep, precision, threads } = lut.runtime;
  const dev: ReportDevice = {
    label: d.label,
    lut: d.predictor.file,
    profile: lut.device.profile,
    fingerprint: lut.device.fingerprint,
    info: lut.device.info,
    runtime: { runner, version, ep, precision, ...(threads !== undefined ? { threads } : {}) },
    harness: `${lut.harness.name} ${lut.harness.version}`,
    config: configLabel(d.predictor.config),
    updatedAt: lut.updatedAt,
    predicted: p.availableCount,
    problems: p.problems,
    latency: nullable(p.median, p.available, 4),
    lo: nullable(p.lo, p.available, 4),
    hi: nullable(p.hi, p.available, 4),
    flagBits: Array.from(p.flags),
    blocks: blockPoints(space.catalog, d.predictor.table),
    runWide: flags.runWide,
    rowFlags: flags.perRow(flagNames),
  };
  const pipeline = pipelinePoints(space, d);
  if (pipeline) dev.pipeline = pipeline;
  if (calibration && (calibration.points.length > 0 || calibration.skipped.length > 0)) {
    dev.calibration = calibration;
  }
  return dev;
}

/** Seconds per image and the VAE's share of a tile per candidate, when the space has a pipeline. */
function pipelinePoints(space: EvaluatedSpace, d: SpaceDevice): ReportDevice['pipeline'] {
  const pipe = d.pipeline;
  if (!pipe || !space.pipeline) return undefined;
  const finite = (a: Float64Array, digits: number) =>
    Array.from(a, (v) => (Number.isFinite(v) ? round(v, digits) : null));
  const vae = space.pipeline.vaes[0]!.choice.name;
  const { description } = space.pipeline;
  return { description, vae, seconds: finite(pipe.seconds, 5), vaeShare: finite(pipe.vaeShare, 4) };
}

/** Every stage variant, then every fixed part, with what the device's table holds for it. */
function blockPoints(cat: EvaluatedSpace['catalog'], table: SpaceDevice['predictor']['table']): BlockPoint[] {
  return [
    ...cat.stages.flatMap((s, si) =>
      s.variants.map((v) =>
        blockPoint('block', s.name, v.name, v.params, v.macs, table.stages[si]!.variants[v.index]!),
      ),
    ),
    ...cat.parts.map((part, pi) => blockPoint('part', part.name, '', part.params, part.macs, table.parts[pi]!)),
  ];
}

function qualityData(q: EvaluatedSpace['quality']): ParetoData['quality'] {
  if (!q) return null;
  const values = Array.from(q.values, (v) => (Number.isNaN(v) ? null : round(v, 6)));
  return { metric: q.metric, better: q.better, file: q.file, kind: q.kind, count: q.count, missing: q.missing, values };
}

function blockPoint(
  kind: 'block' | 'part',
  stage: string,
  variant: string,
  params: number,
  macs: number,
  e: { id: string; status: string; median: number; lo: number; hi: number; flags: EntryFlag[]; error?: string },
): BlockPoint {
  const ok = e.status === 'ok';
  const out: BlockPoint = {
    stage,
    variant,
    kind,
    id: e.id,
    params,
    macs,
    status: e.status,
    median: ok ? e.median : null,
    lo: ok ? e.lo : null,
    hi: ok ? e.hi : null,
    flags: e.flags,
  };
  if (e.error) out.error = e.error;
  return out;
}
