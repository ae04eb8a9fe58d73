// The `pipeline` objective (seconds per image) in bench search, VAE variants in the search space
// (--vae all), and the per-image column of bench lut export, on a synthetic LUT with VAE entries.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateAt } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { allVaeVariants } from '../../../src/catalog/vae.js';
import { lutExportCommand } from '../../../src/cli/commands/lut-export.js';
import { reportParetoCommand } from '../../../src/cli/commands/report-pareto.js';
import { searchCommand } from '../../../src/cli/commands/search.js';
import { ExitCode } from '../../../src/errors.js';
import type { LutEntry } from '../../../src/lut/schema.js';
import { createPredictor, predictCandidate } from '../../../src/predict/index.js';
import { decoderKey, encoderKey, vaeChoiceOf } from '../../../src/predict/pipeline-keys.js';
import { parseCsv } from '../../../src/search/csv.js';
import { runCommand } from '../../support/run-command.js';
import { cpuDevice, syntheticEntry, syntheticLut } from '../../support/synthetic-lut.js';
import { asOk } from '../../support/lut-entries.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const vae = loadCatalog('block-variants/sd15-vae.json').resolve(16, 1);
const config = { latent: 16, width: 1, precision: 'fp32' as const };
const variants = allVaeVariants(vae);
// VAE halves cost in proportion to their MACs (2 ms per GMAC), as on a CPU.
const vaeEntries: LutEntry[] = [];
for (const s of vae.stages) {
  for (const v of s.variants) {
    const half = (x: (typeof variants)[number]) => (s.name === 'encoder' ? x.encoder.variant : x.decoder.variant);
    const choice = vaeChoiceOf(variants.find((x) => half(x) === v.name)!);
    const key = s.name === 'encoder' ? encoderKey(choice, config) : decoderKey(choice, config);
    vaeEntries.push(syntheticEntry(key, (v.macs / 1e9) * 2));
  }
}
const dir = mkdtempSync(join(tmpdir(), 'nsb-pipeline-search-'));
const lutFile = join(dir, 'cpu.json');
const plainFile = join(dir, 'plain.json');
const lut = syntheticLut(catalog, { ...cpuDevice, extra: vaeEntries });
writeFileSync(lutFile, JSON.stringify(lut));
writeFileSync(plainFile, JSON.stringify(syntheticLut(catalog, cpuDevice)));
const predictor = createPredictor(lut, lutFile, catalog);
const ms = (id: string) => asOk(lut.entries.find((e) => e.id === id)).stats.median;

describe('the pipeline objective', () => {
  it('ranks candidates by seconds per image: tiles x (encoder + U-Net + decoder) + blending + picture', async () => {
    const r = await runCommand(searchCommand, ['--lut', lutFile, '--objectives', 'pipeline,params', '--json']);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.stdout);
    // 4000x3000 at 128-pixel tiles (latent 16) with 32 overlap: ceil(3872/96)+1 = 42 columns, 31 rows.
    expect(json.pipeline.tiles).toBe(42 * 31);
    expect(json.pipeline.description).toBe('4000x3000 in 42x31 = 1302 tiles of 128 px (32 px overlap), 1 step');
    const enc = ms('pipeline/vae_encoder/teacher/l16/w1/fp32');
    const dec = ms('pipeline/vae_decoder/teacher/l16/w1/fp32');
    const teacher = json.references.teacher;
    const unet = predictCandidate(predictor, candidateAt(predictor.catalog, teacher.number)).latency!.median;
    expect(teacher.pipeline[0].seconds).toBeCloseTo(
      (1302 * (enc + unet + dec) + json.pipeline.blendMs + json.pipeline.pictureMs) / 1000,
      9,
    );
    expect(teacher.pipeline[0].vaeShare).toBeCloseTo((enc + dec) / (enc + unet + dec), 12);
    expect(teacher.params).toBe(523_217_604 + 34_163_592 + 72 + 49_490_179 + 20);
    // Seconds per image are affine in the U-Net's latency: the front is the latency-params front.
    const latencyParams = ['--lut', lutFile, '--objectives', 'latency,params', '--json'];
    const plain = JSON.parse((await runCommand(searchCommand, latencyParams)).stdout);
    const numbers = (front: { number: number }[]) => front.map((x) => x.number);
    expect(numbers(json.fronts[0].front)).toEqual(numbers(plain.fronts[0].front));
    const text = (await runCommand(searchCommand, ['--lut', lutFile, '--objectives', 'pipeline,params'])).stdout;
    expect(text).toContain('pipeline: 4000x3000 in 42x31 = 1302 tiles of 128 px (32 px overlap), 1 step; VAE teacher');
    expect(text).toMatch(/s\/image +VAE %/);
  });

  it('--vae all puts every encoder x decoder variant in the space; cheaper VAEs join the front', async () => {
    const args = ['--lut', lutFile, '--objectives', 'pipeline,params', '--vae', 'all', '--json'];
    const r = await runCommand(searchCommand, args);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.stdout);
    expect(json.candidates).toBe(32_768 * 35);
    expect(json.pipeline.vaes).toHaveLength(35);
    const vaesOnFront = new Set(json.fronts[0].front.map((x: { vae: string }) => x.vae));
    expect(vaesOnFront.has('w0.5-r1')).toBe(true);
    for (const row of json.fronts[0].front.slice(0, 5)) {
      const v = variants.find((x) => x.name === row.vae)!;
      const unet = predictCandidate(predictor, candidateAt(predictor.catalog, row.number % 32_768)).latency!.median;
      const enc = ms(`pipeline/vae_encoder/${v.encoder.variant}/l16/w1/fp32`);
      const dec = ms(`pipeline/vae_decoder/${v.decoder.variant}/l16/w1/fp32`);
      const seconds =
        (json.pipeline.tiles * (enc + unet + dec) + json.pipeline.blendMs + json.pipeline.pictureMs) / 1000;
      expect(row.pipeline[0].seconds).toBeCloseTo(seconds, 9);
      const u = predictCandidate(predictor, candidateAt(predictor.catalog, row.number % 32_768));
      expect(row.params).toBe(u.params + v.params);
    }
  });

  it('without VAE entries says what is missing and exits 1', async () => {
    const r = await runCommand(searchCommand, ['--lut', plainFile, '--objectives', 'pipeline,params']);
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stderr).toContain('no seconds per image on local');
    expect(r.stderr).toContain('pipeline/vae_encoder/teacher/l16/w1/fp32 (missing)');
    const tile = await runCommand(searchCommand, ['--lut', lutFile, '--objectives', 'pipeline', '--tile', '512']);
    const why = /--tile 512: the LUT's entries are at latent 16, i.e. 128-pixel tiles/;
    expect([tile.code, tile.stderr.trim()]).toEqual([ExitCode.usage, expect.stringMatching(why)]);
  });
});

