// The one place where an argv becomes a remote shell command line. Every argument is single-quoted for
// a POSIX shell (sh, mksh on Android, bash, zsh), so spaces, quotes, `;` and `$(...)` arrive intact and
// are never run. Nothing else may build a command line by pasting strings.

/** Quotes one argument for a POSIX shell. Safe characters are left bare for readable logs. */
export function quoteArg(arg: string): string {
  if (arg.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface CommandLineOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * `cd <cwd> && env K=V ... argv...` with every piece quoted. Environment names must be plain
 * identifiers; values are quoted like any argument.
 */
export function buildCommandLine(argv: readonly string[], options: CommandLineOptions = {}): string {
  if (argv.length === 0) throw new Error('buildCommandLine: empty argv');
  const envEntries = Object.entries(options.env ?? {});
  for (const [name] of envEntries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
  }
  const command = [
    ...(envEntries.length > 0 ? ['env', ...envEntries.map(([k, v]) => `${k}=${quoteArg(v)}`)] : []),
    ...argv.map(quoteArg),
  ].join(' ');
  return options.cwd !== undefined ? `cd ${quoteArg(options.cwd)} && ${command}` : command;
}
