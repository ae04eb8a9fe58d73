// What a person reads in each saved capture of test/fixtures/outputs/ (values copied from the text by
// hand, never printed by a parser), in the units the parsers report: milliseconds, °C, counts. The
// corpus test checks every parser against this table; scripts/corpus-score.ts counts the captures
// each parser reads fully right. `kind` is the fixture README's: verbatim, partial (a verbatim capture
// cut short) or assembled (built from the documented format; see the README).

export type CaptureKind = 'verbatim' | 'partial' | 'assembled';

export interface Capture<E> {
  file: string;
  kind: CaptureKind;
  expected: E;
}

/** onnxruntime_perf_test stdout; `failure` when the tool reported one. */
export interface OrtExpected {
  averageMs?: number;
  requests?: number;
  avgCpuPercent?: number;
  sessionCreationMs?: number;
  p50Ms?: number;
  failure?: string;
}

const V123: OrtExpected = {
  averageMs: 98.961997,
  requests: 5,
  avgCpuPercent: 11,
  sessionCreationMs: 217.932,
  p50Ms: 99.5086,
};

export const ORT: Capture<OrtExpected>[] = [
  { file: 'v1.23-total-arm-learning-paths.txt', kind: 'verbatim', expected: V123 },
  {
    file: '2020-nospace-pr2798.txt',
    kind: 'verbatim',
    expected: { averageMs: 734.606, requests: 1, sessionCreationMs: 1841.49 },
  },
  {
    file: '2020-acl-issue4647.txt',
    kind: 'verbatim',
    expected: { averageMs: 144.871, requests: 10, avgCpuPercent: 68, sessionCreationMs: 127.918 },
  },
  { file: '2019-readme.txt', kind: 'verbatim', expected: { averageMs: 58.8053, requests: 1000, p50Ms: 58.7108 } },
  { file: '2019-issue17313.txt', kind: 'verbatim', expected: { averageMs: 58.8053, requests: 1000, p50Ms: 58.7108 } },
  {
    file: 'failure-no-input-issue2762.txt',
    kind: 'verbatim',
    expected: { failure: 'there is no test input data for input' },
  },
  {
    file: 'failure-testcase-dir-issue21267.txt',
    kind: 'verbatim',
    expected: { failure: "test case dir doesn't exist" },
  },
  {
    file: 'v1.20-acl-indented-yocto-doc.txt',
    kind: 'verbatim',
    expected: { averageMs: 17.735, requests: 8, avgCpuPercent: 98, sessionCreationMs: 27.3071, p50Ms: 16.7086 },
  },
  {
    file: '2020-nospace-duration-issue4331.txt',
    kind: 'verbatim',
    expected: { averageMs: 83.8059, requests: 7160, sessionCreationMs: 133.189 },
  },
  { file: '2021-2025-inference-assembled.txt', kind: 'assembled', expected: V123 },
  { file: 'v1.23-io-binding-submission-assembled.txt', kind: 'assembled', expected: V123 },
  { file: 'v1.23-data-shape-groups-assembled.txt', kind: 'assembled', expected: V123 },
  { file: 'v1.23-logcat-prefix-assembled.txt', kind: 'assembled', expected: V123 },
  { file: 'v1.23-ci-timestamp-assembled.txt', kind: 'assembled', expected: V123 },
  {
    file: '2020-total-cpu-usage-assembled.txt',
    kind: 'assembled',
    expected: { averageMs: 144.871, requests: 10, avgCpuPercent: 68, sessionCreationMs: 127.918 },
  },
];

/** benchmark_model: the tool's own mean of the measured runs, the run statistics it printed, and
 * what its op profiler measured (kept apart); `failed` for "Benchmarking failed.". */
export interface TfliteExpected {
  inferenceAvgMs?: number;
  runsCount?: number;
  warmupCount?: number;
  /** The op profiler's "Timings (microseconds)" of the regular runs: count and avg, in ms. */
  profilerRuns?: { count: number; avgMs: number };
  coverage?: 'full' | 'partial' | 'none';
  failed?: boolean;
}

