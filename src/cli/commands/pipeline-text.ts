// What `bench pipeline` prints: per device the choice, the tiling, the per-tile terms with their
// entries, the per-image prediction and its interval (and what the interval covers), the photo
// measured end to end with its stages and peak memory, measured/predicted, and the missing entries
// with the commands that measure them. JSON carries the same.
import type { PipelineDeviceResult } from '../../app/pipeline.js';
import { describePlan } from '../../pipeline/tiling.js';
import type { EntryEstimate } from '../../predict/entries.js';
import { describeModelError } from '../../predict/uncertainty.js';
import { runWideLines, summariseFlags, type FlagSummary } from '../../report/flags.js';
import { formatBytes, formatMs } from '../progress.js';

const sec = (ms: number) => (ms / 1000 >= 100 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
const NO_END_TO_END = 'the LUT holds no per-tile graph or candidate measured whole';
const INDENT = ' '.repeat(11);

function term(label: string, e: EntryEstimate | undefined, perRow: FlagSummary['perRow'], note = ''): string {
  if (!e) return '';
  const value = e.status === 'ok' ? `${formatMs(e.median).padStart(9)} ms` : e.status.padStart(12);
  const shown = perRow(e.flags);
  const flags = shown.length > 0 ? `  [${shown.join(', ')}]` : '';
  return `${INDENT}${label.padEnd(14)}${value}  ${e.id}${note}${flags}`;
}

function predictionLines(r: PipelineDeviceResult): string[] {
  const p = r.predicted.prediction;
  const lines: string[] = [];
  const steps = `U-Net x ${r.steps}`;
  const unet = p.unet;
  const whole = unet?.source === 'candidate' ? [unet.estimate as EntryEstimate] : [];
  const terms = [p.encoder, ...whole, p.decoder, ...(p.text ? [p.text] : [])];
  // A flag on most of the terms is a condition of the run, told once; a row keeps what is its own.
  const summary = summariseFlags(terms.filter((e) => e.status === 'ok'));
  const perRow = summary.perRow;
  lines.push(term('VAE encoder', p.encoder, perRow));
  if (unet) {
    const note = unet.source === 'candidate' ? ' (measured whole)' : '';
    const e = unet.source === 'candidate' ? (unet.estimate as EntryEstimate) : undefined;
    const median = formatMs(unet.estimate.median).padStart(9);
    const sum = `${INDENT}${steps.padEnd(14)}${median} ms  sum of its block and part entries`;
    lines.push(e ? term(steps, e, perRow, note) : sum);
  } else {
    lines.push(`${INDENT}${steps.padEnd(14)}${'missing'.padStart(12)}`);
  }
  lines.push(term('VAE decoder', p.decoder, perRow));
  lines[0] = `per tile${lines[0]!.slice(8)}`;
  if (p.perTile) {
    const t = p.perTile;
    const share = `VAE ${((p.vaeShare ?? 0) * 100).toFixed(0)}% of it`;
    const interval = `95% interval ${formatMs(t.interval[0])}–${formatMs(t.interval[1])} ms`;
    lines.push(`${INDENT}${'total'.padEnd(14)}${formatMs(t.median).padStart(9)} ms  ${interval}; ${share}`);
  }
  if (p.tileGraph) {
    const g = p.tileGraph;
    const measured = `${formatMs(g.estimate.median)} ms: measured/predicted ${g.ratio.toFixed(3)}`;
    lines.push(`${INDENT}per-tile graph measured whole ${measured}`);
  }
  for (const line of runWideLines(summary)) lines.push(`run        ${line}`);
  const fixed = 'a fixed prompt embedding (no text encoder)';
  const text = p.text ? `${formatMs(p.text.median)} ms text encoder (once)` : fixed;
  const blend = `${formatMs(r.predicted.blendMs)} ms blending`;
  const picture = `${formatMs(r.predicted.pictureMs)} ms decoding and writing the picture (both timed here)`;
  lines.push(`per image  ${r.plan.count} tiles x per tile + ${text} + ${blend} + ${picture}`);
  const img = r.predicted.perImage;
  if (img) {
    const interval = `95% interval ${sec(img.interval[0])}–${sec(img.interval[1])} s`;
    const conservative = `conservative ${sec(img.conservative[0])}–${sec(img.conservative[1])} s`;
    lines.push(`predicted  ${sec(img.median)} s   ${interval}   ${conservative}`);
    lines.push(`interval   ${describeModelError(r.predicted.modelError, NO_END_TO_END)}`);
  } else {
    lines.push(`predicted  unavailable: ${p.missing.map((m) => m.problem).join(', ')}`);
    for (const c of r.predicted.commands) lines.push(`${INDENT}measure with: ${c}`);
  }
  return lines.filter((l) => l !== '');
}

function measuredLines(r: PipelineDeviceResult): string[] {
  const m = r.measured;
  if (!m) return [`measured   not end to end: ${r.notMeasured ?? 'not run'}`];
  const s = m.stages;
  const total = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);
  const ready = `models loaded in ${sec(total(m.load))} s and run once in ${sec(total(m.warmup))} s before the clock`;
  const stages = [
    `decode ${sec(s.decode)}`,
    `text ${sec(s.text)}`,
    `encode ${sec(s.encode)}`,
    `denoise ${sec(s.denoise)}`,
    `decode-VAE ${sec(s.decodeVae)}`,
    `blend ${sec(s.blend)}`,
    `write ${sec(s.write)}`,
  ].join(', ');
  const lines = [
    `measured   ${sec(m.wallMs)} s wall for the whole photo (${stages} s)`,
    `${INDENT}peak memory ${formatBytes(m.peakRssBytes)} (RSS); ${ready}`,
  ];
  const img = r.predicted.perImage;
  if (img) {
    const inside = m.wallMs >= img.interval[0] && m.wallMs <= img.interval[1] ? 'inside' : 'outside';
    lines.push(`ratio      measured/predicted ${(m.wallMs / img.median).toFixed(3)} (${inside} the interval)`);
  }
  const what = r.manifest
    ? `the restored photo: the models of ${r.manifest}`
    : 'noise: the generated weights are seeded, not trained';
  lines.push(`picture    ${m.picture} (${what})`);
  return lines;
}

