import { describe, expect, it } from 'vitest';
import { candidateAt, candidateCost, candidateNumber, parseCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { createPredictor } from '../../src/predict/predictor.js';
import { parseObjectives } from '../../src/search/objectives.js';
import { qualityFromProxies } from '../../src/search/quality.js';
import { objectiveColumns, runSearch } from '../../src/search/search.js';
import { evaluateSpace } from '../../src/search/space.js';
import { cpuDevice, npuDevice, syntheticLut } from '../support/synthetic-lut.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const cpu = createPredictor(syntheticLut(catalog, cpuDevice), 'cpu.json', catalog);
const npu = createPredictor(syntheticLut(catalog, { ...npuDevice, precision: 'fp16' }), 'npu.json', catalog);
const cat = cpu.catalog;
// Attention helps quality (lower loss), more so in decoders: a proxy that trades against latency.
const proxies = Object.fromEntries(
  cat.stages.map((s) => [
    s.name,
    Object.fromEntries(
      s.variants.map((v) => [
        v.name,
        10 -
          v.units.filter((u) => u.kind === 'attention').length *
            (s.name.startsWith('D') ? 1.3 : 1) *
            (1 + 0.1 * v.index),
      ]),
    ),
  ]),
);
const quality = qualityFromProxies('proxy.json', cat, proxies, { metric: 'loss', better: 'lower' });
const space = evaluateSpace(cat, [cpu, npu], quality);

/** Every non-front candidate is dominated by a front member; no candidate dominates a front member. */
function checkFront(cols: Float64Array[], sample: number[], front: number[]) {
  const dominates = (q: number, p: number) => cols.every((c) => c[q]! <= c[p]!) && cols.some((c) => c[q]! < c[p]!);
  const onFront = new Set(front);
  const dominatedFront = front.filter((p) => sample.some((q) => dominates(q, p)));
  const undominated = sample.filter((p) => !onFront.has(p) && !front.some((q) => dominates(q, p)));
  expect(dominatedFront).toEqual([]);
  expect(undominated).toEqual([]);
}

describe('search over the whole space', () => {
  it('evaluates params and MACs of every candidate like the catalogue does', () => {
    for (let n = 0; n < space.size; n += 211) {
      const cost = candidateCost(cat, candidateAt(cat, n));
      expect(space.params[n]).toBe(cost.params);
      expect(space.macs[n]).toBeCloseTo(cost.macs, 0);
    }
  });

  it('finds the exact front in 2 and 3 objectives (checked against dominance over the whole space)', () => {
    for (const objectives of [
      ['latency', 'quality'],
      ['latency', 'params', 'quality'],
      ['latency', 'params'],
    ] as const) {
      const r = runSearch(space, { objectives: [...objectives] });
      const cols = objectiveColumns(space, objectives, 0);
      const eligible = Array.from({ length: space.size }, (_, n) => n);
      const front = r.fronts[0]!.front;
      expect(front.length).toBeGreaterThan(0);
      // Checking every pair over 32,768 candidates is too slow: check every front member against a
      // sample and every sampled non-front candidate against the front.
      const set = new Set(front);
      checkFront(
        cols,
        eligible.filter((n) => n % 7 === 0 || set.has(n)),
        front,
      );
    }
  });

  it('names the reference points and the knee', () => {
    const r = runSearch(space, { objectives: ['latency', 'quality'] });
    expect(r.references.teacher).toBe(0);
    expect(r.references.smallest).toBe(candidateNumber(cat, parseCandidate(cat, '3.3.3.7.7.7')));
    const lat = space.devices[0]!.prediction.median;
    expect(lat[r.references.fastest!]).toBe(Math.min(...lat));
    expect(r.fronts[0]!.front).toContain(r.references.knee);
    expect(r.directions).toEqual(['min', 'min']);
    expect(r.fronts[0]!.hypervolume!.value).toBeGreaterThan(0);
    expect(r.fronts[0]!.hypervolume!.value).toBeLessThanOrEqual(1.1 ** 2);
  });

  it('maximises quality when higher is better', () => {
    const higher = qualityFromProxies('proxy.json', cat, proxies, { better: 'higher' });
    const s = evaluateSpace(cat, [cpu], higher);
    const r = runSearch(s, { objectives: ['latency', 'quality'] });
    expect(r.directions).toEqual(['min', 'max']);
    // The slowest, best-scored (highest loss here) teacher-like end of the front has the maximum quality.
    const best = Math.max(...r.fronts[0]!.front.map((n) => higher.values[n]!));
    expect(best).toBe(Math.max(...higher.values));
  });

  it('applies --max-latency and --max-params per device and counts what they exclude', () => {
    const r = runSearch(space, { objectives: ['latency', 'params', 'quality'], maxLatencyMs: 35, maxParams: 400e6 });
    const f = r.fronts[0]!;
    for (const n of f.front) {
      expect(space.devices[0]!.prediction.median[n]).toBeLessThanOrEqual(35);
      expect(space.params[n]).toBeLessThanOrEqual(400e6);
    }
    expect(f.excluded.overLatency + f.excluded.overParams + f.eligible).toBe(space.size);
    expect(r.constraints).toEqual({ maxLatencyMs: 35, maxParams: 400e6 });
  });

  it('compares devices: rank correlation and front carry-over', () => {
    const r = runSearch(space, { objectives: ['latency', 'quality'] });
    const t = r.transfer[0]!;
    expect(t.from).toBe('local');
    expect(t.to).toBe('s25');
    expect(t.n).toBe(32_768);
    expect(t.spearman).toBeGreaterThan(0);
    expect(t.spearman).toBeLessThan(1);
    expect(t.kendallTauB).toBeLessThan(t.spearman);
    const onB = new Set(r.fronts[1]!.front);
    expect(t.kept).toBe(r.fronts[0]!.front.filter((n) => onB.has(n)).length);
    const same = runSearch(evaluateSpace(cat, [cpu, cpu], quality), { objectives: ['latency', 'quality'] })
      .transfer[0]!;
    expect([same.spearman, same.kendallTauB, same.kept]).toEqual([expect.closeTo(1, 12), 1, same.frontSize]);
  });

  it('leaves candidates without a prediction or a score out, and says how many', () => {
    const broken = createPredictor(
      syntheticLut(catalog, { ...cpuDevice, omit: ['block/D1/R-R-R/l16/w1/fp32'] }),
      'b.json',
      catalog,
    );
    const partial = qualityFromProxies('p.json', cat, { ...proxies, E1: { 'R-A-R-A': 1 } });
    const r = runSearch(evaluateSpace(cat, [broken], partial), { objectives: ['latency', 'quality'] });
    expect(r.fronts[0]!.excluded.noLatency).toBe(32_768 / 8);
    expect(r.fronts[0]!.excluded.noQuality).toBe((32_768 - 32_768 / 8) * (3 / 4));
    expect(r.fronts[0]!.eligible).toBe(32_768 / 4 - 32_768 / 32);
  });

  it('rejects unknown and repeated objectives, and quality without a file', () => {
    expect(() => parseObjectives(['latency', 'speed'], false)).toThrow(
      /unknown objective 'speed'; known: latency, params, macs, quality/,
    );
    expect(() => parseObjectives(['latency', 'latency'], false)).toThrow(/twice/);
    expect(() => parseObjectives(['quality', 'latency'], false)).toThrow(/--quality/);
    expect(parseObjectives([], false)).toEqual(['latency', 'params']);
    expect(parseObjectives([], true)).toEqual(['latency', 'params', 'quality']);
  });
});
