// Why a command did not succeed, read from its result on any transport: the one error a failed
// command becomes. Runners raise a RunnerError with it as the cause (runners/check-exit.ts), so the
// message stays one line while the argv, exit code, signal and stderr stay at hand for diagnosis.
import { quoteArg } from './quote.js';
import type { ExecResult } from './types.js';

/** Where the SDKs' host tools and the adb server run, as messages say it. */
export const HOST = 'the host';

/** Lines of stderr kept, and at most this many characters of them. */
const TAIL_LINES = 20;
const TAIL_CHARS = 4_000;
/** A command as messages show it, cut to a readable length. */
const COMMAND_CHARS = 120;

function lastLines(text: string): string {
  const lines = text.trimEnd().split('\n');
  const tail = lines.slice(-TAIL_LINES).join('\n');
  return tail.length > TAIL_CHARS ? tail.slice(-TAIL_CHARS) : tail;
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
}

export class CommandError extends Error {
  readonly argv: readonly string[];
  /** null when the command did not exit on its own (see ExecResult). */
  readonly exitCode: number | null;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** The last lines of stderr, as the command left them. */
  readonly stderrTail: string;
  /** Where it ran: a transport id, or HOST. */
  readonly where: string;
  /** The first line that says why: stderr's, else stdout's, else the status. */
  readonly reason: string;

  constructor(result: ExecResult, where: string) {
    const status = statusOf(result);
    const reason = firstLine(result.stderr) ?? firstLine(result.stdout) ?? status;
    super(`${describeArgv(result.argv)} failed on ${where} (${status}): ${reason}`);
    this.name = 'CommandError';
    this.argv = [...result.argv];
    this.exitCode = result.exitCode;
    this.signal = result.signal;
    this.timedOut = result.timedOut;
    this.stderrTail = lastLines(result.stderr);
    this.where = where;
    this.reason = reason;
  }

  /** `exit 3`, `SIGSEGV`, `timed out` or `stopped`: how the command ended, in a word or two. */
  get status(): string {
    return statusOf(this);
  }

  /** `exited 3`, `was killed by SIGSEGV`, `timed out`, `was stopped`: the status as a verb. */
  get outcome(): string {
    if (this.timedOut) return 'timed out';
    if (this.exitCode !== null) return `exited ${this.exitCode}`;
    return this.signal !== undefined ? `was killed by ${this.signal}` : 'was stopped';
  }
}

function statusOf(r: Pick<ExecResult, 'exitCode' | 'signal' | 'timedOut'>): string {
  if (r.timedOut) return 'timed out';
  if (r.exitCode !== null) return `exit ${r.exitCode}`;
  return r.signal ?? 'stopped';
}

/** The command as a shell line, for messages. */
export function describeArgv(argv: readonly string[]): string {
  const line = argv.map(quoteArg).join(' ');
  return line.length > COMMAND_CHARS ? `${line.slice(0, COMMAND_CHARS - 3)}...` : line;
}

/** The CommandError of a result that did not exit 0, or undefined for one that did. */
export function commandFailure(result: ExecResult, where: string): CommandError | undefined {
  return result.exitCode === 0 ? undefined : new CommandError(result, where);
}
