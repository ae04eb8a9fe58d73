// Parser for TensorFlow Lite / LiteRT benchmark_model output (tensorflow/lite/tools/benchmark;
// device-tools.md §4, §9.5). Pure: text in, typed data out; every time in ms (the tool prints µs).
//
// Variants handled:
//   - line prefixes: "INFO: " (2.x builds on a shell), "I tflite  : " (logcat, possibly after the
//     threadtime columns "06-18 10:20:41.892  4669  4669 "), or none (older builds);
//   - two `count=` lines: the first is the warm-up loop, the second the measured runs. Builds before
//     p5/median/p95 print `count=50 first=… curr=… min=… max=… avg=… std=…`; warm-ups of a single run
//     print only `count=1 curr=3512391` (2.8) or `count=1 curr=… p5=… median=… p95=…` (newer);
//   - avg in scientific notation (avg=1.24027e+06);
//   - "Inference timings in us: Init: …, First inference: …, Warmup (avg): …, Inference (avg): …",
//     and the ancient "Average inference timings in us: Warmup: …, Init: …, no stats: …";
//   - memory: "Memory footprint delta from the start of the tool (MB): init=… overall=…" (newer),
//     "Peak memory footprint (MB): init=… overall=…" (older), "Overall peak memory footprint (MB) via
//     periodic monitoring: …" (--report_peak_memory_footprint);
//   - op profiling: its tables end in "Timings (microseconds): count=…" lines, the profiler's own
//     timing of the initialisation and of the regular runs (profiling overhead included). They are
//     reported as what they are (`profiler`), never as the warm-up or the measured runs: an output
//     holding only the tables states no inference average, and the result says so (`missing`).
// A prefix or indentation every line carries (a documentation code block) is removed first.
import { ParseError } from '../../errors.js';
import { captureLines, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';
import { shift, tailExcerpt as excerpt } from '../../parsing/text.js';

const WHAT = 'benchmark_model output';
const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** One `count=` statistics line, in ms (count is a number of runs). */
export interface TfliteRunStats {
  count: number;
  firstMs?: number;
  currMs?: number;
  minMs?: number;
  maxMs?: number;
  avgMs?: number;
  stdMs?: number;
  p5Ms?: number;
  medianMs?: number;
  p95Ms?: number;
}

/** A "Replacing N out of M node(s) with delegate (NAME) node, yielding K partitions" line. */
export interface TfliteDelegation {
  delegate: string;
  delegatedNodes: number;
  totalNodes: number;
  partitions?: number;
}

/** One "Timings (microseconds): count=…" line of the op profiler, with the table it closes. */
export interface TfliteProfilerTimings {
  /** `initialization`: "Profiling Info for Benchmark Initialization"; `regular-runs`: "Operator-wise
   * Profiling Info for Regular Benchmark Runs"; `unknown`: no table header before it. */
  section: 'initialization' | 'regular-runs' | 'unknown';
  stats: TfliteRunStats;
}

export interface TfliteBenchmarkResult {
  /** "Init" of the timings line (session initialisation). */
  initMs?: number;
  firstInferenceMs?: number;
  /** Mean of the warm-up runs. */
  warmupAvgMs?: number;
  /** Mean of the measured runs: the number the tool reports as its result. Undefined only when the
   * output holds nothing but op-profiler tables (see `missing`). */
  inferenceAvgMs?: number;
  /** The warm-up `count=` line, when printed. */
  warmup?: TfliteRunStats;
  /** The measured `count=` line, when printed. */
  runs?: TfliteRunStats;
  /** "Initialized session in 5.579ms." */
  sessionInitMs?: number;
  /** Memory in MB as printed (`delta`: newer wording, `peak`: older "Peak memory footprint"). */
  memory?: { initMb: number; overallMb: number; wording: 'delta' | 'peak' };
  /** "Overall peak memory footprint (MB) via periodic monitoring", MB. */
  peakMemoryMb?: number;
  delegations: TfliteDelegation[];
  /** First delegation line (the model's primary graph), for convenience. */
  delegatedNodes?: number;
  totalNodes?: number;
  /** The tool's verdict on the explicitly applied delegate: all, part or none of the graph. */
  delegateCoverage?: 'full' | 'partial' | 'none';
  /** Part or all of the graph ran on the CPU although a delegate was applied (see parse doc). */
  delegateFallback: boolean;
  /** The lines delegateFallback rests on. */
  fallbackEvidence: string[];
  /** The op profiler's own timings, when --enable_op_profiling was on. */
  profiler?: TfliteProfilerTimings[];
  /** Values the output does not state (set only when the average itself is missing). */
  missing?: string[];
}

// Prefixes put in front of every line: logcat threadtime columns and tag ("I tflite  : ",
// "I/tflite  (1234): "), or "INFO: " of shell builds. "ERROR: " lines keep their prefix: they are
// quoted when the run fails.
const PREFIX_RE =
  /^(?:\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+\s+)?(?:[VDIWEF][/ ]tflite\s*(?:\(\s*\d+\))?\s*:\s?|INFO: )?/;
const COUNT_RE = /^count=\d+/;
const PROFILER_RE = /^Timings \(microseconds\): (count=\d+.*)$/;
const PROFILE_INIT_RE = /^Profiling Info for Benchmark Initialization:/;
const PROFILE_RUNS_RE = /^Operator-wise Profiling Info for Regular Benchmark Runs:/;
const TIMINGS_RE = new RegExp(
  String.raw`Inference timings in us: Init: (${NUM}), First inference: (${NUM}), ` +
    String.raw`Warmup \(avg\): (${NUM}), Inference \(avg\): (${NUM})`,
);
const ANCIENT_TIMINGS_RE = new RegExp(
  String.raw`Average inference timings in us: Warmup: (${NUM}), Init: (${NUM}), no stats: (${NUM})`,
);
const MEMORY_DELTA_RE = new RegExp(
  String.raw`Memory footprint delta from the start of the tool \(MB\): init=(${NUM}) overall=(${NUM})`,
);
const MEMORY_PEAK_RE = new RegExp(String.raw`^Peak memory footprint \(MB\): init=(${NUM}) overall=(${NUM})`);
const PEAK_MONITOR_RE = new RegExp(String.raw`Overall peak memory footprint \(MB\) via periodic monitoring: (${NUM})`);
const SESSION_RE = new RegExp(String.raw`^Initialized session in (${NUM})\s*ms`);
const REPLACING_RE =
  /Replacing (\d+) out of (\d+) node\(s\) with delegate \(([^)]*)\) node(?:, yielding (\d+) partitions)?/;
