// The host side of an end-to-end pipeline run with the `ort-node` runner: push the pipeline runner
// and the pure code it imports, the three (or four) models, the photo, a fixed prompt embedding if the
// pipeline has one, and a run spec; run it through the transport with a progress callback per tile;
// read its lines back and pull the picture it wrote.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, posix } from 'node:path';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import { packageRoot } from '../../paths.js';
import type { PipelineRunSpec } from '../../pipeline/run-spec.js';
import type { TilePlan } from '../../pipeline/tiling.js';
import { localOrtPath, OPTIMIZED_CACHE, type OrtNodeOptions } from './runner.js';
import { saveRawOutput } from '../raw-output.js';
import { pushFiles, pushModel } from '../remote-files.js';
import type { ModelFiles, RunnerContext } from '../types.js';
import {
  parsePipelineLine,
  parsePipelineRun,
  type PipelineRunOutput,
  type PipelineTileTimes,
} from './pipeline-output.js';

export interface PipelineModels {
  encoder: ModelFiles;
  unet: ModelFiles;
  decoder: ModelFiles;
  text?: ModelFiles;
}

export interface PipelineRunRequest {
  models: PipelineModels;
  /** A fixed prompt embedding (.npy) on the host, fed as the U-Net's context; absent: text encoder or seeded. */
  promptEmbedding?: string;
  /** The photo on the host. */
  input: string;
  /** Where the restored picture goes on the host. */
  output: string;
  /** Its format (PNG or JPEG), encoded on the device as an app would. */
  outputFormat: PipelineRunSpec['outputFormat'];
  plan: TilePlan;
  /** The sampler's steps (onnx/denoise-schedule.ts, the same the per-tile graph holds). */
  schedule: PipelineRunSpec['schedule'];
  threads: number;
  seed: number;
  maxMegapixels: number;
  timeoutMs: number;
  onTile?: (t: PipelineTileTimes) => void;
}

/**
 * The pipeline runner as `npm run build` leaves it: one file bundled with the pure code it imports
 * (pixels, blending, codecs' glue, the optimized-graph cache), and a package.json saying it is ESM.
 */
function runnerFiles(): { local: string; remote: string }[] {
  const dist = join(packageRoot(), 'dist', 'device-runner');
  return ['pipeline-runner.js', 'package.json'].map((f) => ({ local: join(dist, f), remote: `device-runner/${f}` }));
}

type ShapeTest = (shape: number[], name: string) => boolean;

function tensorName(m: ModelFiles, which: 'inputs' | 'outputs', test: ShapeTest, what: string): string {
  const t = m[which].find((x) => test(x.shape, x.name));
  if (!t) throw new ModelError(`${m.label}: no ${what} among its ${which} (${m[which].map((x) => x.name).join(', ')})`);
  return t.name;
}

/** A one-input, one-output model as the spec names it. */
function simple(m: ModelFiles, path: string): { path: string; id: string; input: string; output: string } {
  return { path, id: m.sha256, input: m.inputs[0]!.name, output: m.outputs[0]!.name };
}

/** The text encoder: one input, the token ids, integers when the model declares them. */
function textEncoder(m: ModelFiles, path: string): NonNullable<PipelineRunSpec['text']> {
  const integer = m.inputs[0]!.integer;
  return { ...simple(m, path), ...(integer ? { ids: integer } : {}) };
}

type DevicePaths = Record<keyof PipelineModels, string | undefined>;

/** The run spec: device paths and the graphs' tensor names, found by shape rather than assumed. */
function specFor(
  ctx: RunnerContext,
  r: PipelineRunRequest,
  paths: DevicePaths,
  dir: string,
  options: OrtNodeOptions,
): PipelineRunSpec {
  const { encoder, unet, decoder, text } = r.models;
  const context = unet.inputs.find((x) => x.shape.length === 3);
  if (!context) throw new ModelError(`${unet.label}: no text-context input [1, tokens, channels]`);
  const ort = options.ort ?? localOrtPath();
  const { image, tile, overlap, tiles } = r.plan;
  return {
    ort,
    codecs: posix.dirname(ort.replace(/\\/g, '/')),
    ep: options.ep,
    epOptions: options.epOptions,
    threads: r.threads,
    precision: unet.precision,
    seed: r.seed,
    ...(options.cacheOptimizedGraph ? { optimizedCache: posix.join(ctx.workDir, OPTIMIZED_CACHE) } : {}),
    encoder: simple(encoder, paths.encoder!),
    unet: {
      path: paths.unet!,
      id: unet.sha256,
      latent: tensorName(unet, 'inputs', (s) => s.length === 4, 'latent input [1, 4, h, w]'),
      timestep: tensorName(unet, 'inputs', (s) => s.length <= 1, 'timestep input'),
      context: context.name,
      output: unet.outputs[0]!.name,
      contextShape: context.shape,
    },
    decoder: simple(decoder, paths.decoder!),
    ...(text && paths.text ? { text: textEncoder(text, paths.text) } : {}),
    ...(r.promptEmbedding ? { promptEmbedding: posix.join(dir, 'prompt-embedding.npy') } : {}),
    input: posix.join(dir, `input${extname(r.input).toLowerCase() || '.img'}`),
    output: posix.join(dir, r.outputFormat === 'jpeg' ? 'output.jpg' : 'output.png'),
    outputFormat: r.outputFormat,
    maxMegapixels: r.maxMegapixels,
    schedule: r.schedule,
    plan: { width: image.width, height: image.height, tile, overlap, tiles: tiles.map((t) => ({ x: t.x, y: t.y })) },
  };
}

