// Defaults and range checks for the comparison options, for library callers that bypass the CLI's
// flag parsing (a bad value is the caller's input: exit code 3).
import { RegressionInputError } from './errors.js';
import { regressionDefaults, type RegressionOptions, type ResolvedOptions } from './types.js';

export function resolveOptions(options: RegressionOptions): ResolvedOptions {
  const threshold = options.threshold ?? regressionDefaults.threshold;
  const alpha = options.alpha ?? regressionDefaults.alpha;
  const seed = options.seed ?? regressionDefaults.seed;
  const resamples = options.resamples ?? regressionDefaults.resamples;
  if (!(threshold > 0 && threshold <= 1))
    throw new RegressionInputError(`threshold ${threshold} must be in (0, 1] (a fraction: 0.05 = 5%)`);
  if (!(alpha > 0 && alpha <= 0.5)) throw new RegressionInputError(`alpha ${alpha} must be in (0, 0.5]`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RegressionInputError(`seed ${seed} must be a whole number from 0 to 4294967295`);
  if (!Number.isInteger(resamples) || resamples < 100)
    throw new RegressionInputError(`resamples ${resamples} must be a whole number of at least 100`);
  return { threshold, alpha, seed, resamples, allowMismatch: options.allowMismatch ?? false };
}
