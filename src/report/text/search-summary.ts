// The text `bench search` prints: what was searched, each device's front, exclusions and run-wide
// conditions (told once), the primary front as a table with the flags that change what to do with a
// candidate, the reference points and how the ranking carries over between devices.
import { candidateRow, type CandidateRow } from '../../search/describe.js';
import type { SearchResult } from '../../search/search.js';
import type { EvaluatedSpace } from '../../search/space.js';
import { terminalSafe } from '../../terminal-text.js';
import { runWideLines } from '../flags.js';
import { blockTableFlags } from '../table-flags.js';

/** Front rows printed; the rest are in the --out file or the JSON. */
const SHOWN = 40;
const EXCLUDED = {
  noLatency: 'without a latency prediction',
  noQuality: 'without a quality score',
  overLatency: 'over --max-latency',
  overParams: 'over --max-params',
} as const;

// A value that is not a finite number prints as a dash, never NaN or Infinity.
function ms(v: number): string {
  return !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}

/** The first few of a list, with an ellipsis when there are more. */
const some = (list: readonly string[], n: number) => `${list.slice(0, n).join(', ')}${list.length > n ? ', ...' : ''}`;

function headLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const q = space.quality;
  const c = space.catalog;
  const objectives = result.objectives.map((o, i) => {
    const name = o === 'quality' && q ? q.metric : o;
    return `${name} (${result.directions[i]})`;
  });
  const pipe = space.pipeline;
  const vaes = pipe && pipe.vaes.length > 1 ? `; ${space.base} U-Nets x ${pipe.vaes.length} VAE variants` : '';
  const lines = [
    `search over ${space.size.toLocaleString('en-US')} candidates ` +
      `(catalogue ${c.spec.name}, latent ${c.latent}, width ${c.width}${vaes})`,
    `objectives: ${objectives.join(', ')}`,
  ];
  if (pipe) {
    const vae = pipe.vaes.length === 1 ? pipe.vaes[0]!.choice.name : `${pipe.vaes.length} variants`;
    lines.push(`pipeline: ${pipe.description}; VAE ${vae}; params and MACs are the whole tile's (U-Net + VAE)`);
  }
  if (q) {
    const how = `${q.kind}, ${q.better} is better`;
    lines.push(`quality: ${q.count} of ${space.size} candidates scored from ${q.file} (${how})`);
    if (q.missing.count > 0) {
      lines.push(
        `  ${q.missing.count} candidates have no score and are left out of quality objectives, ` +
          `e.g. ${q.missing.first.join('; ')}`,
      );
    }
  }
  return lines;
}

function deviceLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const lines: string[] = [];
  for (const [d, f] of result.fronts.entries()) {
    const dev = space.devices[d]!;
    const hv = f.hypervolume ? `; hypervolume ${f.hypervolume.value.toFixed(5)} (normalised, reference 1.1)` : '';
    lines.push(
      `device ${f.label} (${dev.predictor.file}): ${dev.prediction.availableCount} predicted; ` +
        `front ${f.front.length} of ${f.eligible} eligible${hv}`,
    );
    const keys = Object.keys(EXCLUDED) as (keyof typeof EXCLUDED)[];
    const skipped = keys.filter((k) => f.excluded[k] > 0).map((k) => `${f.excluded[k]} ${EXCLUDED[k]}`);
    if (skipped.length > 0) lines.push(`  excluded: ${skipped.join(', ')}`);
    const problems = dev.prediction.problems;
    if (problems.length > 0) lines.push(`  entries missing or failed: ${some(problems, 6)}`);
    for (const line of runWideLines(blockTableFlags(dev.predictor.table))) lines.push(`  run: ${line}`);
    const missing = dev.pipeline?.missing ?? [];
    const measure = `bench pipeline --device ${dev.predictor.lut.device.profile} measures them`;
    if (missing.length > 0) lines.push(`  pipeline entries missing: ${some(missing, 4)} (${measure})`);
  }
  return lines;
}

