// The text `bench search` prints: what was searched, each device's front and exclusions, the primary
// front as a table, the reference points and how the ranking carries over between devices.
import { candidateRow } from '../../search/describe.js';
import type { SearchResult } from '../../search/search.js';
import type { EvaluatedSpace } from '../../search/space.js';
import { terminalSafe } from '../../terminal-text.js';

/** Front rows printed; the rest are in the --out file or the JSON. */
const SHOWN = 40;
const EXCLUDED = {
  noLatency: 'without a latency prediction',
  noQuality: 'without a quality score',
  overLatency: 'over --max-latency',
  overParams: 'over --max-params',
} as const;

// A value that is not a finite number prints as a dash, never NaN or Infinity.
const ms = (v: number) =>
  !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);

function headLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const q = space.quality;
  const c = space.catalog;
  const objectives = result.objectives.map((o, i) => {
    const name = o === 'quality' && q ? q.metric : o;
    return `${name} (${result.directions[i]})`;
  });
  const lines = [
    `search over ${space.size.toLocaleString('en-US')} candidates ` +
      `(catalogue ${c.spec.name}, latent ${c.latent}, width ${c.width})`,
    `objectives: ${objectives.join(', ')}`,
  ];
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
    if (problems.length > 0) {
      const more = problems.length > 6 ? ', ...' : '';
      lines.push(`  entries missing or failed: ${problems.slice(0, 6).join(', ')}${more}`);
    }
  }
  return lines;
}

function frontLines(space: EvaluatedSpace, result: SearchResult): string[] {
  const q = space.quality;
  const primary = result.fronts[0]!;
  const qualityHead = q ? `  ${q.metric.padStart(8)}` : '';
  const columns = `${'latency ms'.padStart(10)}  ${'params M'.padStart(8)}  ${'MACs G'.padStart(8)}`;
  const lines = ['', `front on ${primary.label}:`, `  ${'#'.padStart(5)}  ${columns}${qualityHead}  code`];
  for (const n of primary.front.slice(0, SHOWN)) {
    const r = candidateRow(space, n);
    const lat = r.latency[0];
    const quality = q ? `  ${(r.quality === null ? '–' : r.quality.toPrecision(5)).padStart(8)}` : '';
    const flags = lat && lat.flags.length > 0 ? `  [${lat.flags.join(', ')}]` : '';
    const numbers =
      `${(lat ? ms(lat.median) : '–').padStart(10)}  ${(r.params / 1e6).toFixed(2).padStart(8)}  ` +
      `${(r.macs / 1e9).toFixed(3).padStart(8)}`;
    lines.push(`  ${String(n).padStart(5)}  ${numbers}${quality}  ${r.code}${flags}`);
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
    const latency = lat ? `${ms(lat.median)} ms` : 'no prediction';
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
