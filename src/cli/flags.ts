// Turning flag strings into typed values, with one usage error per bad value.
import { UsageError } from '../errors.js';
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
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
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
  if (check.exclusiveMin !== undefined && value <= check.exclusiveMin) throw bad(`must be greater than ${check.exclusiveMin}`);
  if (check.max !== undefined && value > check.max) throw bad(`must be at most ${check.max}`);
  return value;
}

/** `5%`, `5`, `0.05` -> 0.05 (a bare number >= 1 is read as percent). */
export function percentFlag(args: ParsedArgs, name: string, range: { min: number; max: number }): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const isPercent = text.endsWith('%');
  const value = Number(isPercent ? text.slice(0, -1) : text);
  if (text === '' || !Number.isFinite(value)) throw new UsageError(`--${name} ${raw}: not a number or percentage`);
  const fraction = isPercent || value >= 1 ? value / 100 : value;
  if (fraction < range.min || fraction > range.max) {
    throw new UsageError(`--${name} ${raw}: must be between ${range.min * 100}% and ${range.max * 100}%`);
  }
  return fraction;
}
