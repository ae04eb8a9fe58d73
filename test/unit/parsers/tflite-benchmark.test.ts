import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseTfliteBenchmark } from '../../../src/runners/tflite-benchmark/parser.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/tflite-benchmark/${name}`, import.meta.url), 'utf8');

const REFERENCE = {
  sessionInitMs: 5.579,
  warmup: { count: 1, currMs: 1357.602, p5Ms: 1357.602, medianMs: 1357.602, p95Ms: 1357.602 },
  runs: {
    count: 50,
    firstMs: 1249.964,
    currMs: 1240.143,
    minMs: 1238.588,
    maxMs: 1252.566,
    avgMs: 1240.27,
    stdMs: 2.565,
    p5Ms: 1238.753,
    medianMs: 1239.807,
    p95Ms: 1247.415,
  },
  initMs: 5.579,
  firstInferenceMs: 1357.602,
  warmupAvgMs: 1357.6,
  inferenceAvgMs: 1240.27,
  memory: { initMb: 6.36328, overallMb: 109.832, wording: 'delta' },
  delegations: [],
  delegateFallback: false,
  fallbackEvidence: [],
};

describe('parseTfliteBenchmark: prefixes and statistics lines', () => {
  it('reads the INFO-prefixed output: warm-up vs measured line, scientific avg, us -> ms, memory', () => {
    expect(parseTfliteBenchmark(fixture('info-prefix-reference.txt'))).toEqual(REFERENCE);
  });

  it('reads the same output with the logcat prefix and with no prefix', () => {
    expect(parseTfliteBenchmark(fixture('logcat-prefix-assembled.txt'))).toEqual(REFERENCE);
    expect(parseTfliteBenchmark(fixture('no-prefix-assembled.txt'))).toEqual(REFERENCE);
  });

  it(
    'reads a 2.8 build with op profiling: a bare "count=1 curr=" ' +
      "warm-up; the profiler's Timings lines kept as its own",
    () => {
      expect(parseTfliteBenchmark(fixture('riscv-op-profiling-meta-tensorflow-lite.txt'))).toEqual({
        sessionInitMs: 17.187,
        warmup: { count: 1, currMs: 3512.391 },
        runs: {
          count: 50,
          firstMs: 2990.275,
          currMs: 2913.402,
          minMs: 2727.568,
          maxMs: 3189.954,
          avgMs: 2950.34,
          stdMs: 109.798,
        },
        initMs: 17.187,
        firstInferenceMs: 3512.391,
        warmupAvgMs: 3512.39,
        inferenceAvgMs: 2950.34,
        memory: { initMb: 4.21094, overallMb: 46.0859, wording: 'delta' },
        delegations: [],
        delegateFallback: false,
        fallbackEvidence: [],
        profiler: [
          { section: 'initialization', stats: { count: 1, currMs: 1.356 } },
          {
            section: 'regular-runs',
            stats: {
              count: 50,
              firstMs: 2989.66,
              currMs: 2912.978,
              minMs: 2727.203,
              maxMs: 3189.476,
              avgMs: 2949.9,
              stdMs: 109.77,
            },
          },
        ],
      });
    },
  );

  it('reads the older "Peak memory footprint" wording and a lone measured count line', () => {
    expect(parseTfliteBenchmark(fixture('cpu-old-peak-memory-yolov5s.txt'))).toEqual({
      runs: {
        count: 50,
        firstMs: 249.042,
        currMs: 250.889,
        minMs: 247.067,
        maxMs: 254.474,
        avgMs: 249.684,
        stdMs: 1.442,
      },
      initMs: 16.242,
      firstInferenceMs: 360.262,
      warmupAvgMs: 304.586,
      inferenceAvgMs: 249.684,
      memory: { initMb: 4.92969, overallMb: 138.809, wording: 'peak' },
      delegations: [],
      delegateFallback: false,
      fallbackEvidence: [],
    });
  });

  it('reads sub-millisecond runs without losing digits', () => {
    const r = parseTfliteBenchmark(fixture('armnn-issue541-partial.txt'));
    expect(r.warmup).toEqual({
      count: 7028,
      firstMs: 2.071,
      currMs: 0.069,
      minMs: 0.068,
      maxMs: 2.071,
      avgMs: 0.0703736,
      stdMs: 0.024,
    });
    expect(r.runs?.count).toBe(14192);
    expect(r.inferenceAvgMs).toBe(0.069691);
    expect(r.initMs).toBe(1.304);
    expect(r.sessionInitMs).toBe(1.304);
  });

  it('reads the ancient "Average inference timings in us" line', () => {
    const r = parseTfliteBenchmark(
      'Average inference timings in us: Warmup: 27917.4, Init: 21528106, no stats: 23313.5\n',
    );
    expect(r).toMatchObject({ warmupAvgMs: 27.9174, initMs: 21528.106, inferenceAvgMs: 23.3135 });
  });

  it('an output holding only the op-profiler tables: no average invented, the profiler read as the profiler', () => {
    // Real capture (lp6m/yolov5s_android): the initialisation table's "count=1" is not a warm-up and the
    // profiler's run timing (158.715 ms with profiling) is not the tool's inference average.
    const r = parseTfliteBenchmark(fixture('nnapi-gpu-op-profile-only-yolov5s.txt'));
    expect(r.inferenceAvgMs).toBeUndefined();
    expect(r.warmup).toBeUndefined();
    expect(r.runs).toBeUndefined();
    expect(r.missing).toEqual(['"Inference timings in us" line', 'statistics of the measured runs']);
    expect(r.profiler).toEqual([
      { section: 'initialization', stats: { count: 1, currMs: 729.391 } },
      {
        section: 'regular-runs',
        stats: {
          count: 50,
          firstMs: 164.033,
          currMs: 158.56,
          minMs: 146.535,
          maxMs: 166.638,
          avgMs: 158.715,
          stdMs: 2.931,
        },
      },
    ]);
    // A lone Timings line with no table header is kept, labelled as of unknown section.
    const lone = parseTfliteBenchmark(
      'Timings (microseconds): count=50 first=2989660 curr=2912978 min=2727203 max=3189476 avg=2.9499e+06 std=109770\n',
    );
    expect(lone.inferenceAvgMs).toBeUndefined();
    expect(lone.profiler?.[0]?.section).toBe('unknown');
  });

  it('reads indented output (a documentation code block) like the bare one', () => {
    const r = parseTfliteBenchmark(fixture('ti-am62-xnnpack-indented-doc.txt'));
    expect(r).toMatchObject({
      inferenceAvgMs: 899.641,
      initMs: 614.333,
      sessionInitMs: 614.333,
      delegateCoverage: 'partial',
    });
    expect(r.runs).toMatchObject({ count: 50, avgMs: 899.641, medianMs: 899.281 });
    expect(r.memory).toEqual({ initMb: 146.363, overallMb: 150.141, wording: 'delta' });
  });

  it('names what a text that is not benchmark_model output looks like', () => {
    const snpe = readFileSync(
      new URL('../../fixtures/outputs/snpe-diagview/v2.9-dsp-snapdragon8gen2.txt', import.meta.url),
      'utf8',
    );
    expect(() => parseTfliteBenchmark(snpe)).toThrow(
      'cannot parse benchmark_model output: no "Inference timings in us" line and no statistics line of ' +
        'the measured runs; the text looks like snpe-diagview output (SNPE), not benchmark_model output',
    );
  });
});

