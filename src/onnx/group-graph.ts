// Graphs for one stage variant, one fixed part, or a whole candidate U-Net. A graph is a sequence of
// units wired by the catalogue's tensor names; every unit's parameters live in the unit's own weight
// file, so graphs that share a unit share its weights on disk.
import type { ModelConstants } from '../catalog/schema.js';
import type { ResolvedPart, ResolvedStage, ResolvedUnit, ResolvedVariant, TensorSig } from '../catalog/types.js';
import { GraphBuilder, IR_VERSION, OPSET, type Precision } from './graph-builder.js';
import type { ModelMsg } from './proto.js';
import { ExternalBinder } from './unit-weights.js';
import { emitUnit } from './units.js';

/** Where each unit's weights are: a path relative to the graph file. */
export type WeightLocator = (group: string, unit: ResolvedUnit) => string;

export interface GroupGraphSpec {
  /** Stage or part name; prefixes tensor and initializer names. */
  group: string;
  inputs: TensorSig[];
  outputs: TensorSig[];
  /** The main input tensor. */
  input: string;
  units: ResolvedUnit[];
  /** Skips emitted: tensor name and the unit whose output it is (null: the main input). */
  emits: { tensor: string; from: string | null }[];
  /** The main output tensor. */
  output: string;
}

export function stageGraphSpec(stage: ResolvedStage, variant: ResolvedVariant): GroupGraphSpec {
  return {
    group: stage.name,
    inputs: stage.inputs,
    outputs: stage.outputs,
    input: stage.input,
    units: variant.units,
    emits: variant.emits,
    output: stage.output,
  };
}

export function partGraphSpec(part: ResolvedPart): GroupGraphSpec {
  return {
    group: part.name,
    inputs: part.inputs,
    outputs: part.outputs,
    input: part.inputs[0]!.name,
    units: part.units,
    emits: [],
    output: part.outputs[0]!.name,
  };
}

/**
 * Appends a group's units to `b`, reading its inputs from the tensors named in `tensors` and writing
 * its outputs (emitted skips and the main output) back under their catalogue names.
 */
export function emitGroup(
  b: GraphBuilder,
  k: ModelConstants,
  spec: GroupGraphSpec,
  locate: WeightLocator,
  tensors: Map<string, string>,
): void {
  const read = (name: string) => {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`${spec.group}: tensor '${name}' is not available`);
    return t;
  };
  let current = read(spec.input);
  const after = new Map<string, string>();
  for (const u of spec.units) {
    const binder = new ExternalBinder(b, `${spec.group}.${u.name}`, locate(spec.group, u), b.precision);
    current = emitUnit(b, binder, k, u, {
      x: current,
      ...(tensors.has('temb') ? { temb: tensors.get('temb')! } : {}),
      ...(tensors.has('context') ? { context: tensors.get('context')! } : {}),
      ...(u.concat ? { skip: read(u.concat.tensor) } : {}),
    });
    after.set(u.name, current);
  }
  for (const e of spec.emits) tensors.set(e.tensor, e.from === null ? read(spec.input) : after.get(e.from)!);
  if (!spec.emits.some((e) => e.tensor === spec.output)) tensors.set(spec.output, current);
}

/** A graph made of one or more groups wired by tensor names (a stage variant, a part, a whole U-Net). */
export interface CompositeGraphSpec {
  name: string;
  inputs: TensorSig[];
  outputs: TensorSig[];
  /** Groups in execution order. */
  groups: GroupGraphSpec[];
}

export function singleGroup(spec: GroupGraphSpec): CompositeGraphSpec {
  return { name: spec.group, inputs: spec.inputs, outputs: spec.outputs, groups: [spec] };
}

export function buildCompositeModel(
  spec: CompositeGraphSpec,
  k: ModelConstants,
  precision: Precision,
  locate: WeightLocator,
  meta: Record<string, string>,
): ModelMsg {
  const b = new GraphBuilder(precision);
  const tensors = new Map<string, string>();
  for (const t of spec.inputs) tensors.set(t.name, b.input(t.name, t.shape));
  for (const g of spec.groups) emitGroup(b, k, g, locate, tensors);
  bindOutputs(b, spec.outputs, tensors);
  return wrapModel(b, spec.name, meta);
}

export function buildGroupModel(
  spec: GroupGraphSpec,
  k: ModelConstants,
  precision: Precision,
  locate: WeightLocator,
  meta: Record<string, string>,
): ModelMsg {
  return buildCompositeModel(singleGroup(spec), k, precision, locate, meta);
}

/** Graph outputs get their catalogue names through Identity nodes (free at run time). */
export function bindOutputs(b: GraphBuilder, outputs: TensorSig[], tensors: Map<string, string>): void {
  for (const o of outputs) {
    const t = tensors.get(o.name);
    if (t === undefined) throw new Error(`output '${o.name}' was never produced`);
    if (t === o.name) throw new Error(`output '${o.name}' would pass a graph input straight through`);
    b.op('Identity', [t], {}, [o.name]);
    b.output(o.name, o.shape);
  }
}

export function wrapModel(b: GraphBuilder, name: string, meta: Record<string, string>): ModelMsg {
  return {
    irVersion: IR_VERSION,
    producerName: 'nanosd-bench',
    producerVersion: meta['harness_version'] ?? '',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: b.graph(name),
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  };
}
