// (a) and (b) of the spine issue: every generated graph holds exactly the catalogue's parameters, and
// every variant of a stage has exactly the teacher's input and output names and shapes.
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { buildGroupModel, partGraphSpec, stageGraphSpec } from '../../../src/onnx/group-graph.js';
import { inspectModelBytes } from '../../../src/onnx/inspect.js';
import { encodeModel } from '../../../src/onnx/proto.js';
import { tempStore } from '../../support/unit-graph.js';

const noWeights = () => 'weights/none.bin';

describe('(a) initializer elements equal the catalogue parameter count', () => {
  for (const file of ['block-variants/sd15-nanosd.json', 'block-variants/sd15-full.json']) {
    for (const width of [1, 0.5]) {
      it(`${file} at width ${width}: every stage variant and part`, () => {
        const cat = loadCatalog(file).resolve(16, width);
        let checked = 0;
        for (const stage of cat.stages) {
          for (const v of stage.variants) {
            const model = buildGroupModel(stageGraphSpec(stage, v), cat.constants, 'fp32', noWeights, {});
            const info = inspectModelBytes(encodeModel(model));
            expect(info.parameterElements, `${stage.name} ${v.name}`).toBe(v.params);
            checked++;
          }
        }
        for (const part of cat.parts) {
          const info = inspectModelBytes(
            encodeModel(buildGroupModel(partGraphSpec(part), cat.constants, 'fp32', noWeights, {})),
          );
          expect(info.parameterElements, part.name).toBe(part.params);
        }
        expect(checked).toBe(cat.stages.reduce((a, s) => a + s.variants.length, 0));
      });
    }
  }

  it('graphs stay small however large the weights: data lives in external files', () => {
    // D3's teacher at width 2 holds ~1.0e9 parameters (4 GB in fp32), far past the 2 GiB protobuf limit.
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(16, 2);
    const d3 = cat.stages.find((s) => s.name === 'D3')!;
    const teacher = d3.variants[d3.teacher]!;
    expect(teacher.params * 4).toBeGreaterThan(2 ** 31);
    const bytes = encodeModel(buildGroupModel(stageGraphSpec(d3, teacher), cat.constants, 'fp32', noWeights, {}));
    expect(bytes.length).toBeLessThan(1 << 20);
    const info = inspectModelBytes(bytes);
    expect(info.parameterElements).toBe(teacher.params);
  });
});

describe('(b) every variant has exactly the stage signature when loaded in onnxruntime', () => {
  // Width 0.125 keeps the weights small; names and shapes are checked against the catalogue at that width.
  const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.125);
  const store = tempStore();
  for (const stage of cat.stages) {
    it(`${stage.name}: all ${stage.variants.length} variants`, async () => {
      const teacher = stage.variants[stage.teacher]!;
      const tm = store.ensureGroup(cat, stageGraphSpec(stage, teacher), `${stage.name}.${teacher.name}`, {
        precision: 'fp32',
        seed: 1,
      });
      const signature = async (graph: string) => {
        const s = await ort.InferenceSession.create(graph);
        const sig = {
          inputs: s.inputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] })),
          outputs: s.outputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] })),
        };
        await s.release();
        return sig;
      };
      const expected = await signature(join(tm.root, tm.graph));
      expect(expected.inputs).toEqual(stage.inputs.map((t) => ({ name: t.name, shape: t.shape })));
      expect(expected.outputs).toEqual(stage.outputs.map((t) => ({ name: t.name, shape: t.shape })));
      for (const v of stage.variants) {
        const m = store.ensureGroup(cat, stageGraphSpec(stage, v), `${stage.name}.${v.name}`, {
          precision: 'fp32',
          seed: 1,
        });
        expect(await signature(join(m.root, m.graph)), `${stage.name} ${v.name}`).toEqual(expected);
      }
    });
  }
});
