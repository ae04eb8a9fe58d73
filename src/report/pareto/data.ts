// The data the Pareto report embeds, as plain JSON: compact per-candidate arrays (candidate codes are
// rebuilt in the page from the candidate number and the variant names), the fronts, reference points,
// per-variant block numbers, device fingerprints and every flag the entries carry.
import type { EntryFlag } from '../../lut/schema.js';
import { configLabel } from '../../predict/config.js';
import type { Calibration } from '../../predict/calibration.js';
import { paretoFront } from '../../search/pareto.js';
import { objectiveColumns, type SearchResult } from '../../search/search.js';
import type { EvaluatedSpace } from '../../search/space.js';

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
  quality: null | { metric: string; better: 'higher' | 'lower'; file: string; kind: string; count: number; missing: { count: number; first: string[] }; values: (number | null)[] };
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
  const primary = space.devices[0]!;
  const all = Array.from({ length: space.size }, (_, n) => n);
  // The charts' 2-D staircases are chosen from the same candidates as the search front: predicted, and
  // within the constraints.
  const { maxLatencyMs, maxParams } = result.constraints;
  const avail = all.filter(
    (n) =>
      primary.prediction.available[n] &&
      (maxLatencyMs === undefined || primary.prediction.median[n]! <= maxLatencyMs) &&
      (maxParams === undefined || space.params[n]! <= maxParams),
  );
  const frontLatencyParams = paretoFront([primary.prediction.median, space.params], avail);
  const q = space.quality;
  let frontLatencyQuality: number[] = [];
  if (q) {
    const cols = objectiveColumns(space, ['latency', 'quality'], 0);
    frontLatencyQuality = paretoFront(cols, avail.filter((n) => !Number.isNaN(q.values[n]!)));
  }
  const refs = result.references;
  const references: ParetoData['references'] = [
    { name: 'teacher', number: refs.teacher },
    { name: 'smallest', number: refs.smallest },
  ];
  if (refs.fastest !== undefined) references.push({ name: 'fastest', number: refs.fastest });
  if (refs.knee !== undefined) references.push({ name: 'knee', number: refs.knee });
  const f0 = result.fronts[0]!;
  return {
    title: opts.title ?? `Pareto report: ${cat.spec.name}`,
    flagNames: opts.flagNames,
    catalog: { name: cat.spec.name, hash: cat.hash, latent: cat.latent, width: cat.width },
    stages: cat.stages.map((s) => ({ name: s.name, variants: s.variants.map((v) => v.name) })),
    size: space.size,
    params: Array.from(space.params),
    gmacs: Array.from(space.macs, (m) => round(m / 1e9, 4)),
    devices: space.devices.map((d, i) => {
      const lut = d.predictor.lut;
      const p = d.prediction;
      const table = d.predictor.table;
      const blocks: BlockPoint[] = [
        ...cat.stages.flatMap((s, si) =>
          s.variants.map((v) => blockPoint('block', s.name, v.name, v.params, v.macs, table.stages[si]!.variants[v.index]!)),
        ),
        ...cat.parts.map((part, pi) => blockPoint('part', part.name, '', part.params, part.macs, table.parts[pi]!)),
      ];
      const dev: ReportDevice = {
        label: d.label,
        lut: d.predictor.file,
        profile: lut.device.profile,
        fingerprint: lut.device.fingerprint,
        info: lut.device.info,
        runtime: { runner: lut.runtime.runner, version: lut.runtime.version, ep: lut.runtime.ep, precision: lut.runtime.precision, ...(lut.runtime.threads !== undefined ? { threads: lut.runtime.threads } : {}) },
        harness: `${lut.harness.name} ${lut.harness.version}`,
        config: configLabel(d.predictor.config),
        updatedAt: lut.updatedAt,
        predicted: p.availableCount,
        problems: p.problems,
        latency: nullable(p.median, p.available, 4),
        lo: nullable(p.lo, p.available, 4),
        hi: nullable(p.hi, p.available, 4),
        flagBits: Array.from(p.flags),
        blocks,
      };
      const pipe = d.pipeline;
      if (pipe && space.pipeline) {
        const finite = (a: Float64Array, digits: number) =>
          Array.from(a, (v) => (Number.isFinite(v) ? round(v, digits) : null));
        const vae = space.pipeline.vaes[0]!.choice.name;
        const { description } = space.pipeline;
        dev.pipeline = { description, vae, seconds: finite(pipe.seconds, 5), vaeShare: finite(pipe.vaeShare, 4) };
      }
      const c = opts.calibrations?.[i];
      if (c && (c.points.length > 0 || c.skipped.length > 0)) dev.calibration = c;
      return dev;
    }),
    quality: q
      ? { metric: q.metric, better: q.better, file: q.file, kind: q.kind, count: q.count, missing: q.missing, values: Array.from(q.values, (v) => (Number.isNaN(v) ? null : round(v, 6))) }
      : null,
    objectives: result.objectives,
    directions: result.directions,
    constraints: result.constraints,
    front: f0.front,
    frontLatencyParams,
    frontLatencyQuality,
    references,
    excluded: f0.excluded,
    eligible: f0.eligible,
    hypervolume: f0.hypervolume ?? null,
    transfer: result.transfer,
    otherFronts: result.fronts.slice(1).map((f) => ({ label: f.label, front: f.front })),
  };
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
