// Parser of the end-to-end pipeline runner's lines (src/device-runner/pipeline-runner.ts):
//
//   NSB-PIPELINE/1 start {"version":"1.30.0","node":"v20.20.0","ep":"cpu","threads":0,"pid":123}
//   NSB-PIPELINE/1 load {"encoder":812.1,"unet":1904.2,"decoder":990.4}
//   NSB-PIPELINE/1 warmup {"encoder":402.5,"unet":1210.7,"decoder":655.0}   (one run each, before the clock)
//   NSB-PIPELINE/1 image {"width":320,"height":224,"format":"png","decodeMs":3.1}
//   NSB-PIPELINE/1 tile {"index":0,"count":6,"encodeMs":..,"denoiseMs":..,"decodeMs":..,"blendMs":..}
//   NSB-PIPELINE/1 done {"wallMs":..,"stages":{...},"tiles":6,"peakRssBytes":..,"output":"/path/out.png"}
//   NSB-PIPELINE/1 error {"stage":"runtime|load|decode|run|runner","message":"..."}
//
// Lines without the prefix are ignored (runtimes print warnings). A run is complete only with a
// `done` line whose tile count matches the tile lines seen, in order.
import { ParseError } from '../../errors.js';

export const NSB_PIPELINE_PREFIX = 'NSB-PIPELINE/1';
const WHAT = 'pipeline runner output';
const bad = (problem: string, excerpt: string) => new ParseError(WHAT, problem, excerpt);

export interface PipelineTileTimes {
  index: number;
  count: number;
  encodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  blendMs: number;
}

export interface PipelineStageTimes {
  decode: number;
  text: number;
  encode: number;
  denoise: number;
  decodeVae: number;
  blend: number;
  write: number;
}

export interface PipelineRunOutput {
  start?: { version: string; node: string; ep: string; threads: number; pid: number };
  load?: Record<string, number>;
  /** The first run of each model, before the clock started. */
  warmup?: Record<string, number>;
  image?: { width: number; height: number; format: string; decodeMs: number };
  tiles: PipelineTileTimes[];
  done?: { wallMs: number; stages: PipelineStageTimes; tiles: number; peakRssBytes: number; output: string };
  error?: { stage: string; message: string };
}

/** Parses one line; undefined for lines that are not the runner's. Used for progress while it runs. */
export function parsePipelineLine(line: string): { tag: string; payload: unknown } | undefined {
  const at = line.indexOf(NSB_PIPELINE_PREFIX);
  if (at < 0) return undefined;
  const rest = line.slice(at + NSB_PIPELINE_PREFIX.length).trim();
  const space = rest.indexOf(' ');
  const tag = space < 0 ? rest : rest.slice(0, space);
  const text = space < 0 ? '' : rest.slice(space + 1);
  try {
    return { tag, payload: JSON.parse(text) as unknown };
  } catch {
    throw bad('payload is not JSON', line);
  }
}

const STAGES: (keyof PipelineStageTimes)[] = ['decode', 'text', 'encode', 'denoise', 'decodeVae', 'blend', 'write'];

export function parsePipelineRun(stdout: string): PipelineRunOutput {
  const out: PipelineRunOutput = { tiles: [] };
  for (const line of stdout.split(/\r?\n/)) {
    const parsed = parsePipelineLine(line);
    if (!parsed) continue;
    const p = parsed.payload as Record<string, unknown>;
    switch (parsed.tag) {
      case 'start':
        out.start = p as PipelineRunOutput['start'];
        break;
      case 'load':
        out.load = p as Record<string, number>;
        break;
      case 'warmup':
        out.warmup = p as Record<string, number>;
        break;
      case 'image':
        out.image = p as PipelineRunOutput['image'];
        break;
      case 'tile': {
        const t = p as unknown as PipelineTileTimes;
        if (t.index !== out.tiles.length) {
          throw bad(`expected tile ${out.tiles.length}, got ${t.index} (a line is missing)`, line);
        }
        for (const k of ['encodeMs', 'denoiseMs', 'decodeMs', 'blendMs'] as const) checkMs(t[k], k, line);
        out.tiles.push(t);
        break;
      }
      case 'done': {
        const d = p as unknown as NonNullable<PipelineRunOutput['done']>;
        checkMs(d.wallMs, 'wallMs', line);
        for (const k of STAGES) checkMs(d.stages?.[k], `stages.${k}`, line);
        out.done = d;
        break;
      }
      case 'error':
        out.error = p as PipelineRunOutput['error'];
        break;
      default:
        throw bad(`unknown tag '${parsed.tag}'`, line);
    }
  }
  if (out.error) return out;
  if (!out.start) throw bad('no start line (is this the nanosd-bench pipeline runner?)', tail(stdout));
  if (!out.done) {
    const why = `output ends after ${out.tiles.length} tiles without a done line (killed or disconnected?)`;
    throw bad(why, tail(stdout));
  }
  if (out.done.tiles !== out.tiles.length) {
    throw bad(`done reports ${out.done.tiles} tiles but ${out.tiles.length} tile lines arrived`, tail(stdout));
  }
  return out;
}

function checkMs(v: unknown, what: string, line: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`${what} is not a duration in ms`, line);
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n').slice(0, 300);
}
