import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  OrtPerfTestFailedError,
  detectOrtPerfTestFailure,
  detectQnnFallback,
  parseOrtPerfTest,
  parseOrtPerfTestResultFile,
} from '../../../src/runners/parsers/ort-perf-test.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/outputs/ort-perf-test/${name}`, import.meta.url), 'utf8');

const V123_PERCENTILES = { min: 95.8204, max: 101.519, p50: 99.5086, p90: 101.519, p95: 101.519, p99: 101.519, p999: 101.519 };

describe('parseOrtPerfTest: the three generations', () => {
  it('reads ORT 1.23+ output ("... cost total"): average stays ms, percentiles and session go s -> ms', () => {
    expect(parseOrtPerfTest(fixture('v1.23-total-arm-learning-paths.txt'))).toEqual({
      generation: 'total',
      sessionCreationMs: 217.932,
      firstInferenceMs: 196,
      totalInferenceMs: 494.81,
      requests: 5,
      averageMs: 98.961997,
      totalRunMs: 494.854,
      inferencesPerSecond: 10.104,
      avgCpuPercent: 11,
      peakWorkingSetBytes: 271122432,
      statisticsRuns: 5,
      latenciesMs: V123_PERCENTILES,
    });
  });

  it('reads the 2021-mid-2025 wording ("Average inference time cost:") as generation "inference"', () => {
    const r = parseOrtPerfTest(fixture('2021-2025-inference-assembled.txt'));
    expect(r.generation).toBe('inference');
    expect(r.averageMs).toBe(98.961997);
    expect(r.latenciesMs).toEqual(V123_PERCENTILES);
  });

  it('reads early-2020 output with no space after the colons and an ORT warning line in between', () => {
    expect(parseOrtPerfTest(fixture('2020-nospace-pr2798.txt'))).toEqual({
      generation: 'inference',
      sessionCreationMs: 1841.49,
      totalInferenceMs: 734.606,
      requests: 1,
      averageMs: 734.606,
      totalRunMs: 734.761,
      latenciesMs: {},
    });
  });

  it('reads 2020 output with CPU usage and peak working set (no percentiles with a result_file)', () => {
    expect(parseOrtPerfTest(fixture('2020-acl-issue4647.txt'))).toEqual({
      generation: 'inference',
      sessionCreationMs: 127.918,
      totalInferenceMs: 1448.71,
      requests: 10,
      averageMs: 144.871,
      totalRunMs: 1449.16,
      avgCpuPercent: 68,
      peakWorkingSetBytes: 158171136,
      latenciesMs: {},
    });
  });

  it('reads the 2019 README layout ("Average time cost", "Min Latency is Xsec")', () => {
    expect(parseOrtPerfTest(fixture('2019-readme.txt'))).toEqual({
      generation: 'legacy',
      totalInferenceMs: 58805.3,
      requests: 1000,
      averageMs: 58.8053,
      totalRunMs: 58810.2,
      latenciesMs: { min: 55.9777, p50: 58.7108 },
    });
  });

  it('reads the 2019 layout with a space before "sec" and every percentile', () => {
    const r = parseOrtPerfTest(fixture('2019-issue17313.txt'));
    expect(r.generation).toBe('legacy');
    expect(r.requests).toBe(1000);
    expect(r.latenciesMs).toEqual({ min: 55.9777, max: 62.3472, p50: 58.7108, p90: 59.9845, p95: 60.5676, p99: 61.9517, p999: 62.3472 });
  });

  it('reads percentiles printed in scientific notation', () => {
    const text = 'Total inference requests: 3\nAverage inference time cost total: 0.012 ms\nMin Latency: 1.2e-05 s\nMax Latency: 1.3e-05 s\n';
    expect(parseOrtPerfTest(text).latenciesMs).toEqual({ min: 0.012, max: 0.013 });
  });

  it('collects -v per-iteration lines and keeps indented shape-group percentiles out of the top level', () => {
    const text = [
      '2020-06-25 10:00:00.1 [V:onnxruntime:Default, performance_runner.h:95 RunOneIteration] iteration:1,time_cost:0.0123',
      '2020-06-25 10:00:00.2 [V:onnxruntime:Default, performance_runner.h:95 RunOneIteration] iteration:2,time_cost:0.0125',
      'Total inference requests: 2',
      'Average inference time cost total: 12.4 ms',
      'P50 Latency: 0.0123 s',
      'Shape group 1 (2 iterations):',
      '  P50 Latency: 0.0125 s',
      '  P90 Latency: 0.0127 s',
    ].join('\n');
    const r = parseOrtPerfTest(text);
    expect(r.iterationsMs).toEqual([12.3, 12.5]);
    expect(r.latenciesMs).toEqual({ p50: 12.3 });
    expect(r.shapeGroups).toEqual([{ index: 1, iterations: 2, latenciesMs: { p50: 12.5, p90: 12.7 } }]);
  });
});

