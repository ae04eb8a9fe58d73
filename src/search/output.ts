// Search results and whole-space exports as files: JSON objects and CSV text (the CLI writes them).
import { configLabel } from '../predict/config.js';
import { candidateRow, type CandidateRow } from './describe.js';
import { csvLine } from './csv.js';
import { HV_REFERENCE, type SearchResult } from './search.js';
import type { EvaluatedSpace } from './space.js';

/** Device labels unique within a run: the profile name, suffixed when two LUTs share it. */
export function uniqueLabels(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const k = (seen.get(name) ?? 0) + 1;
    seen.set(name, k);
    return k === 1 && names.filter((x) => x === name).length === 1 ? name : `${name}#${k}`;
  });
}

export function devicesJson(space: EvaluatedSpace) {
  return space.devices.map((d) => ({
    label: d.label,
    lut: d.predictor.file,
    profile: d.predictor.lut.device.profile,
    fingerprint: d.predictor.lut.device.fingerprint,
    runtime: d.predictor.lut.runtime,
    config: d.predictor.config,
    predicted: d.prediction.availableCount,
    problems: d.prediction.problems,
  }));
}

export function qualityJson(space: EvaluatedSpace) {
  const q = space.quality;
  if (!q) return undefined;
  return { file: q.file, metric: q.metric, better: q.better, kind: q.kind, scored: q.count, missing: q.missing };
}

/** The pipeline a space was evaluated for: image, tiles, steps, VAE variants and per-device terms. */
export function pipelineJson(space: EvaluatedSpace) {
  const p = space.pipeline;
  if (!p) return undefined;
  return {
    description: p.description,
    tiles: p.tiles,
    steps: p.steps,
    blendMs: p.blendMs,
    pictureMs: p.pictureMs,
    vaes: p.vaes.map((v) => ({ name: v.choice.name, params: v.params, macs: v.macs })),
    devices: space.devices.map((d) => ({
      label: d.label,
      missing: d.pipeline?.missing ?? [],
      text: d.pipeline?.space.text?.median ?? null,
      vaes: (d.pipeline?.space.columns ?? []).map((c) => ({
        name: c.vae.name,
        encoderMs: c.encoder.status === 'ok' ? c.encoder.median : null,
        decoderMs: c.decoder.status === 'ok' ? c.decoder.median : null,
      })),
    })),
  };
}

function catalogJson(space: EvaluatedSpace) {
  const { spec, hash, latent, width } = space.catalog;
  return { name: spec.name, hash, latent, width };
}

export function searchResultJson(space: EvaluatedSpace, result: SearchResult) {
  const row = (n: number | undefined) => (n === undefined ? null : candidateRow(space, n));
  return {
    catalog: catalogJson(space),
    candidates: space.size,
    ...(space.pipeline ? { pipeline: pipelineJson(space) } : {}),
    devices: devicesJson(space),
    quality: qualityJson(space),
    objectives: result.objectives,
    directions: result.directions,
    constraints: result.constraints,
    hypervolumeReference: `${HV_REFERENCE} in every objective normalised to [0,1] over the eligible candidates`,
    fronts: result.fronts.map((f) => ({ ...f, front: f.front.map((n) => candidateRow(space, n)), knee: row(f.knee) })),
    references: {
      teacher: row(result.references.teacher),
      smallest: row(result.references.smallest),
      fastest: row(result.references.fastest),
      knee: row(result.references.knee),
    },
    transfer: result.transfer,
  };
}

function headerFor(space: EvaluatedSpace): string[] {
  const vae = space.pipeline ? ['vae'] : [];
  const head = ['number', ...vae, 'code', 'indices', ...space.catalog.stages.map((s) => s.name), 'params', 'macs'];
  for (const d of space.devices)
    head.push(
      `${d.label}_latency_ms`,
      `${d.label}_lo_ms`,
      `${d.label}_hi_ms`,
      `${d.label}_cons_lo_ms`,
      `${d.label}_cons_hi_ms`,
      `${d.label}_flags`,
    );
  // The per-image column: seconds for the whole tiled photo, and the VAE's share of a tile.
  if (space.pipeline) for (const d of space.devices) head.push(`${d.label}_image_s`, `${d.label}_vae_share`);
  if (space.quality) head.push(space.quality.metric);
  return head;
}

function csvRow(r: CandidateRow): (string | number | null)[] {
  const vae = r.vae !== undefined ? [r.vae] : [];
  const out: (string | number | null)[] = [r.number, ...vae, r.code, r.indices, ...r.variants, r.params, r.macs];
  for (const l of r.latency) {
    if (l) out.push(l.median, l.interval[0], l.interval[1], l.conservative[0], l.conservative[1], l.flags.join(' '));
    else out.push(null, null, null, null, null, null);
  }
  for (const p of r.pipeline ?? []) out.push(p?.seconds ?? null, p?.vaeShare ?? null);
  return out;
}

/** CSV of the given candidates (the front, or every candidate for an export). */
export function candidatesCsv(space: EvaluatedSpace, numbers: Iterable<number>): string {
  const lines = [csvLine(headerFor(space))];
  const hasQuality = space.quality !== undefined;
  for (const n of numbers) {
    const r = candidateRow(space, n);
    lines.push(csvLine(hasQuality ? [...csvRow(r), r.quality] : csvRow(r)));
  }
  return `${lines.join('\n')}\n`;
}

export function* allCandidates(space: EvaluatedSpace): Generator<number> {
  for (let n = 0; n < space.size; n++) yield n;
}

/** JSON export of every candidate, for external search tools. */
export function spaceJson(space: EvaluatedSpace) {
  return {
    catalog: catalogJson(space),
    stages: space.catalog.stages.map((s) => ({ name: s.name, variants: s.variants.map((v) => v.name) })),
    devices: devicesJson(space).map((d) => ({ ...d, config: configLabel(d.config) })),
    quality: qualityJson(space),
    ...(space.pipeline ? { pipeline: pipelineJson(space) } : {}),
    candidates: [...allCandidates(space)].map((n) => candidateRow(space, n)),
  };
}
