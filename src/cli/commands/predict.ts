// `bench predict --lut F --arch CODE`: one candidate's predicted latency (median and 95% interval)
// from block LUTs, with params, MACs and the per-stage breakdown.
import { parseCandidate } from '../../catalog/candidates.js';
import { ExitCode, UsageError } from '../../errors.js';
import { calibration, candidateModelError } from '../../predict/calibration.js';
import { configLabel } from '../../predict/config.js';
import { predictCandidate, type CandidatePrediction, type Contribution, type Predictor } from '../../predict/predictor.js';
import { describeModelError, withModelError } from '../../predict/uncertainty.js';

const NO_CANDIDATES = 'the LUT holds no candidates measured end to end; bench candidates measures some';
import type { Command, ParsedArgs } from '../command.js';
import { boolFlag, stringFlag } from '../flags.js';
import { loadLutInputs, lutInputHelp, lutInputOptions } from './lut-inputs.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3));
const millions = (v: number) => `${(v / 1e6).toFixed(2)} M`;
const giga = (v: number) => `${(v / 1e9).toFixed(3)} G`;

function breakdownLines(rows: Contribution[]): string[] {
  return rows.map((c) => {
    const e = c.entry;
    const what = c.variant === undefined ? `part ${c.name}` : `${c.name} ${c.variant}`;
    const lat = e.status === 'ok' ? `${ms(e.median).padStart(9)}  ${`${ms(e.lo)}–${ms(e.hi)}`.padEnd(19)}` : `${e.status.padStart(9)}  ${''.padEnd(19)}`;
    return `  ${what.padEnd(22)} ${lat} ${millions(c.params).padStart(10)} ${giga(c.macs).padStart(11)}${e.flags.length > 0 ? `  [${e.flags.join(', ')}]` : ''}`;
  });
}

function textFor(p: Predictor, r: CandidatePrediction): string {
  const rt = p.lut.runtime;
  const lines = [`device     ${p.label} (${p.file}; ${rt.runner} ${rt.version}, ${rt.ep}; ${configLabel(p.config)})`];
  const cal = calibration(p);
  const error = candidateModelError(cal);
  if (r.latency) {
    const l = withModelError(r.latency, error);
    lines.push(`latency    ${ms(l.median)} ms   95% interval ${ms(l.interval[0])}–${ms(l.interval[1])} ms (quadrature)   conservative ${ms(l.conservative[0])}–${ms(l.conservative[1])} ms (sum of bounds)`);
    lines.push(`interval   ${describeModelError(error, NO_CANDIDATES)}`);
    const sampling = `${ms(r.latency.interval[0])}–${ms(r.latency.interval[1])} ms`;
    if (error) lines.push(`sampling   ${sampling} (the entries' sampling error alone)`);
  } else {
    lines.push(`latency    unavailable: ${r.missing.length} entries missing or failed: ${r.missing.join(', ')}`);
  }
  if (r.flagged.length > 0) lines.push(`flags      ${r.flagged.map((f) => `${f.id}: ${f.flags.join(', ')}`).join('; ')}`);
  if (cal.summary) lines.push(`calibration measured/predicted over ${cal.summary.n} end-to-end candidates: median ${cal.summary.median.toFixed(3)}, range ${cal.summary.min.toFixed(3)}–${cal.summary.max.toFixed(3)}`);
  lines.push(`  ${'block'.padEnd(22)} ${'median ms'.padStart(9)}  ${'95% interval'.padEnd(19)} ${'params'.padStart(10)} ${'MACs'.padStart(11)}`);
  lines.push(...breakdownLines(r.stages), ...breakdownLines(r.parts));
  return lines.join('\n');
}

function jsonFor(p: Predictor, r: CandidatePrediction) {
  const entry = (c: Contribution) => ({
    name: c.name,
    ...(c.variant !== undefined ? { variant: c.variant } : {}),
    params: c.params,
    macs: c.macs,
    id: c.entry.id,
    status: c.entry.status,
    median: c.entry.status === 'ok' ? c.entry.median : null,
    ci95: c.entry.status === 'ok' ? [c.entry.lo, c.entry.hi] : null,
    flags: c.entry.flags,
  });
  return {
    device: p.label,
    lut: p.file,
    fingerprint: p.lut.device.fingerprint,
    runtime: p.lut.runtime,
    config: p.config,
    available: r.available,
    missing: r.missing,
    latency: r.latency ? withModelError(r.latency, candidateModelError(calibration(p))) : null,
    samplingLatency: r.latency ?? null,
    modelError: candidateModelError(calibration(p)) ?? null,
    flags: r.flags,
    flagged: r.flagged,
    stages: r.stages.map(entry),
    parts: r.parts.map(entry),
    calibration: calibration(p).summary ?? null,
  };
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predicted latency of one candidate U-Net from block LUTs, with params, MACs and a per-stage breakdown',
  usage: 'bench predict --lut FILE [--lut FILE ...] --arch CODE [--catalog FILE] [--json]',
  help: `  --arch CODE         the candidate: names (E1=R-A-R-A,E2=R-R,...) or variant indices (3.0.1.7.2.5)
${lutInputHelp}
  --json              print machine-readable JSON on stdout

The prediction is the sum of the six stage variants' block medians and the fixed parts' medians
(conv_in, time_mlp, conv_out). The 95% interval combines the entries' half-widths in quadrature
(independent errors); the conservative interval is the sum of the entries' bounds. When the LUT
holds candidates measured end to end (bench candidates), both intervals also cover the model's own
error as their measured/predicted ratios show it, and say how many they rest on. Exit status 1
when an entry the candidate needs is missing or failed (the entries are named).`,
  options: { ...lutInputOptions, arch: { type: 'string' }, json: { type: 'boolean' } },
  async run(args: ParsedArgs, io) {
    const code = stringFlag(args, 'arch');
    if (code === undefined) throw new UsageError('--arch CODE is required (names E1=R-A-R-A,... or indices 3.0.1.7.2.5)');
    const inputs = loadLutInputs(args);
    const candidate = parseCandidate(inputs.resolved, code);
    const results = inputs.predictors.map((p) => ({ p, r: predictCandidate(p, candidate) }));
    const first = results[0]!.r;
    if (boolFlag(args, 'json')) {
      io.stdout.write(
        `${JSON.stringify(
          { candidate: { code: first.code, indices: first.indices, params: first.params, macs: first.macs }, devices: results.map(({ p, r }) => jsonFor(p, r)) },
          null,
          2,
        )}\n`,
      );
    } else {
      const head = [`candidate  ${first.code} (${first.indices})`, `params     ${first.params.toLocaleString('en-US')} (${millions(first.params)})`, `MACs       ${giga(first.macs)}`];
      io.stdout.write(`${[...head, ...results.map(({ p, r }) => textFor(p, r))].join('\n')}\n`);
    }
    const unavailable = results.filter(({ r }) => !r.available);
    for (const { p, r } of unavailable) io.stderr.write(`bench: no prediction on ${p.label}: missing ${r.missing.join(', ')}\n`);
    return unavailable.length > 0 ? ExitCode.failure : ExitCode.ok;
  },
};