const TI_CPU: TfliteExpected = { inferenceAvgMs: 1240.27, runsCount: 50, warmupCount: 1 };

export const TFLITE: Capture<TfliteExpected>[] = [
  { file: 'info-prefix-reference.txt', kind: 'verbatim', expected: TI_CPU },
  {
    file: 'riscv-op-profiling-meta-tensorflow-lite.txt',
    kind: 'verbatim',
    expected: { inferenceAvgMs: 2950.34, runsCount: 50, warmupCount: 1, profilerRuns: { count: 50, avgMs: 2949.9 } },
  },
  { file: 'cpu-old-peak-memory-yolov5s.txt', kind: 'verbatim', expected: { inferenceAvgMs: 249.684, runsCount: 50 } },
  { file: 'nnapi-failed-yolov5s.txt', kind: 'verbatim', expected: { failed: true } },
  {
    file: 'gpu-delegate-issue43541-partial.txt',
    kind: 'partial',
    expected: { inferenceAvgMs: 119.375, runsCount: 50, warmupCount: 4, coverage: 'full' },
  },
  {
    file: 'armnn-issue541-partial.txt',
    kind: 'partial',
    expected: { inferenceAvgMs: 0.069691, runsCount: 14192, warmupCount: 7028 },
  },
  { file: 'ti-am62-cpu-indented-doc.txt', kind: 'verbatim', expected: TI_CPU },
  {
    file: 'ti-am62-xnnpack-indented-doc.txt',
    kind: 'verbatim',
    expected: { inferenceAvgMs: 899.641, runsCount: 50, warmupCount: 1, coverage: 'partial' },
  },
  { file: 'nnapi-gpu-fp32-yolov5s.txt', kind: 'verbatim', expected: { inferenceAvgMs: 156.669, runsCount: 50 } },
  { file: 'nnapi-gpu-fp16-yolov5s.txt', kind: 'verbatim', expected: { inferenceAvgMs: 92.5712, runsCount: 50 } },
  { file: 'cpu-int8-yolov5s.txt', kind: 'verbatim', expected: { inferenceAvgMs: 95.7883, runsCount: 50 } },
  { file: 'nnapi-dsp-failed-yolov5s.txt', kind: 'verbatim', expected: { failed: true } },
  // Only the op profiler's tables: the tool's mean and run statistics are not in the text.
  {
    file: 'nnapi-gpu-op-profile-only-yolov5s.txt',
    kind: 'verbatim',
    expected: { profilerRuns: { count: 50, avgMs: 158.715 } },
  },
  { file: 'logcat-prefix-assembled.txt', kind: 'assembled', expected: TI_CPU },
  { file: 'no-prefix-assembled.txt', kind: 'assembled', expected: TI_CPU },
  { file: 'nnapi-silent-fallback-logcat-assembled.txt', kind: 'assembled', expected: { ...TI_CPU, coverage: 'none' } },
  { file: 'xnnpack-partial-assembled.txt', kind: 'assembled', expected: TI_CPU },
];

/** dumpsys thermalservice: the status and every sensor that is a temperature (what may reach the
 * thermal gate), by name. BCL voltage/current/percentage and unknown-unit entries are not in it. */
export interface ThermalExpected {
  status: number;
  temperatures: Record<string, number>;
}

