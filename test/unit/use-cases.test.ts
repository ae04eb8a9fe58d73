// The library API runs what the commands run: each use case takes options and returns a typed result,
// and `--json` prints that result, so a program and a shell script see the same data.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lutExportCommand } from '../../src/cli/commands/lut-export.js';
import { predictCommand } from '../../src/cli/commands/predict.js';
import {
  describeCatalog,
  evaluateSearch,
  exportLutTable,
  loadCatalog,
  predictLatency,
  searchCandidates,
  showLut,
  writeRegressionReport,
} from '../../src/index.js';
import { parseCsv } from '../../src/search/csv.js';
import { runCommand } from '../support/run-command.js';
import { cpuDevice, syntheticLut } from '../support/synthetic-lut.js';
import { scenarioTables } from './regression/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-use-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const cpuFile = join(dir, 'cpu.json');
writeFileSync(cpuFile, JSON.stringify(syntheticLut(catalog, cpuDevice)));

describe('use cases from the library', () => {
  it('predictLatency returns what bench predict --json prints', async () => {
    const report = predictLatency({ luts: [cpuFile], arch: '3.0.1.7.2.5' });
    expect(report.candidate.indices).toBe('3.0.1.7.2.5');
    expect(report.devices[0]!.available).toBe(true);
    const printed = await runCommand(predictCommand, ['--lut', cpuFile, '--arch', '3.0.1.7.2.5', '--json']);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('evaluateSearch writes nothing; searchCandidates writes the --out file in the format asked', () => {
    const run = evaluateSearch({ luts: [cpuFile], objectives: ['latency', 'macs'] });
    expect(run.result.objectives).toEqual(['latency', 'macs']);
    expect(run.written).toBeUndefined();
    const file = join(dir, 'front.data');
    const written = searchCandidates({ luts: [cpuFile], out: { file, format: 'csv' } });
    expect(written.written).toBe(file);
    expect(parseCsv(readFileSync(file, 'utf8'))).toHaveLength(written.result.fronts[0]!.front.length + 1);
  });

  it('exportLutTable returns the text bench lut export prints', async () => {
    const r = exportLutTable({ luts: [cpuFile], format: 'csv' });
    expect(r).toMatchObject({ format: 'csv', candidates: 32_768 });
    expect(r.file).toBeUndefined();
    expect((await runCommand(lutExportCommand, ['--lut', cpuFile])).stdout).toBe(r.text);
  });

  it('writeRegressionReport writes the chosen reports and returns the verdict', () => {
    const { baseline, current } = scenarioTables(2);
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')];
    writeFileSync(a, JSON.stringify(baseline));
    writeFileSync(b, JSON.stringify(current));
    const outDir = join(dir, 'regression');
    const r = writeRegressionReport({ baseline: a, current: b, formats: ['md'], outDir });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([join(outDir, 'summary.md')]);
    expect(readFileSync(r.files[0]!, 'utf8')).toBe(r.markdown);
    expect(existsSync(join(outDir, 'regression.json'))).toBe(false);
    expect(r.document.schema).toBe('nanosd-bench/regression');
  });

  it('showLut and describeCatalog read what lut show and catalog print', () => {
    expect(showLut({ file: cpuFile }).device.profile).toBe('local');
    const resolved = describeCatalog({ latent: 8, width: 0.5 });
    expect([resolved.latent, resolved.width, resolved.stages.length]).toEqual([8, 0.5, 6]);
  });
});