describe('parseOrtPerfTest: failures', () => {
  it('turns "Run failed:" and the missing-input line into a typed failure that is a ParseError', () => {
    const text = fixture('failure-no-input-issue2762.txt');
    expect(detectOrtPerfTestFailure(text)).toEqual({
      signal: 'there is no test input data for input',
      line: 'there is no test input data for input input.1 and model resnet50',
    });
    let error: unknown;
    try {
      parseOrtPerfTest(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OrtPerfTestFailedError);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as OrtPerfTestFailedError).failure.signal).toBe('there is no test input data for input');
    expect((error as ParseError).excerpt).toContain('Run failed:failed to initialize.');
  });

  it('recognises "Run failed:" on its own', () => {
    expect(detectOrtPerfTestFailure('Run failed:QNN SetupBackend failed')?.signal).toBe('Run failed:');
  });

  it('recognises the missing test-case folder of v1.18', () => {
    expect(() => parseOrtPerfTest(fixture('failure-testcase-dir-issue21267.txt'))).toThrow(OrtPerfTestFailedError);
  });

  it('fails on a refusal to fall back to the CPU printed on stderr', () => {
    const stderr =
      '[ONNXRuntimeError] : 1 : FAIL : This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.';
    expect(() => parseOrtPerfTest('', stderr)).toThrow(OrtPerfTestFailedError);
  });

  it('rejects output cut before the average line', () => {
    const cut = fixture('v1.23-total-arm-learning-paths.txt').split('\n').slice(0, 6).join('\n');
    expect(() => parseOrtPerfTest(cut)).toThrow(/Average inference time cost/);
  });

  it('rejects output without the request count', () => {
    expect(() => parseOrtPerfTest('Average inference time cost: 3.1 ms\n')).toThrow(/Total inference requests/);
  });

  it('rejects garbage and empty output with a ParseError carrying an excerpt', () => {
    for (const text of ['', 'Segmentation fault\n', '\u0000\u0001 binary junk']) {
      let error: unknown;
      try {
        parseOrtPerfTest(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).exitCode).toBe(7);
    }
  });
});

