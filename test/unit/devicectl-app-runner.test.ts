// The devicectl-app runner's pure parts: the exact command lines it builds, the sequence script that
// batches them into one remote command (run here with the local sh), the optional console additions
// it reads, its options, and the built-in Apple and Linux profiles.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/devices/load.js';
import { profilesDir } from '../../src/paths.js';
import {
  benchAppInputArguments,
  copyToDeviceArgv,
  deviceDetailsArgv,
  launchAppArgv,
  sequenceArgv,
  sequenceCompleted,
} from '../../src/runners/devicectl-app/commands.js';
import { devicectlAppOptionsSchema } from '../../src/runners/devicectl-app/options.js';
import {
  cpuNodes,
  isModelLoadError,
  ORT_COREML_COMPUTE_UNITS,
  readBenchAppExtras,
} from '../../src/runners/devicectl-app/output.js';
import { COMPUTE_UNITS, parseDevicectlAppOutput } from '../../src/runners/devicectl-app/parser.js';
import { bindRunner } from '../../src/runners/registry.js';
import { buildCommandLine } from '../../src/transports/quote.js';
import { repoRoot } from '../support/cli.js';

const evil = `Bench App 'q' $(touch PWNED) \`touch PWNED2\`;`;
const t = { xcrun: '/usr/bin/xcrun', udid: '00008130-0000000000000001', bundleId: 'com.example.nsbench' };
const model = {
  inputs: [
    { name: 's0', shape: [1, 320, 16, 16] },
    { name: 'temb', shape: [1, 1280] },
  ],
  precision: 'fp32' as const,
};

describe('devicectl command lines', () => {
  it('device details', () => {
    expect(deviceDetailsArgv(t, '/w/devicectl/device-details.json')).toEqual([
      '/usr/bin/xcrun',
      'devicectl',
      'device',
      'info',
      'details',
      '--device',
      '00008130-0000000000000001',
      '--json-output',
      '/w/devicectl/device-details.json',
    ]);
  });

  it('copy into the app data container, names passed as single arguments', () => {
    expect(
      copyToDeviceArgv({ ...t, bundleId: evil }, `/w/models/${evil}/E1.onnx`, `Documents/${evil}/E1.onnx`),
    ).toEqual([
      '/usr/bin/xcrun',
      'devicectl',
      'device',
      'copy',
      'to',
      '--device',
      t.udid,
      '--domain-type',
      'appDataContainer',
      '--domain-identifier',
      evil,
      '--source',
      `/w/models/${evil}/E1.onnx`,
      '--destination',
      `Documents/${evil}/E1.onnx`,
    ]);
  });

  it('launch with the console, the NSBENCH arguments and the model inputs', () => {
    const argv = launchAppArgv(
      t,
      {
        modelPath: 'Documents/nsbench/c/E1.R-A-R-A.onnx',
        iterations: 20,
        warmup: 5,
        computeUnits: 'cpuAndNeuralEngine',
        runId: 'nsb-1',
      },
      model,
    );
    expect(argv).toEqual([
      '/usr/bin/xcrun',
      'devicectl',
      'device',
      'process',
      'launch',
      '--console',
      '--terminate-existing',
      '--device',
      t.udid,
      'com.example.nsbench',
      '--nsbench-model=Documents/nsbench/c/E1.R-A-R-A.onnx',
      '--nsbench-iterations=20',
      '--nsbench-warmup=5',
      '--nsbench-compute-units=cpuAndNeuralEngine',
      '--nsbench-run-id=nsb-1',
      '--nsbench-input=s0:float32:1,320,16,16',
      '--nsbench-input=temb:float32:1,1280',
    ]);
    expect(benchAppInputArguments({ ...model, precision: 'fp16' })[1]).toBe('--nsbench-input=temb:float16:1,1280');
  });

  it('odd names stay quoted on the remote command line', () => {
    const line = buildCommandLine(
      launchAppArgv(
        { ...t, bundleId: evil },
        { modelPath: `Documents/${evil}.onnx`, iterations: 1, warmup: 0, computeUnits: 'all', runId: 'r' },
        model,
      ),
    );
    expect(line).toContain(`'Bench App '\\''q'\\'' $(touch PWNED) \`touch PWNED2\`;'`);
    expect(line).toContain(`'--nsbench-model=Documents/Bench App '\\''q'\\'' $(touch PWNED) \`touch PWNED2\`;.onnx'`);
  });
});

describe('sequence of commands in one remote command', () => {
  const run = (argv: string[], cwd: string) => spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd });

  it('runs each argv exactly, in order, and reports each success', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsb-seq-'));
    const r = run(
      sequenceArgv(
        [
          ['printf', '<%s>', 'a b', "it's", evil, ''],
          ['sh', '-c', 'printf "%s:%s" "$#" "$1"', 'sh', ''],
        ],
        '--sep--',
      ),
      dir,
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`<a b><it's><${evil}><>1:`);
    expect(sequenceCompleted(r.stdout)).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops at the first failure with its exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsb-seq-'));
    const r = run(sequenceArgv([['true'], ['sh', '-c', 'exit 7'], ['touch', 'never']], '--sep--'), dir);
    expect(r.status).toBe(7);
    expect(sequenceCompleted(r.stdout)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a separator that occurs in an argument, and empty commands', () => {
    expect(() => sequenceArgv([['echo', '--sep--']], '--sep--')).toThrow(/separator/);
    expect(() => sequenceArgv([[]], '--sep--')).toThrow(/empty/);
  });
});

