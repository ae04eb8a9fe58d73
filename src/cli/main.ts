// argv -> command -> exit code. Known errors print one line (and a hint); anything else is a bug and
// prints its stack.
import { parseArgs } from 'node:util';
import { asDiskFull } from '../atomic-write.js';
import { BenchError, ExitCode, InterruptedError, UsageError } from '../errors.js';
import { terminalSafe, terminalSafeLines } from '../terminal-text.js';
import type { CliIO, Command } from './command.js';
import { commands } from './registry.js';

export const INTERNAL_ERROR_EXIT = 70;

export async function main(argv: string[], io?: Partial<CliIO>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort(new InterruptedError(`interrupted by ${sig}`));
  };
  const ownSignals = io?.signal === undefined;
  if (ownSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const full: CliIO = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    signal: io?.signal ?? controller.signal,
    env: io?.env ?? process.env,
  };
  try {
    return await dispatch(argv, full);
  } catch (error) {
    return reportError(error, full);
  } finally {
    if (ownSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(overview());
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  if (argv[0] === '--version') {
    const { packageVersion } = await import('../paths.js');
    io.stdout.write(`nanosd-bench ${packageVersion()}\n`);
    return ExitCode.ok;
  }
  const command = findCommand(argv);
  if (!command) {
    const group = commands.filter((c) => c.name.split(' ')[0] === argv[0]);
    if (group.length > 0) {
      throw new UsageError(`'bench ${argv[0]}' needs one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
    }
    throw new UsageError(
      `unknown command '${argv[0]}'; commands: ${[...new Set(commands.map((c) => c.name.split(' ')[0]))].join(', ')}`,
    );
  }
  const rest = argv.slice(command.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return ExitCode.ok;
  }
  let parsed;
  try {
    const args = joinNegativeValues(rest, command.options);
    parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    // node's messages can span lines (an explanation, then a how-to); keep the first as the message.
    const [first, ...rest] = (error as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    throw new UsageError(`bench ${command.name}: ${first ?? 'bad arguments'}`, {
      hint: [...rest, `see 'bench ${command.name} --help'`].join(' '),
    });
  }
  const positionals = parsed.positionals;
  const allowed = command.positionals ?? { min: 0, max: 0, names: '' };
  if (positionals.length < allowed.min || positionals.length > allowed.max) {
    throw new UsageError(
      allowed.max === 0
        ? `bench ${command.name}: unexpected argument '${positionals[0]}'`
        : `bench ${command.name}: expects ${allowed.names}`,
      { hint: `see 'bench ${command.name} --help'` },
    );
  }
  return command.run(
    { values: parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>, positionals },
    io,
  );
}

/**
 * `--seed -1` as `--seed=-1`: node's parser takes a value that starts with '-' for a flag and calls
 * the argument ambiguous, so a negative number would never reach the range check that explains it.
 */
export function joinNegativeValues(args: string[], options: Command['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function findCommand(argv: string[]): Command | undefined {
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  return commands.find((c) => c.name === two) ?? commands.find((c) => c.name === argv[0]);
}

function reportError(thrown: unknown, io: CliIO): number {
  // Every host write goes through atomic-write.ts and names its file; a full disk met anywhere else
  // (a temporary folder, a tool's own output) is still a full disk, not a bug.
  const path = (thrown as NodeJS.ErrnoException | undefined)?.path;
  const error = asDiskFull(thrown, path ?? 'a temporary file');
  // Messages quote data (file names, keys, entry ids, device answers): printed with their control
  // characters escaped, so a hostile name can neither steer the terminal nor forge a line.
  if (error instanceof BenchError) {
    io.stderr.write(`bench: ${terminalSafe(error.message)}\n`);
    if (error.hint) io.stderr.write(`  ${terminalSafe(error.hint)}\n`);
    return error.exitCode;
  }
  if (io.signal.aborted && io.signal.reason instanceof InterruptedError) {
    io.stderr.write(`bench: ${terminalSafe(io.signal.reason.message)}\n`);
    return ExitCode.interrupted;
  }
  const trace = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`bench: internal error: ${terminalSafeLines(trace)}\n`);
  return INTERNAL_ERROR_EXIT;
}

export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'nanosd-bench: latency of NanoSD U-Net blocks on real devices',
    '',
    'usage: bench <command> [flags]   (bench <command> --help for its flags)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return `usage: ${c.usage}\n\n${c.summary}\n\n${c.help.trimEnd()}\n`;
}
