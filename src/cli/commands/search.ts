// `bench search --lut F`: the whole candidate space from the catalogue and the LUTs, the exact front
// of the chosen objectives, its hypervolume and knee, reference points, and with several devices how
// the latency ranking and the front carry over.
import { extname } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.js';
import { ExitCode, UsageError } from '../../errors.js';
import { candidateRow, type CandidateRow } from '../../search/describe.js';
import { candidatesCsv, searchResultJson } from '../../search/output.js';
import type { Command, ParsedArgs } from '../command.js';
import { boolFlag, stringFlag } from '../flags.js';
import { lutInputHelp, lutInputOptions } from './lut-inputs.js';
import { runSearchFromArgs, searchFlagHelp, searchFlagOptions, type SearchRun } from './search-options.js';

const SHOWN = 40;
const EXCLUDED = { noLatency: 'without a latency prediction', noQuality: 'without a quality score', overLatency: 'over --max-latency', overParams: 'over --max-params' } as const;
const ms = (v: number) => (v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3));

function headerLines(run: SearchRun): string[] {
  const { space, result } = run;
  const q = space.quality;
  const pipe = space.pipeline;
  const cat = space.catalog;
  const vaes = pipe && pipe.vaes.length > 1 ? `; ${space.base} U-Nets x ${pipe.vaes.length} VAE variants` : '';
  const name = (o: string) => (o === 'quality' && q ? q.metric : o);
  const objectives = result.objectives.map((o, i) => `${name(o)} (${result.directions[i]})`);
  const lines = [
    `search over ${space.size.toLocaleString('en-US')} candidates ` +
      `(catalogue ${cat.spec.name}, latent ${cat.latent}, width ${cat.width}${vaes})`,
    `objectives: ${objectives.join(', ')}`,
  ];
  if (pipe) {
    const vae = pipe.vaes.length === 1 ? pipe.vaes[0]!.choice.name : `${pipe.vaes.length} variants`;
    lines.push(`pipeline: ${pipe.description}; VAE ${vae}; params and MACs are the whole tile's (U-Net + VAE)`);
  }
  if (q) {
    const scored = `${q.count} of ${space.size} candidates scored from ${q.file}`;
    lines.push(`quality: ${scored} (${q.kind}, ${q.better} is better)`);
    if (q.missing.count > 0) {
      const why = 'have no score and are left out of quality objectives';
      lines.push(`  ${q.missing.count} candidates ${why}, e.g. ${q.missing.first.join('; ')}`);
    }
  }
  return lines;
}

/** The first few of a list, with an ellipsis when there are more. */
const some = (list: readonly string[], n: number) => `${list.slice(0, n).join(', ')}${list.length > n ? ', ...' : ''}`;

function deviceLines(run: SearchRun): string[] {
  const { space, result } = run;
  const lines: string[] = [];
  for (const [d, f] of result.fronts.entries()) {
    const dev = space.devices[d]!;
    const ex = f.excluded;
    lines.push(
      `device ${f.label} (${dev.predictor.file}): ${dev.prediction.availableCount} predicted; ` +
        `front ${f.front.length} of ${f.eligible} eligible` +
        (f.hypervolume ? `; hypervolume ${f.hypervolume.value.toFixed(5)} (normalised, reference 1.1)` : ''),
    );
    const reasons = Object.keys(EXCLUDED) as (keyof typeof EXCLUDED)[];
    const skipped = reasons.filter((k) => ex[k] > 0).map((k) => `${ex[k]} ${EXCLUDED[k]}`);
    if (skipped.length > 0) lines.push(`  excluded: ${skipped.join(', ')}`);
    const problems = dev.prediction.problems;
    if (problems.length > 0) lines.push(`  entries missing or failed: ${some(problems, 6)}`);
    const missing = dev.pipeline?.missing ?? [];
    const measure = `bench pipeline --device ${dev.predictor.lut.device.profile} measures them`;
    if (missing.length > 0) lines.push(`  pipeline entries missing: ${some(missing, 4)} (${measure})`);
  }
  return lines;
}

/** Seconds per image, the VAE's share and the VAE's name, when the space has a pipeline. */
function pipelineCells(run: SearchRun, r: CandidateRow | undefined, vaeWidth: number): string {
  if (!run.space.pipeline) return '';
  if (!r) return `  ${'s/image'.padStart(8)}  ${'VAE %'.padStart(5)}  ${'vae'.padEnd(vaeWidth)}`;
  const img = r.pipeline?.[0];
  const seconds = img ? img.seconds.toFixed(3) : '–';
  const share = img ? (img.vaeShare * 100).toFixed(0) : '–';
  return `  ${seconds.padStart(8)}  ${share.padStart(5)}  ${(r.vae ?? '').padEnd(vaeWidth)}`;
}

