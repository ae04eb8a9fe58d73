// Verdicts on a drifting machine, measured with real runs of the real commands on the local device
// (issue: "Verdicts that hold on a drifting machine"). Stage D1 (8 entries) at latent 8, width 1, two
// intra-op threads, 6 rounds, 1.5 s of samples per entry, so the whole script takes minutes:
//   1. same configuration, six times: three `bench compare` runs with identical sides, and every pair
//      of three separately measured tables (`bench report regression`) -> no regressed, no improved;
//   2. a real slowdown, one thread against two (or two against one when other work loads the cores
//      and two threads are the slower): `bench compare` and two tables (against five tables of the
//      faster setting as baseline history, and against one table) -> regressed, exit 1;
//   3. a real small change: a catalogue where D1's R-R-R variant runs five extra 1x1 convolutions
//      (+5.1% MACs) -> `bench compare` finds that entry and no other;
//   4. cost: device time of one `bench compare` against two tables measured separately with the same
//      settings, and the width of the intervals each gives.
// Run: npx tsx bench/compare-quality.ts [--out DIR] [--reuse] [--change-rounds N]
//   (--reuse: keep LUTs and comparisons already in DIR; --change-rounds: paired rounds of the 5% change)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { learnRunSpread } from '../src/compare/history.js';
import type { RegressionResult } from '../src/compare/types.js';
import { readLut } from '../src/lut/io.js';
import type { Lut } from '../src/lut/schema.js';
import { runBench } from './support/run-bench.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'reports/compare-quality' },
    reuse: { type: 'boolean', default: false },
    // More paired rounds for the 5% change than for the rest: its power grows with them.
    'change-rounds': { type: 'string', default: '6' },
  },
});
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const root = join(import.meta.dirname, '..');
const shared = ['--latent', '8', '--width', '1', '--stages', 'D1', '--rounds', '6', '--max-time-ms', '1500'];

// Exit 1 (regressed) and 2 (inconclusive) are verdicts this script counts, not failures.
const bench = (args: string[]) => runBench(args, (code) => code <= 2);

interface Table {
  file: string;
  lut: Lut;
  seconds: number;
}

/** Wall seconds of a run, kept beside its output so that --reuse still reports what it cost. */
function timed(file: string, run?: () => number): number {
  const record = `${file}.seconds`;
  if (run) writeFileSync(record, String(run()));
  return existsSync(record) ? Number(readFileSync(record, 'utf8')) : NaN;
}

function table(name: string, extra: string[]): Table {
  const file = join(out, `${name}.lut.json`);
  if (values.reuse && existsSync(file)) return { file, lut: readLut(file), seconds: timed(file) };
  const r = bench(['blocks', ...shared, '--restart', '--out', file, ...extra]);
  console.log(`  table ${name}: ${r.seconds.toFixed(0)} s (${extra.join(' ')})`);
  return { file, lut: readLut(file), seconds: timed(file, () => r.seconds) };
}

interface Compared {
  name: string;
  code: number;
  doc: RegressionResult;
  seconds: number;
  luts: [Lut, Lut];
}

function compare(name: string, extra: string[]): Compared {
  const dir = join(out, name);
  const json = join(dir, 'regression.json');
  let code: number;
  let seconds = timed(json);
  if (values.reuse && existsSync(json)) {
    code = (JSON.parse(readFileSync(json, 'utf8')) as RegressionResult).exitCode;
  } else {
    const r = bench(['compare', ...shared, '--restart', '--out', dir, ...extra]);
    code = r.code;
    seconds = timed(json, () => r.seconds);
    console.log(`  compare ${name}: ${seconds.toFixed(0)} s, exit ${code} (${extra.join(' ')})`);
  }
  const luts: [Lut, Lut] = [readLut(join(dir, 'baseline.lut.json')), readLut(join(dir, 'current.lut.json'))];
  return { name, code, doc: JSON.parse(readFileSync(json, 'utf8')) as RegressionResult, seconds, luts };
}

function report(name: string, baselines: Table[], current: Table): Compared {
  const dir = join(out, name);
  const args = ['report', 'regression', ...baselines.flatMap((b) => ['--baseline', b.file]), '--current', current.file];
  const r = bench([...args, '--out', dir, '--format', 'json,md']);
  const doc = JSON.parse(readFileSync(join(dir, 'regression.json'), 'utf8')) as RegressionResult;
  return { name, code: r.code, doc, seconds: 0, luts: [baselines[0]!.lut, current.lut] };
}

