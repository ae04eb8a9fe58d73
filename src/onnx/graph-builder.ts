// A small ONNX graph builder: nodes, Constant nodes for non-parameter constants (so the initializers
// are exactly the model's parameters), and initializers whose data lives in external weight files.
import { toHalf } from './half.js';
import {
  AttrType,
  DataType,
  type AttributeMsg,
  type GraphMsg,
  type NodeMsg,
  type TensorMsg,
  type ValueInfoMsg,
} from './proto.js';

export type Precision = 'fp32' | 'fp16';
export type AttrValue = number | string | number[] | { floats: number[] } | { int: number } | { float: number };

export const OPSET = 17;
export const IR_VERSION = 8;

export function elemType(precision: Precision): number {
  return precision === 'fp32' ? DataType.FLOAT : DataType.FLOAT16;
}

export class GraphBuilder {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  readonly inputs: ValueInfoMsg[] = [];
  readonly outputs: ValueInfoMsg[] = [];
  private readonly used = new Map<string, number>();
  private readonly constCache = new Map<string, string>();
  private readonly externalPlaces = new Map<string, string>();

  constructor(readonly precision: Precision) {}

  /** A tensor name not used before, derived from `base`. */
  fresh(base: string): string {
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  input(name: string, shape: readonly number[]): string {
    this.inputs.push(valueInfo(name, shape, elemType(this.precision)));
    this.used.set(name, 1);
    return name;
  }

  output(name: string, shape: readonly number[]): void {
    this.outputs.push(valueInfo(name, shape, elemType(this.precision)));
  }

  /** Adds a node; returns its output names (fresh names derived from `out` unless given exactly). */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    out: string | string[] = opType,
  ): string[] {
    const outputs = Array.isArray(out) ? out : [this.fresh(out)];
    this.nodes.push({
      name: this.fresh(`${opType}_node`),
      opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
    return outputs;
  }

  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out: string = opType): string {
    return this.op(opType, inputs, attrs, out)[0]!;
  }

  /** An int64 constant (shapes, axes) as a Constant node, shared by value. */
  constI64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const cached = this.constCache.get(key);
    if (cached) return cached;
    const name = this.fresh('const_i64');
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.constantNode(name, { dims: [...dims], dataType: DataType.INT64, rawData: new Uint8Array(raw.buffer) });
    this.constCache.set(key, name);
    return name;
  }

  /** An int32 constant (clamp bounds for token ids) as a Constant node, shared by value. */
  constI32(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i32:${dims.join('x')}:${values.join(',')}`;
    const cached = this.constCache.get(key);
    if (cached) return cached;
    const name = this.fresh('const_i32');
    const raw = new Uint8Array(new Int32Array(values).buffer);
    this.constantNode(name, { dims: [...dims], dataType: DataType.INT32, rawData: raw });
    this.constCache.set(key, name);
    return name;
  }

  /** A constant in the graph's precision, as a Constant node (not an initializer: it is not a parameter). */
  constF(values: readonly number[] | Float32Array, dims: readonly number[]): string {
    const list = Array.from(values);
    // Short constants are shared by value; a long one is keyed by its length, first values and the node
    // count, so in effect each gets its own.
    const long = `${list.length}:${list.slice(0, 4).join(',')}:${this.nodes.length}`;
    const key = `f:${dims.join('x')}:${list.length <= 8 ? list.join(',') : long}`;
    const cached = this.constCache.get(key);
    if (cached) return cached;
    const name = this.fresh('const_f');
    this.constantNode(name, {
      dims: [...dims],
      dataType: elemType(this.precision),
      rawData: floatBytes(list, this.precision),
    });
    this.constCache.set(key, name);
    return name;
  }

  /** A float32 constant regardless of precision (Resize scales must be float32). */
  constF32(values: readonly number[]): string {
    const name = this.fresh('const_f32');
    this.constantNode(name, {
      dims: [values.length],
      dataType: DataType.FLOAT,
      rawData: new Uint8Array(new Float32Array(values).buffer),
    });
    return name;
  }

  /**
   * An initializer whose bytes are in `location` (relative to the model file) at offset/length. Declaring
   * the same one again (a U-Net run for several steps in one graph) reuses it; the same name pointing
   * at other bytes is a bug in the caller.
   */
  externalInitializer(name: string, dims: readonly number[], location: string, offset: number, length: number): string {
    const where = `${location}@${offset}+${length}:${dims.join('x')}`;
    const known = this.externalPlaces.get(name);
    if (known !== undefined) {
      if (known !== where) {
        throw new Error(`initializer '${name}' declared twice with different data (${known}, ${where})`);
      }
      return name;
    }
    this.externalPlaces.set(name, where);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: elemType(this.precision),
      dataLocation: 1,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    });
    this.used.set(name, 1);
    return name;
  }

  graph(name: string): GraphMsg {
    return { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  private constantNode(name: string, t: TensorMsg): void {
    this.nodes.push({
      name: `${name}_node`,
      opType: 'Constant',
      input: [],
      output: [name],
      attribute: [{ name: 'value', type: AttrType.TENSOR, t }],
    });
  }
}

function floatBytes(values: readonly number[], precision: Precision): Uint8Array {
  if (precision === 'fp32') return new Uint8Array(new Float32Array(values).buffer);
  return new Uint8Array(new Uint16Array(values.map(toHalf)).buffer);
}

function valueInfo(name: string, shape: readonly number[], elem: number): ValueInfoMsg {
  return { name, type: { tensorType: { elemType: elem, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

function attribute(name: string, v: AttrValue): AttributeMsg {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  if ('int' in v) return { name, type: AttrType.INT, i: v.int };
  return { name, type: AttrType.FLOAT, f: v.float };
}