export const THERMAL: Capture<ThermalExpected>[] = [
  {
    file: 'thermalservice-samsung.txt',
    kind: 'verbatim',
    expected: { status: 0, temperatures: { TYPE_CPU: 24.0, TYPE_SKIN: 25.3 } },
  },
  {
    file: 'thermalservice-qcom-bcl-memfault.txt',
    kind: 'partial',
    expected: {
      status: 0,
      temperatures: {
        battery: 29.0,
        skin: 33.136,
        nsp1: 34.7,
        GPU0: 34.3,
        nsp0: 34.3,
        CPU5: 35.0,
        GPU1: 34.3,
        CPU4: 35.0,
        CPU1: 36.2,
        CPU3: 36.2,
        CPU2: 35.4,
        CPU0: 36.2,
      },
    },
  },
  {
    file: 'thermalservice-samsung-aidl-memfault.txt',
    kind: 'verbatim',
    expected: { status: 0, temperatures: { AP: 34.6, BAT: 25.2, PA: 30.0, SKIN: 28.2, SUBBAT: 0.0, USB: 25.8 } },
  },
  {
    file: 'thermalservice-status2-memfault.txt',
    kind: 'partial',
    expected: {
      status: 2,
      temperatures: {
        battery: 43.8,
        skin: 44.637,
        gpu: 45.9,
        CPU7: 47.8,
        CPU6: 48.2,
        CPU5: 47.8,
        CPU4: 47.5,
        CPU1: 47.2,
        CPU3: 47.5,
        CPU2: 46.2,
        CPU0: 47.8,
      },
    },
  },
  {
    file: 'thermalservice-pixel-flat-memfault.txt',
    kind: 'partial',
    expected: {
      status: 0,
      temperatures: {
        'cpu0-gold-usr': 31.7,
        'cpu0-silver-usr': 32.300003,
        'cpu1-gold-usr': 31.400002,
        'cpu1-silver-usr': 32.0,
        'cpu2-gold-usr': 30.400002,
        'cpu2-silver-usr': 32.0,
        'cpu3-gold-usr': 31.000002,
        'cpu3-silver-usr': 31.400002,
        'fps-therm-monitor': 28.348001,
        'gpu0-usr': 31.400002,
        'gpu1-usr': 31.000002,
        maxfg: 25.900002,
        'usbc-therm-monitor': 26.926,
      },
    },
  },
  {
    file: 'thermalservice-pixel6-bcl-skia.txt',
    kind: 'partial',
    expected: {
      status: 0,
      temperatures: {
        TPU: 25.000002,
        G3D: 26.000002,
        BIG: 26.000002,
        LITTLE: 27.000002,
        'VIRTUAL-USB-THROTTLING': 0.0,
        'cellular-emergency': 24.83324,
        MID: 27.000002,
        'VIRTUAL-SKIN': 24.83324,
        'VIRTUAL-USB-UI': 0.0,
        battery: 22.1,
      },
    },
  },
  {
    file: 'thermalservice-samsung-a52-stackexchange.txt',
    kind: 'verbatim',
    expected: {
      status: 0,
      temperatures: {
        AP: 25.6,
        BAT: 23.8,
        LRB: 24.7,
        LRF: 24.7,
        LRP: 24.7,
        PA: 25.7,
        SUBBAT: 0.0,
        SUBBATRAW: 0.0,
        USB: 0.0,
      },
    },
  },
  {
    file: 'thermalservice-samsung-utf16le-bom-crlf-assembled.txt',
    kind: 'assembled',
    expected: { status: 0, temperatures: { TYPE_CPU: 24.0, TYPE_SKIN: 25.3 } },
  },
];

/** getprop: a few properties a person reads, and how many there are. */
export interface GetpropExpected {
  props: Record<string, string>;
  count: number;
}

const PIXEL_PROPS = { 'ro.product.model': 'Pixel 8 Pro', 'ro.soc.model': 'Tensor G3', 'aaudio.mmap_policy': '2' };

export const GETPROP: Capture<GetpropExpected>[] = [
  {
    file: 'getprop-pixel-utf16le-bom-crlf-assembled.txt',
    kind: 'assembled',
    expected: { props: PIXEL_PROPS, count: 23 },
  },
];

/** snpe-diagview: the averaged execute statistics, in ms; `null` for a line the capture has no value on. */
export interface DiagviewExpected {
  layout: 'average' | 'averaged';
  version: string;
  totalInferenceMs: number;
  forwardPropagateMs: number;
  rpcExecuteMs: number;
  snpeAcceleratorMs: number;
  acceleratorMs: number;
  /** The runtime the layer rows name (CPU, GPU, DSP). */
  runtime: string;
}

const V29 = { layout: 'average', version: '2.9.0.4462' } as const;
const V237 = { layout: 'averaged', version: '2.37.0.250724175447_124859' } as const;

