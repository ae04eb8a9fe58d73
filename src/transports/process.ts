// Running a program on this machine with a timeout that kills its whole process tree. The local
// transport and the host-side tools (QNN converters, qnn-profile-viewer) use it.
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult } from './types.js';

export function runProcess(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runProcess: empty argv');
  const started = performance.now();
  return new Promise((resolve) => {
    // A process group of its own, so a timeout can kill what the command started too.
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      options.onStdout?.(b.toString('utf8'));
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs)
        : undefined;
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | null, spawnError?: Error) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        argv: [...argv],
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: spawnError ? `${Buffer.concat(err).toString('utf8')}${spawnError.message}\n` : Buffer.concat(err).toString('utf8'),
        durationMs: performance.now() - started,
        timedOut,
      });
    };
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT' ? 127 : 126, e));
    child.on('close', (code, signal) => finish(timedOut || options.signal?.aborted || signal ? null : code));
  });
}
