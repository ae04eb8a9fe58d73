// Other readings of the paper are new catalogue files, not code: the H2 reading (whole R-A pairs
// dropped) loads, has 32,768 candidates, its smallest U-Net is the paper's ~130 M, and its graphs run.
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { candidateCost, spaceSize } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { stageGraphSpec } from '../../../src/onnx/group-graph.js';
import { tempStore } from '../../support/unit-graph.js';

describe('a catalogue for the depth-removal reading (H2)', () => {
  const h2 = loadCatalog('test/fixtures/catalogs/h2-depth.json');

  it('has 32,768 candidates and a 128.9 M smallest U-Net (single R per stage)', () => {
    const r = h2.resolve(64, 1);
    expect(spaceSize(r)).toBe(32_768);
    const smallest = r.stages.map((s) => s.variants.findIndex((v) => v.name === 'R'));
    expect(Math.round(candidateCost(r, smallest).params / 1e5) / 10).toBe(128.9);
  });

  it('repeats the last tensor for the skips of dropped units, and the graphs run', async () => {
    const r = h2.resolve(8, 0.125);
    const e1 = r.stages[0]!;
    const single = e1.variants.find((v) => v.name === 'R')!;
    expect(single.emits).toEqual([
      { tensor: 's1', from: 'R1' },
      { tensor: 's2', from: 'R1' },
      { tensor: 's3', from: 'Down' },
    ]);
    const store = tempStore();
    for (const stage of r.stages) {
      const v = stage.variants.find((x) => x.name === 'R')!;
      const m = store.ensureGroup(r, stageGraphSpec(stage, v), `${stage.name}.${v.name}`, {
        precision: 'fp32',
        seed: 1,
      });
      const s = await ort.InferenceSession.create(join(m.root, m.graph));
      const feeds: Record<string, ort.Tensor> = {};
      for (const i of m.inputs)
        feeds[i.name] = new ort.Tensor(
          'float32',
          new Float32Array(i.shape.reduce((a, b) => a * b, 1)).fill(0.1),
          i.shape,
        );
      const out = await s.run(feeds);
      expect(Object.keys(out).sort()).toEqual(stage.outputs.map((o) => o.name).sort());
      await s.release();
    }
  });
});
