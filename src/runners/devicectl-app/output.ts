// What the `devicectl-app` runner reads from the bench app's console beyond what
// parseDevicectlAppOutput returns: the optional NSBENCH/1 additions documented in
// docs/ios-bench-app.md (the `runtime` header key and the `providers` line). Version 1 lets such
// additions be ignored by readers that do not know them, so they are read here, after the parser
// accepted the run. Pure.
import type { ExecResult } from '../../transports/types.js';
import type { ComputeUnits } from './parser.js';

/** The value ONNX Runtime's CoreML EP takes for its `MLComputeUnits` option, per compute-units name. */
export const ORT_COREML_COMPUTE_UNITS: Record<ComputeUnits, string> = {
  all: 'ALL',
  cpuOnly: 'CPUOnly',
  cpuAndGPU: 'CPUAndGPU',
  cpuAndNeuralEngine: 'CPUAndNeuralEngine',
};

const tagged = (kind: string) => new RegExp(`(?:^|[^\\w/])NSBENCH/1 ${kind} (.*)$`);

function taggedJson(text: string, kind: string): unknown {
  const re = tagged(kind);
  for (const line of text.split(/\r?\n/)) {
    const m = re.exec(line.trimEnd());
    if (!m) continue;
    try {
      return JSON.parse(m[1]!);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface BenchAppExtras {
  /** The inference runtime the app embeds, e.g. `onnxruntime 1.22.0` (header key `runtime`). */
  runtime?: string;
  /** Nodes per execution provider, from the app's profile of its warm-ups (`providers` line). */
  providers?: Record<string, number>;
}

export function readBenchAppExtras(text: string): BenchAppExtras {
  const out: BenchAppExtras = {};
  const header = taggedJson(text, 'header') as { runtime?: unknown } | undefined;
  if (typeof header?.runtime === 'string' && header.runtime !== '') out.runtime = header.runtime;
  const providers = taggedJson(text, 'providers');
  if (providers && typeof providers === 'object' && !Array.isArray(providers)) {
    const counts = Object.entries(providers as Record<string, unknown>).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isInteger(e[1]) && e[1] >= 0,
    );
    if (counts.length > 0) out.providers = Object.fromEntries(counts);
  }
  return out;
}

/** The app starts its error message with `load:` when the model itself cannot be loaded (no retry helps). */
export function isModelLoadError(appMessage: string): boolean {
  return /^load:/i.test(appMessage.trim());
}

/** Nodes the CPU ran although an accelerator was asked for (0 when the counts are unknown). */
export function cpuNodes(providers: Record<string, number> | undefined): number {
  return Object.entries(providers ?? {})
    .filter(([p]) => /^CPU/i.test(p))
    .reduce((a, [, n]) => a + n, 0);
}

/** The last line a failed command printed: its error output first (devicectl writes ERROR: lines there). */
export function lastLine(r: Pick<ExecResult, 'stdout' | 'stderr'>): string {
  const last = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .pop();
  return last(r.stderr) ?? last(r.stdout) ?? '(no output)';
}
