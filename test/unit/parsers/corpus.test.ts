// Every saved capture of test/fixtures/outputs/ against what a person reads in it
// (corpus-expectations.ts). Each capture is one test, so the runner's count of passing tests is the
// number of captures each parser reads fully right (scripts/corpus-score.ts prints that table).
import { describe, expect, it } from 'vitest';
import { parseGetprop } from '../../../src/devices/facts/android-getprop.js';
import { parseThermalService } from '../../../src/devices/facts/android-thermalservice.js';
import { OrtPerfTestFailedError, parseOrtPerfTest } from '../../../src/runners/ort-perf-test/parser.js';
import { parseTfliteBenchmark } from '../../../src/runners/tflite-benchmark/parser.js';
import { parseSnpeDiagview } from '../../../src/runners/snpe-net-run/diagview.js';
import { parseSnpeNetRunLog } from '../../../src/runners/snpe-net-run/net-run-log.js';
import {
  DIAGVIEW,
  GETPROP,
  NET_RUN_LOG,
  ORT,
  THERMAL,
  TFLITE,
  type OrtExpected,
  type TfliteExpected,
} from './corpus-expectations.js';
import { capture } from './corpus-files.js';

function ortReading(file: string): OrtExpected {
  try {
    const r = parseOrtPerfTest(capture('ort-perf-test', file));
    const out: OrtExpected = { averageMs: r.averageMs, requests: r.requests };
    if (r.avgCpuPercent !== undefined) out.avgCpuPercent = r.avgCpuPercent;
    if (r.sessionCreationMs !== undefined) out.sessionCreationMs = r.sessionCreationMs;
    if (r.latenciesMs.p50 !== undefined) out.p50Ms = r.latenciesMs.p50;
    return out;
  } catch (error) {
    if (error instanceof OrtPerfTestFailedError) return { failure: error.failure.signal };
    throw error;
  }
}

function tfliteReading(file: string): TfliteExpected {
  try {
    const r = parseTfliteBenchmark(capture('tflite-benchmark', file));
    const out: TfliteExpected = {};
    if (r.inferenceAvgMs !== undefined) out.inferenceAvgMs = r.inferenceAvgMs;
    if (r.runs) out.runsCount = r.runs.count;
    if (r.warmup) out.warmupCount = r.warmup.count;
    const profiled = r.profiler?.find((p) => p.section === 'regular-runs');
    const stats = profiled?.stats;
    if (stats?.avgMs !== undefined) out.profilerRuns = { count: stats.count, avgMs: stats.avgMs };
    if (r.delegateCoverage) out.coverage = r.delegateCoverage;
    return out;
  } catch (error) {
    if (error instanceof Error && /Benchmarking failed/.test(error.message)) return { failed: true };
    throw error;
  }
}

describe('corpus: onnxruntime_perf_test', () => {
  it.each(ORT)('$file ($kind)', ({ file, expected }) => {
    expect(ortReading(file)).toEqual(expected);
  });
});

describe('corpus: TFLite benchmark_model', () => {
  it.each(TFLITE)('$file ($kind)', ({ file, expected }) => {
    expect(tfliteReading(file)).toEqual(expected);
  });
});

describe('corpus: dumpsys thermalservice', () => {
  it.each(THERMAL)('$file ($kind)', ({ file, expected }) => {
    const r = parseThermalService(capture('android', file));
    // What may reach the thermal gate: the sensors whose values are temperatures.
    const kept = r.temperatures.filter((t) =>
      [undefined, 'temperature'].includes((t as { quantity?: string }).quantity),
    );
    const temperatures = Object.fromEntries(kept.map((t) => [t.name, t.celsius]));
    expect({ status: r.status, temperatures }).toEqual(expected);
  });
});

describe('corpus: getprop', () => {
  it.each(GETPROP)('$file ($kind)', ({ file, expected }) => {
    const props = parseGetprop(capture('android', file));
    for (const [key, value] of Object.entries(expected.props)) expect(props[key]).toBe(value);
    expect(Object.keys(props)).toHaveLength(expected.count);
  });
});

describe('corpus: snpe-diagview', () => {
  it.each(DIAGVIEW)('$file ($kind)', ({ file, expected }) => {
    const r = parseSnpeDiagview(capture('snpe-diagview', file));
    const a = r.execute;
    expect({
      layout: r.layout,
      version: r.version,
      totalInferenceMs: a.totalInferenceMs,
      forwardPropagateMs: a.forwardPropagateMs,
      rpcExecuteMs: a.rpcExecuteMs,
      snpeAcceleratorMs: a.snpeAcceleratorMs,
      acceleratorMs: a.acceleratorMs,
      runtime: r.runtimes.join(','),
    }).toEqual(expected);
  });
});

describe('corpus: snpe-net-run log', () => {
  it.each(NET_RUN_LOG)('$file ($kind)', ({ file, expected }) => {
    const r = parseSnpeNetRunLog(capture('snpe-net-run', file));
    const read = { version: r.version, graph: r.graph, inputs: r.inputs, succeeded: r.succeeded };
    expect(read).toEqual({ version: undefined, graph: undefined, ...expected });
  });
});