/** Which text context the U-Net read: the text encoder, the manifest's embedding, or a seeded stand-in. */
function contextLine(r: PipelineDeviceResult): string {
  const c = r.context;
  if (c.source === 'text-encoder') return "context    the text encoder's output for the empty prompt, once per image";
  if (c.source === 'prompt-embedding') {
    const what = c.shape ? ` [${c.shape.join(',')}] ${c.dtype}` : '';
    return `context    the manifest's prompt embedding ${c.file}${what}, every U-Net step`;
  }
  const why = r.manifest ? 'the manifest gives no text encoder or prompt embedding' : 'generated weights';
  return `context    a seeded stand-in (${why})`;
}

export function pipelineText(r: PipelineDeviceResult): string {
  const rt = `${r.config.precision}, width ${r.config.width}`;
  const models = r.manifest ? `; models of ${r.manifest}` : '';
  return [
    `device     ${r.device} (${r.lutFile}; ${rt})`,
    `pipeline   ${r.code} (${r.indices}) + VAE ${r.vae.name}, ${r.steps} step${r.steps === 1 ? '' : 's'}${models}`,
    `image      ${r.image.description}: ${describePlan(r.plan)}, latent ${r.plan.latent}`,
    ...predictionLines(r),
    ...measuredLines(r),
    contextLine(r),
  ].join('\n');
}

export function pipelineJson(r: PipelineDeviceResult): unknown {
  const p = r.predicted;
  const tileGraph = p.prediction.tileGraph;
  return {
    device: r.device,
    lut: r.lutFile,
    config: r.config,
    candidate: { code: r.code, indices: r.indices },
    vae: { name: r.vae.name, encoder: r.vae.encoder.variant, decoder: r.vae.decoder.variant, params: r.vae.params },
    steps: r.steps,
    textEncoder: r.text,
    context: r.context,
    models: r.manifest ?? null,
    image: { ...r.image.size, source: r.image.description },
    tiles: { tile: r.plan.tile, overlap: r.plan.overlap, cols: r.plan.cols, rows: r.plan.rows, count: r.plan.count },
    predicted: {
      available: p.prediction.available,
      missing: p.prediction.missing,
      commands: p.commands,
      encoder: p.prediction.encoder.status === 'ok' ? p.prediction.encoder.median : null,
      decoder: p.prediction.decoder.status === 'ok' ? p.prediction.decoder.median : null,
      unet: p.prediction.unet ? { source: p.prediction.unet.source, median: p.prediction.unet.estimate.median } : null,
      text: p.prediction.text?.status === 'ok' ? p.prediction.text.median : null,
      blendMs: p.blendMs,
      pictureMs: p.pictureMs,
      perTile: p.prediction.perTile ?? null,
      perImage: p.perImage ?? null,
      perImageSamplingOnly: p.prediction.perImage ?? null,
      vaeShare: p.prediction.vaeShare ?? null,
      tileGraph: tileGraph ? { median: tileGraph.estimate.median, ratio: tileGraph.ratio } : null,
      modelError: p.modelError ?? null,
      flags: p.prediction.flags,
    },
    measured: r.measured ? { ...r.measured, ratio: p.perImage ? r.measured.wallMs / p.perImage.median : null } : null,
    notMeasured: r.notMeasured ?? null,
  };
}
