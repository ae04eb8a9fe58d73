// The VAE, text-encoder and per-tile pipeline graphs: their initializers hold exactly the catalogue's
// parameters, every VAE variant has its stage's signature in onnxruntime, and the per-tile graph
// computes what its pieces run one after the other compute (encoder, U-Net per DDIM step, decoder).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { candidateCost, parseCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { parseVaeVariant } from '../../../src/catalog/vae.js';
import { UnknownNameError, UsageError } from '../../../src/errors.js';
import { candidateGraphSpec } from '../../../src/onnx/candidate-graph.js';
import { denoiseSchedule } from '../../../src/onnx/denoise-schedule.js';
import { buildGroupModel, partGraphSpec, stageGraphSpec } from '../../../src/onnx/group-graph.js';
import { fromHalf, toHalf } from '../../../src/onnx/half.js';
import { inspectModelBytes } from '../../../src/onnx/inspect.js';
import { buildPipelineTileGraph } from '../../../src/onnx/pipeline-tile-graph.js';
import { encodeModel } from '../../../src/onnx/proto.js';
import { ModelStore } from '../../../src/onnx/store.js';
import { runOrt, seededInput, tempStore } from '../../support/unit-graph.js';

const unet = loadCatalog('block-variants/sd15-nanosd.json');
const vae = loadCatalog('block-variants/sd15-vae.json');
const text = loadCatalog('block-variants/sd15-text-encoder.json');
const noWeights = () => 'weights/none.bin';
const elements = (bytes: Uint8Array) => inspectModelBytes(bytes).parameterElements;

describe('initializer elements equal the catalogue parameter counts', () => {
  for (const width of [1, 0.5]) {
    it(`every VAE encoder and decoder variant at width ${width}`, () => {
      const cat = vae.resolve(8, width);
      for (const stage of cat.stages) {
        for (const v of stage.variants) {
          const bytes = encodeModel(buildGroupModel(stageGraphSpec(stage, v), cat.constants, 'fp32', noWeights, {}));
          expect(elements(bytes), `${stage.name} ${v.name}`).toBe(v.params);
        }
      }
    });
  }

  it('the text encoder: 123,060,480', () => {
    const cat = text.resolve(8, 1);
    const bytes = encodeModel(buildGroupModel(partGraphSpec(cat.parts[0]!), cat.constants, 'fp32', noWeights, {}));
    expect(elements(bytes)).toBe(123_060_480);
  });

  it('per-tile graphs at 512x512: encoder + U-Net once + decoder, however many steps; MACs count every step', () => {
    for (const [candidate, vaeVariant, width] of [
      ['0.0.0.0.0.0', 'teacher', 1],
      ['3.3.3.7.7.7', 'w0.5-r1', 0.5],
      ['1.2.0.5.3.6', 'encoder=hires0.5,decoder=r2', 1],
    ] as const) {
      for (const steps of [1, 4]) {
        const g = buildPipelineTileGraph({
          catalogs: { unet, vae },
          candidate,
          vaeVariant,
          steps,
          latent: 64,
          width,
          precision: 'fp32',
        });
        const u = unet.resolve(64, width);
        const v = parseVaeVariant(vae.resolve(64, 1), vaeVariant);
        const unetCost = candidateCost(u, parseCandidate(u, candidate));
        expect(elements(encodeModel(g.model)), `${candidate} ${vaeVariant} ${steps}`).toBe(v.params + unetCost.params);
        expect(g.plan.params).toBe(v.params + unetCost.params);
        expect(g.plan.macs).toBe(v.macs + steps * unetCost.macs);
      }
    }
    const teacher = buildPipelineTileGraph({
      catalogs: { unet, vae },
      candidate: '0.0.0.0.0.0',
      vaeVariant: '0',
      steps: 1,
      latent: 64,
      width: 1,
      precision: 'fp32',
    });
    expect(teacher.plan.params).toBe(83_653_863 + 523_217_604);
    expect(teacher.plan.inputs.map((t) => `${t.name}[${t.shape.join(',')}]`)).toEqual([
      'image[1,3,512,512]',
      'context[1,77,768]',
    ]);
    expect(teacher.plan.outputs.map((t) => `${t.name}[${t.shape.join(',')}]`)).toEqual(['decoded[1,3,512,512]']);
  });
});

describe('every VAE variant has its stage signature in onnxruntime', () => {
  it('all encoder and decoder variants at 32x32-pixel tiles', async () => {
    const cat = vae.resolve(4, 0.25);
    const store = tempStore();
    for (const stage of cat.stages) {
      for (const v of stage.variants) {
        const m = store.ensureGroup(cat, stageGraphSpec(stage, v), `${stage.name}.${v.name}`, {
          precision: 'fp32',
          seed: 1,
        });
        const s = await ort.InferenceSession.create(join(m.root, m.graph));
        const sig = (ms: readonly ort.InferenceSession.ValueMetadata[]) =>
          ms.map((x) => ({ name: x.name, shape: x.isTensor ? x.shape : [] }));
        expect(sig(s.inputMetadata), `${stage.name} ${v.name}`).toEqual(
          stage.inputs.map((t) => ({ name: t.name, shape: t.shape })),
        );
        expect(sig(s.outputMetadata), `${stage.name} ${v.name}`).toEqual(
          stage.outputs.map((t) => ({ name: t.name, shape: t.shape })),
        );
        await s.release();
      }
    }
  });
});