// The three verdicts benchmark_tflite_model prints after applying a delegate it was asked for.
const FULL_RE = /the model graph will be completely executed by the delegate/;
const PARTIAL_RE = /the model graph will be partially executed by the delegate/;
const NONE_RE = /will not be executed by the delegate/;
const FAILED_DELEGATE_RE = /Failed to apply .*delegate/i;
const FAILED_RE = /^Benchmarking failed\.?$/;
/** What an output of op-profiler tables alone does not state. */
const MISSING_WITHOUT_AVERAGE = ['"Inference timings in us" line', 'statistics of the measured runs'];

/**
 * Parses benchmark_model output. `delegateFallback` is true when the tool says the explicitly applied
 * delegate takes part or none of the graph, when applying a delegate failed, or — when no such verdict
 * was printed — when a "Replacing N out of M" line has N < M. Whether that matters depends on the
 * delegate asked for (XNNPACK partially delegating a CPU run is normal), which the runner knows.
 * Throws ParseError on "Benchmarking failed." or when no timing of the measured runs is found.
 */
export function parseTfliteBenchmark(capture: CaptureInput): TfliteBenchmarkResult {
  const lines = captureLines(capture, WHAT).map((l) => l.replace(PREFIX_RE, '').trimEnd());
  const text = lines.join('\n');
  refuseFailedRun(lines, text);
  const seen = scanLines(lines);
  const { warmup, runs } = warmupAndRuns(seen.countLines.map(runStatsOf), seen.result.inferenceAvgMs);
  const inferenceAvgMs = seen.result.inferenceAvgMs ?? runs?.avgMs;
  if (inferenceAvgMs === undefined && seen.profiler.length === 0) {
    const problem = 'no "Inference timings in us" line and no statistics line of the measured runs';
    throw new ParseError(WHAT, `${problem}${insteadOf(text, WHAT)}`, excerpt(text));
  }
  const fallbackEvidence = [...seen.fallbackEvidence, ...partialDelegations(seen)];
  const first = seen.delegations[0];
  const out: TfliteBenchmarkResult = {
    ...seen.result,
    ...(inferenceAvgMs !== undefined ? { inferenceAvgMs } : { missing: MISSING_WITHOUT_AVERAGE }),
    delegations: seen.delegations,
    delegateFallback: fallbackEvidence.length > 0,
    fallbackEvidence,
  };
  if (warmup) out.warmup = warmup;
  if (runs) out.runs = runs;
  if (first) [out.delegatedNodes, out.totalNodes] = [first.delegatedNodes, first.totalNodes];
  if (seen.coverage) out.delegateCoverage = seen.coverage;
  if (seen.profiler.length > 0) out.profiler = seen.profiler;
  return out;
}

/** "Benchmarking failed." ends the parse, quoting the last errors before it. */
function refuseFailedRun(lines: string[], text: string): void {
  if (!lines.some((l) => FAILED_RE.test(l.trim()))) return;
  const reasons = lines
    .map((l) => l.trim())
    .filter((l) => /\bERROR\b|Failed to apply/.test(l))
    .slice(-3);
  const after = reasons.length > 0 ? ` after: ${reasons.join(' | ')}` : '';
  throw new ParseError(WHAT, `the tool reported "Benchmarking failed."${after}`, excerpt(text));
}

/** Everything one pass over the lines finds. */
interface Seen {
  result: Partial<TfliteBenchmarkResult>;
  delegations: TfliteDelegation[];
  fallbackEvidence: string[];
  coverage?: TfliteBenchmarkResult['delegateCoverage'];
  failedDelegate: boolean;
  countLines: string[];
  profiler: TfliteProfilerTimings[];
}

