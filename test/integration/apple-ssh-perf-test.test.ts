// The ort-perf-test runner on a Mac or Linux board over a real sshd, with an onnxruntime_perf_test
// stand-in (in a runtime folder the runner pushes) that replays the documented output: the exact
// command lines for the CoreML EP (macOS) and the CPU EP pinned with taskset (Linux), the result file
// read back, and the parsed samples in the LUT.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { perfTestStandIn, type StandIn } from '../support/apple-standins.js';
import { bench, tempDir } from '../support/cli.js';
import { pwnedFiles, writeSshProfile } from '../support/ssh-profiles.js';
import { startSshd, type TestSshd } from '../support/sshd.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
const small = [
  '--width',
  '0.125',
  '--latent',
  '8',
  '--rounds',
  '1',
  '--iterations',
  '5',
  '--warmup',
  '1',
  '--seed',
  '7',
];
// test/fixtures/outputs/ort-perf-test/result-file-5col-assembled.csv, in ms.
const fixtureSamples = [95.8204, 99.5086, 101.519, 97.8, 100.162];

let sshd: TestSshd;
let dir: string;
let profiles: string;
let runtimeDir: string;
let perfTest: StandIn & { cpus(): string[] };

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-apple-perf-');
  profiles = join(dir, 'profiles');
  runtimeDir = join(dir, 'host runtime');
  perfTest = perfTestStandIn(runtimeDir, join(dir, 'logs'));
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [dir, store]) if (d) rmSync(d, { recursive: true, force: true });
});

async function measure(name: string, options: Record<string, unknown>, more: Record<string, unknown> = {}) {
  const workDir = join(dir, `work ${name} 'q' $(touch PWNED)`);
  writeSshProfile(profiles, name, sshd, {
    workDir,
    runner: { name: 'ort-perf-test', options: { runtimeDir, ...options } },
    more,
  });
  const before = perfTest.calls().length;
  const lutFile = join(dir, `${name}.lut.json`);
  const r = await bench(
    ['blocks', '--device', name, '--profiles', profiles, ...small, '--stages', 'conv_in', '--out', lutFile],
    env,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const calls = perfTest.calls().slice(before);
  return {
    workDir,
    lut: readLut(lutFile),
    probe: calls.filter((c) => c.includes('-h')),
    runs: calls.filter((c) => !c.includes('-h')),
  };
}

describe('ort-perf-test over SSH', () => {
  it('macOS, CoreML EP: -e coreml with the compute units as -i options; samples from the result file', async () => {
    const { workDir, lut, probe, runs } = await measure('mac-perf', {
      ep: 'coreml',
      epOptions: { ModelFormat: 'MLProgram', MLComputeUnits: 'CPUAndNeuralEngine' },
      // macOS finds libraries through DYLD_LIBRARY_PATH.
      env: { LD_LIBRARY_PATH: '', DYLD_LIBRARY_PATH: '{runtime}' },
    });
    expect(probe).toHaveLength(1);
    expect(runs).toHaveLength(1);
    const model = runs[0]![runs[0]!.length - 2]!;
    const resultFile = runs[0]![runs[0]!.length - 1]!;
    expect(runs[0]).toEqual([
      '-e',
      'coreml',
      '-i',
      'ModelFormat|MLProgram MLComputeUnits|CPUAndNeuralEngine',
      '-m',
      'times',
      '-r',
      '5',
      '-I',
      '-S',
      '7',
      model,
      resultFile,
    ]);
    expect(model).toMatch(
      new RegExp(`^${workDir.replace(/[$()]/g, '\\$&')}/models/[^/]+/part\\.conv_in\\.l8\\.[0-9a-f]+\\.onnx$`),
    );
    expect(resultFile.startsWith(join(workDir, 'out', 'part.conv_in.'))).toBe(true);

    expect(lut.runtime).toMatchObject({
      runner: 'ort-perf-test',
      ep: 'coreml',
      options: { ep: 'coreml', epOptions: { ModelFormat: 'MLProgram', MLComputeUnits: 'CPUAndNeuralEngine' } },
    });
    const [entry] = lut.entries;
    expect(entry).toMatchObject({ state: 'ok', sampleKind: 'iteration', samples: fixtureSamples });
    expect(entry!.extra).toMatchObject({
      loadMs: [217.932],
      firstWarmupMs: [196],
      toolAverageMs: 98.961997,
      samplesFrom: 'result_file',
    });
    expect(pwnedFiles(dir)).toEqual([]);
  });

  it("Linux board, CPU EP: pinned with taskset (the profile's affinity) and -x threads", async () => {
    // A board profile pins the big cores (f0 on an RK3588); this machine has CPU 0 for sure.
    const { runs, lut } = await measure('board-perf', { ep: 'cpu' }, { affinity: '1', threads: 4 });
    expect(runs).toHaveLength(1);
    // taskset execs the binary: the stand-in sees its own arguments and runs on CPU 0 only.
    expect(runs[0]!.slice(0, 11)).toEqual(['-e', 'cpu', '-m', 'times', '-r', '5', '-x', '4', '-I', '-S', '7']);
    expect(perfTest.cpus().pop()).toBe('0');
    expect(lut.runtime).toMatchObject({ ep: 'cpu', threads: 4 });
    expect(lut.entries[0]).toMatchObject({ state: 'ok', samples: fixtureSamples });
  });
});
