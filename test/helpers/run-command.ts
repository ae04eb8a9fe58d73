// Runs one command object in-process the way src/cli/main.ts does (strict flag parsing, one-line
// errors mapped to exit codes), capturing stdout and stderr.
import { parseArgs } from 'node:util';
import type { Command } from '../../src/cli/command.js';
import { BenchError, ExitCode } from '../../src/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(command: Command, argv: string[]): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    signal: new AbortController().signal,
    env: process.env,
  };
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      return { code: ExitCode.usage, stdout, stderr: `bench: ${(error as Error).message}\n` };
    }
    const code = await command.run({ values: parsed.values as never, positionals: parsed.positionals }, io);
    return { code, stdout, stderr };
  } catch (error) {
    if (error instanceof BenchError) return { code: error.exitCode, stdout, stderr: `${stderr}bench: ${error.message}\n` };
    throw error;
  }
}