const hostSeconds = (lut: Lut) => lut.entries.reduce((a, e) => a + (e.hostMs ?? 0), 0) / 1000;
const sampleSeconds = (lut: Lut) => lut.entries.reduce((a, e) => a + e.samples.reduce((x, y) => x + y, 0), 0) / 1000;
const counts = ({ doc: { counts: n } }: Compared) =>
  `${n.regressed} regressed, ${n.improved} improved, ${n.unchanged} unchanged, ${n.inconclusive} inconclusive`;
const suite = (c: Compared) =>
  c.doc.suite ? `; suite ${c.doc.suite.separated ? c.doc.suite.verdict : 'not separated'}` : '';
/** Median half-width of the entries' 95% intervals, as a percentage of the ratio (log scale). */
function medianHalfWidth(r: RegressionResult): number {
  const halves = r.entries
    .filter((e) => e.ci95 && e.ratio)
    .map((e) => (Math.log(e.ci95![1] / e.ci95![0]) / 2) * 100)
    .sort((a, b) => a - b);
  return halves[Math.floor(halves.length / 2)] ?? NaN;
}

function smallChangeCatalog(): string {
  const file = join(out, 'd1-rrr-plus-5pct.json');
  const catalog = JSON.parse(readFileSync(join(root, 'block-variants', 'sd15-nanosd.json'), 'utf8'));
  delete catalog.$schema;
  const d1 = catalog.stages.find((s: { name: string }) => s.name === 'D1');
  const extra = [1, 2, 3, 4, 5].map((i) => ({ name: `P${i}`, kind: 'conv', in: 320, out: 320, kernel: 1 }));
  d1.units.push(...extra);
  const rrr = d1.variants.find((v: { name: string }) => v.name === 'R-R-R');
  rrr.units.push(...extra.map((u) => u.name));
  writeFileSync(file, JSON.stringify(catalog, null, 1));
  return file;
}

/** Geometric mean over the entries of median(b) / median(a). */
function shift(a: Lut, b: Lut): number {
  const med = (lut: Lut) => new Map(lut.entries.map((e) => [e.id, e.state === 'ok' ? e.stats.median : NaN] as const));
  const [ma, mb] = [med(a), med(b)];
  const logs = [...ma].filter(([id]) => mb.has(id)).map(([id, m]) => Math.log(mb.get(id)! / m));
  return Math.exp(logs.reduce((x, y) => x + y, 0) / logs.length);
}

const started = performance.now();
console.log(`compare quality on local (${new Date().toISOString()}): ${shared.join(' ')}; output in ${out}\n`);
const tables = ['A', 'B', 'C'].map((n) => table(n, ['--threads', '2']));
const oneThread = table('T1', ['--threads', '1']);
// The real slowdown: the thread count that is slower on this machine now is the current side (one
// thread on an idle 2-core host; two when other work loads the cores), the faster one the baseline,
// with five tables of it as baseline history.
const oneIsSlower = shift(tables[0]!.lut, oneThread.lut) > 1;
const [fast, slow] = oneIsSlower ? ['2', '1'] : ['1', '2'];
// Five: with three, Student t(2) needs a shift of about ten times the spread (README).
const more = (names: string[], threads: string) => names.map((n) => table(n, ['--threads', threads]));
const fastTables = oneIsSlower
  ? [...tables, ...more(['D', 'E'], '2')]
  : [oneThread, ...more(['T1-b', 'T1-c', 'T1-d', 'T1-e'], '1')];
const slowTable = oneIsSlower ? oneThread : tables[0]!;
const same = ['same-1', 'same-2', 'same-3'].map((n) => compare(n, ['--threads', '2']));
const threads = compare(`threads-${fast}-${slow}`, ['--baseline-threads', fast, '--current-threads', slow]);
const changeRounds = values['change-rounds']!;
const changeArgs = ['--threads', '2', '--rounds', changeRounds, '--current-catalog', smallChangeCatalog()];
const change = compare(`small-change-r${changeRounds}`, changeArgs);
const pairs = [
  report('pair-AB', [tables[0]!], tables[1]!),
  report('pair-AC', [tables[0]!], tables[2]!),
  report('pair-BC', [tables[1]!], tables[2]!),
];
const alone = report('slowdown-two-tables', [fastTables[0]!], slowTable);
// Two tables against five of the faster configuration as baseline history (--baseline given 5 times).
const withHistory = report('slowdown-history', fastTables, slowTable);
const spread = learnRunSpread(fastTables.map((t) => t.lut))!;
// And a same-configuration pair with history: A and B as history, C as current.
const sameHistory = report('same-history', tables.slice(0, 2), tables[2]!);

