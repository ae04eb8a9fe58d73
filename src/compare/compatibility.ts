// Two tables are comparable only when they come from the same device (fingerprint) and the same
// runtime configuration (runner, execution provider, precision). Anything else turns hardware or
// backend differences into phantom regressions, so it is refused unless the user insists.
// Runner version and thread count may differ on purpose (that is what a comparison often asks).
import type { Lut } from '../lut/schema.js';
import { RegressionInputError } from './errors.js';
import { tableRoundNoise } from './round-noise.js';
import type { Mismatch, TableInfo } from './types.js';

export function tableInfo(lut: Lut, label: string): TableInfo {
  return {
    label,
    profile: lut.device.profile,
    fingerprint: lut.device.fingerprint,
    runner: lut.runtime.runner,
    runtimeVersion: lut.runtime.version,
    ep: lut.runtime.ep,
    precision: lut.runtime.precision,
    threads: lut.runtime.threads ?? null,
    harness: `${lut.harness.name} ${lut.harness.version}`,
    updatedAt: lut.updatedAt,
    entries: lut.entries.length,
    roundNoise: tableRoundNoise(lut),
  };
}

export function findMismatches(baseline: Lut, current: Lut): Mismatch[] {
  const pairs: [Mismatch['field'], string, string][] = [
    ['device fingerprint', baseline.device.fingerprint, current.device.fingerprint],
    ['runner', baseline.runtime.runner, current.runtime.runner],
    ['execution provider', baseline.runtime.ep, current.runtime.ep],
    ['precision', baseline.runtime.precision, current.runtime.precision],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field, a, b]) => ({ field, baseline: a, current: b }));
}

/** Throws unless the tables are comparable or `allowMismatch`; returns the differences found. */
export function checkComparable(
  baseline: Lut,
  current: Lut,
  allowMismatch: boolean,
  labels: [string, string],
): Mismatch[] {
  const mismatches = findMismatches(baseline, current);
  if (mismatches.length > 0 && !allowMismatch) {
    const what = mismatches.map((m) => `${m.field} ${m.baseline} vs ${m.current}`).join(', ');
    throw new RegressionInputError(`cannot compare ${labels[0]} with ${labels[1]}: different ${what}`, {
      hint: 'compare tables from the same device and runtime, or pass --allow-mismatch to compare anyway',
    });
  }
  return mismatches;
}
