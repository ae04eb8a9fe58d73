// The device runner's scratch folder (onnxruntime's profile of the warm-up), with the real runner laid
// out as the harness pushes it (the bundle and its package.json in <work>/runner/device-runner) and a
// private TMPDIR: nothing may appear in the device's temporary folder, and a model that fails to load
// or a SIGTERM mid-run leaves nothing behind; a SIGKILL leaves its folder inside the work folder,
// where `bench devices --clean` (which removes <work>/runner) reaches it.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { HARNESS_ENTRIES } from '../../src/transports/adb/work-dir.js';
import type { ModelFiles } from '../../src/runners/types.js';
import { repoRoot, tempDir, waitFor } from '../support/cli.js';
import { singleUnitModel, tempStore } from '../support/unit-graph.js';

const dist = join(repoRoot, 'dist');

/** A work folder with the runner pushed into it, and a private temporary folder for the process. */
function layout(): { work: string; tmp: string; runner: string } {
  const work = tempDir('nsb-runner-work-');
  const tmp = tempDir('nsb-runner-tmp-');
  const root = join(work, 'runner');
  mkdirSync(join(root, 'device-runner'), { recursive: true });
  for (const f of ['ort-runner.js', 'package.json']) {
    copyFileSync(join(dist, 'device-runner', f), join(root, 'device-runner', f));
  }
  return { work, tmp, runner: join(root, 'device-runner', 'ort-runner.js') };
}

/** What the runner (or onnxruntime's profiler) put into the temporary folder; the environment may add its own logs. */
const ours = (tmp: string) => readdirSync(tmp).filter((n) => /nsb|profile|onnxruntime/i.test(n));
const scratchOf = (work: string) => join(work, 'runner', 'scratch');
const leftovers = (work: string) => (existsSync(scratchOf(work)) ? readdirSync(scratchOf(work)) : []);

describe('device runner scratch folder', () => {
  let model: ModelFiles;
  const args = (m: string, extra: string[] = []) => [
    '--model',
    m,
    '--ort',
    localOrtPath(),
    '--min-iterations',
    '3',
    '--max-iterations',
    '3',
    ...model.inputs.flatMap((i) => ['--input', `${i.name}:float32:${i.shape.join(',')}`]),
    ...extra,
  ];

  const modelPath = () => join(model.root, model.graph);
  const envWith = (tmp: string) => ({ ...process.env, TMPDIR: tmp });
  const manyWarmups = ['--warmup', '100000'];

  beforeAll(() => {
    const cat = loadCatalog('block-variants/sd15-nanosd.json').resolve(8, 0.1);
    const stage = cat.stages.find((s) => s.name === 'E2')!;
    model = singleUnitModel(
      tempStore(),
      cat,
      'E2',
      stage.variants[stage.teacher]!.units.find((u) => u.name === 'R1')!,
    );
  });

  it('a model that fails to load leaves nothing, in the temporary folder or the work folder', () => {
    const { work, tmp, runner } = layout();
    const bad = join(work, 'bad.onnx');
    writeFileSync(bad, 'not a model');
    const r = spawnSync(process.execPath, [runner, ...args(bad)], { encoding: 'utf8', env: envWith(tmp) });
    expect(r.stdout).toMatch(/NSB-RUNNER\/1 error \{"stage":"load"/);
    expect(ours(tmp)).toEqual([]);
    expect(existsSync(scratchOf(work))).toBe(false);
  });

  it('a finished run and a SIGTERM mid-run leave nothing either', async () => {
    const { work, tmp, runner } = layout();
    const ok = spawnSync(process.execPath, [runner, ...args(modelPath())], { encoding: 'utf8', env: envWith(tmp) });
    expect(ok.stdout).toMatch(/NSB-RUNNER\/1 done /);
    expect(ours(tmp)).toEqual([]);
    expect(existsSync(scratchOf(work))).toBe(false);

    // Many warm-ups: the profile folder exists while they run.
    const child = spawn(process.execPath, [runner, ...args(modelPath(), manyWarmups)], { env: envWith(tmp) });
    await waitFor(() => leftovers(work).length > 0, 30_000, 'the profile folder');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(ours(tmp)).toEqual([]);
    expect(existsSync(scratchOf(work))).toBe(false);
  });

  it('a SIGKILL leaves its folder inside the runner folder that --clean removes, not in /tmp', async () => {
    const { work, tmp, runner } = layout();
    const child = spawn(process.execPath, [runner, ...args(modelPath(), manyWarmups)], { env: envWith(tmp) });
    await waitFor(() => leftovers(work).length > 0, 30_000, 'the profile folder');
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    expect(ours(tmp)).toEqual([]);
    expect(leftovers(work)).toEqual([expect.stringMatching(/^profile-/)]);
    expect(HARNESS_ENTRIES).toContain('runner');
  });
});
