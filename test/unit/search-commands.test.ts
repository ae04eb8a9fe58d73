import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lutExportCommand } from '../../src/cli/commands/lut-export.js';
import { predictCommand } from '../../src/cli/commands/predict.js';
import { reportParetoCommand } from '../../src/cli/commands/report-pareto.js';
import { searchCommand } from '../../src/cli/commands/search.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { ExitCode } from '../../src/errors.js';
import { parseCsv } from '../../src/search/csv.js';
import { runCommand } from '../support/run-command.js';
import { cpuDevice, npuDevice, syntheticLut } from '../support/synthetic-lut.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const dir = mkdtempSync(join(tmpdir(), 'nsb-search-'));
const cpuFile = join(dir, 'cpu.json');
const npuFile = join(dir, 'npu.json');
const partlessFile = join(dir, 'partless.json');
writeFileSync(
  cpuFile,
  JSON.stringify(
    syntheticLut(catalog, {
      ...cpuDevice,
      flags: { 'block/D1/R-R-R/l16/w1/fp32': ['cpu-fallback'], 'block/D1/R-R-A-R/l16/w1/fp32': ['cpu-fallback'] },
    }),
  ),
);
writeFileSync(npuFile, JSON.stringify(syntheticLut(catalog, npuDevice)));
writeFileSync(partlessFile, JSON.stringify(syntheticLut(catalog, { ...cpuDevice, parts: false })));
const otherCatalog = join(dir, 'other-cat.json');
writeFileSync(otherCatalog, JSON.stringify({ ...catalog.spec, name: 'other' }));
const foreignFile = join(dir, 'foreign.json');
writeFileSync(foreignFile, JSON.stringify(syntheticLut(loadCatalog(otherCatalog), cpuDevice)));
// A default `local` run as it looks on a noisy host: `outliers` on 38 of 39 entries (a condition of the
// run), and one entry throttled (a flag that changes what to do with that entry).
const noisyFile = join(dir, 'noisy.json');
const noisyIds = syntheticLut(catalog, cpuDevice).entries.map((e) => e.id);
const throttledId = 'block/E1/R-R/l16/w1/fp32';
writeFileSync(
  noisyFile,
  JSON.stringify(
    syntheticLut(catalog, {
      ...cpuDevice,
      flags: {
        ...Object.fromEntries(noisyIds.slice(1).map((id) => [id, ['outliers' as const]])),
        [throttledId]: ['outliers', 'throttled'],
      },
    }),
  ),
);
const NOISY = 'outliers in 38 of 39 entries: this host is noisy';
const qualityFile = join(dir, 'q.csv');
writeFileSync(
  qualityFile,
  '# better: lower\n# metric: taFID\ncode,score\n0.0.0.0.0.0,10\n3.3.3.7.7.7,30\n1.1.1.1.1.1,15\n',
);

