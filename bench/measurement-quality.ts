// Measurement quality on the local device (issue: "Measurement you can trust"), with real runs of the
// real command at latent 16, width 1:
//   1. repeatability: two back-to-back `bench blocks` runs; share of entries whose medians agree within
//      ±3% (target >= 90%), and `bench report regression` between them finds no regressed entry;
//   2. a real slowdown is caught: the default threads against --threads 1 -> slowed entries regressed,
//      exit code 1;
//   3. the cost of precision: device time of the adaptive run (stop at a 1% margin) against a fixed
//      100-iterations-per-entry run, with the margins each reached.
// Run: npx tsx bench/measurement-quality.ts [--out DIR]   (takes ~15-25 minutes on 2 cores)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readLut } from '../src/lut/io.js';
import type { Lut } from '../src/lut/schema.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'reports/measurement-quality' } } });
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const bin = join(import.meta.dirname, '..', 'bin', 'bench.js');

function bench(args: string[]): { code: number; stdout: string; seconds: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 28 });
  if (r.status !== 0 && !args.includes('regression')) {
    process.stderr.write(r.stderr);
    throw new Error(`bench ${args.join(' ')} exited ${r.status}`);
  }
  return { code: r.status ?? -1, stdout: r.stdout, seconds: (performance.now() - t) / 1000 };
}

function blocks(name: string, extra: string[] = []): { lut: Lut; seconds: number } {
  const file = join(out, `${name}.lut.json`);
  const r = bench(['blocks', '--latent', '16', '--width', '1', '--out', file, ...extra]);
  console.log(`  ${name}: ${r.seconds.toFixed(0)} s (${extra.join(' ') || 'default settings'})`);
  return { lut: readLut(file), seconds: r.seconds };
}

const deviceSeconds = (lut: Lut) => lut.entries.reduce((a, e) => a + e.samples.reduce((x, y) => x + y, 0), 0) / 1000;
const hostSeconds = (lut: Lut) => lut.entries.reduce((a, e) => a + (e.hostMs ?? 0), 0) / 1000;
const reached = (lut: Lut, target: number) => lut.entries.filter((e) => e.stats && e.stats.rme <= target).length;

console.log('runs:');
const a = blocks('run-a');
const b = blocks('run-b');
const slow = blocks('run-1-thread', ['--threads', '1']);
const fixed = blocks('run-fixed-100', ['--iterations', '100', '--rounds', '1']);

const both = a.lut.entries.filter((e) => e.stats && b.lut.entries.find((x) => x.id === e.id)?.stats);
const within = both.filter((e) => Math.abs(b.lut.entries.find((x) => x.id === e.id)!.stats!.median / e.stats!.median - 1) <= 0.03);
const repeat = bench(['report', 'regression', '--baseline', join(out, 'run-a.lut.json'), '--current', join(out, 'run-b.lut.json'), '--out', join(out, 'a-vs-b')]);
const repeatRegressed = (repeat.stdout.match(/regressed/gi) ?? []).length > 0 ? JSON.parse(readJson(join(out, 'a-vs-b', 'regression.json'))).counts.regressed : 0;
const slowCmp = bench(['report', 'regression', '--baseline', join(out, 'run-a.lut.json'), '--current', join(out, 'run-1-thread.lut.json'), '--out', join(out, 'a-vs-1-thread')]);
const slowCounts = JSON.parse(readJson(join(out, 'a-vs-1-thread', 'regression.json'))).counts;

function readJson(file: string): string {
  return spawnSync('cat', [file], { encoding: 'utf8' }).stdout;
}

const share = within.length / both.length;
const rows: [string, string, string, boolean][] = [
  ['repeatability: medians within ±3%', `${within.length}/${both.length} = ${(share * 100).toFixed(1)}%`, '>= 90%', share >= 0.9],
  ['repeatability: regressed entries (A vs B)', `${repeatRegressed} (exit ${repeat.code})`, '0', repeatRegressed === 0],
  ['slowdown caught: regressed entries (threads default vs 1)', `${slowCounts.regressed} of ${both.length} (exit ${slowCmp.code})`, 'exit 1', slowCmp.code === 1 && slowCounts.regressed > 0],
];
console.log('\nresults:');
for (const [what, value, target, ok] of rows) console.log(`  ${ok ? 'ok  ' : 'MISS'} ${what}: ${value} (target ${target})`);
console.log('\ncost of precision (device time = sum of timed inferences; host time = all work per entry):');
for (const [name, r] of [['adaptive, target 1%', a], ['fixed 100 iterations', fixed]] as const) {
  console.log(
    `  ${name.padEnd(22)} device ${deviceSeconds(r.lut).toFixed(1)} s, host ${hostSeconds(r.lut).toFixed(1)} s, wall ${r.seconds.toFixed(0)} s, ` +
      `samples ${r.lut.entries.reduce((x, e) => x + e.samples.length, 0)}, entries at <= 1% margin ${reached(r.lut, 0.01)}/${r.lut.entries.length}, ` +
      `median margin ${(median(r.lut.entries.map((e) => e.stats?.rme ?? 1)) * 100).toFixed(2)}%`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
