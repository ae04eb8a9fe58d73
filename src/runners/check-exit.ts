// The one check of a command's exit that every runner makes: anything but exit 0 becomes a
// RunnerError with one line naming what failed, where and how, and the CommandError (argv, exit
// code, signal, the tail of stderr) as its cause.
import { RunnerError } from '../errors.js';
import { CommandError } from '../transports/command-error.js';
import type { ExecResult } from '../transports/types.js';

export { HOST } from '../transports/command-error.js';

export interface ExitCheck {
  runner: string;
  /** What ran, as the message names it: `E1.R-R`, `qnn-profile-viewer on the log of E1.R-R`. */
  what: string;
  /** Where it ran: the transport's id, or HOST. */
  where: string;
  /** The line that says why, when the tool's output says it better than the first line of stderr. */
  reason?: (error: CommandError) => string;
  /** Called on failure only: where the output was kept (`raw output saved to ...`), said last. */
  saved?: () => string;
  hint?: string;
}

/** `<what> failed on <where> (<status>): <reason> (<saved>)` for a command that did not exit 0. */
export function exitError(result: ExecResult, check: ExitCheck): RunnerError {
  const cause = new CommandError(result, check.where);
  const reason = check.reason?.(cause) ?? cause.reason;
  const saved = check.saved ? ` (${check.saved()})` : '';
  const message = `${check.what} failed on ${check.where} (${cause.status}): ${reason}${saved}`;
  return new RunnerError(check.runner, message, { cause, ...(check.hint !== undefined ? { hint: check.hint } : {}) });
}

/** Throws exitError unless the command exited 0. */
export function checkExit(result: ExecResult, check: ExitCheck): void {
  if (result.exitCode !== 0) throw exitError(result, check);
}