/** Seconds per image, the VAE's share and the VAE's name, when the space has a pipeline. */
function pipelineCells(space: EvaluatedSpace, r: CandidateRow | undefined, vaeWidth: number): string {
  if (!space.pipeline) return '';
  if (!r) return `  ${'s/image'.padStart(8)}  ${'VAE %'.padStart(5)}  ${'vae'.padEnd(vaeWidth)}`;
  const img = r.pipeline?.[0];
  const seconds = img ? img.seconds.toFixed(3) : '–';
  const share = img ? (img.vaeShare * 100).toFixed(0) : '–';
  return `  ${seconds.padStart(8)}  ${share.padStart(5)}  ${(r.vae ?? '').padEnd(vaeWidth)}`;
}

function frontLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const q = space.quality;
  const primary = result.fronts[0]!;
  const qualityHead = q ? `  ${q.metric.padStart(8)}` : '';
  const vaeWidth = space.pipeline ? Math.max(3, ...space.pipeline.vaes.map((v) => v.choice.name.length)) : 0;
  const pipeHead = pipelineCells(space, undefined, vaeWidth);
  const columns = `${'latency ms'.padStart(10)}${pipeHead}  ${'params M'.padStart(8)}  ${'MACs G'.padStart(8)}`;
  const lines = ['', `front on ${primary.label}:`, `  ${'#'.padStart(7)}  ${columns}${qualityHead}  code`];
  const perRow = blockTableFlags(space.devices[0]!.predictor.table).perRow;
  for (const n of primary.front.slice(0, SHOWN)) {
    const r = candidateRow(space, n);
    const lat = r.latency[0];
    const quality = q ? `  ${(r.quality === null ? '–' : r.quality.toPrecision(5)).padStart(8)}` : '';
    const shown = lat ? perRow(lat.flags) : [];
    const flags = shown.length > 0 ? `  [${shown.join(', ')}]` : '';
    const numbers =
      `${(lat ? ms(lat.median) : '–').padStart(10)}${pipelineCells(space, r, vaeWidth)}  ` +
      `${(r.params / 1e6).toFixed(2).padStart(8)}  ${(r.macs / 1e9).toFixed(3).padStart(8)}`;
    lines.push(`  ${String(n).padStart(7)}  ${numbers}${quality}  ${r.code}${flags}`);
  }
  const rest = primary.front.length - SHOWN;
  if (rest > 0) lines.push(`  ... ${rest} more (--out FILE or --json for all)`);
  return lines;
}

function referenceLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const primary = result.fronts[0]!;
  const lines = ['', 'reference points:'];
  for (const [name, n] of Object.entries(result.references)) {
    if (n === undefined) continue;
    const r = candidateRow(space, n);
    const lat = r.latency[0];
    const onFront = primary.front.includes(n) ? ', on the front' : '';
    const img = r.pipeline?.[0];
    const perImage = img ? `, ${img.seconds.toFixed(3)} s/image with VAE ${r.vae}` : '';
    const latency = `${lat ? `${ms(lat.median)} ms` : 'no prediction'}${perImage}`;
    const size = `${(r.params / 1e6).toFixed(2)} M params, ${(r.macs / 1e9).toFixed(3)} GMACs`;
    lines.push(`  ${name.padEnd(9)} ${latency}, ${size}${onFront}: ${r.code}`);
  }
  for (const t of result.transfer) {
    lines.push(
      `transfer ${t.from} -> ${t.to}: Spearman ${t.spearman.toFixed(4)}, ` +
        `Kendall tau-b ${t.kendallTauB.toFixed(4)} over ${t.n} candidates; ` +
        `${t.kept} of ${t.frontSize} front candidates stay on ${t.to}'s front`,
    );
  }
  return lines;
}

export function renderSearchSummary(space: EvaluatedSpace, result: SearchResult): string {
  const lines = [
    ...headLines(space, result),
    ...deviceLines(space, result),
    ...frontLines(space, result),
    ...referenceLines(space, result),
  ];
  // Names come from LUTs, catalogues and quality files: none may steer the terminal.
  return `${lines.map(terminalSafe).join('\n')}\n`;
}
