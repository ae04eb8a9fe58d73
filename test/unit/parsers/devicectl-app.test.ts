// The NSBENCH line format is defined by this project (docs/ios-bench-app.md), so every fixture here is
// constructed; the devicectl and os_log lines around the tagged lines imitate a real console.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  BenchAppReportedError,
  benchAppArguments,
  parseDevicectlAppOutput,
} from '../../../src/runners/devicectl-app/parser.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/devicectl-app/${name}`, import.meta.url), 'utf8');

const RUN = {
  version: 1,
  header: {
    device: 'iPhone16,1',
    os: '18.2',
    computeUnits: 'cpuAndNeuralEngine',
    model: 'E1.mlpackage',
    loadMs: 812.4,
    compileMs: 2310.75,
    runId: 'r-20250114-0007',
    iterations: 5,
    warmup: 2,
    app: '1.0',
  },
  warmupMs: [31.2008, 13.0412],
  samplesMs: [12.8812, 12.9034, 12.7761, 12.9902, 12.845],
  thermal: { before: 'nominal', after: 'fair' },
};

const lines = (text: string) => text.trimEnd().split('\n');

describe('parseDevicectlAppOutput', () => {
  it('reads header, warm-ups, samples, thermal states and done', () => {
    expect(parseDevicectlAppOutput(fixture('clean.txt'), { runId: 'r-20250114-0007' })).toEqual(RUN);
  });

  it('ignores devicectl messages and os_log lines, accepts a tag after an NSLog prefix and CRLF', () => {
    expect(parseDevicectlAppOutput(fixture('noisy-console.txt'))).toEqual(RUN);
  });

  it('rejects output that stops before "done" (app backgrounded, console detached)', () => {
    expect(() => parseDevicectlAppOutput(fixture('truncated-backgrounded.txt'))).toThrow(/without "NSBENCH\/1 done"/);
  });

  it('rejects a missing sample line', () => {
    expect(() => parseDevicectlAppOutput(fixture('missing-sample.txt'))).toThrow(
      /sample 2 where sample 1 was expected/,
    );
  });

  it("turns an error line into BenchAppReportedError with the app's message", () => {
    let error: unknown;
    try {
      parseDevicectlAppOutput(fixture('app-error.txt'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BenchAppReportedError);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as BenchAppReportedError).appMessage).toBe(
      'MLModel load failed: The model does not have a valid input feature named latent',
    );
  });

  it('rejects a done count that differs from the samples, and a header whose counts differ', () => {
    const clean = lines(fixture('clean.txt'));
    expect(() => parseDevicectlAppOutput([...clean.slice(0, -1), 'NSBENCH/1 done 4'].join('\n'))).toThrow(
      /done 4 but 5 samples/,
    );
    const fewer = clean
      .filter((l) => !l.includes('sample 4'))
      .map((l) => (l === 'NSBENCH/1 done 5' ? 'NSBENCH/1 done 4' : l));
    expect(() => parseDevicectlAppOutput(fewer.join('\n'))).toThrow(/asks for 5 iterations but 4 samples/);
  });

  it('rejects output of another launch, another format version, and lines merged by the console', () => {
    expect(() => parseDevicectlAppOutput(fixture('clean.txt'), { runId: 'r-other' })).toThrow(
      /run id r-20250114-0007 is not this launch's r-other/,
    );
    expect(() => parseDevicectlAppOutput(fixture('clean.txt').replaceAll('NSBENCH/1', 'NSBENCH/2'))).toThrow(
      /version 2 is not supported/,
    );
    const merged = fixture('clean.txt').replace(
      'NSBENCH/1 sample 1 12.9034\nNSBENCH/1 sample 2',
      'NSBENCH/1 sample 1 12.9034NSBENCH/1 sample 2',
    );
    expect(() => parseDevicectlAppOutput(merged)).toThrow(/expected "sample <index> <ms>"/);
  });

  it('rejects a bad header, samples before the header, warm-ups after samples and lines after done', () => {
    const clean = lines(fixture('clean.txt'));
    const header = clean[0] ?? '';
    expect(() => parseDevicectlAppOutput(header.replace('"cpuAndNeuralEngine"', '"npu"'))).toThrow(
      /header computeUnits/,
    );
    expect(() => parseDevicectlAppOutput(header.replace('"loadMs":812.4', '"loadMs":-1'))).toThrow(/header loadMs/);
    expect(() => parseDevicectlAppOutput('NSBENCH/1 header {device:')).toThrow(/not a JSON object/);
    expect(() => parseDevicectlAppOutput('NSBENCH/1 sample 0 12.1\n')).toThrow(/before the header/);
    expect(() =>
      parseDevicectlAppOutput([header, 'NSBENCH/1 sample 0 1.0', 'NSBENCH/1 warmup 0 2.0'].join('\n')),
    ).toThrow(/warm-up after the first sample/);
    expect(() => parseDevicectlAppOutput([...clean, 'NSBENCH/1 sample 5 12.0'].join('\n'))).toThrow(/after "done"/);
    expect(() => parseDevicectlAppOutput([header, 'NSBENCH/1 thermal before toasty'].join('\n'))).toThrow(
      /thermal before\|after/,
    );
  });

  it('rejects output with no tagged line at all', () => {
    expect(() => parseDevicectlAppOutput('Launched application with com.example.nsbench bundle identifier.\n')).toThrow(
      /no "NSBENCH\/1 header"/,
    );
    expect(() => parseDevicectlAppOutput('')).toThrow(ParseError);
  });

  it('skips kinds added later within version 1', () => {
    const clean = lines(fixture('clean.txt'));
    const withExtra = [clean[0], 'NSBENCH/1 memory 0 183.2', ...clean.slice(1)].join('\n');
    expect(parseDevicectlAppOutput(withExtra)).toEqual(RUN);
  });
});

describe('benchAppArguments', () => {
  it('passes each setting as one --nsbench-<key>=<value> token', () => {
    expect(
      benchAppArguments({
        modelPath: 'Documents/nsbench/E1 v2.mlpackage',
        iterations: 50,
        warmup: 5,
        computeUnits: 'all',
        runId: 'r1',
      }),
    ).toEqual([
      '--nsbench-model=Documents/nsbench/E1 v2.mlpackage',
      '--nsbench-iterations=50',
      '--nsbench-warmup=5',
      '--nsbench-compute-units=all',
      '--nsbench-run-id=r1',
    ]);
  });
});
