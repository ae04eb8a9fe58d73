import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateCost, teacherCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { partGraphSpec, stageGraphSpec } from '../../../src/onnx/group-graph.js';
import { ModelStore } from '../../../src/onnx/store.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

function generateAll(store: ModelStore, width: number, precision: 'fp32' | 'fp16') {
  const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, width);
  const models = [
    ...cat.parts.map((p) => store.ensureGroup(cat, partGraphSpec(p), `part.${p.name}`, { precision, seed: 1 })),
    ...cat.stages.flatMap((s) =>
      s.variants.map((v) =>
        store.ensureGroup(cat, stageGraphSpec(s, v), `${s.name}.${v.name}`, { precision, seed: 1 }),
      ),
    ),
  ];
  return { cat, models };
}

describe('model store', () => {
  it('stores each unit once: the store holds the teacher parameters, not 36 copies', () => {
    const root = mkdtempSync(join(tmpdir(), 'nsb-store-'));
    const generated: string[] = [];
    const store = new ModelStore(root, { onGenerate: (what) => generated.push(what) });
    const { cat, models } = generateAll(store, 0.25, 'fp32');
    expect(models).toHaveLength(39);
    const dir = join(store.configDir(cat, { precision: 'fp32', seed: 1 }), 'weights');
    const bins = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    // Every unit of the pool appears in the teacher, so the distinct units are the teacher's units plus the parts.
    const units =
      cat.parts.reduce((a, p) => a + p.units.length, 0) +
      cat.stages.reduce((a, s) => a + s.variants[s.teacher]!.units.length, 0);
    expect(bins).toHaveLength(units);
    expect(generated).toHaveLength(units);
    const bytes = bins.reduce((a, f) => a + statSync(join(dir, f)).size, 0);
    const teacherBytes = candidateCost(cat, teacherCandidate(cat)).params * 4;
    expect(bytes).toBeGreaterThanOrEqual(teacherBytes);
    expect(bytes).toBeLessThan(teacherBytes * 1.05); // alignment padding only
    // Variants of a stage reference the same weight files.
    const e1 = models.filter((m) => m.label.startsWith('E1.'));
    const r1 = e1.map((m) => m.files.find((f) => f.includes('E1.R1.')));
    expect(new Set(r1).size).toBe(1);
  });

  it('a second run regenerates nothing and gives the same content hashes', () => {
    const root = mkdtempSync(join(tmpdir(), 'nsb-store-'));
    const first = generateAll(new ModelStore(root), 0.125, 'fp32').models;
    const mtimes = new Map(
      first.flatMap((m) => m.files.map((f) => [join(m.root, f), statSync(join(m.root, f)).mtimeMs] as const)),
    );
    const generated: string[] = [];
    const second = generateAll(new ModelStore(root, { onGenerate: (w) => generated.push(w) }), 0.125, 'fp32').models;
    expect(generated).toEqual([]);
    expect(second.map((m) => m.sha256)).toEqual(first.map((m) => m.sha256));
    for (const [file, mtime] of mtimes) expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('fp16 weights take half the bytes; different seeds give different models', () => {
    const root = mkdtempSync(join(tmpdir(), 'nsb-store-'));
    const store = new ModelStore(root);
    // Width 0.5: tensors large enough that the 4 KiB alignment padding does not dominate.
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.5);
    const e1 = cat.stages[0]!;
    const teacher = e1.variants[0]!;
    const a = store.ensureGroup(cat, stageGraphSpec(e1, teacher), 'E1.t', { precision: 'fp32', seed: 1 });
    const b = store.ensureGroup(cat, stageGraphSpec(e1, teacher), 'E1.t', { precision: 'fp16', seed: 1 });
    const c = store.ensureGroup(cat, stageGraphSpec(e1, teacher), 'E1.t', { precision: 'fp32', seed: 2 });
    const size = (m: typeof a) => m.files.slice(1).reduce((s, f) => s + statSync(join(m.root, f)).size, 0);
    expect(size(b)).toBeLessThan(size(a) * 0.55);
    expect(c.sha256).not.toBe(a.sha256);
  });
});
