import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  OrtPerfTestFailedError,
  detectOrtPerfTestFailure,
  detectQnnFallback,
  parseOrtPerfTest,
  parseOrtPerfTestResultFile,
} from '../../../src/runners/ort-perf-test/parser.js';
import { cpuPlacement, parseOrtProfile } from '../../../src/runners/ort-perf-test/profile-json.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/ort-perf-test/${name}`, import.meta.url), 'utf8');
const profileFixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/ort-profile-json/${name}`, import.meta.url), 'utf8');

const V123_PERCENTILES = {
  min: 95.8204,
  max: 101.519,
  p50: 99.5086,
  p90: 101.519,
  p95: 101.519,
  p99: 101.519,
  p999: 101.519,
};

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
    expect(r.latenciesMs).toEqual({
      min: 55.9777,
      max: 62.3472,
      p50: 58.7108,
      p90: 59.9845,
      p95: 60.5676,
      p99: 61.9517,
      p999: 62.3472,
    });
  });

  it('reads percentiles printed in scientific notation', () => {
    const text =
      'Total inference requests: 3\nAverage inference time cost total: ' +
      '0.012 ms\nMin Latency: 1.2e-05 s\nMax Latency: 1.3e-05 s\n';
    expect(parseOrtPerfTest(text).latenciesMs).toEqual({ min: 0.012, max: 0.013 });
  });

  it('collects -v per-iteration lines and keeps indented shape-group percentiles out of the top level', () => {
    const text = [
      '2020-06-25 10:00:00.1 [V:onnxruntime:Default, ' +
        'performance_runner.h:95 RunOneIteration] iteration:1,time_cost:0.0123',
      '2020-06-25 10:00:00.2 [V:onnxruntime:Default, ' +
        'performance_runner.h:95 RunOneIteration] iteration:2,time_cost:0.0125',
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

describe('parseOrtPerfTest: the optional lines and blocks of §1.3', () => {
  // -g (CUDA IO binding): "Average inference time cost submission: … ms" right after the average.
  it('reads the -g submission average in ms and keeps it apart from the average', () => {
    const r = parseOrtPerfTest(fixture('v1.23-io-binding-submission-assembled.txt'));
    expect(r).toMatchObject({
      generation: 'total',
      averageMs: 98.961997,
      averageSubmissionMs: 41.203617,
      requests: 5,
      latenciesMs: V123_PERCENTILES,
    });
  });

  it('never takes the submission line for the average, whichever wording the average uses', () => {
    const text = fixture('v1.23-io-binding-submission-assembled.txt');
    const older = parseOrtPerfTest(text.replace('Average inference time cost total:', 'Average inference time cost:'));
    expect(older).toMatchObject({ generation: 'inference', averageMs: 98.961997, averageSubmissionMs: 41.203617 });
    const withoutAverage = text
      .split('\n')
      .filter((l) => !l.startsWith('Average inference time cost total:'))
      .join('\n');
    expect(() => parseOrtPerfTest(withoutAverage)).toThrow(/no "Average inference time cost"/);
  });

  const GROUPS = [
    {
      index: 1,
      iterations: 3,
      shapes: 'sample : [1,320,8,8]',
      averageMs: 99.1671,
      latenciesMs: { min: 95.8204, max: 101.519, p50: 100.162, p90: 101.519, p95: 101.519, p99: 101.519 },
    },
    {
      index: 2,
      iterations: 2,
      shapes: 'sample : [1,320,16,16]',
      averageMs: 98.6543,
      latenciesMs: { min: 97.8, max: 99.5086, p50: 99.5086, p90: 99.5086, p95: 99.5086, p99: 99.5086 },
    },
  ];
  const dataShape = () => fixture('v1.23-data-shape-groups-assembled.txt').split('\n');

  it(
    '--data_shape: reads "Latency per shape group:" (ms) ' + 'and "Shape group N" (s) into one entry per group, in ms',
    () => {
      const r = parseOrtPerfTest(dataShape().join('\n'));
      expect(r.shapeGroups).toEqual(GROUPS);
      // The per-group blocks leave the whole-run numbers alone.
      expect(r).toMatchObject({ averageMs: 98.961997, requests: 5, statisticsRuns: 5, latenciesMs: V123_PERCENTILES });
    },
  );

  it('--data_shape: the ms block alone gives the same milliseconds (never read as seconds)', () => {
    const lines = dataShape();
    const msOnly = parseOrtPerfTest(lines.slice(0, lines.indexOf('Shape group 1 (3 iterations):')).join('\n'));
    expect(msOnly.shapeGroups).toEqual(GROUPS);
    expect(msOnly.latenciesMs).toEqual(V123_PERCENTILES);
    // Cut right after the ms block: its "Min Latency: 95.8204 ms" lines give no top-level percentile.
    const beforeStats = parseOrtPerfTest(lines.slice(0, lines.indexOf('Avg CPU usage:11')).join('\n'));
    expect(beforeStats.latenciesMs).toEqual({});
    expect(beforeStats.shapeGroups?.[0]?.latenciesMs.min).toBe(95.8204);
  });

  it('--data_shape: the s blocks alone give the same milliseconds (s -> ms)', () => {
    const lines = dataShape();
    const start = lines.indexOf('Latency per shape group:');
    const sOnly = parseOrtPerfTest(
      [...lines.slice(0, start), ...lines.slice(lines.indexOf('Avg CPU usage:11'))].join('\n'),
    );
    expect(sOnly.shapeGroups).toEqual(
      GROUPS.map(({ index, iterations, latenciesMs }) => ({ index, iterations, latenciesMs })),
    );
  });

  it('--data_shape: a group printed as "(no data)" has no runs and no latencies', () => {
    const lines = dataShape();
    const second = lines.indexOf('  2. sample : [1,320,16,16]');
    const noData = [
      ...lines.slice(0, second + 1),
      '      (no data)',
      ...lines.slice(lines.indexOf('Avg CPU usage:11'), lines.indexOf('Shape group 2 (2 iterations):') - 1),
    ];
    expect(parseOrtPerfTest(noData.join('\n')).shapeGroups).toEqual([
      GROUPS[0],
      { index: 2, iterations: 0, shapes: 'sample : [1,320,16,16]', latenciesMs: {} },
    ]);
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
      '[ONNXRuntimeError] : 1 : FAIL : This session contains graph nodes that are assigned to ' +
      'the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.';
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
    expect(r.groups[0]?.stats).toEqual({
      runs: 5,
      avgCpuPercent: 11,
      peakWorkingSetBytes: 271122432,
      latenciesMs: V123_PERCENTILES,
    });
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
    `2025-04-14 10:00:00.000 [W:onnxruntime:, qnn_execution_provider.cc:1152 GetCapability] Number of ` +
    `partitions supported by QNN EP: ${p}, number of nodes in ` +
    `the graph: ${n}, number of nodes supported by QNN: ${q}`;

  it('says false when one partition holds every node', () => {
    expect(detectQnnFallback(summary(1, 88, 88))).toMatchObject({
      fellBack: false,
      partitions: 1,
      graphNodes: 88,
      qnnNodes: 88,
    });
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
    const setup =
      '[E:onnxruntime:, qnn_execution_provider.cc:600 Init] QNN ' +
      'SetupBackend failed Failed to create device. Error: 14001';
    expect(detectQnnFallback('', setup)).toEqual({ fellBack: true, evidence: [setup] });
    expect(detectQnnFallback('[E:onnxruntime:] Unsupported nodes in QNN EP: /attn/Softmax').fellBack).toBe(true);
  });

  it('ignores ORT\'s generic "not assigned to the preferred execution providers" warning', () => {
    const warning =
      '[W:onnxruntime:, session_state.cc:1168 VerifyEachNodeIsAssignedToAnEp] Some nodes were ' +
      'not assigned to the preferred execution providers which may or may not have an negative ' +
      'impact on performance. e.g. ORT explicitly assigns shape related ops to CPU to improve perf.';
    expect(detectQnnFallback(warning)).toEqual({ fellBack: undefined, evidence: [] });
  });

  it('stays undefined on plain perf_test output', () => {
    expect(detectQnnFallback(fixture('v1.23-total-arm-learning-paths.txt')).fellBack).toBeUndefined();
  });
});

describe('ORT profiling JSON: which provider ran each node', () => {
  it('nnapi, partly on the CPU: each node once (the profile holds the warm-up and the run), CPU nodes named', () => {
    const p = parseOrtProfile(profileFixture('nnapi-partial-assembled.json'));
    expect(p.runs).toBe(2);
    expect(p.providers).toEqual({ CPUExecutionProvider: 4, NnapiExecutionProvider: 2 });
    expect(p.nodes[2]).toEqual({
      name: 'NnapiExecutionProvider_NNAPI_8467032166377950513_0_0',
      op: 'NNAPI_8467032166377950513_0',
      provider: 'NnapiExecutionProvider',
      outputTypes: ['float'],
    });
    const v = cpuPlacement(p);
    expect(v.fellBack).toBe(true);
    expect(v.cpuNodes.map((n) => n.name)).toEqual([
      '/E1/R0/norm1/Reshape',
      '/E1/R0/norm1/InstanceNormalization',
      '/E1/R0/norm2/Reshape',
      '/E1/R0/norm2/InstanceNormalization',
    ]);
    expect(v.evidence).toEqual([
      'ORT profile: 4 of 6 nodes ran on CPUExecutionProvider (Reshape x2, InstanceNormalization ' +
        'x2); nodes per provider: CPUExecutionProvider 4, NnapiExecutionProvider 2',
      'ORT profile: nodes on CPUExecutionProvider: /E1/R0/norm1/Reshape, ' +
        '/E1/R0/norm1/InstanceNormalization, /E1/R0/norm2/Reshape, /E1/R0/norm2/InstanceNormalization',
    ]);
  });

  it('nnapi, every node on the EP: not a fallback', () => {
    const v = cpuPlacement(parseOrtProfile(profileFixture('nnapi-all-on-ep-assembled.json')));
    expect(v).toMatchObject({
      fellBack: false,
      providers: { NnapiExecutionProvider: 1 },
      cpuNodes: [],
      cpuShapeNodes: [],
    });
    expect(v.evidence).toEqual([
      'ORT profile: no node ran on CPUExecutionProvider; nodes per provider: NnapiExecutionProvider 1',
    ]);
  });

  it('xnnpack and qnn partitions: the CPU EP nodes are counted the same way', () => {
    const x = cpuPlacement(parseOrtProfile(profileFixture('xnnpack-partial-assembled.json')));
    expect(x.providers).toEqual({ CPUExecutionProvider: 8, XnnpackExecutionProvider: 2 });
    expect(x.fellBack).toBe(true);
    expect(x.evidence[0]).toBe(
      'ORT profile: 8 of 10 nodes ran on CPUExecutionProvider (Reshape x2, InstanceNormalization, Mul ' +
        'x2, Add x2, Sigmoid); nodes per provider: CPUExecutionProvider 8, XnnpackExecutionProvider 2',
    );
    const q = cpuPlacement(parseOrtProfile(profileFixture('qnn-partial-assembled.json')));
    expect(q).toMatchObject({ fellBack: true, providers: { QNNExecutionProvider: 2, CPUExecutionProvider: 2 } });
  });

  // The two sample lines of device-tools.md §1.5, made into files: the elided thread_scheduling_stats
  // object ({…}) is written as {} and the trailing comma of the last line dropped.
  const ORT_04 = [
    '{"cat" : "Session","pid" :7838,"tid" :7838,"dur" :30779,"ts" ' +
      ':13,"ph" : "X","name" :"model_loading_uri","args" : {}},',
    '{"cat" : "Node","pid" :7838,"tid" :7838,"dur" :12944,"ts" :96807,"ph" ' +
      ': "X","name" :"_kernel_time","args" : {"op_name" : "Conv"}},',
  ];
  const GENAI_2031 =
    '{"cat" : "Node","pid" :148092,"tid" :152600,"dur" :69,"ts" :2579165,"ph" : "X","name" ' +
    ':"/model/…/Shape_kernel_time","args" : {"parameter_size" : "0","provider" : ' +
    '"DmlExecutionProvider","op_name" : "Shape","input_type_shape" : ' +
    '[{"int64":[1,200]}],"node_index" : "3","output_type_shape" : [{"int64":[2]}],"activation_size" ' +
    ': "1600","output_size" : "16","thread_scheduling_stats" : {…}}},';
  const file = (lines: string[]) => `[\n${lines.join('\n').replace(/\{…\}/g, '{}').replace(/,$/, '')}\n]\n`;

  it('reads the current sample line of §1.5 (provider, op, output types)', () => {
    const p = parseOrtProfile(file([GENAI_2031]));
    expect(p.nodes).toEqual([
      { name: '/model/…/Shape', op: 'Shape', provider: 'DmlExecutionProvider', outputTypes: ['int64'] },
    ]);
    expect(cpuPlacement(p).fellBack).toBe(false);
  });

  it('does not count shape arithmetic left on the CPU (every output int64), but lists it', () => {
    const v = cpuPlacement(parseOrtProfile(file([GENAI_2031.replace('DmlExecutionProvider', 'CPUExecutionProvider')])));
    expect(v).toMatchObject({ fellBack: false, cpuNodes: [] });
    expect(v.cpuShapeNodes.map((n) => n.op)).toEqual(['Shape']);
    expect(v.evidence[0]).toMatch(/\(1 shape-computation node\(s\) on the CPU not counted: Shape\)$/);
  });

  it('says nothing when the events name no provider (the ORT 0.4 layout of §1.5)', () => {
    const v = cpuPlacement(parseOrtProfile(file(ORT_04)));
    expect(v).toMatchObject({ fellBack: undefined, providers: {}, cpuNodes: [] });
  });

  it('rejects an empty file, a cut file and a non-array with a ParseError', () => {
    expect(() => parseOrtProfile('')).toThrow(/empty/);
    const cut = profileFixture('nnapi-partial-assembled.json').slice(0, 900);
    expect(() => parseOrtProfile(cut)).toThrow(ParseError);
    expect(() => parseOrtProfile(cut)).toThrow(/not JSON/);
    expect(() => parseOrtProfile('{"traceEvents": []}')).toThrow(/not an array/);
  });
});
