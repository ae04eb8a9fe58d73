// The shape of one `bench` sub-command. Commands parse flags with node's parseArgs (strict: an
// unknown flag is a usage error), turn them into library options, call the library, and return an
// exit code. Writing to the terminal goes through CliIO so tests can run commands in-process.
import type { ParseArgsConfig } from 'node:util';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** One or two words: `blocks`, `report regression`. */
  name: string;
  summary: string;
  /** Help text after the usage line: one line per flag. */
  help: string;
  usage: string;
  options: OptionsConfig;
  /** Extra positional arguments allowed (`lut show FILE`). */
  positionals?: { min: number; max: number; names: string };
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
