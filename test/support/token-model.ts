// A tiny text encoder as real exports have it: integer token ids in, rows of an embedding table out
// (Gather, optionally after taking the ids modulo the table's rows so CLIP's ids 49406/49407 fit a
// small table), written with the project's own graph builder and protobuf code, the table as external
// data beside the graph.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/onnx/graph-builder.js';
import { wrapModel } from '../../src/onnx/group-graph.js';
import { DataType, encodeModel } from '../../src/onnx/proto.js';
import { mulberry32 } from '../../src/stats/rng.js';

export interface TokenModel {
  /** The .onnx file. */
  path: string;
  /** The table's rows, row-major: what the model gives for id i is table[i mod rows]. */
  table: Float32Array;
}

export interface TokenModelOptions {
  input: string;
  output: string;
  ids: 'int64' | 'int32';
  length: number;
  rows: number;
  width: number;
  /** Take the ids modulo `rows` first (any id fits). */
  modulo: boolean;
  seed?: number;
}

/** Writes `<name>.onnx` and `<name>.table.bin` into `dir`. */
export function writeTokenModel(dir: string, name: string, o: TokenModelOptions): TokenModel {
  mkdirSync(dir, { recursive: true });
  const rng = mulberry32(o.seed ?? 11);
  const table = Float32Array.from({ length: o.rows * o.width }, () => rng() * 2 - 1);
  const weights = `${name}.table.bin`;
  writeFileSync(join(dir, weights), new Uint8Array(table.buffer));
  const b = new GraphBuilder('fp32');
  const elem = o.ids === 'int64' ? DataType.INT64 : DataType.INT32;
  b.inputs.push({
    name: o.input,
    type: { tensorType: { elemType: elem, shape: { dim: [{ dimValue: 1 }, { dimValue: o.length }] } } },
  });
  const rows = o.ids === 'int64' ? b.constI64([o.rows], []) : b.constI32([o.rows], []);
  const ids = o.modulo ? b.op1('Mod', [o.input, rows]) : o.input;
  const tableName = b.externalInitializer('table', [o.rows, o.width], weights, 0, table.byteLength);
  b.op('Gather', [tableName, ids], { axis: 0 }, [o.output]);
  b.output(o.output, [1, o.length, o.width]);
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, encodeModel(wrapModel(b, name, {})));
  return { path, table };
}

/** What the model gives for `ids`: the table's rows, [1, ids.length, width] flattened. */
export function tokenRows(m: TokenModel, ids: number[], rows: number, width: number): Float32Array {
  const out = new Float32Array(ids.length * width);
  ids.forEach((id, i) => out.set(m.table.subarray((id % rows) * width, ((id % rows) + 1) * width), i * width));
  return out;
}
