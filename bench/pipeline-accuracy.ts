// Whole-pipeline accuracy on the local device (issue 13, "Measured"), with the real command:
//   1. three U-Net candidates (teacher, smallest, one between) x two VAE variants (teacher and a
//      scaled one): `bench pipeline` measures the per-tile entries into one LUT, predicts the photo
//      from them and restores it end to end; the photo is restored a second time (entries kept) so
//      each case has two end-to-end measurements. Reported: measured whole-image wall time against
//      the LUT's prediction (target within ±10%), and what the difference is made of (per stage, the
//      photo against its entry; decoding and writing the picture and blending against their estimates;
//      session set-up is outside the clock);
//   2. the per-tile graph measured whole against the sum of its encoder, U-Net and decoder entries.
// Each case measures its entries again (--remeasure) right before its photos; the host's load
// average is printed with every case: on a machine shared with other work the contention, not the
// model, can decide the ratio.
// Run: npx tsx bench/pipeline-accuracy.ts [--out DIR] [--image WxH] [--tile N]
//   (defaults: reports/pipeline-accuracy, the local profile's 160x112 picture in 64-pixel tiles;
//    about 5-10 minutes on 2 cores)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './support/run-bench.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'reports/pipeline-accuracy' },
    image: { type: 'string', default: '160x112' },
    tile: { type: 'string', default: '64' },
    vae: { type: 'string', default: 'teacher,w0.5-r1' },
    arch: { type: 'string', default: '0.0.0.0.0.0,1.1.1.3.3.3,3.3.3.7.7.7' },
  },
});
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const lut = join(out, 'local.lut.json');
const names: Record<string, string> = { '0.0.0.0.0.0': 'teacher', '3.3.3.7.7.7': 'smallest', '1.1.1.3.3.3': 'between' };

interface Run {
  predicted: {
    perImage: { median: number; interval: [number, number] };
    perImageSamplingOnly: { median: number };
    perTile: { median: number };
    encoder: number;
    decoder: number;
    unet: { median: number };
    tileGraph: { median: number; ratio: number } | null;
    blendMs: number;
    pictureMs: number;
    vaeShare: number;
  };
  tiles: { count: number };
  measured: { wallMs: number; stages: Record<string, number>; peakRssBytes: number; load: Record<string, number> };
}

function pipeline(arch: string, vae: string, picture: string, remeasure: boolean): { run: Run; seconds: number } {
  const args = ['pipeline', '--arch', arch, '--vae', vae, '--image', values.image!, '--tile', values.tile!];
  args.push('--lut', lut, '--out', picture, '--json', ...(remeasure ? ['--remeasure'] : []));
  const r = runBench(args);
  return { run: JSON.parse(r.stdout) as Run, seconds: r.seconds };
}

const f = (v: number, d = 3) => v.toFixed(d);
const both = (xs: number[], d = 3) => xs.map((x) => f(x, d)).join(' / ');

/** Each stage of the photo per tile over its entry: where measured and predicted part. */
function stageRatios(run: Run): string {
  const s = run.measured.stages;
  const n = run.tiles.count;
  const p = run.predicted;
  const per = (stage: string, entry: number) => f(s[stage]! / n / entry, 2);
  const encode = `encode ${per('encode', p.encoder)}`;
  return `${encode}, denoise ${per('denoise', p.unet.median)}, decode ${per('decodeVae', p.decoder)}`;
}

const rows: string[] = [];
const results: unknown[] = [];
console.log(`image ${values.image} in ${values.tile}-pixel tiles; LUT ${lut}`);
for (const vae of values.vae!.split(',')) {
  for (const arch of values.arch!.split(',')) {
    const load = loadavg()[0]!;
    // Each case measures its entries again right before its photos: on a shared host the load changes
    // within minutes, and entries measured under another load than the photo would say more about
    // the neighbours than about the model.
    const first = pipeline(arch, vae, join(out, `${arch}-${vae}.png`), true);
    const second = pipeline(arch, vae, join(out, `${arch}-${vae}-2.png`), false);
    const p = second.run.predicted;
    const point = p.perImageSamplingOnly.median;
    const measured = [first.run.measured.wallMs, second.run.measured.wallMs];
    const ratios = measured.map((m) => m / point);
    const s = second.run.measured.stages;
    const inside = measured.map((m) => (m >= p.perImage.interval[0] && m <= p.perImage.interval[1] ? 'yes' : 'no'));
    const label = `${names[arch] ?? arch} + VAE ${vae}`;
    const graph = p.tileGraph ? f(p.tileGraph.ratio) : '–';
    const after = loadavg()[0]!;
    const seconds = measured.map((m) => m / 1000);
    console.log(`${label}: predicted ${f(point / 1000)} s, measured ${both(seconds)} s -> ratio ${both(ratios)}`);
    console.log(`  tile graph / sum ${graph}; stage / entry per tile: ${stageRatios(second.run)}`);
    const picture = `decode+write ${f(s['decode']! + s['write']!, 0)} ms (predicted ${f(p.pictureMs, 0)})`;
    console.log(`  ${picture}, blend ${f(s['blend']!, 0)} ms (predicted ${f(p.blendMs, 0)})`);
    console.log(`  load ${f(load, 1)} -> ${f(after, 1)}; ${f(first.seconds, 0)} s + ${f(second.seconds, 0)} s`);
    const cells = [label, f(point / 1000), both(seconds), both(ratios), inside.join(' / '), graph];
    rows.push(`| ${[...cells, `${f(p.vaeShare * 100, 0)}%`, `${f(load, 1)}–${f(after, 1)}`].join(' | ')} |`);
    const runs = [first.run.measured, second.run.measured];
    results.push({ arch, vae, predicted: p, measured: runs, ratios, load: [load, after] });
  }
}
const table = [
  '| case | predicted s | measured s (two runs) | measured/predicted | inside interval | tile graph / sum ' +
    '| VAE share | load |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(`\n${table}`);
writeFileSync(join(out, 'pipeline-accuracy.json'), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(join(out, 'pipeline-accuracy.md'), `${table}\n`);
