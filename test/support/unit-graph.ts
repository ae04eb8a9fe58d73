// Helpers for tests that build one unit as its own graph and read its weights back from the store.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { ResolvedCatalog, ResolvedUnit, TensorSig } from '../../src/catalog/types.js';
import type { GroupGraphSpec } from '../../src/onnx/group-graph.js';
import { ModelStore, unitWeightSpecs } from '../../src/onnx/store.js';
import { layoutWeights } from '../../src/onnx/weights.js';
import type { ModelFiles } from '../../src/runners/types.js';

export function tempStore(): ModelStore {
  return new ModelStore(mkdtempSync(join(tmpdir(), 'nsb-store-')));
}

/** A graph holding just `unit`, reading `x` (+ skip, temb, context) and writing `y`. */
export function singleUnitModel(
  store: ModelStore,
  cat: ResolvedCatalog,
  group: string,
  unit: ResolvedUnit,
): ModelFiles {
  const x: TensorSig = { name: 'x', shape: [1, unit.in, unit.sideIn, unit.sideIn] };
  const inputs: TensorSig[] = [x];
  if (unit.concat)
    inputs.push({ name: unit.concat.tensor, shape: [1, unit.concat.channels, unit.sideIn, unit.sideIn] });
  if (unit.kind === 'resnet') inputs.push(cat.tensors.get('temb')!);
  if (unit.kind === 'attention') inputs.push(cat.tensors.get('context')!);
  const spec: GroupGraphSpec = {
    group,
    inputs,
    outputs: [{ name: 'y', shape: [1, unit.out, unit.sideOut, unit.sideOut] }],
    input: 'x',
    units: [unit],
    emits: [],
    output: 'y',
  };
  return store.ensureGroup(cat, spec, `test.${group}.${unit.name}`, { precision: 'fp32', seed: 7 });
}

/** The unit's fp32 weights by local name, read from its weight file. */
export function readUnitWeights(
  cat: ResolvedCatalog,
  model: ModelFiles,
  unit: ResolvedUnit,
): Map<string, Float32Array> {
  const bytes = readFileSync(join(model.root, model.files[1]!));
  const layout = layoutWeights(unitWeightSpecs(cat.constants, unit, 'fp32'), 'fp32');
  const out = new Map<string, Float32Array>();
  for (const t of layout.tensors)
    out.set(
      t.spec.local,
      new Float32Array(bytes.buffer.slice(bytes.byteOffset + t.offset, bytes.byteOffset + t.offset + t.length)),
    );
  return out;
}

export function seededInput(shape: number[], seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export async function runOrt(
  model: ModelFiles,
  feeds: Record<string, Float32Array>,
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(join(model.root, model.graph));
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const i of model.inputs) inputs[i.name] = new ort.Tensor('float32', feeds[i.name]!, i.shape);
    const result = await session.run(inputs);
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(result)) out[k] = v.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}