describe('the per-tile pipeline graph', () => {
  // 32x32-pixel tiles; U-Net width 0.1 and VAE width 0.25 keep every tensor small.
  const options = {
    catalogs: { unet, vae },
    candidate: 'E1=R-A-R,E2=R-R,E3=R-A-R-A,D3=R-A-R-R,D2=R-R-R,D1=R-A-R-A-R-A',
    vaeVariant: 'encoder=w0.5,decoder=r2',
    steps: 2,
    latent: 4,
    width: 0.1,
    vaeWidth: 0.25,
  } as const;

  it('computes what its pieces compute run one after the other, and reads the same weight files', async () => {
    const generated: string[] = [];
    const store = new ModelStore(tempStore().root, { onGenerate: (what) => generated.push(what) });
    const tile = store.ensurePipelineTile({ ...options, precision: 'fp32' }, { seed: 3 });
    const s = { precision: 'fp32' as const, seed: 3 };
    const u = unet.resolve(4, 0.1);
    const va = vae.resolve(4, 0.25);
    const [enc, dec] = va.stages;
    const choice = tile.plan.vaeVariant;
    const encoder = store.ensureGroup(va, stageGraphSpec(enc!, enc!.variants[choice.encoder.index]!), 'encoder', s);
    const decoder = store.ensureGroup(va, stageGraphSpec(dec!, dec!.variants[choice.decoder.index]!), 'decoder', s);
    const net = store.ensureComposite(u, candidateGraphSpec(u, tile.plan.candidate, 'unet'), 'unet', s);
    const weightCount = generated.length;
    expect(weightCount).toBe(new Set(tile.files.slice(1)).size); // the pieces generated nothing new

    const image = seededInput([1, 3, 32, 32], 21);
    const context = seededInput([1, 77, 768], 22);
    const whole = (await runOrt(tile, { image, context }))['decoded']!;
    let latent = (await runOrt(encoder, { image }))['latent']!;
    for (const step of denoiseSchedule(2)) {
      const eps = (await runOrt(net, { latent, timestep: Float32Array.of(step.timestep), context }))['eps']!;
      latent = latent.map((x, i) => step.latentScale * x + step.noiseScale * eps[i]!);
    }
    const pieces = (await runOrt(decoder, { latent }))['decoded']!;
    let diff = 0;
    for (let i = 0; i < whole.length; i++) diff = Math.max(diff, Math.abs(whole[i]! - pieces[i]!));
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...whole.map(Math.abs))).toBeGreaterThan(1e-3);

    // The tile's weights are hard links to the catalogues' unit files: no byte stored twice.
    for (const f of [...encoder.files.slice(1), ...net.files.slice(1), ...decoder.files.slice(1)]) {
      const own = [encoder, net, decoder].find((m) => m.files.includes(f))!;
      expect(statSync(join(tile.root, f)).ino, f).toBe(statSync(join(own.root, f)).ino);
    }
    // A second request regenerates nothing and names the same model.
    const again = store.ensurePipelineTile({ ...options, precision: 'fp32' }, { seed: 3 });
    expect(generated).toHaveLength(weightCount);
    expect(again.sha256).toBe(tile.sha256);
  });

  it('in fp16: float16 inputs and outputs, close to the fp32 graph', async () => {
    const store = tempStore();
    const half = store.ensurePipelineTile({ ...options, steps: 1, precision: 'fp16' }, { seed: 3 });
    const full = store.ensurePipelineTile({ ...options, steps: 1, precision: 'fp32' }, { seed: 3 });
    const image = seededInput([1, 3, 32, 32], 31);
    const context = seededInput([1, 77, 768], 32);
    const session = await ort.InferenceSession.create(join(half.root, half.graph));
    const feeds = {
      image: new ort.Tensor('float16', Uint16Array.from(image, toHalf), [1, 3, 32, 32]),
      context: new ort.Tensor('float16', Uint16Array.from(context, toHalf), [1, 77, 768]),
    };
    const out = (await session.run(feeds))['decoded']!;
    await session.release();
    expect(out.type).toBe('float16');
    const got = Array.from(out.data as Uint16Array, fromHalf);
    const want = (await runOrt(full, { image, context }))['decoded']!;
    expect(got.every(Number.isFinite)).toBe(true);
    // Relative RMS error: fp16 rounding (a wrong graph or weights would be off by ~100%). With the
    // timestep projection in fp16 instead of fp32 it was 6.3% here at t = 999; now 1.8%.
    const rms = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((a, x) => a + x * x, 0) / xs.length);
    expect(rms(got.map((g, i) => g - want[i]!)) / rms(want)).toBeLessThan(0.03);
  });

  it('refuses a VAE variant the catalogue lacks, a U-Net as the VAE, and zero steps', () => {
    const base = { ...options, precision: 'fp32' as const };
    expect(() => buildPipelineTileGraph({ ...base, vaeVariant: 'w0.25' })).toThrow(UnknownNameError);
    expect(() => buildPipelineTileGraph({ ...base, catalogs: { unet, vae: unet } })).toThrow(/not a VAE catalogue/);
    expect(() => buildPipelineTileGraph({ ...base, steps: 0 })).toThrow(UsageError);
  });
});
