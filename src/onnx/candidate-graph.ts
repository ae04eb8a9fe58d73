// A whole candidate U-Net as one graph: the fixed parts and one variant per stage, wired by the
// catalogue's tensor names, from (latent, timestep, context) to the predicted noise. Measured end to
// end it tells how far the sum of block latencies is from the real thing (calibration).
import type { Candidate } from '../catalog/candidates.js';
import type { ResolvedCatalog, TensorSig } from '../catalog/types.js';
import { partGraphSpec, stageGraphSpec, type CompositeGraphSpec, type GroupGraphSpec } from './group-graph.js';

export function candidateGraphSpec(cat: ResolvedCatalog, candidate: Candidate, name: string): CompositeGraphSpec {
  const groups: GroupGraphSpec[] = [
    ...cat.parts.map(partGraphSpec),
    ...cat.stages.map((s, i) => ({ ...stageGraphSpec(s, s.variants[candidate[i]!]!), outputs: [] as TensorSig[] })),
  ];
  // Order groups so each runs after the groups producing its inputs (parts such as conv_out run last).
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
  const ordered: GroupGraphSpec[] = [];
  const available = new Set(external.map((t) => t.name));
  const pending = [...groups];
  while (pending.length > 0) {
    const i = pending.findIndex((g) => g.inputs.every((t) => available.has(t.name)));
    if (i < 0) throw new Error(`catalogue ${cat.spec.name}: groups ${pending.map((g) => g.group).join(', ')} wait on tensors nothing produces`);
    const [g] = pending.splice(i, 1);
    ordered.push(g!);
    for (const e of g!.emits) available.add(e.tensor);
    available.add(g!.output);
  }
  return { name, inputs: external, outputs: sinks, groups: ordered };
}
