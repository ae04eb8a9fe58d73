// The text `bench predict` prints: the candidate, then per device its predicted latency with both
// intervals, the run's conditions once, the flags that change what to do with its entries, the
// calibration and the per-block breakdown. The JSON keeps every flag of every entry.
import { configLabel } from '../../predict/config.js';
import type { ContributionSummary, DevicePrediction, PredictionReport } from '../../predict/summary.js';
import { describeModelError } from '../../predict/uncertainty.js';
import { terminalSafe } from '../../terminal-text.js';
import { rowFlagFilter, runWideLines } from '../flags.js';

// A value that is not a finite number prints as a dash, never NaN or Infinity.
const ms = (v: number | null) =>
  v === null || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
const millions = (v: number) => `${(v / 1e6).toFixed(2)} M`;
const giga = (v: number) => `${(v / 1e9).toFixed(3)} G`;

type RowFlags = (flags: readonly string[]) => string[];

function breakdownLines(rows: ContributionSummary[], perRow: RowFlags): string[] {
  return rows.map((c) => {
    const what = c.variant === undefined ? `part ${c.name}` : `${c.name} ${c.variant}`;
    const interval = c.ci95 === null ? '' : `${ms(c.ci95[0])}–${ms(c.ci95[1])}`;
    const median = c.status === 'ok' ? ms(c.median) : c.status;
    const shown = perRow(c.flags);
    const flags = shown.length > 0 ? `  [${shown.join(', ')}]` : '';
    const size = `${millions(c.params).padStart(10)} ${giga(c.macs).padStart(11)}`;
    return `  ${what.padEnd(22)} ${median.padStart(9)}  ${interval.padEnd(19)} ${size}${flags}`;
  });
}

const NO_CANDIDATES = 'the LUT holds no candidates measured end to end; bench candidates measures some';

/** The latency, what its interval covers, and the sampling interval alone when the model's error widened it. */
function latencyLines(d: DevicePrediction): string[] {
  const l = d.latency;
  if (!l) return [`latency    unavailable: ${d.missing.length} entries missing or failed: ${d.missing.join(', ')}`];
  const lines = [
    `latency    ${ms(l.median)} ms   95% interval ${ms(l.interval[0])}–${ms(l.interval[1])} ms (quadrature)   ` +
      `conservative ${ms(l.conservative[0])}–${ms(l.conservative[1])} ms (sum of bounds)`,
    `interval   ${describeModelError(d.modelError ?? undefined, NO_CANDIDATES)}`,
  ];
  const s = d.samplingLatency;
  if (d.modelError && s) {
    lines.push(`sampling   ${ms(s.interval[0])}–${ms(s.interval[1])} ms (the entries' sampling error alone)`);
  }
  return lines;
}

function deviceText(d: DevicePrediction): string {
  const rt = d.runtime;
  const runtime = `${rt.runner} ${rt.version}, ${rt.ep}`;
  const lines = [`device     ${d.device} (${d.lut}; ${runtime}; ${configLabel(d.config)})`, ...latencyLines(d)];
  const perRow = rowFlagFilter(d.runWide);
  for (const line of runWideLines(d)) lines.push(`run        ${line}`);
  const flagged = d.flagged
    .map((f) => ({ id: f.id, shown: perRow(f.flags) }))
    .filter((f) => f.shown.length > 0)
    .map((f) => `${f.id}: ${f.shown.join(', ')}`);
  if (flagged.length > 0) lines.push(`flags      ${flagged.join('; ')}`);
  const cal = d.calibration;
  if (cal) {
    lines.push(
      `calibration measured/predicted over ${cal.n} end-to-end candidates: median ${cal.median.toFixed(3)}, ` +
        `range ${cal.min.toFixed(3)}–${cal.max.toFixed(3)}`,
    );
  }
  const head = `${'median ms'.padStart(9)}  ${'95% interval'.padEnd(19)} ${'params'.padStart(10)}`;
  lines.push(`  ${'block'.padEnd(22)} ${head} ${'MACs'.padStart(11)}`);
  lines.push(...breakdownLines(d.stages, perRow), ...breakdownLines(d.parts, perRow));
  // Device, file and runtime names come from the LUT: none may steer the terminal.
  return lines.map(terminalSafe).join('\n');
}

export function renderPrediction(report: PredictionReport): string {
  const c = report.candidate;
  const head = [
    `candidate  ${c.code} (${c.indices})`,
    `params     ${c.params.toLocaleString('en-US')} (${millions(c.params)})`,
    `MACs       ${giga(c.macs)}`,
  ];
  return `${[...head, ...report.devices.map(deviceText)].join('\n')}\n`;
}
