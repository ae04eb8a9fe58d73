// Parser of the device runner's line format (src/device-runner/ort-runner.ts):
//
//   NSB-RUNNER/1 start {"runtime":"onnxruntime-node","version":"1.30.0","ep":"cpu","threads":0,...}
//   NSB-RUNNER/1 load <ms>
//   NSB-RUNNER/1 graph online|cached|saved     (optimized graph: built now, loaded from the cache, built and cached)
//   NSB-RUNNER/1 io {"inputs":[{"name","type","shape"}...],"outputs":[...]}
//   NSB-RUNNER/1 warmup <i> <ms>
//   NSB-RUNNER/1 providers {"CPUExecutionProvider":182}
//   NSB-RUNNER/1 sample <i> <ms>
//   NSB-RUNNER/1 rss <bytes>                   (peak resident set size of the process; newer runners)
//   NSB-RUNNER/1 done {"n":28,"reason":"target|max-time|max-iterations","rme":0.0088}
//   NSB-RUNNER/1 error {"stage":"runtime|load|run|runner","message":"..."}
//
// Lines without the prefix are ignored (runtimes print warnings). A run is complete only with a
// `done` line whose count matches the samples seen.
import { ParseError } from '../../errors.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

export const NSB_RUNNER_PREFIX = 'NSB-RUNNER/1';

export interface TensorInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

export interface NsbRunnerOutput {
  /** `spin: false` when idle intra-op threads sleep (`--no-spin`). */
  start?: { runtime: string; version: string; ep: string; threads: number; spin?: false; node?: string };
  loadMs?: number;
  /** Where the optimized graph came from (absent from runners before the cache existed). */
  graph?: 'online' | 'cached' | 'saved';
  io?: { inputs: TensorInfo[]; outputs: TensorInfo[] };
  warmup: number[];
  providers?: Record<string, number>;
  samples: number[];
  /** Peak resident set size of the runner process, bytes. */
  peakRssBytes?: number;
  done?: { n: number; reason: string; rme: number | null };
  error?: { stage: string; message: string };
}

export function parseNsbRunner(capture: CaptureInput): NsbRunnerOutput {
  const stdout = decodeCapture(capture, 'device runner output');
  const out: NsbRunnerOutput = { warmup: [], samples: [] };
  const lines = stdout.split(/\r?\n/);
  for (const line of lines) {
    const at = line.indexOf(NSB_RUNNER_PREFIX);
    if (at < 0) continue;
    const rest = line.slice(at + NSB_RUNNER_PREFIX.length).trim();
    const space = rest.indexOf(' ');
    const tag = space < 0 ? rest : rest.slice(0, space);
    const payload = space < 0 ? '' : rest.slice(space + 1).trim();
    switch (tag) {
      case 'start':
        out.start = json(payload, line) as NsbRunnerOutput['start'];
        break;
      case 'load':
        out.loadMs = num(payload, line);
        break;
      case 'graph':
        if (payload !== 'online' && payload !== 'cached' && payload !== 'saved')
          throw new ParseError('device runner output', `unknown graph source '${payload}'`, line);
        out.graph = payload;
        break;
      case 'io':
        out.io = json(payload, line) as NsbRunnerOutput['io'];
        break;
      case 'warmup':
        out.warmup.push(indexed(payload, out.warmup.length + 1, line));
        break;
      case 'providers':
        out.providers = json(payload, line) as Record<string, number>;
        break;
      case 'sample':
        out.samples.push(indexed(payload, out.samples.length + 1, line));
        break;
      case 'rss':
        out.peakRssBytes = num(payload, line);
        break;
      case 'done':
        out.done = json(payload, line) as NsbRunnerOutput['done'];
        break;
      case 'error':
        out.error = json(payload, line) as NsbRunnerOutput['error'];
        break;
      default:
        throw new ParseError('device runner output', `unknown tag '${tag}'`, line);
    }
  }
  if (out.error) return out;
  if (!out.start)
    throw new ParseError(
      'device runner output',
      'no start line (is this the nanosd-bench device runner?)',
      excerpt(stdout),
    );
  if (!out.done)
    throw new ParseError(
      'device runner output',
      `output ends after ${out.samples.length} samples without a done line (killed or disconnected?)`,
      excerpt(stdout),
    );
  if (out.done.n !== out.samples.length) {
    throw new ParseError(
      'device runner output',
      `done reports ${out.done.n} samples but ${out.samples.length} sample lines arrived`,
      excerpt(stdout),
    );
  }
  return out;
}

function indexed(payload: string, expected: number, line: string): number {
  const [i, v] = payload.split(/\s+/);
  if (Number(i) !== expected)
    throw new ParseError(
      'device runner output',
      `expected iteration ${expected}, got '${i}' (a line is missing)`,
      line,
    );
  return num(v ?? '', line);
}

function num(text: string, line: string): number {
  const v = Number(text);
  if (text === '' || !Number.isFinite(v) || v < 0)
    throw new ParseError('device runner output', `'${text}' is not a duration in ms`, line);
  return v;
}

function json(text: string, line: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ParseError('device runner output', 'payload is not JSON', line);
  }
}

function excerpt(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-3).join('\n').slice(0, 300);
}
