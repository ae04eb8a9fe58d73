// What the two Qualcomm SDK runners (qnn-net-run, snpe-net-run) share, because both run a tool of an
// SDK unpacked on the host: the SDK's layout (host tools for Linux x86_64, device files for Android
// aarch64, its version), the options every such runner has (host cache, raw-input seed, converter and
// tool arguments), the SDK looked up once per device run, and on the phone the runtime folder in the
// work folder with the tool in it, the pushed-once runtime probed with --version and the run outputs
// removed at the end.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { z } from 'zod';
import { RunnerError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { expandDeviceEnv, expandHostPath, pushRuntime, startFailure, type RuntimeFile } from './device-tool.js';
import type { RunnerContext } from './types.js';

export const HOST_TARGET = 'x86_64-linux-clang';
export const DEVICE_TARGET = 'aarch64-android';

/** The SDK's version from sdk.yaml (`version: 2.39.0.250926`), else the folder name. */
export function sdkVersion(root: string): string {
  const yaml = join(root, 'sdk.yaml');
  if (existsSync(yaml)) {
    const m = /^version:\s*["']?([^"'\s]+)/m.exec(readFileSync(yaml, 'utf8'));
    if (m) return m[1]!;
  }
  return basename(root);
}

/** The files pushed to the phone: every required one and the optional ones this SDK has, flat. */
export function sdkDeviceFiles(root: string, required: readonly string[], optional: readonly string[]): RuntimeFile[] {
  return [...required, ...optional.filter((f) => existsSync(join(root, f)))].map((f) => ({
    local: join(root, f),
    rel: basename(f),
  }));
}

export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** The options both runners' schemas end with, in this order. */
export const sdkRunnerOptionFields = {
  /** Host folder for converted models and raw inputs; default .cache/qnn or .cache/snpe in the package. */
  cacheDir: z.string().min(1).optional(),
  /** Seed of the raw input files. */
  inputSeed: z.number().int().nonnegative().default(1),
  /**
   * Environment of every device run; `{runtime}` is the pushed runtime folder (default:
   * LD_LIBRARY_PATH, and ADSP_LIBRARY_PATH where the Hexagon DSP runs).
   */
  env: z.record(envName, z.string()).default({}),
  /** More arguments for the SDK's ONNX converter (qnn-onnx-converter, snpe-onnx-to-dlc). */
  converterArgs: z.array(z.string()).default([]),
  /** More arguments for the tool on the phone (qnn-net-run, snpe-net-run). */
  extraArgs: z.array(z.string()).default([]),
  /** Cap for each host conversion step, ms. */
  convertTimeoutMs: z.number().int().positive().default(1_800_000),
};

type SdkRunnerOptions = { cacheDir?: string | undefined; env: Record<string, string> };

/** Where a run's files are on the phone: the runtime folder (the tool's working directory) and models. */
export interface SdkLayout {
  runtime: string;
  binary: string;
  env: Record<string, string>;
  models: string;
}

/** `<workDir>/<folder>` holding `tool`, `<workDir>/<folder>-models`, and the run's environment. */
export function sdkLayout(
  ctx: RunnerContext,
  o: SdkRunnerOptions,
  names: { folder: string; tool: string },
  defaultEnv: Record<string, string>,
): SdkLayout {
  const runtime = posix.join(ctx.workDir, names.folder);
  return {
    runtime,
    binary: posix.join(runtime, names.tool),
    env: expandDeviceEnv({ ...defaultEnv, ...o.env }, { runtime, workDir: ctx.workDir }),
    models: posix.join(ctx.workDir, `${names.folder}-models`),
  };
}

/** The host cache of converted models: runner.options.cacheDir, else .cache/<folder> in the package. */
export function sdkCacheDir(runner: string, ctx: RunnerContext, o: SdkRunnerOptions, folder: string): string {
  if (o.cacheDir !== undefined) return expandHostPath(runner, ctx, 'cacheDir', o.cacheDir);
  return join(packageRoot(), '.cache', folder);
}

/** `locate` called once per device run (prepare) and its SDK kept for stage and run. */
export function sdkPerRun<O, S>(locate: (ctx: RunnerContext, o: O) => S): (ctx: RunnerContext, o: O) => S {
  const sdks = new WeakMap<RunnerContext, S>();
  return (ctx, o) => {
    let sdk = sdks.get(ctx);
    if (sdk === undefined) {
      sdk = locate(ctx, o);
      sdks.set(ctx, sdk);
    }
    return sdk;
  };
}

/** Pushes the runtime (once per device) and checks that its tool starts; returns the runtime's hash. */
export async function pushSdkRuntime(
  runner: string,
  ctx: RunnerContext,
  files: RuntimeFile[],
  l: SdkLayout,
  hint?: string,
): Promise<string> {
  const pushed = await pushRuntime(runner, ctx, files, l.runtime, [posix.basename(l.binary)]);
  const probe = await ctx.transport.exec([l.binary, '--version'], { cwd: l.runtime, env: l.env, timeoutMs: 60_000 });
  const failed = probe.timedOut ? 'it did not answer --version within 60 s' : startFailure(probe);
  if (failed !== undefined) {
    const message = `cannot start ${l.binary} on ${ctx.transport.id}: ${failed}`;
    throw new RunnerError(runner, message, hint !== undefined ? { hint } : {});
  }
  return pushed.sha256;
}

/** Removes what the runs left in the runtime folder's `out`. */
export async function removeRunOutputs(ctx: RunnerContext, l: SdkLayout): Promise<void> {
  await ctx.transport.exec(['rm', '-rf', posix.join(l.runtime, 'out')], { timeoutMs: 30_000 });
}
