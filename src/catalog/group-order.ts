// The order in which a whole U-Net runs its parts and stages: each after the groups that produce its
// inputs (conv_out last, after D1). Tensors no group produces are the network's inputs (latent,
// timestep, context). A catalogue whose groups wait on each other in a circle has no such order and
// describes no network; it is refused when read, naming the groups and what each waits for.
import { InvalidFileError } from '../errors.js';

export interface GroupWiring {
  name: string;
  /** Every tensor the group reads: its main input, concatenated skips, temb, context. */
  inputs: readonly string[];
  /** Every tensor it writes: emitted skips and its main output. */
  outputs: readonly string[];
}

export interface GroupOrder<G extends GroupWiring> {
  ordered: G[];
  /** Groups that can never run, with the tensors each still waits for. */
  stuck: { group: G; waitsOn: string[] }[];
  /** Which group produces each tensor. */
  producer: Map<string, string>;
}

export function orderGroups<G extends GroupWiring>(groups: readonly G[]): GroupOrder<G> {
  const producer = new Map<string, string>();
  for (const g of groups) for (const t of g.outputs) producer.set(t, g.name);
  const available = new Set(groups.flatMap((g) => g.inputs).filter((t) => !producer.has(t)));
  const ordered: G[] = [];
  const pending = [...groups];
  for (;;) {
    const i = pending.findIndex((g) => g.inputs.every((t) => available.has(t)));
    if (i < 0) break;
    const [g] = pending.splice(i, 1);
    ordered.push(g!);
    for (const t of g!.outputs) available.add(t);
  }
  const stuck = pending.map((group) => ({ group, waitsOn: group.inputs.filter((t) => !available.has(t)) }));
  return { ordered, stuck, producer };
}

/** The groups in running order, or an InvalidFileError naming the circle. */
export function runningOrder<G extends GroupWiring>(groups: readonly G[], file: string): G[] {
  const { ordered, stuck, producer } = orderGroups(groups);
  if (stuck.length === 0) return ordered;
  throw new InvalidFileError(
    file,
    'stages',
    `parts and stages wait on each other in a circle, so no network can be built: ${describeCircle(stuck, producer)}`,
    { hint: 'each tensor must be produced before it is read: check the input, output, concat and emit names' },
  );
}

/**
 * "conv_in needs 'eps' from conv_out, which needs 'd1' from D1, ..., which needs 's0' from conv_in".
 * A stuck group waits on a tensor whose producer is stuck too, so following the first such tensor
 * from group to group must come back to a group already seen.
 */
function describeCircle(stuck: { group: GroupWiring; waitsOn: string[] }[], producer: Map<string, string>): string {
  const waits = new Map(stuck.map((s) => [s.group.name, s.waitsOn.filter((t) => producer.has(t))] as const));
  const path: { group: string; tensor: string }[] = [];
  let at = stuck[0]!.group.name;
  while (!path.some((p) => p.group === at)) {
    const tensor = waits.get(at)?.[0];
    if (tensor === undefined) break;
    path.push({ group: at, tensor });
    at = producer.get(tensor)!;
  }
  const start = path.findIndex((p) => p.group === at);
  const circle = start < 0 ? path : path.slice(start);
  return circle
    .map((p, i) => `${i === 0 ? p.group : 'which'} needs '${p.tensor}' from ${producer.get(p.tensor)}`)
    .join(', ');
}
