// Reading an ONNX file back: its inputs and outputs with shapes, how many parameter elements its
// initializers hold, and which external data files it needs. Used to validate user models and to
// check generated ones.
import { readFileSync } from 'node:fs';
import { decodeModel, toNumber, type TensorMsg } from './proto.js';

export interface TensorDecl {
  name: string;
  elemType: number;
  /** Fixed dims as numbers, symbolic ones as their names. */
  shape: (number | string)[];
}

export interface ModelInspection {
  inputs: TensorDecl[];
  outputs: TensorDecl[];
  initializers: { name: string; dims: number[]; elemType: number }[];
  /** Sum of the initializers' element counts: the model's parameter count. */
  parameterElements: number;
  /** External data files, relative to the model file. */
  externalFiles: string[];
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
}

export function inspectModelBytes(bytes: Uint8Array): ModelInspection {
  const model = decodeModel(bytes);
  const g = model.graph;
  const initNames = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const decl = (v: (typeof g.input)[number]): TensorDecl => ({
    name: v.name,
    elemType: v.type?.tensorType?.elemType ?? 0,
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam !== undefined && d.dimParam !== '' ? d.dimParam : toNumber(d.dimValue))),
  });
  const initializers = (g.initializer ?? []).map((t: TensorMsg) => ({
    name: t.name ?? '',
    dims: (t.dims ?? []).map(toNumber),
    elemType: t.dataType ?? 0,
  }));
  const external = new Set<string>();
  for (const t of g.initializer ?? []) {
    const loc = t.externalData?.find((e) => e.key === 'location')?.value;
    if (loc !== undefined) external.add(loc);
  }
  return {
    // Older exporters list initializers among the graph inputs; those are not runtime inputs.
    inputs: (g.input ?? []).filter((v) => !initNames.has(v.name)).map(decl),
    outputs: (g.output ?? []).map(decl),
    initializers,
    parameterElements: initializers.reduce((a, t) => a + t.dims.reduce((x, y) => x * y, 1), 0),
    externalFiles: [...external],
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value])),
  };
}

export function inspectModelFile(path: string): ModelInspection {
  return inspectModelBytes(readFileSync(path));
}
