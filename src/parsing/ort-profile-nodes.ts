// Which execution provider ran each node, from the events of an ONNX Runtime session profile
// (SessionOptions.enable_profiling, `onnxruntime_perf_test -p`). Shared by the host's profile parser
// (runners/ort-perf-test/profile-json.ts) and the device runner, which profiles its warm-up; it has no
// imports so that the device runner's bundle carries nothing else.
//
// A node's kernel is a `"cat" : "Node"` event named `<node>_kernel_time` whose `args` hold `provider`,
// `op_name` and the output types; its `<node>_fence_before/after` events hold only `op_name`, and ORT
// 0.4 wrote no `provider` at all. Every run repeats every node, so nodes are counted once by name.

/** One node of the session graph, as its kernel events describe it. */
export interface OrtProfileNode {
  /** The event name without `_kernel_time`. */
  name: string;
  op: string;
  provider: string;
  /** Element types of the outputs (`float`, `int64` ...), when the profile lists them. */
  outputTypes?: string[];
}

interface RawEvent {
  cat?: unknown;
  name?: unknown;
  args?: { provider?: unknown; op_name?: unknown; output_type_shape?: unknown };
}

/** Every node with a provider, once, in order of first appearance, and the `model_run` events seen. */
export function profileNodes(events: readonly unknown[]): { nodes: OrtProfileNode[]; runs: number } {
  const nodes = new Map<string, OrtProfileNode>();
  let runs = 0;
  for (const e of events as RawEvent[]) {
    if (e === null || typeof e !== 'object') continue;
    if (e.name === 'model_run') runs += 1;
    const node = kernelNode(e);
    if (node !== undefined && !nodes.has(node.name)) nodes.set(node.name, node);
  }
  return { nodes: [...nodes.values()], runs };
}

/** Distinct nodes per execution provider. */
export function providerCounts(nodes: readonly OrtProfileNode[]): Record<string, number> {
  const providers: Record<string, number> = {};
  for (const n of nodes) providers[n.provider] = (providers[n.provider] ?? 0) + 1;
  return providers;
}

function kernelNode(e: RawEvent): OrtProfileNode | undefined {
  const provider = e.args?.provider;
  if (e.cat !== 'Node' || typeof e.name !== 'string') return undefined;
  if (typeof provider !== 'string' || provider === '') return undefined;
  const outputTypes = typesOf(e.args?.output_type_shape);
  return {
    name: e.name.replace(/_kernel_time$/, ''),
    op: typeof e.args?.op_name === 'string' ? e.args.op_name : '?',
    provider,
    ...(outputTypes !== undefined ? { outputTypes } : {}),
  };
}

// `output_type_shape` is a list of one-key objects, element type to shape: [{"int64":[2]}].
function typesOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((o: unknown) => (o !== null && typeof o === 'object' ? Object.keys(o) : []));
}
