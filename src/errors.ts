// Every failure a user can cause or meet has a class here, a stable code and a distinct exit code,
// so the CLI prints one line and scripts can branch on the exit status without parsing text.

/** Exit codes of the `bench` command (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** `report regression`: at least one entry regressed; measuring commands: some entries failed. */
  failure: 1,
  /** `report regression`: only inconclusive entries kept it from passing. */
  inconclusive: 2,
  /** Bad command line: unknown flag, value out of range, unknown name. */
  usage: 3,
  /** A file that fails its schema or cannot be read: catalogue, profile, manifest, LUT, quality file. */
  invalidFile: 4,
  /** A model that does not fit its stage (wrong names or shapes) or that the runtime cannot load. */
  model: 5,
  /** A device that cannot be reached, is unauthorized, offline or vanished. */
  device: 6,
  /** A runner (benchmark tool) that is missing, hangs, fails or prints output that cannot be parsed. */
  runner: 7,
  /** The disk (or its quota) filled while writing an output; the previous file and the journal are kept. */
  diskFull: 8,
  /** Another run holds the lock on the same output (its pid and host are named). */
  locked: 9,
  /** Stopped by Ctrl-C or SIGTERM; the journal keeps what was measured (`--resume` completes it). */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error the harness raises on purpose. `message` is one line a user can act on. */
export class BenchError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(code: string, exitCode: number, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options?.hint;
  }
}

/** A command-line flag or argument that is wrong or out of range. */
export class UsageError extends BenchError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_USAGE', ExitCode.usage, message, options);
  }
}

/** A name (device, stage, variant, runner) that does not exist; the message lists the known ones. */
export class UnknownNameError extends BenchError {
  constructor(what: string, name: string, known: readonly string[], where?: string) {
    const list = known.length > 0 ? known.join(', ') : '(none)';
    super(
      'NSB_UNKNOWN_NAME',
      ExitCode.usage,
      `unknown ${what} '${name}'${where ? ` in ${where}` : ''}; known: ${list}`,
    );
  }
}

/** A file that cannot be read or fails its schema. `file` and `key` say exactly where. */
export class InvalidFileError extends BenchError {
  readonly file: string;
  readonly key: string | undefined;
  constructor(file: string, key: string | undefined, problem: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_INVALID_FILE', ExitCode.invalidFile, `${file}${key ? `: ${key}` : ''}: ${problem}`, options);
    this.file = file;
    this.key = key;
  }
}

/** A model that does not match its stage's signature, or that the runtime refuses to load. */
export class ModelError extends BenchError {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_MODEL', ExitCode.model, message, options);
  }
}

/** A device that is unreachable, unauthorized, offline or dropped off mid-run. */
export class DeviceError extends BenchError {
  readonly device: string;
  constructor(device: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_DEVICE', ExitCode.device, `device ${device}: ${message}`, options);
    this.device = device;
  }
}

/** A benchmark tool that is missing, failed, hung, or printed output that cannot be parsed. */
export class RunnerError extends BenchError {
  readonly runner: string;
  constructor(runner: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_RUNNER', ExitCode.runner, `runner ${runner}: ${message}`, options);
    this.runner = runner;
  }
}

/** Output of a tool that does not have the expected form; `excerpt` is the offending text. */
export class ParseError extends BenchError {
  readonly excerpt: string;
  constructor(what: string, problem: string, excerpt = '') {
    super('NSB_PARSE', ExitCode.runner, `cannot parse ${what}: ${problem}`);
    this.excerpt = excerpt;
  }
}

/** A write that could not complete because the disk is full (ENOSPC) or the quota is exhausted (EDQUOT). */
export class DiskFullError extends BenchError {
  readonly file: string;
  constructor(file: string, options?: { cause?: unknown; hint?: string }) {
    super('NSB_DISK_FULL', ExitCode.diskFull, `disk full while writing ${file}; the previous file is kept`, options);
    this.file = file;
  }
}

/** A path that comes from data (manifest entry, external-data location, catalogue or profile string) and
 * resolves outside the folder it is allowed in. Exit code 4, like any other bad file. */
export class UnsafePathError extends InvalidFileError {
  /** `why` replaces "resolves outside <allowed>" when the path is wrong in another way (absolute, empty, a link). */
  constructor(file: string, field: string, path: string, allowed: string, why?: string) {
    super(file, field, `path '${path}' ${why ?? `resolves outside ${allowed}`}; refused`);
  }
}

/** A second writer on an output another live run holds. */
export class LockedError extends BenchError {
  readonly lockFile: string;
  constructor(lockFile: string, holder: string, options?: { hint?: string }) {
    const message = `${lockFile} is held by ${holder}; wait for it to finish or stop it`;
    super('NSB_LOCKED', ExitCode.locked, message, options);
    this.lockFile = lockFile;
  }
}

/** Ctrl-C or SIGTERM during a run. */
export class InterruptedError extends BenchError {
  constructor(message = 'interrupted') {
    super('NSB_INTERRUPTED', ExitCode.interrupted, message);
  }
}

export function isBenchError(error: unknown): error is BenchError {
  return error instanceof BenchError;
}

/** The message of anything thrown, for logs and LUT entries. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
