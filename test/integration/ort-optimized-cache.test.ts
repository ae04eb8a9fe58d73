// The device runner's optimized-graph cache (onnxruntime's offline mode) on this machine's CPU with
// the real onnxruntime-node: the first session of a model builds and saves its optimized graph, later
// sessions load it with the optimizer off and compute the same outputs' timings; a damaged cache
// entry is removed and rebuilt; a run without a model id never caches. (Other execution providers
// never cache either: the runner only does it for `cpu`, and this build has no other to try.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { parseNsbRunner, type NsbRunnerOutput } from '../../src/runners/ort-node/parser.js';
import type { ModelFiles } from '../../src/runners/types.js';
import { tempDir } from '../support/cli.js';
import { singleUnitModel, tempStore } from '../support/unit-graph.js';

const runnerJs = join(import.meta.dirname, '..', '..', 'dist', 'device-runner', 'ort-runner.js');

function run(model: ModelFiles, extra: string[]): { out: NsbRunnerOutput; stderr: string } {
  const inputs = model.inputs.flatMap((i) => ['--input', `${i.name}:float32:${i.shape.join(',')}`]);
  const r = spawnSync(
    process.execPath,
    [
      runnerJs,
      '--model',
      join(model.root, model.graph),
      '--ort',
      localOrtPath(),
      '--warmup',
      '1',
      '--min-iterations',
      '3',
      '--max-iterations',
      '3',
      '--no-profile',
      ...inputs,
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return { out: parseNsbRunner(r.stdout), stderr: r.stderr };
}

describe('spinning threads', () => {
  it('--no-spin runs the model with idle threads sleeping and says so; the default spins', () => {
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.1);
    const stage = cat.stages.find((s) => s.name === 'E2')!;
    const unit = stage.variants[stage.teacher]!.units.find((u) => u.name === 'R1')!;
    const model = singleUnitModel(tempStore(), cat, 'E2', unit);
    const off = run(model, ['--no-spin', '--threads', '2']);
    expect(off.out.error).toBeUndefined();
    expect(off.out.start?.spin).toBe(false);
    expect(off.out.samples).toHaveLength(3);
    expect(run(model, ['--threads', '2']).out.start?.spin).toBeUndefined();
  });
});

describe('optimized-graph cache of the device runner', () => {
  let model: ModelFiles;
  const cache = tempDir('nsb-ort-cache-');
  const withCache = () => ['--optimized-cache', cache, '--model-id', model.sha256];
  const entries = () => readdirSync(cache);

  beforeAll(() => {
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.1);
    const stage = cat.stages.find((s) => s.name === 'E2')!;
    const unit = stage.variants[stage.teacher]!.units.find((u) => u.name === 'R1')!;
    model = singleUnitModel(tempStore(), cat, 'E2', unit);
  });

  it('saves the optimized graph on the first session and loads it on the next', () => {
    const first = run(model, withCache());
    expect(first.out.error).toBeUndefined();
    expect(first.out.graph).toBe('saved');
    expect(first.stderr).toBe(''); // the "hardware specific" warning of saving is not noise for users
    expect(entries()).toHaveLength(1);
    const [entry] = entries();
    expect(entry).toMatch(new RegExp(`^${model.sha256}-ort1\\.30\\.0-[0-9a-f]{12}$`));
    expect(readdirSync(join(cache, entry!)).sort()).toEqual(['complete', 'model.onnx', 'weights.bin']);

    const second = run(model, withCache());
    expect(second.out.graph).toBe('cached');
    expect(second.out.samples).toHaveLength(3);
    expect(second.out.io).toEqual(first.out.io);
    expect(entries()).toHaveLength(1);
  });

  it('a damaged entry is removed and rebuilt, never half-used', () => {
    const [entry] = entries();
    writeFileSync(join(cache, entry!, 'model.onnx'), 'not a model');
    const r = run(model, withCache());
    expect(r.out.error).toBeUndefined();
    expect(r.out.graph).toBe('saved');
    expect(run(model, withCache()).out.graph).toBe('cached');
    // An entry without its completion mark (a writer that died) is not loaded either.
    rmSync(join(cache, entry!, 'complete'));
    expect(run(model, withCache()).out.graph).toBe('saved');
    expect(entries().filter((e) => e.includes('.tmp-'))).toEqual([]);
  });

  it('without a model id or a cache folder, the graph is optimized online and nothing is cached', () => {
    const other = tempDir('nsb-ort-cache-');
    expect(run(model, ['--optimized-cache', other]).out.graph).toBe('online');
    expect(existsSync(other) ? readdirSync(other) : []).toEqual([]);
    expect(run(model, []).out.graph).toBe('online');
  });
});
