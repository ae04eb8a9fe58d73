// Running a program on this machine (through execa) with a timeout or an abort that kills its whole
// process tree. The local transport and the host-side tools (QNN and SNPE converters, profile
// viewers) use it.
//
// The program runs as the leader of a process group of its own (`detached`), so a stop is one
// SIGKILL to the group: what the program started (a shell's background jobs, a tool's workers) goes
// with it, and nothing is left holding the output pipes open. execa only stops the leader, so the
// group is killed here, on the same AbortSignal execa is given as its `cancelSignal`.
import { execa, type Result } from 'execa';
import type { ExecOptions, ExecResult } from './types.js';

/** The options every host process gets: output kept byte-exact and whole, no input, no shell. */
const BASE = {
  detached: true,
  stdin: 'ignore',
  reject: false,
  stripFinalNewline: false,
  maxBuffer: Number.MAX_SAFE_INTEGER,
  killSignal: 'SIGKILL',
  forceKillAfterDelay: false,
  // execa's exit hook leaves detached processes alone; the stop signal covers a harness that ends.
  cleanup: false,
} as const;

/** SIGKILL to the process group led by `pid` (its leader may be gone while its children are not). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Spawn failures (no such program, not executable) read like the shell's 127 and 126. */
function spawnFailure(r: Result): { exitCode: number; message: string } | undefined {
  if (r.exitCode !== undefined || r.signal !== undefined || r.isCanceled) return undefined;
  const code = (r as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  return { exitCode: code === 'ENOENT' ? 127 : 126, message: r.originalMessage ?? code };
}

function toExecResult(argv: readonly string[], r: Result, stopped: boolean, timedOut: boolean): ExecResult {
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const failed = spawnFailure(r);
  return {
    argv: [...argv],
    exitCode: failed?.exitCode ?? (stopped ? null : (r.exitCode ?? null)),
    signal: r.signal,
    stdout,
    stderr: failed ? `${stderr}${failed.message}\n` : stderr,
    durationMs: r.durationMs,
    timedOut,
  };
}

/**
 * Standard output passed on as it arrives (per-tile progress of a long run) while execa still keeps
 * it whole: a binary transform sees the raw chunks and yields them unchanged; the decoder holds a
 * character split across two chunks until the rest arrives.
 */
function streamTo(onStdout: (chunk: string) => void) {
  const decoder = new TextDecoder();
  return {
    *transform(chunk: unknown) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      if (text !== '') onStdout(text);
      yield chunk;
    },
    binary: true,
  } as const;
}

/** The result of a command stopped before it started: like the other transports, not an error. */
function notStarted(argv: readonly string[]): ExecResult {
  return { argv: [...argv], exitCode: null, signal: undefined, stdout: '', stderr: '', durationMs: 0, timedOut: false };
}

export async function runProcess(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runProcess: empty argv');
  if (options.signal?.aborted) return notStarted(argv);
  // One signal for both ways a command is stopped: the caller's abort and the timeout.
  const stop = new AbortController();
  let timedOut = false;
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, options.timeoutMs)
      : undefined;
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const subprocess = execa(file, args, {
      ...BASE,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      cancelSignal: stop.signal,
      ...(options.onStdout !== undefined ? { stdout: streamTo(options.onStdout) } : {}),
    });
    stop.signal.addEventListener('abort', () => killGroup(subprocess.pid), { once: true });
    const result = await subprocess;
    return toExecResult(argv, result, stop.signal.aborted, timedOut);
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