console.log('\nsame configuration (target: 0 regressed, 0 improved in each)');
for (const c of [...same, ...pairs]) {
  const geo = c.doc.geomean ? `suite ${((c.doc.geomean.value - 1) * 100).toFixed(1)}%` : '';
  console.log(`  ${c.name.padEnd(20)} exit ${c.code}  ${counts(c)}${suite(c)}  ${geo}`);
}
const falseCalls = [...same, ...pairs].reduce((a, c) => a + c.doc.counts.regressed + c.doc.counts.improved, 0);
console.log(`  A+B as history, C as current: ${withHistoryLine(sameHistory.doc)} (exit ${sameHistory.code})`);
console.log(`  -> ${falseCalls} regressed or improved over six comparisons: ${falseCalls === 0 ? 'met' : 'NOT MET'}`);

function withHistoryLine(r: RegressionResult): string {
  const verdict = r.suite?.separated ? r.suite.verdict : 'not separated';
  return (
    `exit ${r.exitCode}, ${r.counts.regressed} regressed, ${r.counts.improved} improved, ` +
    `suite ${verdict} (${r.suite?.summary ?? ''})`
  );
}

const slower = `${((shift(tables[0]!.lut, oneThread.lut) - 1) * 100).toFixed(0)}%`;
console.log(
  `\nreal slowdown, --threads ${slow} against --threads ${fast} (one thread against two: ${slower}; ` +
    'target: regressed, exit 1, in both modes)',
);
const threadShift = ((threads.doc.geomean!.value - 1) * 100).toFixed(1);
console.log(`  bench compare          exit ${threads.code}  ${counts(threads)}  suite ${threadShift}%`);
console.log(
  `  two tables + history   ${withHistoryLine(withHistory.doc)}; ` +
    `spread ±${(spread.sd * 100).toFixed(1)}% from ${fastTables.length} tables`,
);
console.log(`  two tables, no history exit ${alone.code}  ${counts(alone)}${suite(alone)}`);

console.log(
  '\nreal small change, D1 R-R-R with five extra 1x1 convolutions (+5.1% MACs) (target: that entry found, no other)',
);
const rrr = change.doc.entries.find((e) => e.id.startsWith('block/D1/R-R-R/'))!;
const others = change.doc.entries.filter((e) => e !== rrr && (e.verdict === 'regressed' || e.verdict === 'improved'));
const rrrCi = rrr.ci95?.map((x) => x.toFixed(3)).join(', ');
console.log(
  `  R-R-R: ${rrr.verdict}, ratio ${rrr.ratio?.toFixed(3)} [${rrrCi}]; others regressed or improved: ${others.length}`,
);
console.log(`  -> ${rrr.verdict === 'regressed' && others.length === 0 ? 'met' : 'NOT MET'} (exit ${change.code})`);

console.log('\ncost: one bench compare against two tables measured separately (same rounds and caps)');
const cmpWall = same.map((c) => c.seconds).filter(Number.isFinite);
const tabWall = [...tables, oneThread].map((t) => t.seconds).filter(Number.isFinite);
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`  wall time: bench compare ${avg(cmpWall).toFixed(0)} s; two tables ${(2 * avg(tabWall)).toFixed(0)} s`);
const both = (c: Compared, f: (lut: Lut) => number) => f(c.luts[0]) + f(c.luts[1]);
const twoTables = (f: (lut: Lut) => number) => 2 * avg(tables.map((t) => f(t.lut)));
const [hostCompare, hostTables] = [avg(same.map((c) => both(c, hostSeconds))), twoTables(hostSeconds)];
console.log(
  `  device time (host ms of the entries): compare ${hostCompare.toFixed(0)} s; two tables ${hostTables.toFixed(0)} s`,
);
const [sampledCompare, sampledTables] = [avg(same.map((c) => both(c, sampleSeconds))), twoTables(sampleSeconds)];
console.log(`  sampled time: compare ${sampledCompare.toFixed(1)} s; two tables ${sampledTables.toFixed(1)} s`);
const [halfCompare, halfTables] = [
  avg(same.map((c) => medianHalfWidth(c.doc))),
  avg(pairs.map((c) => medianHalfWidth(c.doc))),
];
const halves = `compare ±${halfCompare.toFixed(1)}%; two tables ±${halfTables.toFixed(1)}%`;
console.log(`  median 95% half-width of an entry's ratio: ${halves}`);
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
