// Reading an ONNX file back: its inputs and outputs with shapes, how many parameter elements its
// initializers hold, and which external data files it needs. Used to validate user models and to
// check generated ones.
import { readFileSync } from 'node:fs';
import { decodeModel, toNumber, type GraphMsg, type SparseTensorMsg, type TensorMsg } from './proto.js';

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
  /** External data files, relative to the model file, as the model writes them (unchecked: data). */
  externalFiles: string[];
  /** Every external-data location with the tensor that holds it (`initializer 'w'`), for messages. */
  externalData: ExternalDataRef[];
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
}

export interface ExternalDataRef {
  /** The tensor holding the location, in words: `initializer 'w'`, `attribute 'value' of node 'c'`. */
  owner: string;
  location: string;
}

/**
 * Every external-data location in the graph: initializers, sparse initializers, tensors in node
 * attributes, and the same inside subgraphs (If, Loop, Scan), where runtimes also read external data.
 */
export function externalDataRefs(graph: GraphMsg, within = ''): ExternalDataRef[] {
  const out: ExternalDataRef[] = [];
  const add = (t: TensorMsg | undefined, owner: string) => {
    const location = t?.externalData?.find((e) => e.key === 'location')?.value;
    if (location !== undefined) out.push({ owner: `${owner}${within}`, location });
  };
  const sparse = (s: SparseTensorMsg | undefined, owner: string) => {
    add(s?.values, `${owner} (values)`);
    add(s?.indices, `${owner} (indices)`);
  };
  for (const t of graph.initializer ?? []) add(t, `initializer '${t.name ?? ''}'`);
  for (const s of graph.sparseInitializer ?? []) sparse(s, `sparse initializer '${s.values?.name ?? ''}'`);
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      const owner = `attribute '${a.name}' of node '${node.name ?? node.opType}'`;
      add(a.t, owner);
      for (const t of a.tensors ?? []) add(t, owner);
      sparse(a.sparseTensor, owner);
      for (const s of a.sparseTensors ?? []) sparse(s, owner);
      const sub = ` in subgraph '${a.name}' of node '${node.name ?? node.opType}'${within}`;
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) out.push(...externalDataRefs(g, sub));
    }
  }
  return out;
}

export function inspectModelBytes(bytes: Uint8Array): ModelInspection {
  const model = decodeModel(bytes);
  const g = model.graph;
  const initNames = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const decl = (v: (typeof g.input)[number]): TensorDecl => ({
    name: v.name,
    elemType: v.type?.tensorType?.elemType ?? 0,
    shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam !== undefined && d.dimParam !== '' ? d.dimParam : toNumber(d.dimValue),
    ),
  });
  const initializers = (g.initializer ?? []).map((t: TensorMsg) => ({
    name: t.name ?? '',
    dims: (t.dims ?? []).map(toNumber),
    elemType: t.dataType ?? 0,
  }));
  const externalData = externalDataRefs(g);
  return {
    // Older exporters list initializers among the graph inputs; those are not runtime inputs.
    inputs: (g.input ?? []).filter((v) => !initNames.has(v.name)).map(decl),
    outputs: (g.output ?? []).map(decl),
    initializers,
    parameterElements: initializers.reduce((a, t) => a + t.dims.reduce((x, y) => x * y, 1), 0),
    externalFiles: [...new Set(externalData.map((e) => e.location))],
    externalData,
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value])),
  };
}

export function inspectModelFile(path: string): ModelInspection {
  return inspectModelBytes(readFileSync(path));
}