describe('parseOrtPerfTestResultFile', () => {
  const rows = [95.8204, 99.5086, 101.519, 97.8, 100.162];

  it('reads the five-column rows and the 2020 "Min Latency is Xsec" statistics, s -> ms', () => {
    const r = parseOrtPerfTestResultFile(fixture('result-file-5col-assembled.csv'));
    expect(r.columns).toBe(5);
    expect(r.latenciesMs).toEqual(rows);
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]?.runs[0]).toEqual({
      model: '/data/local/tmp/E1.onnx',
      latencyMs: 95.8204,
      peakWorkingSetBytes: 271122432,
      avgCpuPercent: 11,
      index: 0,
    });
    expect(r.groups[0]?.stats).toEqual({ latenciesMs: V123_PERCENTILES });
  });

  it('reads the six-column revision (submission, total) and the newer statistics block', () => {
    const r = parseOrtPerfTestResultFile(fixture('result-file-6col-assembled.csv'));
    expect(r.columns).toBe(6);
    expect(r.latenciesMs).toEqual(rows);
    expect(r.groups[0]?.runs.map((run) => run.submissionMs)).toEqual([95.1, 99, 101.1, 97.3, 99.6]);
    expect(r.groups[0]?.stats).toEqual({ runs: 5, avgCpuPercent: 11, peakWorkingSetBytes: 271122432, latenciesMs: V123_PERCENTILES });
  });

  it('splits a file appended by two processes at the run index reset and returns the last run', () => {
    const r = parseOrtPerfTestResultFile(fixture('result-file-appended-assembled.csv'));
    expect(r.groups.map((g) => g.runs.map((run) => run.latencyMs))).toEqual([[144.871, 120, 150.012], rows]);
    expect(r.latenciesMs).toEqual(rows);
  });

  it('keeps a model path that contains a comma', () => {
    const r = parseOrtPerfTestResultFile('/models/a,b.onnx,0.01,100,2,0\n');
    expect(r.columns).toBe(5);
    expect(r.groups[0]?.runs[0]?.model).toBe('/models/a,b.onnx');
    expect(r.latenciesMs).toEqual([10]);
  });

  it('rejects a broken row, statistics without rows, and an empty file', () => {
    expect(() => parseOrtPerfTestResultFile('model.onnx,abc,1,2,0\n')).toThrow(ParseError);
    expect(() => parseOrtPerfTestResultFile('model.onnx,0.01,1,2\n')).toThrow(ParseError);
    expect(() => parseOrtPerfTestResultFile('Min Latency is 0.1sec\n')).toThrow(/statistics before any run row/);
    expect(() => parseOrtPerfTestResultFile('\n\n')).toThrow(/no per-run rows/);
  });
});

describe('detectQnnFallback', () => {
  const summary = (p: number, n: number, q: number) =>
    `2025-04-14 10:00:00.000 [W:onnxruntime:, qnn_execution_provider.cc:1152 GetCapability] Number of partitions supported by QNN EP: ${p}, number of nodes in the graph: ${n}, number of nodes supported by QNN: ${q}`;

  it('says false when one partition holds every node', () => {
    expect(detectQnnFallback(summary(1, 88, 88))).toMatchObject({ fellBack: false, partitions: 1, graphNodes: 88, qnnNodes: 88 });
  });

  it('says true for several partitions, missing nodes or no partition', () => {
    expect(detectQnnFallback('', summary(3, 60, 58)).fellBack).toBe(true);
    expect(detectQnnFallback(summary(2, 60, 60)).fellBack).toBe(true);
    expect(detectQnnFallback(summary(0, 60, 0)).fellBack).toBe(true);
  });

  it('does not read a supported count equal to the partition count as a node count (plugin EP builds)', () => {
    expect(detectQnnFallback(summary(1, 88, 1)).fellBack).toBeUndefined();
  });

  it('says true on a backend that failed to set up or on listed unsupported nodes', () => {
    const setup = '[E:onnxruntime:, qnn_execution_provider.cc:600 Init] QNN SetupBackend failed Failed to create device. Error: 14001';
    expect(detectQnnFallback('', setup)).toEqual({ fellBack: true, evidence: [setup] });
    expect(detectQnnFallback('[E:onnxruntime:] Unsupported nodes in QNN EP: /attn/Softmax').fellBack).toBe(true);
  });

  it('ignores ORT\'s generic "not assigned to the preferred execution providers" warning', () => {
    const warning =
      '[W:onnxruntime:, session_state.cc:1168 VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers which may or may not have an negative impact on performance. e.g. ORT explicitly assigns shape related ops to CPU to improve perf.';
    expect(detectQnnFallback(warning)).toEqual({ fellBack: undefined, evidence: [] });
  });

  it('stays undefined on plain perf_test output', () => {
    expect(detectQnnFallback(fixture('v1.23-total-arm-learning-paths.txt')).fellBack).toBeUndefined();
  });
});