export const DIAGVIEW: Capture<DiagviewExpected>[] = [
  {
    file: 'v2.9-cpu-snapdragon8gen2.txt',
    kind: 'partial',
    expected: {
      ...V29,
      totalInferenceMs: 26.458,
      forwardPropagateMs: 26.448,
      rpcExecuteMs: 0,
      snpeAcceleratorMs: 0,
      acceleratorMs: 0,
      runtime: 'CPU',
    },
  },
  {
    file: 'v2.9-gpu-snapdragon8gen2.txt',
    kind: 'partial',
    expected: {
      ...V29,
      totalInferenceMs: 11.676,
      forwardPropagateMs: 11.642,
      rpcExecuteMs: 0,
      snpeAcceleratorMs: 0,
      acceleratorMs: 0,
      runtime: 'GPU',
    },
  },
  {
    file: 'v2.9-dsp-snapdragon8gen2.txt',
    kind: 'partial',
    expected: {
      ...V29,
      totalInferenceMs: 3.318,
      forwardPropagateMs: 3.244,
      rpcExecuteMs: 1.777,
      snpeAcceleratorMs: 1.735,
      acceleratorMs: 0.603,
      runtime: 'DSP',
    },
  },
  {
    file: 'v2.37-cpu-fp32-gesture.txt',
    kind: 'verbatim',
    expected: {
      ...V237,
      totalInferenceMs: 0.069,
      forwardPropagateMs: 0.067,
      rpcExecuteMs: 0,
      snpeAcceleratorMs: 0,
      acceleratorMs: 0,
      runtime: 'CPU',
    },
  },
  {
    file: 'v2.37-gpu-fp32-gesture.txt',
    kind: 'verbatim',
    expected: {
      ...V237,
      totalInferenceMs: 0.791,
      forwardPropagateMs: 0.776,
      rpcExecuteMs: 0,
      snpeAcceleratorMs: 0,
      acceleratorMs: 0,
      runtime: 'GPU',
    },
  },
  {
    file: 'v2.37-gpu-fp16-gesture.txt',
    kind: 'verbatim',
    expected: {
      ...V237,
      totalInferenceMs: 0.768,
      forwardPropagateMs: 0.754,
      rpcExecuteMs: 0,
      snpeAcceleratorMs: 0,
      acceleratorMs: 0,
      runtime: 'GPU',
    },
  },
  {
    file: 'v2.37-dsp-int8-gesture.txt',
    kind: 'verbatim',
    expected: {
      ...V237,
      totalInferenceMs: 1.328,
      forwardPropagateMs: 1.315,
      rpcExecuteMs: 0.29,
      snpeAcceleratorMs: 0.25,
      acceleratorMs: 0.059,
      runtime: 'DSP',
    },
  },
  {
    file: 'v2.37-dsp-w8a16-gesture.txt',
    kind: 'verbatim',
    expected: {
      ...V237,
      totalInferenceMs: 1.354,
      forwardPropagateMs: 1.341,
      rpcExecuteMs: 0.287,
      snpeAcceleratorMs: 0.248,
      acceleratorMs: 0.056,
      runtime: 'DSP',
    },
  },
];

/** snpe-net-run's console log. */
export interface NetRunLogExpected {
  version?: string;
  graph?: string;
  inputs: number;
  succeeded: boolean;
}

export const NET_RUN_LOG: Capture<NetRunLogExpected>[] = [
  {
    file: 'v2.14-inception-host.txt',
    kind: 'verbatim',
    expected: { version: '2.14.2.230905160328_61726', inputs: 4, succeeded: true },
  },
  {
    file: 'v2.22-depth-anything-graph.txt',
    kind: 'verbatim',
    expected: { version: '2.22.6.240515184619_92920', graph: 'depth_anything_vits_op16', inputs: 2, succeeded: true },
  },
  {
    file: 'htp-prepared-dlc-partial.txt',
    kind: 'partial',
    expected: { graph: 'graph_hbk71j7a', inputs: 1, succeeded: true },
  },
  { file: 'devversion-two-runs.txt', kind: 'partial', expected: { version: 'X.Y.Z.dev', inputs: 2, succeeded: false } },
];
