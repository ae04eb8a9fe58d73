// Runs a command in-process through the real entry point (src/cli/main.ts: strict flag parsing,
// one-line errors mapped to exit codes), capturing stdout and stderr.
import type { Command } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(command: Command, argv: string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await main([...command.name.split(' '), ...argv], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    signal: new AbortController().signal,
    env: process.env,
  });
  return { code, stdout, stderr };
}