function frontLines(run: SearchRun): string[] {
  const { space, result } = run;
  const q = space.quality;
  const primary = result.fronts[0]!;
  const vaeWidth = space.pipeline ? Math.max(3, ...space.pipeline.vaes.map((v) => v.choice.name.length)) : 0;
  const cells = `${pipelineCells(run, undefined, vaeWidth)}  ${'params M'.padStart(8)}  ${'MACs G'.padStart(8)}`;
  const head = `  ${'#'.padStart(7)}  ${'latency ms'.padStart(10)}${cells}`;
  const lines = ['', `front on ${primary.label}:`, `${head}${q ? `  ${q.metric.padStart(8)}` : ''}  code`];
  for (const n of primary.front.slice(0, SHOWN)) {
    const r = candidateRow(space, n);
    const lat = r.latency[0];
    const cost = `${(r.params / 1e6).toFixed(2).padStart(8)}  ${(r.macs / 1e9).toFixed(3).padStart(8)}`;
    const quality = q ? `  ${(r.quality === null ? '–' : r.quality.toPrecision(5)).padStart(8)}` : '';
    const flags = lat && lat.flags.length > 0 ? `  [${lat.flags.join(', ')}]` : '';
    const latency = (lat ? ms(lat.median) : '–').padStart(10);
    const number = String(n).padStart(7);
    lines.push(`  ${number}  ${latency}${pipelineCells(run, r, vaeWidth)}  ${cost}${quality}  ${r.code}${flags}`);
  }
  if (primary.front.length > SHOWN) {
    lines.push(`  ... ${primary.front.length - SHOWN} more (--out FILE or --json for all)`);
  }
  return lines;
}

function referenceLines(run: SearchRun): string[] {
  const { space, result } = run;
  const primary = result.fronts[0]!;
  const lines = ['', 'reference points:'];
  for (const [name, n] of Object.entries(result.references)) {
    if (n === undefined) continue;
    const r = candidateRow(space, n);
    const lat = r.latency[0];
    const img = r.pipeline?.[0];
    const perImage = img ? `, ${img.seconds.toFixed(3)} s/image with VAE ${r.vae}` : '';
    const onFront = primary.front.includes(n) ? ', on the front' : '';
    const cost = `${(r.params / 1e6).toFixed(2)} M params, ${(r.macs / 1e9).toFixed(3)} GMACs${onFront}`;
    lines.push(`  ${name.padEnd(9)} ${lat ? `${ms(lat.median)} ms` : 'no prediction'}${perImage}, ${cost}: ${r.code}`);
  }
  for (const t of result.transfer) {
    const ranks = `Spearman ${t.spearman.toFixed(4)}, Kendall tau-b ${t.kendallTauB.toFixed(4)} over ${t.n} candidates`;
    const kept = `${t.kept} of ${t.frontSize} front candidates stay on ${t.to}'s front`;
    lines.push(`transfer ${t.from} -> ${t.to}: ${ranks}; ${kept}`);
  }
  return lines;
}

function summaryText(run: SearchRun): string {
  return `${[...headerLines(run), ...deviceLines(run), ...frontLines(run), ...referenceLines(run)].join('\n')}\n`;
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Pareto front over every candidate (latency per LUT, params, MACs, quality), hypervolume, knee, reference points',
  usage: 'bench search --lut FILE [--lut FILE ...] [--quality FILE] [--objectives LIST] [--max-latency MS] [--max-params N] [--out F.json|F.csv] [--json]',
  help: `${lutInputHelp}
${searchFlagHelp}
  --out FILE          write the result: .json (everything) or .csv (the front, one row per candidate)
  --json              print the whole result as JSON on stdout

Fronts are exact; candidates with identical objective values are all kept. The hypervolume is
measured with objectives normalised to [0, 1] over the eligible candidates and reference point 1.1
in each. The knee is the front point with the smallest sum of objectives normalised over the front.`,
  options: { ...lutInputOptions, ...searchFlagOptions, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(args: ParsedArgs, io) {
    const out = stringFlag(args, 'out');
    const ext = out === undefined ? undefined : extname(out).toLowerCase();
    if (ext !== undefined && ext !== '.json' && ext !== '.csv') throw new UsageError(`--out ${out}: the file must end in .json or .csv`);
    const run = runSearchFromArgs(args);
    if (out !== undefined) {
      const text = ext === '.csv' ? candidatesCsv(run.space, run.result.fronts[0]!.front) : `${JSON.stringify(searchResultJson(run.space, run.result), null, 1)}\n`;
      writeFileAtomic(out, text);
    }
    warnUnpredictable(run, io);
    if (boolFlag(args, 'json')) io.stdout.write(`${JSON.stringify(searchResultJson(run.space, run.result), null, 1)}\n`);
    else {
      io.stdout.write(summaryText(run));
      if (out !== undefined) io.stdout.write(`wrote ${out}\n`);
    }
    const primary = run.space.devices[0]!;
    const predicted = (s: number) => Number.isFinite(s);
    const noPipeline = run.result.objectives.includes('pipeline') && !primary.pipeline?.seconds.some(predicted);
    return primary.prediction.availableCount === 0 || noPipeline ? ExitCode.failure : ExitCode.ok;
  },
};

/** A LUT that cannot predict any candidate is almost always missing its part entries: say so. */
export function warnUnpredictable(run: SearchRun, io: { stderr: { write(t: string): unknown } }): void {
  for (const d of run.space.devices) {
    const missing = d.pipeline?.missing ?? [];
    const where = `${d.label} (${d.predictor.file})`;
    if (missing.length > 0) io.stderr.write(`bench: no seconds per image on ${where}: missing ${some(missing, 4)}\n`);
    if (d.prediction.availableCount > 0) continue;
    io.stderr.write(`bench: no candidate can be predicted on ${d.label} (${d.predictor.file}): missing or failed ${d.prediction.problems.slice(0, 4).join(', ')}${d.prediction.problems.length > 4 ? ', ...' : ''}\n`);
  }
}