describe('bench predict', () => {
  it('prints latency with interval, params, MACs and the per-stage breakdown', async () => {
    const r = await runCommand(predictCommand, ['--lut', cpuFile, '--arch', '3.0.1.7.2.5']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain('candidate  E1=R-R,E2=R-A-R-A,E3=R-A-R,D3=R-R-R,D2=R-A-R-R-A,D1=R-R-A-R (3.0.1.7.2.5)');
    expect(r.stdout).toMatch(/latency +\d+\.\d+ ms +95% interval/);
    expect(r.stdout).toContain('part conv_out');
    expect(r.stdout).toContain('[cpu-fallback]');
    const json = JSON.parse(
      (
        await runCommand(predictCommand, [
          '--lut',
          cpuFile,
          '--lut',
          npuFile,
          '--arch',
          'E1=R-R,E2=R-R,E3=R-R,D3=R-R-R,D2=R-R-R,D1=R-R-R',
          '--json',
        ])
      ).stdout,
    );
    expect(json.candidate.indices).toBe('3.3.3.7.7.7');
    expect(json.devices).toHaveLength(2);
    expect(json.devices[0].flags).toEqual(['cpu-fallback']);
    expect(json.devices[1].latency.median).toBeLessThan(json.devices[0].latency.median);
  });

  it('exits 1 naming the missing part entries', async () => {
    const r = await runCommand(predictCommand, ['--lut', partlessFile, '--arch', '0.0.0.0.0.0']);
    expect(r.code).toBe(ExitCode.failure);
    expect(r.stderr).toContain('part/conv_in/l16/w1/fp32 (missing)');
  });

  it('gives one-line errors with distinct exit codes', async () => {
    const bad = await runCommand(predictCommand, ['--lut', cpuFile, '--arch', '9.9.9.9.9.9']);
    expect([bad.code, bad.stderr.trim().split('\n')]).toEqual([
      ExitCode.usage,
      [expect.stringMatching(/stage E1 has variants 0\.\.3, not 9/)],
    ]);
    expect((await runCommand(predictCommand, ['--lut', join(dir, 'none.json'), '--arch', '0.0.0.0.0.0'])).code).toBe(
      ExitCode.invalidFile,
    );
    expect((await runCommand(predictCommand, ['--lut', cpuFile])).code).toBe(ExitCode.usage);
    const foreign = await runCommand(predictCommand, ['--lut', foreignFile, '--arch', '0.0.0.0.0.0']);
    expect(foreign.code).toBe(ExitCode.invalidFile);
    expect(foreign.stderr).toMatch(/foreign\.json: catalog: measured with catalogue 'other'/);
    expect(
      (await runCommand(predictCommand, ['--lut', foreignFile, '--catalog', otherCatalog, '--arch', '0.0.0.0.0.0']))
        .code,
    ).toBe(ExitCode.ok);
  });
});

describe('bench search', () => {
  it('prints the front, reference points and the device transfer; writes JSON and CSV', async () => {
    const out = join(dir, 'front.json');
    const r = await runCommand(searchCommand, [
      '--lut',
      cpuFile,
      '--lut',
      npuFile,
      '--objectives',
      'latency,macs',
      '--out',
      out,
    ]);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain('objectives: latency (min), macs (min)');
    expect(r.stdout).toMatch(/transfer local -> s25: Spearman 0\.\d+, Kendall tau-b 0\.\d+ over 32768 candidates/);
    expect(r.stdout).toMatch(/teacher +\d/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.fronts).toHaveLength(2);
    expect(json.references.teacher.indices).toBe('0.0.0.0.0.0');
    const csvOut = join(dir, 'front.csv');
    await runCommand(searchCommand, ['--lut', cpuFile, '--out', csvOut, '--format', 'csv']);
    const rows = parseCsv(readFileSync(csvOut, 'utf8'));
    expect(rows[0]!.fields.slice(0, 4)).toEqual(['number', 'code', 'indices', 'E1']);
  });

  it('uses quality (lower is better here) and says which candidates have no score', async () => {
    const r = await runCommand(searchCommand, [
      '--lut',
      cpuFile,
      '--quality',
      qualityFile,
      '--objectives',
      'latency,quality',
      '--json',
    ]);
    const json = JSON.parse(r.stdout);
    expect(json.directions).toEqual(['min', 'min']);
    expect(json.quality.missing.count).toBe(32_765);
    expect(json.fronts[0].eligible).toBe(3);
    expect(json.fronts[0].excluded.noQuality).toBe(32_765);
    const text = (await runCommand(searchCommand, ['--lut', cpuFile, '--quality', qualityFile])).stdout;
    expect(text).toContain('32765 candidates have no score and are left out of quality objectives');
  });

  it('refuses an unknown objective, a bad --out and a bad quality file', async () => {
    const r = await runCommand(searchCommand, ['--lut', cpuFile, '--objectives', 'latency,speed']);
    expect([r.code, r.stderr]).toEqual([
      ExitCode.usage,
      "bench: --objectives: unknown objective 'speed'; known: latency, params, macs, quality, pipeline\n",
    ]);
    expect((await runCommand(searchCommand, ['--lut', cpuFile, '--out', join(dir, 'x.csv')])).code).toBe(
      ExitCode.usage,
    );
    const badQ = join(dir, 'bad.csv');
    writeFileSync(badQ, 'code,score\nE1=R-R,1\n');
    const q = await runCommand(searchCommand, ['--lut', cpuFile, '--quality', badQ]);
    expect(q.code).toBe(ExitCode.invalidFile);
    expect(q.stderr).toContain('bad.csv: line 2: bad candidate code');
  });
});

describe('flags that say something', () => {
  /** Lines that name the flag: the run-wide line names `outliers` twice, and it must be the only one. */
  const count = (text: string, word: string) => text.split('\n').filter((l) => l.includes(word)).length;

  it('bench predict tells a run-wide flag once and a rare one on its row; the JSON keeps every flag', async () => {
    expect(noisyIds).toHaveLength(39);
    const r = await runCommand(predictCommand, ['--lut', noisyFile, '--arch', '3.0.1.7.2.5']);
    expect(r.code).toBe(ExitCode.ok);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('run '))).toEqual([
      `run        ${NOISY} (outliers are kept; medians and tests are robust to them)`,
    ]);
    expect(count(r.stdout, 'outliers')).toBe(1);
    expect(lines.find((l) => l.startsWith('  E1 R-R '))).toMatch(/ \[throttled\]$/);
    expect(lines.filter((l) => l.includes('['))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('flags '))).toBe(`flags      ${throttledId}: throttled`);
    const json = JSON.parse(
      (await runCommand(predictCommand, ['--lut', noisyFile, '--arch', '3.0.1.7.2.5', '--json'])).stdout,
    );
    const device = json.devices[0];
    expect(device.flags).toEqual(expect.arrayContaining(['outliers', 'throttled']));
    expect(device.flagged).toHaveLength(9);
    expect(device.stages[0].flags).toEqual(['outliers', 'throttled']);
    expect(device.runWide).toEqual([{ flag: 'outliers', entries: 38, of: 39, meaning: expect.any(String) }]);
  });

  it('bench search tells a run-wide flag once per device and a rare one on the front rows it touches', async () => {
    const args = ['--lut', noisyFile, '--quality', qualityFile, '--objectives', 'latency,quality'];
    const r = await runCommand(searchCommand, args);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain(`\n  run: ${NOISY} (`);
    expect(count(r.stdout, 'outliers')).toBe(1);
    const rows = r.stdout.split('\n').filter((l) => /^ +\d+ +\d/.test(l));
    const throttled = rows.filter((l) => l.includes('E1=R-R,'));
    expect(throttled.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(throttled.length);
    for (const row of rows) expect(row.endsWith('  [throttled]')).toBe(row.includes('E1=R-R,'));
  });
});

