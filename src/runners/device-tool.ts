// What the runners that drive a vendor benchmark tool on the device (ort-perf-test, qnn-net-run,
// snpe-net-run, tflite-benchmark) share: host folders named in a profile, a runtime folder pushed once
// per device, library-path variables filled in per run, a tool that timed out or cannot start, and
// processes repeated when a tool prints only an aggregate.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { ParseError, RunnerError } from '../errors.js';
import { sha256File, sha256Hex } from '../hashing.js';
import type { ExecResult } from '../transports/types.js';
import { checkExit } from './check-exit.js';
import { saveRawOutput } from './raw-output.js';
import { reachedTargetMargin } from '../stats/index.js';
import type { RunOutput, RunnerContext, RunRequest } from './types.js';

export type { RunnerCheck } from './types.js';

/**
 * A host path from a profile option: `$VAR` / `${VAR}` from the environment, `~/` for the home
 * folder, relative paths from the profile's folder (so a profile and its runtime can travel together).
 */
export function expandHostPath(
  runner: string,
  ctx: Pick<RunnerContext, 'profile'>,
  key: string,
  value: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const expanded = value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const v = env[name];
      if (v === undefined || v === '') {
        throw new RunnerError(
          runner,
          `runner.options.${key} (${value}) in ${ctx.profile.file} ` +
            `needs the environment variable ${name}, which is not set`,
          {
            hint:
              `export ${name}=<folder> (or write the folder into ` +
              `runner.options.${key}), then run \`bench devices\``,
          },
        );
      }
      return v;
    },
  );
  const home = expanded === '~' || expanded.startsWith('~/') ? join(homedir(), expanded.slice(1)) : expanded;
  return isAbsolute(home) ? home : resolve(dirname(ctx.profile.file), home);
}

export interface RuntimeFile {
  /** File on the host. */
  local: string;
  /** Path inside the remote runtime folder, forward slashes. */
  rel: string;
}

/** Every file under a host folder (symbolic links followed), sorted, as runtime files. */
export function listRuntimeFolder(dir: string): RuntimeFile[] {
  const out: RuntimeFile[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push({ local: path, rel: relative(dir, path).split('\\').join('/') });
    }
  };
  walk(dir);
  return out;
}

/** Names from `required` that are not at the top of the runtime (where LD_LIBRARY_PATH points). */
export function missingFiles(files: RuntimeFile[], required: readonly string[]): string[] {
  const have = new Set(files.map((f) => f.rel));
  return required.filter((r) => !have.has(r));
}

export interface RuntimePush {
  /** sha256 over the names, sizes and contents of every file: identifies the runtime build. */
  sha256: string;
  /** False when the device already held exactly this runtime (one `cat`, nothing pushed). */
  pushed: boolean;
  files: number;
  bytes: number;
}

const STAMP = '.nsb-runtime.sha256';

/** The runtime's identity: one hash over every file's path, size and sha256. */
export async function runtimeHash(files: RuntimeFile[]): Promise<string> {
  const lines: string[] = [];
  for (const f of files) lines.push(`${f.rel}\t${statSync(f.local).size}\t${await sha256File(f.local)}`);
  return sha256Hex(lines.join('\n'));
}

/** Whether the device already holds the runtime with this hash (its stamp file says so). */
export async function remoteRuntimeMatches(ctx: RunnerContext, remoteDir: string, sha256: string): Promise<boolean> {
  const stamp = await ctx.transport.exec(['cat', posix.join(remoteDir, STAMP)], { timeoutMs: 30_000 });
  return stamp.exitCode === 0 && stamp.stdout.trim() === sha256;
}

/**
 * Pushes a runtime (binary + libraries) to `remoteDir` once per device: a stamp file holding the
 * runtime's hash is written last, so an unchanged runtime costs one `cat`, and a push cut short is
 * completed next time (each file push skips files the device already holds). `executables` are made
 * executable on the device whatever their mode on the host (archives often lose the bit).
 */
export async function pushRuntime(
  runner: string,
  ctx: RunnerContext,
  files: RuntimeFile[],
  remoteDir: string,
  executables: readonly string[],
): Promise<RuntimePush> {
  const sha256 = await runtimeHash(files);
  const bytes = files.reduce((a, f) => a + statSync(f.local).size, 0);
  if (await remoteRuntimeMatches(ctx, remoteDir, sha256)) return { sha256, pushed: false, files: files.length, bytes };
  ctx.log(`pushing the runtime (${files.length} files, ${(bytes / 1048576).toFixed(1)} MiB) to ${remoteDir}`);
  for (const f of files)
    await ctx.transport.push(f.local, posix.join(remoteDir, f.rel), ctx.signal ? { signal: ctx.signal } : {});
  const stampPath = posix.join(remoteDir, STAMP);
  const script = 'chmod 755 "$@" || exit 1; printf %s "$STAMP_VALUE" > "$STAMP_FILE"';
  const r = await ctx.transport.exec(['sh', '-c', script, 'sh', ...executables.map((e) => posix.join(remoteDir, e))], {
    timeoutMs: 30_000,
    env: { STAMP_VALUE: sha256, STAMP_FILE: stampPath },
  });
  const what = `making ${executables.join(', ')} executable in ${remoteDir}`;
  checkExit(r, { runner, what, where: ctx.transport.id });
  return { sha256, pushed: true, files: files.length, bytes };
}

/**
 * Fills `{runtime}` and `{workDir}` into library-path variables. A runtime path holding a list
 * separator (`:` for LD_LIBRARY_PATH, `;` for ADSP_LIBRARY_PATH) would be split by the loader, so it
 * is given as `.` instead: the tools run with the runtime folder as their working directory.
 */
