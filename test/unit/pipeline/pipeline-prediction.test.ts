// Whole-pipeline prediction from a LUT: per tile = encoder + steps x U-Net + decoder, per image = tiles
// x per tile + once-per-image parts + blending, with the U-Net measured whole when the LUT has it, the
// missing entries named, and the interval widened by the tile graphs and candidates measured whole.
import { describe, expect, it } from 'vitest';
import { parseCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import type { LutEntry } from '../../../src/lut/schema.js';
import { createPredictor, predictCandidate, withModelError } from '../../../src/predict/index.js';
import { pipelineCalibration, pipelineModelError } from '../../../src/predict/pipeline-calibration.js';
import {
  decoderKey,
  encoderKey,
  textEncoderKey,
  tileKey,
  unetKey,
  type VaeChoice,
} from '../../../src/predict/pipeline-keys.js';
import { predictPipeline, type PipelineRequest } from '../../../src/predict/pipeline.js';
import { cpuDevice, syntheticEntry, syntheticLut } from '../../support/synthetic-lut.js';
import { asOk } from '../../support/lut-entries.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const config = { latent: 16, width: 1, precision: 'fp32' as const };
const unet = catalog.resolve(16, 1);
const vaeHalves = (enc: string, dec: string) => ({
  encoder: { stage: 'vae_encoder', variant: enc },
  decoder: { stage: 'vae_decoder', variant: dec },
});
const teacherVae: VaeChoice = { name: 'teacher', ...vaeHalves('teacher', 'teacher') };
const smallVae: VaeChoice = { name: 'small', ...vaeHalves('e1', 'd1') };
const vaes = new Map([teacherVae, smallVae].map((v) => [v.name, v]));
const text = { stage: 'text_encoder', variant: 'clip-l14' };
const candidate = parseCandidate(unet, '0.0.0.0.0.0');
const code = predictCandidate(createPredictor(syntheticLut(catalog, cpuDevice), 'x', catalog), candidate).code;

const vaeEntries: LutEntry[] = [
  syntheticEntry(encoderKey(teacherVae, config), 40),
  syntheticEntry(decoderKey(teacherVae, config), 90),
  syntheticEntry(encoderKey(smallVae, config), 15),
  syntheticEntry(decoderKey(smallVae, config), 30),
  syntheticEntry(textEncoderKey(text, config), 25),
];

function request(extra: LutEntry[], over: Partial<PipelineRequest> = {}): PipelineRequest {
  const lut = syntheticLut(catalog, { ...cpuDevice, extra: [...vaeEntries, ...extra] });
  return { lut, file: 'lut.json', unet, config, candidate, vae: teacherVae, steps: 2, tiles: 88, ...over };
}

describe('pipeline prediction', () => {
  it('per tile: encoder, steps x U-Net (from blocks), decoder; per image: tiles, text, blend, picture', () => {
    const r = request([], { text, blendMs: 120, pictureMs: 30 });
    const blockSum = predictCandidate(createPredictor(r.lut, 'x', catalog), candidate).latency!;
    const p = predictPipeline(r);
    expect(p.available).toBe(true);
    expect(p.unet!.source).toBe('blocks');
    expect(p.perTile!.median).toBeCloseTo(40 + 2 * blockSum.median + 90, 9);
    expect(p.perImage!.median).toBeCloseTo(88 * p.perTile!.median + 25 + 120 + 30, 9);
    expect(p.vaeShare).toBeCloseTo(130 / p.perTile!.median, 12);
    // The U-Net's error counts twice per tile (the same graph run twice), the tiles' 88 times.
    const enc = asOk(syntheticEntry(encoderKey(teacherVae, config), 40)).stats.ci95;
    const dec = asOk(syntheticEntry(decoderKey(teacherVae, config), 90)).stats.ci95;
    const below = Math.hypot(40 - enc[0], 2 * (blockSum.median - blockSum.interval[0]), 90 - dec[0]);
    expect(p.perTile!.interval[0]).toBeCloseTo(p.perTile!.median - below, 9);
    const textLo = asOk(syntheticEntry(textEncoderKey(text, config), 25)).stats.ci95[0];
    expect(p.perImage!.interval[0]).toBeCloseTo(p.perImage!.median - Math.hypot(88 * below, 25 - textLo), 6);
  });

  it('uses the U-Net measured whole when the LUT has it', () => {
    const lut = [syntheticEntry(unetKey(code, config), 500)];
    const p = predictPipeline(request(lut, { vae: smallVae, steps: 1, tiles: 4 }));
    expect(p.unet!.source).toBe('candidate');
    expect(p.perTile!.median).toBeCloseTo(15 + 500 + 30, 9);
    expect(p.perImage!.median).toBeCloseTo(4 * 545, 9);
  });

  it('names every missing entry: a VAE half, the text encoder, the U-Net when it and its blocks are not there', () => {
    const lut = syntheticLut(catalog, { ...cpuDevice, extra: [syntheticEntry(encoderKey(teacherVae, config), 40)] });
    const noBlocks = { ...lut, entries: lut.entries.filter((e) => e.key.kind !== 'block') };
    const base = { file: 'x', unet, config, candidate, vae: teacherVae, steps: 1, tiles: 1 };
    const p = predictPipeline({ ...base, lut: noBlocks, text });
    expect(p.available).toBe(false);
    expect(p.perImage).toBeUndefined();
    expect(p.missing).toEqual([
      { unit: 'unet', problem: `candidate/${code}/l16/w1/fp32 (missing)` },
      { unit: 'unet', problem: 'block entries at latent 16, width 1 (none)' },
      { unit: 'decoder', problem: 'pipeline/vae_decoder/teacher/l16/w1/fp32 (missing)' },
      { unit: 'text', problem: 'pipeline/text_encoder/clip-l14/l16/w1/fp32 (missing)' },
    ]);
    const failed = ['block/E1/R-A-R-A/l16/w1/fp32'];
    const failedBlock = syntheticLut(catalog, { ...cpuDevice, failed, extra: vaeEntries });
    const q = predictPipeline({ ...base, lut: failedBlock });
    expect(q.missing.map((m) => m.problem)).toContain(`${failed[0]} (failed: runner exited with code 1)`);
  });
});

describe('pipeline calibration', () => {
  it('compares each tile graph with its sum and widens the per-image interval by their spread', () => {
    const base = request([syntheticEntry(unetKey(code, config), 500)], { steps: 1 });
    const perTile = 40 + 500 + 90;
    const tiles = [
      syntheticEntry(tileKey(teacherVae, code, 1, config), perTile * 1.04),
      syntheticEntry(tileKey(smallVae, code, 1, config), (15 + 500 + 30) * 0.98),
      syntheticEntry(tileKey({ ...teacherVae, name: 'gone' }, code, 1, config), 100),
    ];
    const r = { ...base, lut: { ...base.lut, entries: [...base.lut.entries, ...tiles] } };
    const p = predictPipeline(r);
    expect(p.tileGraph!.ratio).toBeCloseTo(1.04, 9);
    const cal = pipelineCalibration(r, (n) => vaes.get(n));
    const close = (v: number) => expect.closeTo(v, 9);
    expect(cal.tiles.map((t) => [t.vae, t.ratio])).toEqual([
      ['teacher', close(1.04)],
      ['small', close(0.98)],
    ]);
    expect(cal.skipped).toEqual([{ id: tiles[2]!.id, reason: "VAE variant 'gone' is not in the catalogue" }]);
    const error = pipelineModelError(p, cal)!;
    expect([error.n, error.source, error.min, error.max]).toEqual([2, 'pipeline tiles', close(0.98), close(1.04)]);
    const wide = withModelError(p.perImage!, error);
    expect(wide.interval[0]).toBeLessThan(p.perImage!.interval[0]);
    expect(wide.interval[1]).toBeGreaterThan(88 * perTile * 1.04);
  });

  it("adds the candidates' error, weighted by the U-Net share, when the U-Net comes from blocks", () => {
    const r0 = request([], { steps: 1 });
    const blocks = createPredictor(r0.lut, 'x', catalog);
    const blockSum = predictCandidate(blocks, candidate).latency!.median;
    // Another candidate measured whole at 1.1 x its block sum: the block sum's error is 10%.
    const other = predictCandidate(blocks, parseCandidate(unet, '3.3.3.7.7.7'));
    const r = request([syntheticEntry(unetKey(other.code, config), other.latency!.median * 1.1)], { steps: 1 });
    const p = predictPipeline(r);
    expect(p.unet!.source).toBe('blocks');
    const error = pipelineModelError(
      p,
      pipelineCalibration(r, (n) => vaes.get(n)),
    )!;
    const share = blockSum / p.perTile!.median;
    expect(error.source).toBe(`candidate (the U-Net's ${(share * 100).toFixed(0)}% of a tile)`);
    expect(error.upper).toBeCloseTo(Math.exp(share * Math.log(1.1)), 9);
    expect(error.lower).toBe(1);
  });
});