describe('bench search --out and --format', () => {
  it('--format chooses the file format, never the name; a name promising another format is refused', async () => {
    const txt = join(dir, 'front.txt');
    expect((await runCommand(searchCommand, ['--lut', cpuFile, '--out', txt])).code).toBe(ExitCode.ok);
    expect(JSON.parse(readFileSync(txt, 'utf8')).fronts).toHaveLength(1);
    const wrong = await runCommand(searchCommand, ['--lut', cpuFile, '--out', join(dir, 'f.json'), '--format', 'csv']);
    expect(wrong.code).toBe(ExitCode.usage);
    expect(wrong.stderr.split('\n')[0]).toMatch(/f\.json: the name says \.json but --format is csv$/);
    const alone = await runCommand(searchCommand, ['--lut', cpuFile, '--format', 'csv']);
    expect(alone.code).toBe(ExitCode.usage);
    expect(alone.stderr).toBe('bench: --format csv: chooses the format of the --out file; give --out FILE\n');
  });
});

describe('bench lut export', () => {
  it('writes one CSV row per candidate with per-device latency and interval', async () => {
    const out = join(dir, 'all.csv');
    const r = await runCommand(lutExportCommand, ['--lut', cpuFile, '--lut', npuFile, '--format', 'csv', '--out', out]);
    expect(r.code).toBe(ExitCode.ok);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows).toHaveLength(32_769);
    const head = rows[0]!.fields;
    expect(head).toEqual(
      expect.arrayContaining([
        'code',
        'indices',
        'D1',
        'params',
        'macs',
        'local_latency_ms',
        'local_lo_ms',
        'local_hi_ms',
        's25_latency_ms',
      ]),
    );
    const teacher = rows[1]!.fields;
    expect(teacher[head.indexOf('code')]).toBe(
      'E1=R-A-R-A,E2=R-A-R-A,E3=R-A-R-A,D3=R-A-R-A-R-A,D2=R-A-R-A-R-A,D1=R-A-R-A-R-A',
    );
    expect(Number(teacher[head.indexOf('params')])).toBe(523_217_604);
  });

  it('writes JSON to stdout', async () => {
    const r = await runCommand(lutExportCommand, ['--lut', cpuFile, '--format', 'json']);
    const json = JSON.parse(r.stdout);
    expect(json.candidates).toHaveLength(32_768);
    expect(json.candidates[32_767].indices).toBe('3.3.3.7.7.7');
    expect((await runCommand(lutExportCommand, ['--lut', cpuFile, '--format', 'xml'])).code).toBe(ExitCode.usage);
  });

  it('--json: the export itself without --out, what was written with it; never CSV on stdout', async () => {
    const r = await runCommand(lutExportCommand, ['--lut', cpuFile, '--json']);
    expect(JSON.parse(r.stdout).candidates).toHaveLength(32_768);
    const out = join(dir, 'all-2.csv');
    const written = await runCommand(lutExportCommand, ['--lut', cpuFile, '--out', out, '--json']);
    expect(JSON.parse(written.stdout)).toEqual({ file: out, format: 'csv', candidates: 32_768 });
    expect(parseCsv(readFileSync(out, 'utf8'))).toHaveLength(32_769);
    const both = await runCommand(lutExportCommand, ['--lut', cpuFile, '--json', '--format', 'csv']);
    expect([both.code, both.stdout]).toEqual([ExitCode.usage, '']);
    const named = await runCommand(lutExportCommand, ['--lut', cpuFile, '--out', join(dir, 'all.json')]);
    expect(named.code).toBe(ExitCode.usage);
    expect(named.stderr).toMatch(/the name says \.json but --format is csv/);
  });
});

describe('bench report pareto', () => {
  it('writes one HTML file', async () => {
    const out = join(dir, 'r', 'pareto.html');
    const r = await runCommand(reportParetoCommand, [
      '--lut',
      cpuFile,
      '--lut',
      npuFile,
      '--quality',
      qualityFile,
      '--out',
      out,
    ]);
    expect(r.code).toBe(ExitCode.ok);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.length).toBeLessThan(5e6);
  });

  it('--json prints what was written', async () => {
    const out = join(dir, 'r', 'pareto-2.html');
    const r = await runCommand(reportParetoCommand, ['--lut', cpuFile, '--out', out, '--json']);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ file: out, candidates: 32_768, answered: true, warnings: [] });
    expect(json.bytes).toBe(readFileSync(out).length);
    expect(json.devices).toEqual([{ label: 'local', lut: cpuFile, predicted: 32_768 }]);
  });
});
