// The VAE encoder and decoder graphs and the text-encoder graph give the same output from onnxruntime
// as an independent plain-TypeScript forward pass (max abs error <= 1e-4), at 32x32-pixel tiles and
// reduced widths so the float64 reference stays quick.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFromSpec, loadCatalog } from '../../../src/catalog/load.js';
import type { CatalogSpec } from '../../../src/catalog/schema.js';
import type { ResolvedCatalog, ResolvedUnit } from '../../../src/catalog/types.js';
import { partGraphSpec, stageGraphSpec } from '../../../src/onnx/group-graph.js';
import { unitWeightSpecs } from '../../../src/onnx/store.js';
import { layoutWeights } from '../../../src/onnx/weights.js';
import type { ModelFiles } from '../../../src/runners/types.js';
import { tensor } from '../../support/reference-units.js';
import { referenceTextEncoder, referenceVaeStage, type UnitWeights } from '../../support/reference-vae-text.js';
import { runOrt, seededInput, tempStore } from '../../support/unit-graph.js';

/** Each unit's fp32 weights, read from the unit's own file among the model's files. */
function weightsOf(cat: ResolvedCatalog, model: ModelFiles, group: string, units: ResolvedUnit[]): UnitWeights {
  return (name) => {
    const u = units.find((x) => x.name === name)!;
    const file = model.files.find((f) => f.startsWith(`weights/${group}.${name}.`) && f.endsWith('.bin'))!;
    const bytes = readFileSync(join(model.root, file));
    const out = new Map<string, Float32Array>();
    for (const t of layoutWeights(unitWeightSpecs(cat.constants, u, 'fp32'), 'fp32').tensors) {
      out.set(
        t.spec.local,
        new Float32Array(bytes.buffer.slice(bytes.byteOffset + t.offset, bytes.byteOffset + t.offset + t.length)),
      );
    }
    return out;
  };
}

function maxAbsDiff(a: Float32Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('VAE graphs agree with a plain TypeScript reference', () => {
  // Latent 2: 16x16-pixel tiles. Width 0.25: levels of 32, 64, 128, 128 channels.
  const cat = loadCatalog('block-variants/sd15-vae.json').resolve(2, 0.25);
  const store = tempStore();
  const cases: [string, string][] = [
    ['encoder', 'teacher'],
    ['encoder', 'w0.5-r1'],
    ['decoder', 'teacher'],
    ['decoder', 'hires0.5'],
  ];
  for (const [stageName, variantName] of cases) {
    it(`${stageName} ${variantName}`, async () => {
      const stage = cat.stages.find((s) => s.name === stageName)!;
      const v = stage.variants.find((x) => x.name === variantName)!;
      const model = store.ensureGroup(cat, stageGraphSpec(stage, v), `${stage.name}.${v.name}`, {
        precision: 'fp32',
        seed: 7,
      });
      const input = model.inputs[0]!;
      const x = seededInput(input.shape, 11);
      const got = await runOrt(model, { [input.name]: x });
      const want = referenceVaeStage(
        cat.constants,
        v.units,
        weightsOf(cat, model, stage.name, v.units),
        tensor(input.shape, x),
      );
      expect(want.shape).toEqual(model.outputs[0]!.shape);
      const diff = maxAbsDiff(got[model.outputs[0]!.name]!, want.data);
      expect(diff).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('the text-encoder graph agrees with a plain TypeScript reference', () => {
  it('clamped ids, causal layers with quick-GELU, final LayerNorm (77 tokens, reduced width)', async () => {
    // The real catalogue with a smaller vocabulary, width and depth: the same unit kinds and wiring.
    const spec = JSON.parse(readFileSync('block-variants/sd15-text-encoder.json', 'utf8')) as CatalogSpec;
    spec.constants = { ...spec.constants, contextDim: 64, heads: 4 };
    spec.tensors['input_ids'] = { length: 77, vocab: 1000 };
    const units = spec.parts[0]!.units;
    units[0] = { ...units[0]!, in: { fixed: 1000 }, out: { fixed: 64 } };
    spec.parts[0]!.units = [
      units[0]!,
      ...units.slice(1, 3).map((u) => ({ ...u, in: { fixed: 64 }, out: { fixed: 64 }, ff: { fixed: 256 } })),
      { ...units.at(-1)!, in: { fixed: 64 }, out: { fixed: 64 } },
    ];
    const cat = catalogFromSpec(spec, 'small-text-encoder.json').resolve(8, 1);
    const part = cat.parts[0]!;
    expect(part.units.map((u) => u.kind)).toEqual(['token-embedding', 'text-layer', 'text-layer', 'layer-norm']);
    const model = tempStore().ensureGroup(cat, partGraphSpec(part), 'part.text_encoder', {
      precision: 'fp32',
      seed: 7,
    });
    // Token ids as a tokenizer gives them, plus values outside the vocabulary that must be clamped.
    const ids = Float32Array.from({ length: 77 }, (_, i) => (i === 5 ? -3 : i === 9 ? 5000 : (i * 37) % 1000));
    const got = await runOrt(model, { input_ids: ids });
    const want = referenceTextEncoder(
      cat.constants,
      part.units,
      weightsOf(cat, model, 'text_encoder', part.units),
      ids,
    );
    expect(maxAbsDiff(got['context']!, want)).toBeLessThanOrEqual(1e-4);
    // Causality: changing the last token leaves every earlier token's output as it was.
    const changed = Float32Array.from(ids);
    changed[76] = 123;
    const again = await runOrt(model, { input_ids: changed });
    expect(maxAbsDiff(again['context']!.slice(0, 76 * 64), Float64Array.from(got['context']!.slice(0, 76 * 64)))).toBe(
      0,
    );
    expect(
      maxAbsDiff(again['context']!.slice(76 * 64), Float64Array.from(got['context']!.slice(76 * 64))),
    ).toBeGreaterThan(1e-3);
  });
});
