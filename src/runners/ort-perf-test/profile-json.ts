// Parser for ONNX Runtime's session profiling JSON (`onnxruntime_perf_test -p <prefix>`, or
// SessionOptions.enable_profiling): which execution provider ran each node of the graph. Pure.
//
// Format (device-tools.md §1.5; written by ORT's core/common/profiler.cc EndProfiling): a JSON array
// with one event object per line and a non-standard `"key" :value` spacing, times in µs. Nodes and
// their providers are read from the events by parsing/ort-profile-nodes.ts, which the device runner
// shares. A partition compiled by an EP (QNN, NNAPI) is one node.
import { ParseError } from '../../errors.js';
import { headExcerpt } from '../../parsing/text.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';
import { profileNodes, providerCounts, type OrtProfileNode } from '../../parsing/ort-profile-nodes.js';

const WHAT = 'ONNX Runtime profiling JSON';
export const CPU_EP = 'CPUExecutionProvider';

export interface OrtProfilePlacement {
  /** Every node with a provider, once, in order of first appearance. */
  nodes: OrtProfileNode[];
  /** Distinct nodes per execution provider. */
  providers: Record<string, number>;
  /** `model_run` events: the runs the profile covers (perf_test's warm-up included). */
  runs: number;
}

/**
 * Reads a profiling file. Throws ParseError when the text is not a JSON array of events (an empty
 * file is what an Android build leaves when the session is never released, microsoft/onnxruntime#10975).
 */
export function parseOrtProfile(capture: CaptureInput): OrtProfilePlacement {
  const text = decodeCapture(capture, 'onnxruntime profile JSON');
  if (text.trim() === '') throw new ParseError(WHAT, 'the file is empty (ORT writes it when the session ends)');
  let events: unknown;
  try {
    events = JSON.parse(text);
  } catch (error) {
    throw new ParseError(WHAT, `not JSON (${(error as Error).message})`, headExcerpt(text, 3));
  }
  if (!Array.isArray(events)) throw new ParseError(WHAT, 'not an array of trace events', headExcerpt(text, 3));
  const { nodes, runs } = profileNodes(events);
  return { nodes, providers: providerCounts(nodes), runs };
}

// ---------------------------------------------------------------------------------------------------
// CPU fallback

/** What the profile says about work left to ORT's CPU EP. */
export interface CpuPlacementVerdict {
  /** true: nodes doing the model's work ran on the CPU EP; false: none did; undefined: the profile
   * names no provider (ORT 0.4 layout, or no run was profiled). */
  fellBack: boolean | undefined;
  /** Human-readable lines the verdict rests on. */
  evidence: string[];
  providers: Record<string, number>;
  /** CPU EP nodes that count as fallback. */
  cpuNodes: OrtProfileNode[];
  /** CPU EP nodes that only compute shapes (every output int64 or int32). Accelerator EPs do not take
   * such integer arithmetic and ORT even moves it to the CPU on purpose (GetCpuPreferredNodes); it
   * costs microseconds and is not the fallback the flag warns about, so it is listed, not counted. */
  cpuShapeNodes: OrtProfileNode[];
}

const SHAPE_TYPES: readonly string[] = ['int64', 'int32'];
const NAMES_SHOWN = 10;

function isShapeArithmetic(n: OrtProfileNode): boolean {
  return n.outputTypes !== undefined && n.outputTypes.length > 0 && n.outputTypes.every((t) => SHAPE_TYPES.includes(t));
}

/** Judges a parsed profile: did nodes that do the model's work run on CPUExecutionProvider? */
export function cpuPlacement(p: OrtProfilePlacement): CpuPlacementVerdict {
  const onCpu = p.nodes.filter((n) => n.provider === CPU_EP);
  const cpuShapeNodes = onCpu.filter(isShapeArithmetic);
  const cpuNodes = onCpu.filter((n) => !isShapeArithmetic(n));
  const base = { providers: p.providers, cpuNodes, cpuShapeNodes };
  if (p.nodes.length === 0) {
    return { ...base, fellBack: undefined, evidence: ['ORT profile: no node event names its execution provider'] };
  }
  const total = p.nodes.length;
  const shapeNote =
    cpuShapeNodes.length > 0
      ? ` (${cpuShapeNodes.length} shape-computation node(s) on the CPU not counted: ${opSummary(cpuShapeNodes)})`
      : '';
  if (cpuNodes.length === 0) {
    return {
      ...base,
      fellBack: false,
      evidence: [
        `ORT profile: no node ran on ${CPU_EP}; nodes per provider: ${providerSummary(p.providers)}${shapeNote}`,
      ],
    };
  }
  const names = cpuNodes
    .slice(0, NAMES_SHOWN)
    .map((n) => n.name)
    .join(', ');
  const more = cpuNodes.length > NAMES_SHOWN ? ` and ${cpuNodes.length - NAMES_SHOWN} more` : '';
  return {
    ...base,
    fellBack: true,
    evidence: [
      `ORT profile: ${cpuNodes.length} of ${total} nodes ran on ${CPU_EP} (${opSummary(cpuNodes)}); ` +
        `nodes per provider: ${providerSummary(p.providers)}${shapeNote}`,
      `ORT profile: nodes on ${CPU_EP}: ${names}${more}`,
    ],
  };
}

/** `GroupNormalization x2, Softmax` in order of first appearance. */
function opSummary(nodes: OrtProfileNode[]): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.op, (counts.get(n.op) ?? 0) + 1);
  return [...counts].map(([op, k]) => (k > 1 ? `${op} x${k}` : op)).join(', ');
}

function providerSummary(providers: Record<string, number>): string {
  return Object.entries(providers)
    .map(([p, k]) => `${p} ${k}`)
    .join(', ');
}
