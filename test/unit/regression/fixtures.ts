// Synthetic LUTs for the regression tests: seeded log-normal latency samples in valid tables.
import { entryId } from '../../../src/lut/key.js';
import { createLut } from '../../../src/lut/create.js';
import type { EntryError, EntryKey, FailedEntry, Lut, LutEntry, OkEntry } from '../../../src/lut/schema.js';
import { gaussian, mulberry32, summarize } from '../../../src/stats/index.js';

/** n samples with the given median and coefficient of variation (log-normal). */
export function logNormal(n: number, median: number, cv: number, rng: () => number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, () => median * Math.exp(sigma * gaussian(rng)));
}

export function blockKey(stage: string, variant: string): EntryKey {
  return { kind: 'block', stage, variant, latent: 16, width: 1, precision: 'fp32' };
}

export function makeEntry(key: EntryKey, samples: number[], over: Partial<OkEntry> = {}): OkEntry {
  return {
    id: entryId(key),
    key,
    model: { sha256: `sha-${entryId(key)}`, params: 1000, macs: 2000, source: 'generated' },
    state: 'ok',
    sampleKind: 'iteration',
    samples,
    rounds: 3,
    stats: summarize(samples),
    flags: [],
    ...over,
  };
}

/** A failed entry without samples, as a run that could not measure it writes it. */
export function failedEntry(key: EntryKey, error: EntryError): FailedEntry {
  return {
    id: entryId(key),
    key,
    model: { sha256: `sha-${entryId(key)}`, params: 1000, macs: 2000, source: 'generated' },
    state: 'failed',
    error,
    sampleKind: 'iteration',
    samples: [],
    rounds: 3,
    flags: [],
  };
}

type LutOver = { fingerprint?: string; runner?: string; ep?: string; precision?: 'fp32' | 'fp16' };

export function makeLut(entries: LutEntry[], over: LutOver = {}): Lut {
  const stamp = '2026-01-01T00:00:00.000Z';
  return createLut({
    harnessVersion: '0.1.0',
    createdAt: stamp,
    updatedAt: stamp,
    device: { profile: 'local', fingerprint: over.fingerprint ?? 'fp-local-1', info: {} },
    runtime: {
      runner: over.runner ?? 'ort-node',
      version: '1.30.0',
      ep: over.ep ?? 'cpu',
      precision: over.precision ?? 'fp32',
      threads: 2,
      options: {},
    },
    catalog: { name: 'sd15-nanosd', hash: 'cat' },
    entries,
  });
}

/** A baseline/current pair with one entry per scenario, all from one seeded stream. */
export function scenarioTables(seed = 1): { baseline: Lut; current: Lut } {
  const rng = mulberry32(seed);
  const base: LutEntry[] = [];
  const cur: LutEntry[] = [];
  type PairOptions = { n?: number; cv?: number; b?: Partial<OkEntry>; c?: Partial<OkEntry>; cFailed?: EntryError };
  const pair = (stage: string, variant: string, median: number, shift: number, opts: PairOptions = {}) => {
    const key = blockKey(stage, variant);
    const n = opts.n ?? 30;
    const cv = opts.cv ?? 0.03;
    base.push(makeEntry(key, logNormal(n, median, cv, rng), opts.b));
    // Drawn even for a failed entry, so the entries after it get the same samples.
    const samples = logNormal(n, median * shift, cv, rng);
    cur.push(opts.cFailed ? failedEntry(key, opts.cFailed) : makeEntry(key, samples, opts.c));
  };
  pair('E1', 'R-R', 10, 1.0); // unchanged
  pair('E1', 'R-A-R', 20, 1.2); // regressed +20%
  pair('E2', 'R-A-R-A', 40, 1.5); // regressed +50% (worst)
  pair('E2', 'R-R', 15, 0.8); // improved
  pair('E3', 'R-R', 12, 1.05, { n: 10, cv: 0.3 }); // too noisy
  pair('E3', 'R-A-R', 12, 1.3, { n: 3 }); // too few samples
  pair('D1', 'R-R-R', 8, 1.3, { c: { flags: ['throttled'] } }); // would regress, but throttled
  pair('D2', 'R-R-R', 9, 1.0, { cFailed: { code: 'NSB_RUNNER', message: 'runner ort-node: exited with 1' } });
  base.push(makeEntry(blockKey('D3', 'R-R-R'), logNormal(30, 5, 0.03, rng)));
  cur.push(makeEntry(blockKey('D3', 'R-A-R-A-R-A'), logNormal(30, 7, 0.03, rng)));
  return { baseline: makeLut(base), current: makeLut(cur) };
}