function scanLines(lines: string[]): Seen {
  const seen: Seen = {
    result: {},
    delegations: [],
    fallbackEvidence: [],
    failedDelegate: false,
    countLines: [],
    profiler: [],
  };
  const result = seen.result;
  let profilerSection: TfliteProfilerTimings['section'] = 'unknown';
  for (const raw of lines) {
    const l = raw.trim();
    let m: RegExpExecArray | null;
    if (COUNT_RE.test(l)) seen.countLines.push(l);
    else if (PROFILE_INIT_RE.test(l)) profilerSection = 'initialization';
    else if (PROFILE_RUNS_RE.test(l)) profilerSection = 'regular-runs';
    else if ((m = PROFILER_RE.exec(l))) seen.profiler.push({ section: profilerSection, stats: runStatsOf(m[1] ?? '') });
    else if ((m = TIMINGS_RE.exec(l))) {
      result.initMs = usToMs(m[1]);
      result.firstInferenceMs = usToMs(m[2]);
      result.warmupAvgMs = usToMs(m[3]);
      result.inferenceAvgMs = usToMs(m[4]);
    } else if ((m = ANCIENT_TIMINGS_RE.exec(l))) {
      result.warmupAvgMs = usToMs(m[1]);
      result.initMs = usToMs(m[2]);
      result.inferenceAvgMs = usToMs(m[3]);
    } else if ((m = MEMORY_DELTA_RE.exec(l))) {
      result.memory = { initMb: Number(m[1]), overallMb: Number(m[2]), wording: 'delta' };
    } else if ((m = MEMORY_PEAK_RE.exec(l))) {
      result.memory = { initMb: Number(m[1]), overallMb: Number(m[2]), wording: 'peak' };
    } else if ((m = PEAK_MONITOR_RE.exec(l))) result.peakMemoryMb = Number(m[1]);
    else if ((m = SESSION_RE.exec(l))) result.sessionInitMs = Number(m[1]);
    else readDelegation(l, seen);
  }
  return seen;
}

/** Delegation lines: how much of the graph a delegate takes, and the tool's verdict on it. */
function readDelegation(l: string, seen: Seen): void {
  const m = REPLACING_RE.exec(l);
  if (m) {
    const d: TfliteDelegation = { delegate: m[3] ?? '', delegatedNodes: Number(m[1]), totalNodes: Number(m[2]) };
    if (m[4] !== undefined) d.partitions = Number(m[4]);
    seen.delegations.push(d);
  } else if (NONE_RE.test(l)) {
    seen.coverage = 'none';
    seen.fallbackEvidence.push(l);
  } else if (PARTIAL_RE.test(l)) {
    seen.coverage = seen.coverage === 'none' ? seen.coverage : 'partial';
    seen.fallbackEvidence.push(l);
  } else if (FULL_RE.test(l)) seen.coverage ??= 'full';
  else if (FAILED_DELEGATE_RE.test(l)) {
    seen.failedDelegate = true;
    seen.fallbackEvidence.push(l);
  }
}

/** Which `count=` line is the warm-up and which the measured runs. */
function warmupAndRuns(
  stats: TfliteRunStats[],
  reported: number | undefined,
): { warmup?: TfliteRunStats; runs?: TfliteRunStats } {
  if (stats.length >= 2) return { warmup: stats[0]!, runs: stats[1]! };
  const only = stats[0];
  if (only === undefined) return {};
  // A lone line is the measured one when its avg is the reported mean (output trimmed by whoever
  // saved it) or when there is no mean to compare with; otherwise the run stopped after warm-up.
  if (reported === undefined ? only.avgMs !== undefined : only.avgMs === reported) return { runs: only };
  return { warmup: only };
}

/** Without a verdict from the tool, a "Replacing N out of M" line with N < M is the evidence. */
function partialDelegations(seen: Seen): string[] {
  if (seen.coverage !== undefined || seen.failedDelegate) return [];
  return seen.delegations
    .filter((d) => d.delegatedNodes < d.totalNodes)
    .map((d) => `Replacing ${d.delegatedNodes} out of ${d.totalNodes} node(s) with delegate (${d.delegate})`);
}

const STAT_KEYS: Record<string, keyof TfliteRunStats> = {
  first: 'firstMs',
  curr: 'currMs',
  min: 'minMs',
  max: 'maxMs',
  avg: 'avgMs',
  std: 'stdMs',
  p5: 'p5Ms',
  median: 'medianMs',
  p95: 'p95Ms',
};

function runStatsOf(line: string): TfliteRunStats {
  const stats: TfliteRunStats = { count: 0 };
  for (const [, key, value] of line.matchAll(new RegExp(String.raw`(\w+)=(${NUM})`, 'g'))) {
    if (key === 'count') stats.count = Number(value);
    else if (key !== undefined && key in STAT_KEYS) {
      const field = STAT_KEYS[key];
      if (field && field !== 'count') stats[field] = usToMs(value);
    }
  }
  return stats;
}

// benchmark_model prints µs.
function usToMs(value: string | undefined): number {
  return shift(value, -3);
}
