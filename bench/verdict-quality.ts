// Verdict quality of `bench report regression` on synthetic data, through the same code path as
// the report (compareLuts on a baseline and a current table holding one entry each).
//
//   npx tsx bench/verdict-quality.ts [--trials N] [--resamples N] [--seed N]
//
// Each trial draws a fresh baseline and current sample of log-normal latencies with a 3% coefficient
// of variation around 10 ms (the current one scaled by the row's shift) and records the verdict.
// Targets (issue 3): at no change, "regressed" in at most 1% of trials; at +10%, "regressed" in at
// least 95%. The exit status is 1 when a target is missed.
//
// Resamples: the two target rows use the report's default of 10,000 bootstrap resamples, so they
// measure exactly what CI runs. The sensitivity rows use 2,000: each comparison then costs ~2 ms
// instead of ~10 ms, which keeps the whole script under a minute on two cores; the interval's
// endpoints move by about a tenth of a percent between the two, far below the 5% threshold.
import { parseArgs } from 'node:util';
import { entryId } from '../src/lut/key.js';
import { LUT_SCHEMA_ID, LUT_SCHEMA_VERSION, type EntryKey, type Lut } from '../src/lut/schema.js';
import { compareLuts } from '../src/report/regression/compare.js';
import { regressionDefaults, type Verdict } from '../src/report/regression/types.js';
import { gaussian, mulberry32 } from '../src/stats/index.js';

interface Row {
  label: string;
  n: number;
  shift: number;
  resamples: number;
  target?: { verdict: Verdict; atMost?: number; atLeast?: number };
}

const { values } = parseArgs({ options: { trials: { type: 'string' }, resamples: { type: 'string' }, seed: { type: 'string' } } });
const trials = Number(values.trials ?? 1000);
const seed = Number(values.seed ?? 20_260_101);
const fixedResamples = values.resamples === undefined ? undefined : Number(values.resamples);
const CV = 0.03;
const full = fixedResamples ?? regressionDefaults.resamples;
const quick = fixedResamples ?? 2000;

const rows: Row[] = [
  { label: 'no change, n = 30', n: 30, shift: 1.0, resamples: full, target: { verdict: 'regressed', atMost: 0.01 } },
  { label: '+10%, n = 30', n: 30, shift: 1.1, resamples: full, target: { verdict: 'regressed', atLeast: 0.95 } },
  { label: '+3%, n = 30', n: 30, shift: 1.03, resamples: quick },
  { label: '+5%, n = 30', n: 30, shift: 1.05, resamples: quick },
  { label: '+7%, n = 30', n: 30, shift: 1.07, resamples: quick },
  { label: '-10%, n = 30', n: 30, shift: 0.9, resamples: quick },
  { label: 'no change, n = 10', n: 10, shift: 1.0, resamples: quick },
  { label: '+10%, n = 10', n: 10, shift: 1.1, resamples: quick },
];

const key: EntryKey = { kind: 'block', stage: 'E1', variant: 'R-A-R-A', latent: 16, width: 1, precision: 'fp32' };

function table(samples: number[]): Lut {
  const stamp = '2026-01-01T00:00:00.000Z';
  return {
    schema: LUT_SCHEMA_ID,
    schemaVersion: LUT_SCHEMA_VERSION,
    harness: { name: 'nanosd-bench', version: 'verdict-quality' },
    createdAt: stamp,
    updatedAt: stamp,
    device: { profile: 'synthetic', fingerprint: 'synthetic', info: {} },
    runtime: { runner: 'synthetic', version: '0', ep: 'cpu', precision: 'fp32', options: {} },
    catalog: { name: 'synthetic', hash: '0' },
    protocol: {},
    entries: [
      {
        id: entryId(key),
        key,
        model: { sha256: '0', params: 0, macs: 0, source: 'generated' },
        state: 'ok',
        sampleKind: 'iteration',
        samples,
        rounds: 1,
        flags: [],
      },
    ],
  };
}

function logNormal(n: number, median: number, rng: () => number): number[] {
  const sigma = Math.sqrt(Math.log(1 + CV * CV));
  return Array.from({ length: n }, () => median * Math.exp(sigma * gaussian(rng)));
}

/** Wilson score interval of a proportion (95%), so a reader sees how precise each rate is. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);

const started = performance.now();
console.log(`verdict quality: log-normal noise ${CV * 100}% CV, ${trials} trials per row, threshold ${regressionDefaults.threshold * 100}%, alpha ${regressionDefaults.alpha}, seed ${seed}\n`);
console.log(`${'scenario'.padEnd(20)} ${'resamples'.padStart(9)}  regressed [95% CI]          unchanged  inconcl.  improved  target`);
let missed = 0;
rows.forEach((row, r) => {
  const rng = mulberry32((seed + r * 7919) >>> 0);
  const counts: Record<Verdict, number> = { regressed: 0, unchanged: 0, inconclusive: 0, improved: 0 };
  for (let t = 0; t < trials; t++) {
    const baseline = table(logNormal(row.n, 10, rng));
    const current = table(logNormal(row.n, 10 * row.shift, rng));
    const result = compareLuts(baseline, current, { resamples: row.resamples, seed: (seed + t) >>> 0 });
    counts[result.entries[0]!.verdict]++;
  }
  const rate = (v: Verdict) => counts[v] / trials;
  const [lo, hi] = wilson(counts.regressed, trials);
  let status = '';
  if (row.target) {
    const got = rate(row.target.verdict);
    const ok = row.target.atMost !== undefined ? got <= row.target.atMost : got >= row.target.atLeast!;
    status = `${row.target.atMost !== undefined ? `<= ${pct(row.target.atMost).trim()}` : `>= ${pct(row.target.atLeast!).trim()}`} ${ok ? 'met' : 'MISSED'}`;
    if (!ok) missed++;
  }
  console.log(
    `${row.label.padEnd(20)} ${String(row.resamples).padStart(9)}  ${pct(rate('regressed'))} [${pct(lo)}, ${pct(hi)}]  ` +
      `${pct(rate('unchanged'))}    ${pct(rate('inconclusive'))}    ${pct(rate('improved'))}  ${status}`,
  );
});
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
if (missed > 0) {
  console.error(`verdict quality: ${missed} target(s) missed`);
  process.exitCode = 1;
}