/** Pushes the runner, the models, the photo and the spec; returns the spec and the runner's path. */
async function stage(
  ctx: RunnerContext,
  options: OrtNodeOptions,
  r: PipelineRunRequest,
): Promise<{ spec: PipelineRunSpec; specPath: string; runner: string }> {
  const root = posix.join(ctx.workDir, 'pipeline-runner');
  const dir = posix.join(ctx.workDir, 'pipeline-run');
  mkdirSync(ctx.hostDir, { recursive: true });
  const pkg = join(ctx.hostDir, 'pipeline-runner-package.json');
  writeFileSync(pkg, '{ "type": "module" }\n');
  const files = runnerFiles().map((f) => ({ local: f.local, remote: posix.join(root, f.remote) }));
  await pushFiles(ctx, [...files, { local: pkg, remote: posix.join(root, 'package.json') }]);
  const paths: DevicePaths = { encoder: undefined, unet: undefined, decoder: undefined, text: undefined };
  for (const k of ['encoder', 'unet', 'decoder', 'text'] as const) {
    const m = r.models[k];
    if (m) paths[k] = (await pushModel(ctx, m)).remotePath;
  }
  const spec = specFor(ctx, r, paths, dir, options);
  const specFile = join(ctx.hostDir, 'pipeline-spec.json');
  writeFileSync(specFile, `${JSON.stringify(spec, null, 1)}\n`);
  const specPath = posix.join(dir, 'spec.json');
  // The embedding is data the runner reads, pushed beside the photo on every transport.
  const embedding =
    r.promptEmbedding && spec.promptEmbedding ? [{ local: r.promptEmbedding, remote: spec.promptEmbedding }] : [];
  await pushFiles(ctx, [{ local: r.input, remote: spec.input }, ...embedding, { local: specFile, remote: specPath }]);
  return { spec, specPath, runner: posix.join(root, 'device-runner', 'pipeline-runner.js') };
}

/** Calls `onTile` for every tile line as the output streams in (local runs; others at the end). */
function tileWatcher(onTile: PipelineRunRequest['onTile']): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parsePipelineLine(line);
      if (parsed?.tag === 'tile') onTile?.(parsed.payload as PipelineTileTimes);
    }
  };
}

export async function runPipelineOnDevice(
  ctx: RunnerContext,
  options: OrtNodeOptions,
  r: PipelineRunRequest,
): Promise<PipelineRunOutput> {
  const { spec, specPath, runner } = await stage(ctx, options, r);
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const exec = { timeoutMs: r.timeoutMs, onStdout: tileWatcher(r.onTile), ...signal };
  const res = await ctx.transport.exec([options.node, runner, '--spec', specPath], exec);
  if (res.timedOut) {
    throw new RunnerError('ort-node', `the pipeline run timed out after ${r.timeoutMs} ms on ${ctx.transport.id}`);
  }
  let out: PipelineRunOutput;
  try {
    out = parsePipelineRun(res.stdout);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const file = saveRawOutput(ctx, 'pipeline', res.stdout, res.stderr);
    const why = error.message.replace(/^cannot parse [^:]*: /, '');
    const where = `exit ${res.exitCode}; raw output saved to ${file}`;
    throw new ParseError('pipeline runner output', `${why} (${where})`, error.excerpt);
  }
  if (out.error) {
    const msg = `pipeline run on ${ctx.transport.id}: ${out.error.message}`;
    if (out.error.stage === 'load' || out.error.stage === 'run') throw new ModelError(msg);
    throw new RunnerError('ort-node', msg);
  }
  // The picture arrives under a temporary name and is renamed whole: never half a file at the name.
  mkdirSync(dirname(r.output), { recursive: true });
  const partial = join(dirname(r.output), `.${basename(r.output)}.${process.pid}.part`);
  try {
    await ctx.transport.pull(spec.output, partial, ctx.signal ? { signal: ctx.signal } : undefined);
    renameSync(partial, r.output);
  } finally {
    rmSync(partial, { force: true });
  }
  return out;
}
