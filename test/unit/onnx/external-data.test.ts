// Every place an ONNX file can name an external data file, as onnxruntime reads them: initializers, a
// Constant node's tensor attribute, initializers inside an If node's subgraphs. onnxruntime loading
// the model and computing with those files' values shows the field numbers are the real ones; the
// inspector must list each location (the manifest loader checks each, and the push sends each).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectModelBytes } from '../../../src/onnx/inspect.js';
import { AttrType, DataType, encodeModel, type ModelMsg } from '../../../src/onnx/proto.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-external-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const external = (name: string, location: string) => ({
  name,
  dims: [2],
  dataType: DataType.FLOAT,
  externalData: [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
    { key: 'length', value: '8' },
  ],
  dataLocation: 1,
});
const vector = (name: string) => ({
  name,
  type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } },
});
const branch = (name: string, location: string) => ({
  name,
  node: [{ opType: 'Add', input: ['x', 'k'], output: [`${name}_y`] }],
  initializer: [external('k', location)],
  input: [],
  output: [vector(`${name}_y`)],
});

function model(constLocation: string, branchLocation: string): ModelMsg {
  const GRAPH = 5;
  return {
    irVersion: 8,
    producerName: 'test',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [
        {
          opType: 'Constant',
          name: 'const',
          input: [],
          output: ['c'],
          attribute: [{ name: 'value', type: AttrType.TENSOR, t: external('c', constLocation) }],
        },
        { opType: 'Add', input: ['x', 'c'], output: ['z'] },
        {
          opType: 'If',
          name: 'if',
          input: ['cond'],
          output: ['y'],
          attribute: [
            { name: 'then_branch', type: GRAPH, g: branch('then', branchLocation) as never },
            { name: 'else_branch', type: GRAPH, g: branch('else', branchLocation) as never },
          ],
        },
      ],
      initializer: [],
      input: [vector('x'), { name: 'cond', type: { tensorType: { elemType: 9, shape: { dim: [] } } } }],
      output: [vector('z'), vector('y')],
    },
  };
}

describe('external data locations', () => {
  it('onnxruntime reads the Constant and subgraph files; the inspector lists both', async () => {
    mkdirSync(join(dir, 'weights'), { recursive: true });
    writeFileSync(join(dir, 'weights', 'const.bin'), new Float32Array([1, 2]));
    writeFileSync(join(dir, 'weights', 'k.bin'), new Float32Array([10, 20]));
    const bytes = encodeModel(model('weights/const.bin', 'weights/k.bin'));
    writeFileSync(join(dir, 'model.onnx'), bytes);

    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const x = new ort.Tensor('float32', new Float32Array([1, 1]), [2]);
    const out = await session.run({ x, cond: new ort.Tensor('bool', [true], []) });
    expect([...(out['z']!.data as Float32Array)]).toEqual([2, 3]);
    expect([...(out['y']!.data as Float32Array)]).toEqual([11, 21]);

    const info = inspectModelBytes(bytes);
    expect(info.externalFiles).toEqual(['weights/const.bin', 'weights/k.bin']);
    expect(info.externalData).toEqual([
      { owner: "attribute 'value' of node 'const'", location: 'weights/const.bin' },
      { owner: "initializer 'k' in subgraph 'then_branch' of node 'if'", location: 'weights/k.bin' },
      { owner: "initializer 'k' in subgraph 'else_branch' of node 'if'", location: 'weights/k.bin' },
    ]);
  });

  it('a climbing location in a subgraph is seen, as onnxruntime sees it', async () => {
    const bytes = encodeModel(model('weights/const.bin', '../../etc/hostname'));
    writeFileSync(join(dir, 'climbing.onnx'), bytes);
    const loading = ort.InferenceSession.create(join(dir, 'climbing.onnx'));
    await expect(loading).rejects.toThrow(/points outside the directory/);
    expect(inspectModelBytes(bytes).externalData.map((e) => e.location)).toContain('../../etc/hostname');
  });
});
