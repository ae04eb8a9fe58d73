// The real `bench` command (bin/bench.js -> dist/: build first) run to its end as a user would, for
// the scripts that measure the harness with it: its exit code, its stdout and the wall seconds it took.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benchBin = join(import.meta.dirname, '..', '..', 'bin', 'bench.js');

export interface BenchRun {
  code: number;
  stdout: string;
  seconds: number;
}

/**
 * Runs `bench args`; an exit code `accepts` refuses (by default any but 0) stops the script with
 * bench's stderr. A run ended by a signal has code -1.
 */
export function runBench(args: string[], accepts: (code: number) => boolean = (code) => code === 0): BenchRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, [benchBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    // A LUT or a pipeline run printed with --json can be large.
    maxBuffer: 1 << 28,
  });
  const code = r.status ?? -1;
  if (!accepts(code)) {
    process.stderr.write(r.stderr);
    throw new Error(`bench ${args.join(' ')} exited ${code}`);
  }
  return { code, stdout: r.stdout, seconds: (performance.now() - t) / 1000 };
}
