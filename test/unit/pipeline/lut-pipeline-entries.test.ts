// The LUT's version 2 additions: pipeline entry keys (unit, VAE variant, U-Net, steps), peak memory
// per entry from the runners that report it, and the lowest-version rule that keeps tables of blocks
// readable by older harnesses. Old tables stay readable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEntry } from '../../../src/lut/build.js';
import { parseLut } from '../../../src/lut/io.js';
import { entryId, entryLabel } from '../../../src/lut/key.js';
import { lutEntrySchema, lutSchemaVersionFor, type EntryKey } from '../../../src/lut/schema.js';
import type { RoundRecord } from '../../../src/measure/journal.js';
import { mergeSettings } from '../../../src/measure/settings.js';
import { renderLutTable } from '../../../src/report/text/lut-table.js';
import { parseNsbRunner } from '../../../src/runners/ort-node/parser.js';
import { parseOrtPerfTest } from '../../../src/runners/ort-perf-test/parser.js';
import { plannedEntry } from '../measure/fakes.js';

const base = { latent: 64, width: 1, precision: 'fp32' as const };

describe('pipeline entry keys', () => {
  it('name the unit, the VAE variant, the U-Net and its steps; block, part and candidate ids are unchanged', () => {
    const arch = 'E1=R-A-R-A,E2=R-A-R-A';
    const tile: EntryKey = { kind: 'pipeline', stage: 'tile', variant: 'teacher', arch, steps: 2, ...base };
    expect(entryId(tile)).toBe('pipeline/tile/teacher/E1=R-A-R-A,E2=R-A-R-A/s2/l64/w1/fp32');
    expect(entryLabel(tile)).toBe('tile teacher + E1=R-A-R-A,E2=R-A-R-A (2 steps)');
    const decoder: EntryKey = { kind: 'pipeline', stage: 'vae_decoder', variant: 'd2', ...base };
    expect(entryId(decoder)).toBe('pipeline/vae_decoder/d2/l64/w1/fp32');
    expect(entryId({ kind: 'block', stage: 'E1', variant: 'R-R', ...base })).toBe('block/E1/R-R/l64/w1/fp32');
    expect(entryId({ kind: 'part', stage: 'conv_in', ...base })).toBe('part/conv_in/l64/w1/fp32');
    expect(entryId({ kind: 'candidate', arch: 'E1=R-R', ...base })).toBe('candidate/E1=R-R/l64/w1/fp32');
  });
});

describe('peak memory', () => {
  it('the device runner reports its peak RSS and the parser reads it', () => {
    const out = parseNsbRunner(
      [
        'start {"runtime":"onnxruntime-node","version":"1.30.0","ep":"cpu","threads":0}',
        'load 12.5',
        'sample 1 3.5',
        'sample 2 3.25',
        'rss 187392000',
        'done {"n":2,"reason":"max-iterations","rme":0.1}',
      ]
        .map((l) => `NSB-RUNNER/1 ${l}`)
        .join('\n'),
    );
    expect(out.peakRssBytes).toBe(187392000);
  });

  it('onnxruntime_perf_test reports its peak working set (real output)', () => {
    const text = readFileSync('test/fixtures/outputs/ort-perf-test/2021-2025-inference-assembled.txt', 'utf8');
    expect(parseOrtPerfTest(text).peakWorkingSetBytes).toBe(271122432);
  });

  it('an entry keeps the largest peak of its rounds; the table shows it in MB', () => {
    const planned = plannedEntry('R-A-R');
    const round = (i: number, peak?: number): RoundRecord => ({
      type: 'round',
      id: planned.id,
      key: planned.key,
      modelSha256: planned.model.sha256,
      round: i,
      kind: 'iteration',
      samples: [10, 10.1, 10.05, 9.98, 10.02],
      temperatures: { before: {}, after: {} },
      throttled: false,
      hostMs: 50,
      ...(peak !== undefined ? { peakMemoryBytes: peak } : {}),
    });
    const rounds = [round(0, 300 * 2 ** 20), round(1, 320 * 2 ** 20), round(2)];
    const entry = buildEntry(planned, { rounds }, mergeSettings({}));
    expect(entry.peakMemoryBytes).toBe(320 * 2 ** 20);
    expect(() => lutEntrySchema.parse(entry)).not.toThrow();
    expect(buildEntry(planned, { rounds: [round(0)] }, mergeSettings({})).peakMemoryBytes).toBeUndefined();
    expect(lutSchemaVersionFor([entry])).toBe(2);

    const lut = parseLut(readFileSync('reports/baselines/local.lut.json', 'utf8'), 'baseline');
    expect(renderLutTable(lut)).not.toContain('peak MB');
    const first = { ...lut.entries[0]!, peakMemoryBytes: 512 * 2 ** 20 };
    const withPeak = { ...lut, entries: [first, ...lut.entries.slice(1)] };
    const table = renderLutTable(withPeak);
    expect(table).toMatch(/peak MB/);
    expect(table.split('\n').find((l) => l.includes(lut.entries[0]!.key.stage!) && l.includes(' 512 '))).toBeDefined();
  });
});

describe('versions', () => {
  it('a version 1 table is read as it is, and a table of blocks is still written as version 1', () => {
    const text = readFileSync('reports/baselines/local.lut.json', 'utf8');
    const lut = parseLut(text, 'reports/baselines/local.lut.json');
    expect(JSON.parse(text).schemaVersion).toBe(1);
    expect(lutSchemaVersionFor(lut.entries)).toBe(1);
    const where = { latent: 16, width: 1, precision: 'fp32' as const };
    const key = { kind: 'pipeline' as const, stage: 'tile', variant: 'teacher', arch: 'x', steps: 1, ...where };
    const steps = { ...lut.entries[0]!, key };
    expect(lutSchemaVersionFor([steps])).toBe(2);
  });

  it('a newer table than the harness knows is refused with the version named', () => {
    const lut = JSON.parse(readFileSync('reports/baselines/local.lut.json', 'utf8'));
    lut.schemaVersion = 3;
    expect(() => parseLut(JSON.stringify(lut), 'x.lut.json')).toThrow(/schema version 3; this one reads up to 2/);
  });
});
