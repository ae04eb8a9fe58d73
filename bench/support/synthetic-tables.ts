// Synthetic LUTs for the verdict scripts (bench/verdict-quality.ts, bench/drift-verdicts.ts): ok entries
// whose samples come from a noise model, under a fixed synthetic device, runtime and catalogue, so a
// verdict depends on the samples alone.
import { entryId } from '../../src/lut/key.js';
import { createLut } from '../../src/lut/create.js';
import type { EntryKey, Lut } from '../../src/lut/schema.js';
import { gaussian, summarize } from '../../src/stats/index.js';

/** Sample-to-sample noise of issue 3's model: log-normal with this coefficient of variation. */
export const CV = 0.03;

/** `n` log-normal samples around `median` with a CV of `CV`. */
export function logNormal(n: number, median: number, rng: () => number): number[] {
  const sigma = Math.sqrt(Math.log(1 + CV * CV));
  return Array.from({ length: n }, () => median * Math.exp(sigma * gaussian(rng)));
}

/** A table of one ok entry per element of `entries`, the i-th under `keyOf(i)`; one round where none are given. */
export function syntheticTable(
  keyOf: (i: number) => EntryKey,
  entries: { samples: number[]; sampleRounds?: number[] }[],
): Lut {
  const stamp = '2026-01-01T00:00:00.000Z';
  return createLut({
    harnessVersion: 'verdict-quality',
    createdAt: stamp,
    updatedAt: stamp,
    device: { profile: 'synthetic', fingerprint: 'synthetic', info: {} },
    runtime: { runner: 'synthetic', version: '0', ep: 'cpu', precision: 'fp32', options: {} },
    catalog: { name: 'synthetic', hash: '0' },
    entries: entries.map((e, i) => ({
      id: entryId(keyOf(i)),
      key: keyOf(i),
      model: { sha256: '0', params: 0, macs: 0, source: 'generated' as const },
      state: 'ok' as const,
      sampleKind: 'iteration' as const,
      samples: e.samples,
      ...(e.sampleRounds ? { sampleRounds: e.sampleRounds } : {}),
      rounds: e.sampleRounds ? new Set(e.sampleRounds).size : 1,
      stats: summarize(e.samples),
      flags: [],
    })),
  });
}
