// What every command prints the same way: `--json` results on stdout, notes on stderr.
import { terminalSafe } from '../terminal-text.js';
import type { CliIO } from './command.js';

export const jsonHelp = '  --json              print the result as JSON on stdout (notes and progress go to stderr)';

/** A result for `--json`: one JSON document on stdout. */
export function printJson(io: CliIO, value: unknown, indent = 1): void {
  io.stdout.write(`${JSON.stringify(value, null, indent)}\n`);
}

/** One `bench: ` line per note on stderr; notes quote data (file and device names), so made safe. */
export function printNotes(io: CliIO, notes: readonly string[]): void {
  for (const note of notes) io.stderr.write(`${terminalSafe(`bench: ${note}`)}\n`);
}
