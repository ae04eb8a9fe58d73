// The measured half of `bench pipeline` end to end: where the device's runner can run a loop (the
// `ort-node` runner: local, Macs and Linux boards over SSH), the whole photo is restored on the device
// and timed. Runners that execute one model per process cannot; for them the per-tile graph entry is
// the end-to-end measurement there is.
import { resolve } from 'node:path';
import type { DeviceProfile } from '../devices/schema.js';
import { UsageError } from '../errors.js';
import { denoiseSchedule } from '../onnx/denoise-schedule.js';
import { defaultReportsDir } from '../paths.js';
import { formatOfName, type ImageFormat } from '../pipeline/image-codec.js';
import type { TilePlan } from '../pipeline/tiling.js';
import { bindRunner } from '../runners/registry.js';
import type { OrtNodeOptions } from '../runners/ort-node/runner.js';
import type { PipelineRunOutput, PipelineTileTimes } from '../runners/ort-node/pipeline-output.js';
import { runPipelineOnDevice } from '../runners/ort-node/pipeline-run.js';
import type { RunnerContext } from '../runners/types.js';
import { connectDevice, deviceWorkDir } from './connect-device.js';
import type { ProgressListener } from './events.js';
import type { PipelineModels } from './pipeline-models.js';

export interface EndToEndInput {
  profile: DeviceProfile;
  models: PipelineModels;
  input: string;
  output: string;
  outputFormat: ImageFormat;
  plan: TilePlan;
  steps: number;
  threads: number;
  seed: number;
  maxMegapixels: number;
  timeoutMs: number;
  hostDir: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Why this device cannot run the photo end to end, or undefined when it can. */
export function endToEndUnsupported(profile: DeviceProfile): string | undefined {
  if (profile.runner.name === 'ort-node') return undefined;
  const runner = profile.runner.name;
  return `the ${runner} runner runs one model per process; the per-tile graph entry is its end-to-end measurement`;
}

export async function runEndToEnd(i: EndToEndInput): Promise<PipelineRunOutput> {
  const device = i.profile.name;
  const emit = i.onProgress ?? (() => {});
  const bound = bindRunner(i.profile);
  emit({ type: 'status', device, text: 'restoring the photo end to end' });
  const transport = await connectDevice(i.profile, i.signal);
  const ctx: RunnerContext = {
    transport,
    profile: i.profile,
    workDir: deviceWorkDir(i.profile),
    hostDir: i.hostDir,
    log: (line) => emit({ type: 'status', device, text: line }),
    ...(i.signal ? { signal: i.signal } : {}),
  };
  try {
    // The runner's own readiness check (Node and onnxruntime on the device) before anything is pushed.
    await bound.runner.prepare(ctx, bound.options);
    const started = performance.now();
    return await runPipelineOnDevice(ctx, bound.options as OrtNodeOptions, {
      models: {
        encoder: i.models.encoder.model,
        unet: i.models.unet.model,
        decoder: i.models.decoder.model,
        ...(i.models.text ? { text: i.models.text.model } : {}),
      },
      ...(i.models.promptEmbedding ? { promptEmbedding: i.models.promptEmbedding.path } : {}),
      input: i.input,
      output: i.output,
      outputFormat: i.outputFormat,
      plan: i.plan,
      schedule: denoiseSchedule(i.steps),
      threads: i.threads,
      seed: i.seed,
      maxMegapixels: i.maxMegapixels,
      timeoutMs: i.timeoutMs,
      onTile: (t: PipelineTileTimes) => {
        const ms = t.encodeMs + t.denoiseMs + t.decodeMs + t.blendMs;
        emit({ type: 'tile', device, index: t.index, count: t.count, ms, elapsedMs: performance.now() - started });
      },
    });
  } finally {
    await transport.close().catch(() => {});
  }
}

/** The file name a picture of each format takes. */
const EXTENSION: Record<ImageFormat, string> = { png: '.png', jpeg: '.jpg' };

/**
 * `--format` chooses the picture's format, never the name; a name that promises another one (or none
 * the runner writes) would mislead whatever opens it, so it is refused before any work.
 */
export function checkPictureName(out: string, format: ImageFormat): void {
  const named = formatOfName(out);
  if (named === format) return;
  const name = format === 'png' ? '.png' : '.jpg or .jpeg';
  if (named) {
    throw new UsageError(`--out ${out}: the name says ${named.toUpperCase()} but --format is ${format}`, {
      hint: `add --format ${named}, or name the file ${name}`,
    });
  }
  throw new UsageError(`--out ${out}: the restored picture is ${format.toUpperCase()}; name it ${name}`, {
    hint: 'a folder is for several devices (--device a,b); --format png|jpeg chooses the format',
  });
}

/**
 * Where a device's restored picture goes: `out` itself with one device, a file named after the device
 * in the `out` folder with several, else reports/<device>-pipeline-<W>x<H>.png (.jpg for JPEG).
 */
export function pictureFile(
  out: { file?: string | undefined; format: ImageFormat },
  devices: number,
  device: string,
  plan: TilePlan,
): string {
  if (out.file !== undefined && devices === 1) return resolve(out.file);
  const name = `${device}-pipeline-${plan.image.width}x${plan.image.height}${EXTENSION[out.format]}`;
  return resolve(out.file ?? defaultReportsDir(), name);
}
