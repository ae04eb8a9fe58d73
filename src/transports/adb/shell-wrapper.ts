// Legacy `shell:` (the only shell service every adbd has, and the one adbkit speaks) returns no exit
// status and merges stderr into stdout. So each command runs inside a small fixed wrapper that
//   1. prints its own PID (`__NSB_<nonce>_PID=<pid>`) and also writes it to a PID file, so a timeout
//      can kill the process tree even when no output came back;
//   2. runs the command in a subshell with stdin from /dev/null and stderr sent to a temp file (when
//      the temp folder is not writable, stderr stays merged into stdout);
//   3. prints `\n__NSB_<nonce>_RC=<status>` and then the saved stderr.
// The nonce is random per call, so a command cannot fake the markers by accident. The temp folder is
// $TMPDIR, or /data/local/tmp (writable by adb's shell user on every Android) when it is unset. The
// command itself is built by buildCommandLine(): the wrapper text around it is fixed. (The writability
// test uses `true`, not `:`: a failed redirection on a special built-in ends a POSIX shell.)
import { buildCommandLine, type CommandLineOptions } from '../quote.js';

export const DEFAULT_TMP = '/data/local/tmp';

const tmpDirExpr = `\${TMPDIR:-${DEFAULT_TMP}}`;

export function wrapCommand(argv: readonly string[], options: CommandLineOptions, nonce: string): string {
  if (!/^[0-9a-f]{8,32}$/.test(nonce)) throw new Error(`wrapCommand: bad nonce ${JSON.stringify(nonce)}`);
  const command = buildCommandLine(argv, options);
  return [
    `d=${tmpDirExpr}; p="$d/.nsb-${nonce}.pid"; e="$d/.nsb-${nonce}.err"`,
    `echo $$ 2>/dev/null >"$p"`,
    `echo "__NSB_${nonce}_PID=$$"`,
    `if { true >"$e"; } 2>/dev/null; then exec 3>"$e"; else e=; exec 3>&1; fi`,
    `(${command}) </dev/null 2>&3 3>&-`,
    `r=$?`,
    `exec 3>&-`,
    `printf '\\n__NSB_${nonce}_RC=%s\\n' "$r"`,
    `if [ -s "$e" ]; then cat "$e"; fi`,
    `rm -f "$p" "$e"`,
  ].join('; ');
}

export interface WrappedOutput {
  /** PID of the wrapper shell on the device, once its first line arrived. */
  pid: number | undefined;
  stdout: Buffer;
  /** Empty when the device could not keep stderr apart (then it is inside stdout). */
  stderr: Buffer;
  /** Present only when the command ran to the end. */
  exitCode: number | undefined;
}

/** The PID line, as soon as it has arrived (the wrapper prints it first). */
export function readPid(output: Buffer, nonce: string): number | undefined {
  const match = new RegExp(`__NSB_${nonce}_PID=(\\d+)\\n`).exec(output.subarray(0, 256).toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

export function parseWrappedOutput(output: Buffer, nonce: string): WrappedOutput {
  const pidMarker = Buffer.from(`__NSB_${nonce}_PID=`);
  const rcMarker = Buffer.from(`\n__NSB_${nonce}_RC=`);
  let start = 0;
  let pid: number | undefined;
  const pidAt = output.indexOf(pidMarker);
  if (pidAt >= 0) {
    const lineEnd = output.indexOf(0x0a, pidAt);
    if (lineEnd >= 0) {
      pid = Number(output.subarray(pidAt + pidMarker.length, lineEnd).toString('latin1'));
      start = lineEnd + 1;
    } else {
      start = output.length;
    }
  }
  const rcAt = output.lastIndexOf(rcMarker);
  if (rcAt < start) return { pid, stdout: output.subarray(start), stderr: Buffer.alloc(0), exitCode: undefined };
  const rcEnd = output.indexOf(0x0a, rcAt + rcMarker.length);
  if (rcEnd < 0) return { pid, stdout: output.subarray(start, rcAt), stderr: Buffer.alloc(0), exitCode: undefined };
  const exitCode = Number(output.subarray(rcAt + rcMarker.length, rcEnd).toString('latin1'));
  return {
    pid,
    stdout: output.subarray(start, rcAt),
    stderr: output.subarray(rcEnd + 1),
    exitCode: Number.isInteger(exitCode) ? exitCode : undefined,
  };
}

/** Lists the processes (and the wrapper's PID file) so the host can pick the tree to kill. Fixed text. */
export function processListArgv(nonce: string): string[] {
  return [
    'sh',
    '-c',
    `d=${tmpDirExpr}; echo "pidfile $(cat "$d/.nsb-$1.pid" 2>/dev/null)"; cat /proc/[0-9]*/stat 2>/dev/null; true`,
    'sh',
    nonce,
  ];
}

/** Kills the given PIDs, prints what the command had written to stderr, removes the temp files. */
export function killArgv(nonce: string, pids: readonly number[]): string[] {
  return [
    'sh',
    '-c',
    `n=$1; shift; [ $# -eq 0 ] || kill -9 "$@" 2>/dev/null; d=${tmpDirExpr}; cat ` +
      `"$d/.nsb-$n.err" 2>/dev/null; rm -f "$d/.nsb-$n.pid" "$d/.nsb-$n.err"; true`,
    'sh',
    nonce,
    ...pids.map(String),
  ];
}
