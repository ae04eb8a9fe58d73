// A full disk at each write the harness makes, through the real `bench` command on a real small
// tmpfs: the LUT, the journal, the model store, `report pareto`'s HTML and `report regression`'s
// reports. Each case leaves just a little room, then asserts exit 8, one line naming the file (and a
// hint), the previous file byte for byte, the journal whole (every line a record, none torn), no
// temporary file left; where a run was stopped, freeing the space and `--resume` must lose nothing.
// Mounting needs root; CI runs as root (without root the cases are skipped: the same write paths are
// tested against injected short writes in test/unit/atomic-write.test.ts). The LUT cases run in order
// on one table, as a user's runs would: each starts from the table the previous one left.
import { copyFileSync, createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { readLut } from '../../src/lut/io.js';
import type { Lut } from '../../src/lut/schema.js';
import type { JournalLine, RoundRecord } from '../../src/measure/journal.js';
import { bench, tempDir, type CliResult } from '../support/cli.js';
import { recordFault } from '../support/faults.js';
import { isRoot, mountSmallDisk, type SmallDisk } from '../support/small-disk.js';
import { cpuDevice, syntheticLut } from '../support/synthetic-lut.js';
import { scenarioTables } from '../unit/regression/fixtures.js';

const host = tempDir('nsb-disk-full-');
const env = { NANOSD_BENCH_STORE: join(host, 'store') };
const small = ['--latent', '8', '--width', '0.125', '--warmup', '1', '--rounds', '1'];
let disk: SmallDisk;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** exit 8, the one line naming `file` (a path or a pattern), at most a hint, no stack trace. */
function expectDiskFull(r: CliResult, file: string | RegExp): void {
  expect(r.code, r.stderr).toBe(8);
  const lines = r.stderr.trimEnd().split('\n');
  const name = typeof file === 'string' ? escape(file) : file.source;
  // `report regression` puts the hint in parentheses on the same line; other commands on the next.
  const hintInParentheses = '( \\(free some space.*\\))?';
  const line = `^bench: disk full while writing ${name}; the previous file is kept${hintInParentheses}$`;
  expect(lines[0]).toMatch(new RegExp(line));
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^ {2}free some space/);
  expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
}

/** Temporary files left on the small disk (or in `dir`). */
function strays(dir?: string): string[] {
  const names = dir === undefined ? disk.files() : readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return names.filter((f) => /\.(tmp|part|pull)$/.test(f));
}

/** The journal's records; fails on a torn or unreadable line. */
function journalRecords(file: string): JournalLine[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n'), 'the journal ends with a whole line').toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalLine);
}

function rounds(lines: JournalLine[]): RoundRecord[] {
  return lines.filter((l): l is RoundRecord => l.type === 'round');
}

/**
 * What a stopped-then-resumed run lost: entries of the old table outside the run that changed or went
 * missing, journaled rounds whose samples are not in the final table, planned entries not measured.
 */
function entriesLost(old: Lut, planned: (id: string) => boolean, journaled: RoundRecord[], final: Lut): number {
  const byId = new Map(final.entries.map((e) => [e.id, e]));
  let lost = 0;
  for (const e of old.entries) if (!planned(e.id) && !isDeepStrictEqual(byId.get(e.id), e)) lost++;
  for (const r of journaled) {
    const samples = byId.get(r.id)?.samples ?? [];
    if (!r.samples.every((x) => samples.includes(x))) lost++;
  }
  for (const e of final.entries) if (planned(e.id) && e.state !== 'ok') lost++;
  return lost;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (b) => hash.update(b))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Content hash of every file under `dir`, by relative path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (statSync(join(dir, f)).isFile()) out.set(f, await sha256(join(dir, f)));
  }
  return out;
}

