// What `bench pipeline` prints of flags: a flag most of the per-tile terms carry is a condition of
// the run, told once; a flag on one term stays on its row. The JSON keeps every flag.
import { describe, expect, it } from 'vitest';
import type { PipelineDeviceResult } from '../../../src/app/pipeline.js';
import { parseCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { pipelineJson, pipelineText } from '../../../src/cli/commands/pipeline-text.js';
import type { EntryFlag } from '../../../src/lut/schema.js';
import { planTiles } from '../../../src/pipeline/tiling.js';
import { predictCandidate, createPredictor } from '../../../src/predict/index.js';
import { decoderKey, encoderKey, unetKey, type VaeChoice } from '../../../src/predict/pipeline-keys.js';
import { predictPipeline } from '../../../src/predict/pipeline.js';
import { cpuDevice, syntheticEntry, syntheticLut } from '../../support/synthetic-lut.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const config = { latent: 16, width: 1, precision: 'fp32' as const };
const unet = catalog.resolve(16, 1);
const candidate = parseCandidate(unet, '0.0.0.0.0.0');
const code = predictCandidate(createPredictor(syntheticLut(catalog, cpuDevice), 'x', catalog), candidate).code;
const vae: VaeChoice = {
  name: 'teacher',
  encoder: { stage: 'vae_encoder', variant: 'teacher' },
  decoder: { stage: 'vae_decoder', variant: 'teacher' },
};

function printed(flags: { encoder: EntryFlag[]; unet: EntryFlag[]; decoder: EntryFlag[] }) {
  const lut = syntheticLut(catalog, {
    ...cpuDevice,
    extra: [
      syntheticEntry(encoderKey(vae, config), 40, { flags: flags.encoder }),
      syntheticEntry(unetKey(code, config), 200, { flags: flags.unet }),
      syntheticEntry(decoderKey(vae, config), 90, { flags: flags.decoder }),
    ],
  });
  const plan = planTiles({ width: 160, height: 112 }, { tile: 64, overlap: 16 });
  const prediction = predictPipeline({ lut, file: 'lut.json', unet, config, candidate, vae, steps: 1, tiles: 6 });
  const result = {
    device: 'local',
    lutFile: 'lut.json',
    config,
    code,
    indices: '0.0.0.0.0.0',
    vae: { name: 'teacher', encoder: { variant: 'teacher' }, decoder: { variant: 'teacher' } },
    steps: 1,
    context: { source: 'seeded' },
    image: { description: 'generated 160x112 test picture', size: { width: 160, height: 112 } },
    plan,
    predicted: { prediction, calibration: { points: [] }, blendMs: 1, pictureMs: 2, commands: [] },
    notMeasured: '--predict-only',
  } as unknown as PipelineDeviceResult;
  return { text: pipelineText(result), json: pipelineJson(result) as { predicted: { flags: string[] } } };
}

describe('bench pipeline text: flags', () => {
  it('tells a flag on every term once, as a condition of the run, and keeps a rare one on its row', () => {
    const { text, json } = printed({
      encoder: ['outliers', 'trend'],
      unet: ['outliers', 'trend', 'throttled'],
      decoder: ['outliers', 'trend'],
    });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('trend'))).toEqual([
      expect.stringMatching(/^run {8}trend in 3 of 3 entries: latency rose within rounds/),
    ]);
    expect(lines.filter((l) => l.includes('outliers'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('U-Net x 1'))).toMatch(/ \[throttled\]$/);
    expect(lines.find((l) => l.startsWith('per tile'))).not.toContain('[');
    expect(json.predicted.flags).toEqual(expect.arrayContaining(['outliers', 'trend', 'throttled']));
  });

  it('prints no run line and no flags when the terms carry none', () => {
    const { text } = printed({ encoder: [], unet: [], decoder: [] });
    expect(text).not.toMatch(/^run /m);
    expect(text).not.toContain('[');
  });
});