describe('bench lut export per-image column', () => {
  it('adds vae, <device>_image_s and _vae_share when the LUT holds VAE entries', async () => {
    const out = join(dir, 'all.csv');
    const r = await runCommand(lutExportCommand, ['--lut', lutFile, '--image', '1024x768', '--out', out]);
    expect(r.code).toBe(ExitCode.ok);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const head = rows[0]!.fields;
    expect(head.slice(0, 3)).toEqual(['number', 'vae', 'code']);
    expect(head.slice(-2)).toEqual(['local_image_s', 'local_vae_share']);
    expect(rows).toHaveLength(32_769);
    const teacher = rows[1]!.fields;
    expect(teacher[1]).toBe('teacher');
    expect(Number(teacher[head.indexOf('local_image_s')])).toBeGreaterThan(0);
  });

  it('leaves the columns out for a LUT of blocks only', async () => {
    const out = join(dir, 'plain.csv');
    await runCommand(lutExportCommand, ['--lut', plainFile, '--out', out]);
    const head = parseCsv(readFileSync(out, 'utf8'))[0]!.fields;
    expect(head).not.toContain('vae');
    expect(head.some((h) => h.endsWith('_image_s'))).toBe(false);
  });
});

describe('bench report pareto with a pipeline', () => {
  it('embeds seconds per image and the VAE share for the tooltips, and says what they stand for', async () => {
    const out = join(dir, 'pareto.html');
    const args = ['--lut', lutFile, '--objectives', 'pipeline,params', '--vae', 'w0.5', '--out', out];
    const r = await runCommand(reportParetoCommand, args);
    expect(r.code).toBe(ExitCode.ok);
    const html = readFileSync(out, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
    const p = data.devices[0].pipeline;
    expect(p.vae).toBe('w0.5');
    expect(p.seconds).toHaveLength(32_768);
    expect(p.seconds[0]).toBeGreaterThan(0);
    expect(p.vaeShare[0]).toBeGreaterThan(0);
    // Checked with includes(): a failing toContain would print the whole inlined chart.js.
    expect(html.includes("' s per image with VAE '")).toBe(true);
    const photo = '4000x3000 in 42x31 = 1302 tiles of 128 px (32 px overlap)';
    const note = `Seconds per image (in each candidate&#39;s tooltip): ${photo}`;
    expect(html.includes(`${note}, 1 step with VAE <code>w0.5</code>`)).toBe(true);
    const all = await runCommand(reportParetoCommand, ['--lut', lutFile, '--vae', 'all', '--out', join(dir, 'a.html')]);
    expect([all.code, all.stderr.trim()]).toEqual([ExitCode.usage, expect.stringMatching(/one VAE variant at a time/)]);
  });
});