export function expandDeviceEnv(
  env: Record<string, string>,
  vars: { runtime?: string; workDir: string },
): Record<string, string> {
  const runtime = vars.runtime === undefined ? undefined : /[:;]/.test(vars.runtime) ? '.' : vars.runtime;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === '') continue;
    if (value.includes('{runtime}') && runtime === undefined) continue;
    out[name] = value
      .split('{runtime}')
      .join(runtime ?? '')
      .split('{workDir}')
      .join(vars.workDir);
  }
  return out;
}

/** The first line a failed command left, for messages. */
export function firstLine(r: ExecResult): string {
  return (
    (r.stderr || r.stdout)
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? `exit ${r.exitCode}`
  );
}

// What the shell prints when a program is missing or cannot be executed (exit 126/127), and what the
// Android and glibc loaders print when a library is missing or the binary is for another ABI.
const NOT_STARTED = /not found|No such file|cannot execute|Permission denied|exec format error/i;
const LOADER = /CANNOT LINK EXECUTABLE|library "[^"]+" not found|cannot open shared object file|exec format error/i;

/** Set when the tool itself could not start (missing binary or library, wrong ABI), not when it ran and failed. */
export function startFailure(r: ExecResult): string | undefined {
  if (r.timedOut || r.exitCode === 0) return undefined;
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const loader = lines.find((l) => LOADER.test(l));
  if (loader !== undefined) return loader;
  if (r.exitCode === 126 || r.exitCode === 127)
    return lines.find((l) => NOT_STARTED.test(l)) ?? lines[0] ?? `exit ${r.exitCode}`;
  return undefined;
}

/**
 * Fails on a tool run that timed out (the process was killed; its output so far is kept beside the
 * journal) or that could not start at all. A run that started and failed is left to the caller.
 */
export function checkStarted(
  runner: string,
  ctx: RunnerContext,
  r: ExecResult,
  run: { binary: string; label: string; timeoutMs: number; hint?: string },
): void {
  if (r.timedOut) {
    const file = saveRawOutput(ctx, run.label, r.stdout, r.stderr);
    throw new RunnerError(
      runner,
      `timed out after ${run.timeoutMs} ms on ${ctx.transport.id} ` +
        `running ${run.label}; the process was killed (its output so far: ${file})`,
      run.hint !== undefined ? { hint: run.hint } : {},
    );
  }
  const cannotStart = startFailure(r);
  if (cannotStart !== undefined)
    throw new RunnerError(runner, `cannot start ${run.binary} on ${ctx.transport.id}: ${cannotStart}`);
}

/** A name for files the runner creates on the device: the model label made safe, plus a nonce. */
export function runFileName(label: string, extension: string): string {
  return `${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${randomBytes(4).toString('hex')}${extension}`;
}

/**
 * For tools that print only an average per process: start processes until the request's minimum
 * count is reached and the margin is met, or its time or count cap is hit. Each process is one
 * sample (kind `process`); the last process's extras are kept.
 */
export async function repeatProcesses(request: RunRequest, once: () => Promise<RunOutput>): Promise<RunOutput> {
  const samples: number[] = [];
  let last: RunOutput | undefined;
  let cpuFallback = false;
  let time = 0;
  while (samples.length < Math.max(1, request.maxIterations)) {
    last = await once();
    // A process that reports nothing would otherwise be started again forever.
    if (last.samples.length === 0) throw new ParseError('the benchmark tool output', 'a run reported no samples');
    samples.push(...last.samples);
    cpuFallback ||= last.cpuFallback === true;
    time += last.samples.reduce((a, b) => a + b, 0);
    if (samples.length >= request.minIterations) {
      if (reachedTargetMargin(samples, request.targetRme)) break;
      if (time >= request.maxTimeMs) break;
      if (request.targetRme === 0) break;
    }
  }
  return {
    ...last!,
    kind: 'process',
    samples,
    ...(last!.cpuFallback !== undefined || cpuFallback ? { cpuFallback } : {}),
  };
}

/** Whether a host folder exists (for messages that say which one is missing). */
export function folderExists(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export interface HostRuntime {
  /** The host folder, expanded. */
  dir: string;
  files: RuntimeFile[];
}

/**
 * The runtime folder a profile names, checked on the host: it must exist and hold the binary and the
 * `required` libraries. Each problem is a RunnerError naming the folder, the option and what is missing.
 */
export function resolveRuntimeFolder(
  runner: string,
  ctx: Pick<RunnerContext, 'profile'>,
  option: string,
  binary: string,
  required: readonly string[],
  what: string,
): HostRuntime {
  const dir = expandHostPath(runner, ctx, 'runtimeDir', option);
  if (!folderExists(dir)) {
    throw new RunnerError(
      runner,
      `the runtime folder ${dir} (runner.options.runtimeDir in ${ctx.profile.file}) does not exist`,
      {
        hint:
          `put ${what} there, or point runner.options.runtimeDir at ` +
          `the folder that holds them; then run \`bench devices\``,
      },
    );
  }
  const files = listRuntimeFolder(dir);
  const missing = missingFiles(files, [binary, ...required]);
  if (missing.length > 0) {
    throw new RunnerError(runner, `the runtime folder ${dir} lacks ${missing.join(', ')}`, {
      hint: `copy ${missing.length === 1 ? 'it' : 'them'} into ${dir} (${what}); then run \`bench devices\``,
    });
  }
  return { dir, files };
}
