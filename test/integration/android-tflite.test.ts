// The tflite-benchmark runner: the user's .tflite models from a manifest, measured by a
// benchmark_model stand-in (replaying captured output) pushed from a host runtime folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../src/devices/schema.js';
import { ModelError } from '../../src/errors.js';
import { readLut } from '../../src/lut/io.js';
import { tfliteBenchmarkRunner } from '../../src/runners/tflite-benchmark/runner.js';
import { tfliteBenchmarkOptionsSchema } from '../../src/runners/tflite-benchmark/options.js';
import type { RunnerContext, RunRequest } from '../../src/runners/types.js';
import { createAdbTransport } from '../../src/transports/adb/index.js';
import type { FakePhone } from '../support/adb-server.js';
import { blocksOn, E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench } from '../support/cli.js';
import { phoneWorkDir, startPhoneRig, type PhoneRig } from '../support/phone-rig.js';
import { makeTfliteRuntime, phoneCalls, readCalls, writeProfile } from './android-stand-ins.js';

let rig: PhoneRig | undefined;
let phone: FakePhone;
let host: string;
let runtime: string;
let manifest: string;
const variants = ['R-A-R-A', 'R-A-R', 'R-R-A', 'R-R'];

beforeAll(async () => {
  rig = await startPhoneRig('nsb-android-tflite-', { model: 'Pixel 9' });
  host = rig.host;
  phone = rig.phones[0]!;
  runtime = makeTfliteRuntime(join(host, 'tflite-android'));
  const models = join(host, 'my models');
  mkdirSync(models, { recursive: true });
  for (const v of variants) writeFileSync(join(models, `e1-${v}.tflite`), `TFL3 ${v}`);
  manifest = join(models, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      schemaVersion: 1,
      models: variants.map((v) => ({ stage: 'E1', variant: v, file: `e1-${v}.tflite` })),
    }),
  );
});

afterAll(() => rig?.close());

describe('bench blocks with .tflite models from a manifest', () => {
  it(
    'one sample per benchmark_model process (its average, µs ' +
      '-> ms); a delegate that takes nothing flags cpu-fallback',
    async () => {
      const workDir = phoneWorkDir(phone);
      const profiles = writeProfile(join(host, 'profiles'), {
        name: 'pixel-tflite',
        transport: phone.transportSpec,
        workDir,
        runner: {
          name: 'tflite-benchmark',
          options: { runtimeDir: runtime, delegate: 'nnapi', nnapiAccelerator: 'google-edgetpu', runsPerProcess: 50 },
        },
        threads: 4,
        defaults: { latent: 8, width: 0.125 },
      });
      const lutFile = join(host, 'tflite.lut.json');
      const r = await bench(
        blocksOn('pixel-tflite', profiles, lutFile, ['--models', manifest, ...E1_ONE_ROUND, '--warmup', '1']),
        { NANOSD_BENCH_STORE: join(host, 'store') },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lut = readLut(lutFile);
      expect(lut.runtime).toMatchObject({ runner: 'tflite-benchmark', ep: 'nnapi:google-edgetpu' });
      for (const e of lut.entries) {
        expect(e).toMatchObject({ state: 'ok', sampleKind: 'process' });
        expect(e.model.source).toBe('manifest');
        expect(e.samples).toEqual([1240.27, 1240.27, 1240.27]);
        expect(e.flags).toContain('cpu-fallback');
        expect(e.extra).toMatchObject({
          processRuns: { count: 50, minMs: 1238.588, maxMs: 1252.566, stdMs: 2.565, medianMs: 1239.807 },
        });
      }
      const calls = readCalls(phoneCalls(phone.sandbox, 'benchmark_model')).filter((c) => c.argv[0] !== '--help');
      expect(calls).toHaveLength(12);
      for (const c of calls) {
        expect(c.argv).toEqual([
          expect.stringMatching(
            new RegExp(`^--graph=${join(workDir, 'models', 'my models').replace(/\./g, '\\.')}/e1-[RA-]+\\.tflite$`),
          ),
          '--num_threads=4',
          '--num_runs=50',
          '--warmup_runs=1',
          '--min_secs=0',
          '--warmup_min_secs=0',
          '--use_nnapi=true',
          '--nnapi_accelerator_name=google-edgetpu',
          '--disable_nnapi_cpu=true',
        ]);
        expect(c.LD_LIBRARY_PATH).toBe(join(workDir, 'runtime'));
      }
    },
  );
});

describe('the runner on its own', () => {
  const request: RunRequest = {
    warmup: 2,
    minIterations: 1,
    maxIterations: 1,
    maxTimeMs: 1e9,
    targetRme: 0,
    seed: 1,
    timeoutMs: 30_000,
  };

  it('XNNPACK: no fallback flag; generated ONNX graphs are refused with the next step', async () => {
    const transport = await createAdbTransport(phone.transportSpec, { profile: 'unit' });
    const profile = { name: 'unit', file: join(host, 'unit.json') } as DeviceProfile;
    const ctx: RunnerContext = {
      transport,
      profile,
      workDir: join(phone.sandbox, 'data/local/tmp/unit'),
      hostDir: join(host, 'unit.raw'),
      log: () => {},
    };
    const o = tfliteBenchmarkOptionsSchema.parse({ runtimeDir: runtime });
    const setup = await tfliteBenchmarkRunner.prepare(ctx, o);
    expect(setup.ep).toBe('xnnpack');
    const model = {
      root: join(host, 'my models'),
      graph: 'e1-R-R.tflite',
      files: ['e1-R-R.tflite'],
      sha256: 'x',
      inputs: [],
      outputs: [],
      precision: 'fp32' as const,
      label: 'E1.R-R',
    };
    const staged = await tfliteBenchmarkRunner.stage(ctx, o, model);
    const out = await tfliteBenchmarkRunner.run(ctx, o, staged, { ...request, affinity: '1' });
    expect(out).toMatchObject({
      kind: 'process',
      samples: [1240.27],
      cpuFallback: false,
      loadMs: 5.579,
      warmup: [1357.6],
    });
    expect(readCalls(phoneCalls(phone.sandbox, 'benchmark_model')).at(-1)!.argv.slice(1)).toEqual([
      '--num_runs=20',
      '--warmup_runs=2',
      '--min_secs=0',
      '--warmup_min_secs=0',
      '--use_xnnpack=true',
    ]);
    const onnx = await tfliteBenchmarkRunner.stage(ctx, o, { ...model, graph: 'x.onnx' }).catch((e: unknown) => e);
    expect(onnx).toBeInstanceOf(ModelError);
    expect((onnx as ModelError).hint).toMatch(/--models manifest\.json/);
  });
});