describe('parseTfliteBenchmark: delegates', () => {
  it('sees a fully applied GPU delegate as no fallback', () => {
    const r = parseTfliteBenchmark(fixture('gpu-delegate-issue43541-partial.txt'));
    expect(r).toMatchObject({
      delegateCoverage: 'full',
      delegateFallback: false,
      inferenceAvgMs: 119.375,
      initMs: 870.557,
      warmup: {
        count: 4,
        firstMs: 130.565,
        currMs: 120.829,
        minMs: 117.37,
        maxMs: 130.565,
        avgMs: 122.373,
        stdMs: 4.93,
      },
      runs: { count: 50, avgMs: 119.375 },
    });
  });

  it('flags the silent NNAPI fallback line', () => {
    const r = parseTfliteBenchmark(fixture('nnapi-silent-fallback-logcat-assembled.txt'));
    expect(r.delegateCoverage).toBe('none');
    expect(r.delegateFallback).toBe(true);
    expect(r.fallbackEvidence).toEqual([
      'Though NNAPI delegate is explicitly applied, the model graph will not be executed by the delegate.',
    ]);
    expect(r.inferenceAvgMs).toBe(1240.27);
  });

  it('reads the "Replacing N out of M" line and flags partial delegation, and the periodic peak memory', () => {
    const r = parseTfliteBenchmark(fixture('xnnpack-partial-assembled.txt'));
    expect(r.delegations).toEqual([
      { delegate: 'TfLiteXNNPackDelegate', delegatedNodes: 60, totalNodes: 64, partitions: 3 },
    ]);
    expect([r.delegatedNodes, r.totalNodes]).toEqual([60, 64]);
    expect(r.delegateFallback).toBe(true);
    expect(r.peakMemoryMb).toBe(118.957);
  });

  it('sees "partially executed by the delegate" as a fallback and full replacement as none', () => {
    const partial =
      'INFO: Explicitly applied NNAPI delegate, and the model graph will ' +
      'be partially executed by the delegate w/ 2 delegate kernels.\n';
    const full =
      'INFO: Replacing 64 out of 64 node(s) with delegate (TfLiteXNNPackDelegate) node, yielding 1 partitions.\n';
    const timings = 'INFO: Inference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): 4\n';
    expect(parseTfliteBenchmark(partial + timings)).toMatchObject({
      delegateCoverage: 'partial',
      delegateFallback: true,
    });
    expect(parseTfliteBenchmark(full + timings)).toMatchObject({
      delegatedNodes: 64,
      totalNodes: 64,
      delegateFallback: false,
    });
  });
});

describe('parseTfliteBenchmark: failures', () => {
  it('turns "Benchmarking failed." into a ParseError that quotes the delegate error', () => {
    expect(() => parseTfliteBenchmark(fixture('nnapi-failed-yolov5s.txt'))).toThrow(
      /Benchmarking failed.*Failed to apply NNAPI delegate/,
    );
  });

  it('rejects output cut after the warm-up loop', () => {
    const cut = fixture('info-prefix-reference.txt').split('\n').slice(0, 4).join('\n');
    expect(() => parseTfliteBenchmark(cut)).toThrow(/no "Inference timings in us" line/);
  });

  it('rejects empty output and garbage', () => {
    for (const text of ['', 'Aborted (core dumped)\n', 'count=abc']) {
      expect(() => parseTfliteBenchmark(text)).toThrow(ParseError);
    }
  });
});
