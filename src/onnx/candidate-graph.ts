// A whole candidate U-Net as one graph: the fixed parts and one variant per stage, wired by the
// catalogue's tensor names, from (latent, timestep, context) to the predicted noise. Measured end to
// end it tells how far the sum of block latencies is from the real thing (calibration).
import type { Candidate } from '../catalog/candidates.js';
import { runningOrder } from '../catalog/group-order.js';
import type { ResolvedCatalog, TensorSig } from '../catalog/types.js';
import { partGraphSpec, stageGraphSpec, type CompositeGraphSpec, type GroupGraphSpec } from './group-graph.js';

export function candidateGraphSpec(cat: ResolvedCatalog, candidate: Candidate, name: string): CompositeGraphSpec {
  const groups: GroupGraphSpec[] = [
    ...cat.parts.map(partGraphSpec),
    ...cat.stages.map((s, i) => ({ ...stageGraphSpec(s, s.variants[candidate[i]!]!), outputs: [] as TensorSig[] })),
  ];
  const produced = new Set<string>();
  const consumed = new Set<string>();
  for (const g of groups) {
    for (const u of g.units) if (u.concat) consumed.add(u.concat.tensor);
    consumed.add(g.input);
    for (const e of g.emits) produced.add(e.tensor);
    produced.add(g.output);
    for (const t of g.inputs) consumed.add(t.name);
  }
  const external = [...consumed].filter((t) => !produced.has(t)).map((t) => cat.tensors.get(t)!);
  const sinks = [...produced].filter((t) => !consumed.has(t)).map((t) => cat.tensors.get(t)!);
  // Order groups so each runs after the groups producing its inputs (parts such as conv_out run last).
  const wired = groups.map((g) => ({
    name: g.group,
    spec: g,
    inputs: [g.input, ...g.inputs.map((t) => t.name), ...g.units.flatMap((u) => (u.concat ? [u.concat.tensor] : []))],
    outputs: [...g.emits.map((e) => e.tensor), g.output],
  }));
  const ordered = runningOrder(wired, cat.file).map((w) => w.spec);
  return { name, inputs: external, outputs: sinks, groups: ordered };
}
