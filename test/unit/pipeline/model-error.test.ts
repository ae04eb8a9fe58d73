// Prediction intervals that cover the model's own error: where the LUT holds candidates (or pipeline
// tiles) measured whole, the sampling interval of a sum of entries is widened by the spread of their
// measured/predicted ratios; where it holds none, the output says the interval is sampling error only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { predictCommand } from '../../../src/cli/commands/predict.js';
import { ExitCode } from '../../../src/errors.js';
import { createPredictor, modelErrorFrom, predictCandidate, t975, withModelError } from '../../../src/predict/index.js';
import { runCommand } from '../../support/run-command.js';
import { cpuDevice, syntheticEntry, syntheticLut } from '../../support/synthetic-lut.js';

describe('model error from measured/predicted ratios', () => {
  it('is the t prediction interval of one more log ratio, always including 1', () => {
    const ratios = [0.962, 1.0, 1.03, 1.065];
    const logs = ratios.map(Math.log);
    const m = logs.reduce((a, b) => a + b) / 4;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
    // t(0.975, 3) = 3.182 (the Student t quantile of src/stats).
    expect(t975(3)).toBeCloseTo(3.182, 3);
    const q = t975(3) * s * Math.sqrt(1.25);
    const e = modelErrorFrom(ratios, 'candidates')!;
    expect(e.n).toBe(4);
    expect(e.lower).toBeCloseTo(Math.exp(m - q), 12);
    expect(e.upper).toBeCloseTo(Math.exp(m + q), 12);
    expect([e.min, e.max]).toEqual([0.962, 1.065]);
    // Wider than the observed range: it is about the next candidate, not the ones seen.
    expect(e.lower).toBeLessThan(0.962);
    expect(e.upper).toBeGreaterThan(1.065);
    // All ratios above 1: the lower bound stays at 1 (the interval keeps the prediction itself).
    expect(modelErrorFrom([1.1, 1.11, 1.12], 'x')!.lower).toBe(1);
  });

  it('with one ratio reaches from 1 to it; without any there is none', () => {
    expect(modelErrorFrom([1.05], 'candidate')).toMatchObject({ n: 1, lower: 1, upper: 1.05 });
    expect(modelErrorFrom([0.9], 'candidate')).toMatchObject({ n: 1, lower: 0.9, upper: 1 });
    expect(modelErrorFrom([], 'candidates')).toBeUndefined();
    expect(t975(1)).toBeCloseTo(12.706, 3);
    expect(t975(60)).toBeCloseTo(2.0, 2);
  });

  it('widens in quadrature in log space and keeps the median', () => {
    const sum = { median: 100, interval: [99, 101.5] as [number, number], conservative: [97, 103] as [number, number] };
    expect(withModelError(sum, undefined)).toBe(sum);
    const w = withModelError(sum, { n: 4, source: 'candidates', lower: 0.94, upper: 1.08, min: 0.962, max: 1.065 });
    expect(w.median).toBe(100);
    expect(w.interval[0]).toBeCloseTo(100 * Math.exp(-Math.hypot(Math.log(100 / 99), Math.log(1 / 0.94))), 10);
    expect(w.interval[1]).toBeCloseTo(100 * Math.exp(Math.hypot(Math.log(101.5 / 100), Math.log(1.08))), 10);
    expect(w.conservative).toEqual([94 - 3, 108 + 3]);
    expect(w.interval[0]).toBeLessThan(99);
    expect(w.interval[1]).toBeGreaterThan(101.5);
  });
});

describe('bench predict with and without measured candidates', () => {
  const catalog = loadCatalog('block-variants/sd15-nanosd.json');
  const dir = mkdtempSync(join(tmpdir(), 'nsb-model-error-'));
  const plain = syntheticLut(catalog, cpuDevice);
  const p = createPredictor(plain, 'plain.json', catalog);
  // Four candidates measured at 0.962-1.065 of their prediction, as on the development machine.
  const measured = ['0.0.0.0.0.0', '3.3.3.7.7.7', '1.2.0.3.5.6', '2.1.3.4.0.1'].map((code, i) => {
    const r = predictCandidate(p, parseCandidate(p.catalog, code));
    const ratio = [0.962, 1.065, 1.01, 0.99][i]!;
    const key = { kind: 'candidate' as const, arch: r.code, latent: 16, width: 1, precision: 'fp32' as const };
    return { code: r.code, value: r.latency!.median * ratio, entry: syntheticEntry(key, r.latency!.median * ratio) };
  });
  const plainFile = join(dir, 'plain.json');
  const calFile = join(dir, 'cal.json');
  writeFileSync(plainFile, JSON.stringify(plain));
  writeFileSync(calFile, JSON.stringify(syntheticLut(catalog, { ...cpuDevice, extra: measured.map((m) => m.entry) })));

  it('says the interval is sampling error only when the LUT has no measured candidate', async () => {
    const r = await runCommand(predictCommand, ['--lut', plainFile, '--arch', '0.0.0.0.0.0']);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain('interval   sampling error only (the LUT holds no candidates measured end to end');
  });

  it('covers every measured candidate once the model error is added, and says how many it rests on', async () => {
    for (const m of measured) {
      const r = await runCommand(predictCommand, ['--lut', calFile, '--arch', m.code, '--json']);
      const d = JSON.parse(r.stdout).devices[0];
      expect(d.modelError.n).toBe(4);
      // The entries' sampling error alone misses the extreme candidates ...
      if (Math.abs(Math.log(m.value / d.samplingLatency.median)) > 0.05) {
        expect(m.value < d.samplingLatency.interval[0] || m.value > d.samplingLatency.interval[1]).toBe(true);
      }
      // ... the widened interval holds every one of them.
      expect(m.value).toBeGreaterThan(d.latency.interval[0]);
      expect(m.value).toBeLessThan(d.latency.interval[1]);
    }
    const text = (await runCommand(predictCommand, ['--lut', calFile, '--arch', '0.0.0.0.0.0'])).stdout;
    expect(text).toMatch(/interval +includes the model error of 4 measured candidates \(ratios 0\.962-1\.065; /);
    expect(text).toMatch(/measured\/predicted within 0\.\d+-1\.\d+\)/);
    expect(text).toMatch(/sampling +[\d.]+–[\d.]+ ms \(the entries' sampling error alone\)/);
  });
});