/** Every weights file in the store is whole: its content hash is the one recorded beside it. */
function expectWholeWeights(store: string, files: Map<string, string>): void {
  for (const [file, hash] of files) {
    if (!file.endsWith('.bin')) continue;
    expect(files.has(`${file}.sha256`), `${file} has its hash`).toBe(true);
    expect(readFileSync(join(store, `${file}.sha256`), 'utf8').trim(), file).toBe(hash);
  }
}

describe.skipIf(!isRoot)('a full disk at each write (a tmpfs: mounting needs root)', () => {
  const lut = () => join(disk.dir, 'a.lut.json');
  const journal = () => `${lut()}.journal.jsonl`;

  beforeAll(async () => {
    disk = mountSmallDisk(join(host, 'small'), 8 << 20);
    // The previous table: E1 with 40 samples an entry, so it takes a few pages.
    const first = await bench(['blocks', ...small, '--stages', 'E1', '--iterations', '40', '--out', lut()], env);
    expect(first.code, first.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    disk?.unmount();
  });

  it('the LUT: exit 8, the previous table and the journal kept; --resume then loses nothing', async () => {
    const before = readFileSync(lut());
    const old = readLut(lut());
    // Room for the lock, the runner's package file and the journal, not for the new table (it keeps E1).
    disk.leave(2 * disk.block);
    const args = ['blocks', ...small, '--stages', 'conv_in', '--iterations', '3', '--out', lut()];
    const r = await bench(args, env);
    expectDiskFull(r, lut());
    expect(r.stderr).toContain('--resume');
    expect(r.stdout).not.toContain('LUT written');
    expect(readFileSync(lut()).equals(before)).toBe(true);
    const journaled = rounds(journalRecords(journal()));
    expect(journaled.map((l) => l.key.stage)).toEqual(['conv_in']);
    expect(strays()).toEqual([]);

    disk.leave(Infinity);
    const resumed = await bench([...args, '--resume'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const final = readLut(lut());
    expect(final.entries).toHaveLength(old.entries.length + 1);
    expect(existsSync(journal())).toBe(false);
    const lost = entriesLost(old, (id) => id.startsWith('part/conv_in/'), journaled, final);
    expect(lost).toBe(0);
    recordFault('disk-full:lut', { entriesLost: lost });
  }, 120_000);

  it('the journal: an append cut off mid-run is taken back, exit 8; --resume completes the run', async () => {
    const before = readFileSync(lut());
    const old = readLut(lut());
    // 100 samples a round make each journal line ~2.5 KB: the journal needs three pages and gets at most two.
    // E2 is not in the table yet, so what the resumed run ends with can only come from the journal.
    disk.leave(2 * disk.block);
    const args = ['blocks', ...small, '--stages', 'E2', '--iterations', '100', '--out', lut()];
    const r = await bench(args, env);
    expectDiskFull(r, journal());
    expect(r.stderr).toContain('--resume');
    expect(readFileSync(lut()).equals(before)).toBe(true);
    const lines = journalRecords(journal());
    expect(lines[0]!.type).toBe('header');
    const journaled = rounds(lines);
    expect(journaled.length).toBeGreaterThanOrEqual(1);
    expect(journaled.length).toBeLessThan(4);
    for (const l of journaled) expect(l.samples).toHaveLength(100);
    expect(strays()).toEqual([]);

    disk.leave(Infinity);
    const resumed = await bench([...args, '--resume'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const final = readLut(lut());
    const e2 = final.entries.filter((e) => e.key.stage === 'E2');
    expect(e2.map((e) => e.samples.length)).toEqual([100, 100, 100, 100]);
    const lost = entriesLost(old, (id) => id.startsWith('block/E2/'), journaled, final);
    expect(lost).toBe(0);
    recordFault('disk-full:journal', { entriesLost: lost });
  }, 120_000);

  it('the model store: exit 8 naming the file, no short model under its hash, store and LUT untouched', async () => {
    const store = join(disk.dir, 'store');
    const storeEnv = { NANOSD_BENCH_STORE: store };
    const exportArgs = ['export', '--latent', '8', '--width', '0.125', '--stages'];
    const exported = await bench([...exportArgs, 'conv_in', '--out', join(host, 'export')], storeEnv);
    expect(exported.code, exported.stderr).toBe(0);
    const stored = await snapshot(store);
    const out = join(host, 'store-case.lut.json');
    copyFileSync(lut(), out);
    const before = readFileSync(out);
    // E1's unit weights at this width are ~100 KB each.
    disk.leave(64 << 10);
    const args = ['blocks', ...small, '--stages', 'E1', '--iterations', '3', '--out', out];
    const r = await bench(args, storeEnv);
    expectDiskFull(r, new RegExp(`${escape(store)}/\\S+`));
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(existsSync(`${out}.journal.jsonl`)).toBe(false);
    const after = await snapshot(store);
    for (const [file, hash] of stored) expect(after.get(file), file).toBe(hash);
    expectWholeWeights(store, after);
    expect(strays()).toEqual([]);
    expect(strays(host)).toEqual([]);

    // With room again the store completes E1 from what it kept, and every file is whole.
    disk.leave(Infinity);
    const again = await bench([...exportArgs, 'E1', '--out', join(host, 'export-e1')], storeEnv);
    expect(again.code, again.stderr).toBe(0);
    expectWholeWeights(store, await snapshot(store));
    const lost = entriesLost(readLut(lut()), () => false, [], readLut(out));
    expect(lost).toBe(0);
    recordFault('disk-full:store', { entriesLost: lost });
  }, 120_000);

  it('report pareto: exit 8, the previous HTML byte for byte', async () => {
    const table = join(host, 'cpu.lut.json');
    const catalog = loadCatalog('block-variants/sd15-nanosd.json');
    writeFileSync(table, JSON.stringify(syntheticLut(catalog, { ...cpuDevice, latent: 8 })));
    const out = join(disk.dir, 'reports', 'pareto.html');
    disk.leave(Infinity);
    const first = await bench(['report', 'pareto', '--lut', table, '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(out);
    disk.leave(256 << 10);
    const r = await bench(['report', 'pareto', '--lut', table, '--title', 'second', '--out', out]);
    expectDiskFull(r, out);
    expect(r.stdout).not.toContain('wrote');
    expect(readFileSync(out).equals(before)).toBe(true);
    expect(strays()).toEqual([]);
    recordFault('disk-full:report-pareto', { entriesLost: 0 });
  }, 120_000);

  it('report regression: exit 8 (not 3), summary.md, regression.json and junit.xml all as they were', async () => {
    const { baseline, current } = scenarioTables(2);
    const [a, b] = [join(host, 'baseline.json'), join(host, 'current.json')];
    writeFileSync(a, JSON.stringify(baseline));
    writeFileSync(b, JSON.stringify(current));
    const out = join(disk.dir, 'regression');
    disk.leave(Infinity);
    const first = await bench(['report', 'regression', '--baseline', a, '--current', b, '--out', out]);
    expect(first.code, first.stderr).toBe(1);
    const names = ['summary.md', 'regression.json', 'junit.xml'];
    const before = names.map((n) => readFileSync(join(out, n)));
    // Room for the new summary.md, not for regression.json: the set is replaced whole or not at all.
    const summaryPages = Math.ceil(before[0]!.length / disk.block) + 1;
    expect(before[1]!.length).toBeGreaterThan(2 * disk.block);
    disk.leave(summaryPages * disk.block);
    const args = ['report', 'regression', '--baseline', a, '--current', b, '--out', out];
    const r = await bench([...args, '--threshold', '20%']);
    expectDiskFull(r, join(out, 'regression.json'));
    names.forEach((n, i) => expect(readFileSync(join(out, n)).equals(before[i]!), n).toBe(true));
    expect(strays()).toEqual([]);
    recordFault('disk-full:report-regression', { entriesLost: 0 });
  }, 120_000);
});
