// Turning flag strings into typed values, with one usage error per bad value.
import { UsageError } from '../errors.js';
import { precisions, type Precision } from '../lut/schema.js';
import type { ParsedArgs } from './command.js';

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return String(v[v.length - 1]);
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  return v;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v.map(String) : [String(v)];
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function numberFlag(
  args: ParsedArgs,
  name: string,
  check: { integer?: boolean; min?: number; max?: number; exclusiveMin?: number } = {},
): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  const bad = (why: string) => new UsageError(`--${name} ${raw}: ${why}`);
  if (raw.trim() === '' || !Number.isFinite(value)) throw bad('not a number');
  if (check.integer && !Number.isInteger(value)) throw bad('must be a whole number');
  if (check.min !== undefined && value < check.min) throw bad(`must be at least ${check.min}`);
  if (check.exclusiveMin !== undefined && value <= check.exclusiveMin) {
    throw bad(`must be greater than ${check.exclusiveMin}`);
  }
  if (check.max !== undefined && value > check.max) throw bad(`must be at most ${check.max}`);
  return value;
}

/**
 * A share as a percentage with its sign (`5%`) or as a fraction (`0.05`); both are 0.05. A bare number
 * above 1 is refused: `2` could mean 2% or 200%, and a wrong guess moves a threshold a hundredfold.
 */
export function percentFlag(args: ParsedArgs, name: string, range: { min: number; max: number }): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const isPercent = text.endsWith('%');
  const number = (isPercent ? text.slice(0, -1) : text).trim();
  const value = Number(number);
  // Number('') is 0: a lone `%` is no number either.
  if (number === '' || !Number.isFinite(value)) throw new UsageError(`--${name} ${raw}: not a number or percentage`);
  if (!isPercent && value > 1) {
    const fraction = Number((value / 100).toPrecision(12));
    const write = `write ${text}% or the fraction ${fraction}`;
    throw new UsageError(`--${name} ${raw}: a bare number above 1 is ambiguous; ${write}`);
  }
  const fraction = isPercent ? value / 100 : value;
  if (fraction < range.min || fraction > range.max) {
    throw new UsageError(`--${name} ${raw}: must be between ${range.min * 100}% and ${range.max * 100}%`);
  }
  return fraction;
}

/** One of a fixed set of words (`--format csv`), or undefined when the flag is absent. */
export function choiceFlag<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    const list = choices.length === 2 ? choices.join(' or ') : `one of ${choices.join(', ')}`;
    throw new UsageError(`--${name} ${value}: must be ${list}`);
  }
  return value as T;
}

/** Several of a fixed set of words (`--format md,json`); empty when the flag is absent. */
export function choiceListFlag<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T[] {
  const chosen = listFlag(args, name);
  for (const value of chosen) {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(`--${name} ${value}: unknown ${name}; known: ${choices.join(', ')}`);
    }
  }
  return chosen as T[];
}

/**
 * `--precision fp32|fp16`, read the same way by every command that has it (`bench compare` reads
 * `--baseline-precision` and `--current-precision` through it too).
 */
export function precisionFlag(args: ParsedArgs, name = 'precision'): Precision | undefined {
  return choiceFlag(args, name, precisions);
}