describe('what the runner reads beyond the parser', () => {
  const console = [
    'Launched application with com.example.nsbench bundle identifier.',
    'NSBENCH/1 header ' +
      '{"device":"iPhone16,1","os":"18.2","computeUnits":"cpuAndNeuralEngine","model":"E1.onnx","loadMs":812.4,' +
      '"runId":"r1","iterations":2,"warmup":1,"runtime":"onnxruntime 1.22.0"}',
    'NSBENCH/1 warmup 0 31.2',
    '2025-01-14 10:42:18.164 NSBench[812:61544] NSBENCH/1 providers ' +
      '{"CoreMLExecutionProvider":3,"CPUExecutionProvider":2}',
    'NSBENCH/1 sample 0 12.8',
    'NSBENCH/1 sample 1 12.9',
    'NSBENCH/1 done 2',
  ].join('\n');

  it('the runtime header key and the providers line; the parser still accepts the run', () => {
    expect(parseDevicectlAppOutput(console, { runId: 'r1' }).samplesMs).toEqual([12.8, 12.9]);
    const extras = readBenchAppExtras(console);
    expect(extras).toEqual({
      runtime: 'onnxruntime 1.22.0',
      providers: { CoreMLExecutionProvider: 3, CPUExecutionProvider: 2 },
    });
    expect(cpuNodes(extras.providers)).toBe(2);
    expect(readBenchAppExtras('NSBENCH/1 header {"device":"x"}')).toEqual({});
    expect(cpuNodes(undefined)).toBe(0);
  });

  it('the complete run in docs/ios-bench-app.md parses, with its optional additions', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'ios-bench-app.md'), 'utf8');
    const example = /Example of a complete run[^\n]*\n\n```\n([\s\S]*?)```/.exec(doc)![1]!;
    const run = parseDevicectlAppOutput(example, { runId: 'nsb-m1x2y3z4-9f8e7d6c' });
    expect(run.samplesMs).toHaveLength(5);
    expect(run.header.model).toBe('E1.R-A-R-A.l16.3f2a9c.onnx');
    expect(readBenchAppExtras(example)).toEqual({
      runtime: 'onnxruntime 1.22.0',
      providers: { CoreMLExecutionProvider: 9 },
    });
    // The argument table documents every argument the runner passes.
    const argv = launchAppArgv(
      t,
      { modelPath: 'm.onnx', iterations: 1, warmup: 0, computeUnits: 'all', runId: 'r' },
      model,
    );
    for (const a of argv.filter((x) => x.startsWith('--nsbench-')))
      expect(doc).toContain(`\`${a.slice(0, a.indexOf('=') + 1)}`);
  });

  it('a model that cannot be loaded is told by the `load:` prefix', () => {
    expect(isModelLoadError('load: no such file Documents/nsbench/x.onnx')).toBe(true);
    expect(isModelLoadError('MLModel load failed: bad input')).toBe(false);
  });

  it('maps every compute-units name to the CoreML EP option value', () => {
    expect(Object.keys(ORT_COREML_COMPUTE_UNITS).sort()).toEqual([...COMPUTE_UNITS].sort());
    expect(ORT_COREML_COMPUTE_UNITS.cpuAndNeuralEngine).toBe('CPUAndNeuralEngine');
    expect(ORT_COREML_COMPUTE_UNITS.all).toBe('ALL');
  });
});

describe('options and profiles', () => {
  it('defaults, and a container folder must stay inside the container', () => {
    expect(devicectlAppOptionsSchema.parse({ udid: 'u', bundleId: 'b' })).toEqual({
      udid: 'u',
      bundleId: 'b',
      computeUnits: 'cpuAndNeuralEngine',
      iterations: 20,
      xcrun: 'xcrun',
      containerDir: 'Documents/nsbench',
    });
    expect(devicectlAppOptionsSchema.safeParse({ udid: 'u', bundleId: 'b', containerDir: '/var/mobile' }).success).toBe(
      false,
    );
    expect(
      devicectlAppOptionsSchema.safeParse({ udid: 'u', bundleId: 'b', containerDir: 'Documents/../..' }).success,
    ).toBe(false);
    expect(devicectlAppOptionsSchema.safeParse({ udid: 'u', bundleId: 'b', computeUnits: 'ane' }).success).toBe(false);
  });

  it.each(['mac', 'iphone', 'linux-board'])(
    'built-in profile %s validates, binds its runner and says what to edit',
    (name) => {
      const profile = loadProfile(name, [profilesDir()]);
      const bound = bindRunner(profile);
      expect(profile.transport.kind).toBe('ssh');
      expect(profile.requires?.length).toBeGreaterThan(2);
      const text = JSON.stringify(profile);
      for (const key of ['host', 'user', 'key', 'hostKey'] as const)
        expect(JSON.stringify((profile.transport as Record<string, unknown>)[key])).toMatch(/EDIT.?ME/i);
      expect(profile.requires!.join(' ')).toMatch(/ssh-keyscan .*\| ssh-keygen -lf -/);
      if (name === 'iphone') {
        expect(bound.runner.name).toBe('devicectl-app');
        expect(bound.options).toMatchObject({
          computeUnits: 'cpuAndNeuralEngine',
          udid: expect.stringMatching(/EDIT-ME/),
        });
        expect(profile.requires!.join(' ')).toMatch(/devicectl list devices/);
      } else {
        expect(bound.runner.name).toBe('ort-node');
        expect(text).toMatch(/"ort":"\/[^"]*EDIT-ME/);
      }
      if (name === 'mac')
        expect(bound.options).toMatchObject({ ep: 'coreml', epOptions: { coreMlFlags: 0x010 | 0x004 } });
      if (name === 'linux-board')
        expect(profile).toMatchObject({ affinity: 'f0', threads: 4, runner: { options: { ep: 'cpu' } } });
    },
  );
});
