// Parsers for onnxruntime_perf_test (microsoft/onnxruntime, onnxruntime/test/perftest): the summary it
// prints on stdout, the positional result_file, its failure lines, and the signs that the QNN execution
// provider left part of a graph to the CPU. Pure: text in, typed data out, every latency in milliseconds.
//
// The summary has three generations (device-tools.md §1.3, §9.1):
//   - ORT 1.23+ (2025):        "Average inference time cost total: 98.961997 ms"
//   - 2020 to mid-2025:        "Average inference time cost: 734.606 ms" (early 2020 builds print no
//                              space after the colon: "Average inference time cost:734.606 ms")
//   - 2019 README era:         "Average time cost:58.8053 ms", "Total iterations:1000",
//                              "Min Latency is 0.0559777sec" (some copies: "... is 0.0559777 sec")
// Units differ line by line: the average is in ms, percentiles and session creation in seconds, the
// first inference in integer ms, memory in bytes. Percentiles may use ostream's scientific form (1.2e-05).
// With --data_shape (newest builds; layout of intel/onnxruntime@e42e521b performance_runner.cc) the
// same groups are printed twice: a "Latency per shape group:" block in **ms** right after the summary
// (PrintPerShapeStats), then "Shape group N (K iterations):" blocks in s after the statistics
// (DumpToFile). Both are read, each in its own unit, into one entry per group.
import { ParseError } from '../../errors.js';
import { captureText, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';
import { shift, tailExcerpt as excerpt } from '../../parsing/text.js';

const WHAT = 'onnxruntime_perf_test output';
const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** Which layout of the summary the tool printed (see the file comment). */
export type OrtPerfTestGeneration = 'total' | 'inference' | 'legacy';

/** Latency percentiles, in ms. perf_test indexes the sorted runs at `floor(n * p)` without
 * interpolation, so with few runs P90..P999 equal the maximum. Only the lines present are set. */
export interface OrtLatencyPercentilesMs {
  min?: number;
  max?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  p999?: number;
}

/** One --data_shape group (newest builds), from its `Shape group N (K iterations):` block (s) and its
 * entry in the `Latency per shape group:` block (ms); all values in ms. Where both print a value, the
 * first one printed (the ms block) is kept; they come from the same sorted runs. */
export interface OrtShapeGroup {
  /** 1-based, as printed. */
  index: number;
  iterations: number;
  latenciesMs: OrtLatencyPercentilesMs;
  /** The ms block's label of the group's input shapes, e.g. `sample : [1,320,8,8]`. */
  shapes?: string;
  /** The ms block's `Average Latency`. */
  averageMs?: number;
}

export interface OrtPerfTestResult {
  generation: OrtPerfTestGeneration;
  /** "Session creation time cost" (printed in s). */
  sessionCreationMs?: number;
  /** "First inference time cost": the single untimed warm-up run (printed in integer ms). */
  firstInferenceMs?: number;
  /** "Total inference time cost" / 2019 "Total time cost": sum of the measured runs (printed in s). */
  totalInferenceMs?: number;
  /** "Total inference requests" / 2019 "Total iterations": number of measured runs. */
  requests: number;
  /** Mean of the measured runs (printed in ms). */
  averageMs: number;
  /** "Average inference time cost submission" (-g CUDA IO binding only; printed in ms). */
  averageSubmissionMs?: number;
  /** "Total inference run time": wall time of the measuring loop (printed in s). */
  totalRunMs?: number;
  inferencesPerSecond?: number;
  /** Process-wide peak working set, bytes (includes ORT itself). */
  peakWorkingSetBytes?: number;
  /** Average CPU usage of the process, percent. */
  avgCpuPercent?: number;
  /** `Runs:N` of the statistics block (newest builds, no result_file). */
  statisticsRuns?: number;
  latenciesMs: OrtLatencyPercentilesMs;
  /** Per-run times from `-v` logs (`iteration:<n>,time_cost:<s>`), in ms, when present. */
  iterationsMs?: number[];
  shapeGroups?: OrtShapeGroup[];
}

/** A line that says the run did not happen or did not finish. */
export interface OrtPerfTestFailure {
  /** The phrase matched (one of the documented failure signals). */
  signal: string;
  /** The whole line it was found on. */
  line: string;
}

/** Output in which onnxruntime_perf_test reported a failure; still a ParseError for callers that only
 * care that no numbers came out. */
export class OrtPerfTestFailedError extends ParseError {
  readonly failure: OrtPerfTestFailure;
  constructor(failure: OrtPerfTestFailure, excerpt: string) {
    super(WHAT, `the tool reported a failure: ${failure.line}`, excerpt);
    this.failure = failure;
  }
}

// Lines perf_test (or the session under it) prints when nothing was measured. The first four are the
// documented ones (§9.1); "test case dir doesn't exist" is what v1.18 printed for a missing model folder
// (microsoft/onnxruntime#21267); the CPU-fallback refusal is ORT's session error when
// `session.disable_cpu_ep_fallback|1` is set and an EP could not take every node.
const FAILURE_SIGNALS: readonly string[] = [
  'Run failed:',
  'failed to initialize',
  'there is no test data for model',
  'there is no test input data for input',
  "test case dir doesn't exist",
  'fallback to CPU EP has been explicitly disabled',
];

/** Returns the first failure line found in stdout or stderr, or undefined. */
export function detectOrtPerfTestFailure(stdout: string, stderr = ''): OrtPerfTestFailure | undefined {
  for (const line of splitLines(`${stdout}\n${stderr}`)) {
    const lower = line.toLowerCase();
    const signal = FAILURE_SIGNALS.find((s) => lower.includes(s.toLowerCase()));
    if (signal !== undefined) return { signal, line: line.trim() };
  }
  return undefined;
}

const PERCENTILE_KEYS = {
  Min: 'min',
  Max: 'max',
  P50: 'p50',
  P90: 'p90',
  P95: 'p95',
  P99: 'p99',
  P999: 'p999',
} as const satisfies Record<string, keyof OrtLatencyPercentilesMs>;

// Top-level percentile lines start at column 0; the per-shape-group copies are indented.
const PERCENTILE_RE = new RegExp(String.raw`^(Min|Max|P50|P90|P95|P99|P999) Latency(?::| is)\s*(${NUM})\s*s(?:ec)?\b`);
const INDENTED_PERCENTILE_RE = new RegExp(String.raw`^\s+(Min|Max|P50|P90|P95|P99|P999) Latency:\s*(${NUM})\s*s\b`);
const SHAPE_GROUP_RE = /^Shape group (\d+) \((\d+) iterations?\):/;
// The ms block: a header, `  N. <input> : [dims]` per group, then six-space-indented value lines
// (`(no data)` for a group without runs).
const SHAPE_MS_HEADER_RE = /^Latency per shape group:\s*$/;
const SHAPE_MS_GROUP_RE = /^\s+(\d+)\.\s+(\S.*?)\s*$/;
const SHAPE_MS_ITERATIONS_RE = /^\s+Iterations:\s*(\d+)\s*$/;
const SHAPE_MS_AVERAGE_RE = new RegExp(String.raw`^\s+Average Latency:\s*(${NUM})\s*ms\b`);
const SHAPE_MS_PERCENTILE_RE = new RegExp(String.raw`^\s+(Min|Max|P50|P90|P95|P99|P999) Latency:\s*(${NUM})\s*ms\b`);
const ITERATION_RE = new RegExp(String.raw`iteration:(\d+),time_cost:(${NUM})`);

const line = (pattern: string) => new RegExp(`^${pattern}`);
const SESSION_RE = line(String.raw`Session creation time cost:\s*(${NUM})\s*s\b`);
const FIRST_RE = line(String.raw`First inference time cost:\s*(${NUM})\s*ms\b`);
const TOTAL_RE = line(String.raw`Total inference time cost:\s*(${NUM})\s*s\b`);
// 2019: "Total time cost:58.8053" has no unit; the run time next to it is in s and so is this sum.
const TOTAL_LEGACY_RE = line(String.raw`Total time cost:\s*(${NUM})\s*s?$`);
const REQUESTS_RE = line(String.raw`Total inference requests:\s*(\d+)`);
const REQUESTS_LEGACY_RE = line(String.raw`Total iterations:\s*(\d+)`);
const AVG_TOTAL_RE = line(String.raw`Average inference time cost total:\s*(${NUM})\s*ms\b`);
const AVG_RE = line(String.raw`Average inference time cost:\s*(${NUM})\s*ms\b`);
const AVG_LEGACY_RE = line(String.raw`Average time cost:\s*(${NUM})\s*ms\b`);
const AVG_SUBMISSION_RE = line(String.raw`Average inference time cost submission:\s*(${NUM})\s*ms\b`);
const RUN_TIME_RE = line(String.raw`Total (?:inference )?run time:\s*(${NUM})\s*s\b`);
const IPS_RE = line(String.raw`Number of inferences per second:\s*(${NUM})`);
// "Avg CPU usage" upstream; some vendor builds print "Total CPU usage: N %" for the same figure.
const CPU_RE = line(String.raw`(?:Avg|Total) CPU usage:\s*(${NUM})`);
const PEAK_RE = line(String.raw`Peak working set size:\s*(\d+)`);
const RUNS_RE = line(String.raw`Runs:\s*(\d+)\s*$`);

/**
 * Parses what onnxruntime_perf_test printed (text or the bytes of a saved capture; a prefix or
 * indentation every line carries is removed first, see capture-text.ts). Throws
 * OrtPerfTestFailedError when a failure line is present, ParseError when the run count or the
 * average is missing.
 */
export function parseOrtPerfTest(capture: CaptureInput, stderr = ''): OrtPerfTestResult {
  const stdout = captureText(capture, WHAT);
  const failure = detectOrtPerfTestFailure(stdout, stderr);
  if (failure) throw new OrtPerfTestFailedError(failure, excerpt(`${stdout}\n${stderr}`));

  let generation: OrtPerfTestGeneration | undefined;
  let averageMs: number | undefined;
  let requests: number | undefined;
  const out: Partial<OrtPerfTestResult> = {};
  const latenciesMs: OrtLatencyPercentilesMs = {};
  const iterationsMs: number[] = [];
  const groups = new Map<number, OrtShapeGroup>();
  const groupOf = (index: number): OrtShapeGroup => {
    let g = groups.get(index);
    if (g === undefined) groups.set(index, (g = { index, iterations: 0, latenciesMs: {} }));
    return g;
  };
  // The shape-group block the indented lines belong to, and the unit its values are printed in.
  let block: ShapeBlock | undefined;

  for (const raw of splitLines(stdout)) {
    const iteration = ITERATION_RE.exec(raw);
    if (iteration) {
      iterationsMs.push(shift(iteration[2], 3));
      continue;
    }
    const shape = SHAPE_GROUP_RE.exec(raw);
    if (shape) {
      const g = groupOf(Number(shape[1]));
      g.iterations = Number(shape[2]);
      block = { unit: 's', group: g };
      continue;
    }
    if (SHAPE_MS_HEADER_RE.test(raw)) {
      block = { unit: 'ms' };
      continue;
    }
    const text = raw.trim();
    if (text !== '' && text !== raw.trimEnd()) {
      // Indented: a line of the current shape-group block, or of a block we do not read.
      if (block) readShapeLine(block, raw, groupOf);
      continue;
    }
    block = undefined;
    let m: RegExpExecArray | null;
    if ((m = PERCENTILE_RE.exec(text))) latenciesMs[percentileKey(m[1])] = shift(m[2], 3);
    else if ((m = AVG_TOTAL_RE.exec(text))) [generation, averageMs] = ['total', num(m[1])];
    else if ((m = AVG_SUBMISSION_RE.exec(text))) out.averageSubmissionMs = num(m[1]);
    else if ((m = AVG_RE.exec(text))) [generation, averageMs] = [generation ?? 'inference', num(m[1])];
    else if ((m = AVG_LEGACY_RE.exec(text))) [generation, averageMs] = ['legacy', num(m[1])];
    else if ((m = SESSION_RE.exec(text))) out.sessionCreationMs = shift(m[1], 3);
    else if ((m = FIRST_RE.exec(text))) out.firstInferenceMs = num(m[1]);
    else if ((m = TOTAL_RE.exec(text))) out.totalInferenceMs = shift(m[1], 3);
    else if ((m = TOTAL_LEGACY_RE.exec(text))) out.totalInferenceMs = shift(m[1], 3);
    else if ((m = REQUESTS_RE.exec(text)) ?? (m = REQUESTS_LEGACY_RE.exec(text))) requests = Number(m[1]);
    else if ((m = RUN_TIME_RE.exec(text))) out.totalRunMs = shift(m[1], 3);
    else if ((m = IPS_RE.exec(text))) out.inferencesPerSecond = num(m[1]);
    else if ((m = CPU_RE.exec(text))) out.avgCpuPercent = num(m[1]);
    else if ((m = PEAK_RE.exec(text))) out.peakWorkingSetBytes = Number(m[1]);
    else if ((m = RUNS_RE.exec(text))) out.statisticsRuns = Number(m[1]);
  }

  if (averageMs === undefined || generation === undefined) {
    missingLine('no "Average inference time cost" (or 2019 "Average time cost") line', stdout);
  }
  if (requests === undefined) missingLine('no "Total inference requests" (or 2019 "Total iterations") line', stdout);
  return {
    ...out,
    generation,
    requests,
    averageMs,
    latenciesMs,
    ...(iterationsMs.length > 0 ? { iterationsMs } : {}),
    ...(groups.size > 0 ? { shapeGroups: [...groups.values()].sort((a, b) => a.index - b.index) } : {}),
  };
}

function missingLine(problem: string, stdout: string): never {
  throw new ParseError(WHAT, `${problem}${insteadOf(stdout, WHAT)}`, excerpt(stdout));
}

interface ShapeBlock {
  unit: 's' | 'ms';
  /** The group the value lines belong to (the ms block names it on a line of its own). */
  group?: OrtShapeGroup;
}

/** One indented line inside a shape-group block; each block's values are read in its own unit only. */
function readShapeLine(block: ShapeBlock, raw: string, groupOf: (index: number) => OrtShapeGroup): void {
  let m: RegExpExecArray | null;
  if (block.unit === 's') {
    if (block.group && (m = INDENTED_PERCENTILE_RE.exec(raw)))
      setOnce(block.group.latenciesMs, percentileKey(m[1]), shift(m[2], 3));
    return;
  }
  if ((m = SHAPE_MS_GROUP_RE.exec(raw))) {
    block.group = groupOf(Number(m[1]));
    block.group.shapes = m[2]!;
    return;
  }
  const g = block.group;
  if (!g) return;
  if ((m = SHAPE_MS_ITERATIONS_RE.exec(raw))) g.iterations = Number(m[1]);
  else if ((m = SHAPE_MS_AVERAGE_RE.exec(raw))) g.averageMs = num(m[1]);
  else if ((m = SHAPE_MS_PERCENTILE_RE.exec(raw))) setOnce(g.latenciesMs, percentileKey(m[1]), num(m[2]));
}

function setOnce(target: OrtLatencyPercentilesMs, key: keyof OrtLatencyPercentilesMs, value: number): void {
  target[key] ??= value;
}

// ---------------------------------------------------------------------------------------------------
// result_file

/** One CSV row of the result file: one measured run. */
export interface OrtResultFileRun {
  model: string;
  /** Wall time of the run (the `time_cost` column in s; with six columns, the total-time column). */
  latencyMs: number;
  /** Six-column files only: the submission time column (s → ms). */
  submissionMs?: number;
  peakWorkingSetBytes: number;
  avgCpuPercent: number;
  /** The `run_index` column, 0-based within one perf_test process. */
  index: number;
}

/** The statistics block written after the rows when `-s` is given (2020 "Min Latency is Xsec" wording
 * or the newer "Min Latency: X s"), in ms. */
export interface OrtResultFileStats {
  latenciesMs: OrtLatencyPercentilesMs;
  runs?: number;
  avgCpuPercent?: number;
  peakWorkingSetBytes?: number;
}

/** The rows and statistics one perf_test process appended. */
export interface OrtResultFileGroup {
  runs: OrtResultFileRun[];
  stats?: OrtResultFileStats;
}

export interface OrtResultFile {
  /** 5: `model,time_cost_s,peak_workingset_bytes,avg_cpu,run_index`; 6: PR #26313's revision with
   * `model,submission_s,total_s,peak,avg_cpu,run_index`. */
  columns: 5 | 6;
  /** The file is opened in append mode, so it can hold several processes' output; one group each. */
  groups: OrtResultFileGroup[];
  /** Per-run latencies of the last group, in ms (the process that ran last). */
  latenciesMs: number[];
}

const IS_NUM = new RegExp(`^${NUM}$`);
const IS_INT = /^\d+$/;

/**
 * Parses the positional result_file of onnxruntime_perf_test. A group ends at its statistics block or
 * when run_index starts again at 0. Throws ParseError on a row that is not the documented CSV or when
 * no row is present.
 */
export function parseOrtPerfTestResultFile(capture: CaptureInput): OrtResultFile {
  const what = 'onnxruntime_perf_test result file';
  const text = captureText(capture, what);
  const groups: OrtResultFileGroup[] = [];
  let current: OrtResultFileGroup | undefined;
  let columns: 5 | 6 | undefined;
  let lineNo = 0;

  const statsOf = (g: OrtResultFileGroup): OrtResultFileStats => (g.stats ??= { latenciesMs: {} });

  for (const raw of splitLines(text)) {
    lineNo += 1;
    const t = raw.trim();
    if (t === '') continue;
    let m: RegExpExecArray | null;
    if ((m = PERCENTILE_RE.exec(t))) {
      if (!current) throw new ParseError(what, `statistics before any run row (line ${lineNo})`, t);
      statsOf(current).latenciesMs[percentileKey(m[1])] = shift(m[2], 3);
      continue;
    }
    if ((m = RUNS_RE.exec(t)) ?? (m = CPU_RE.exec(t)) ?? (m = PEAK_RE.exec(t))) {
      if (!current) throw new ParseError(what, `statistics before any run row (line ${lineNo})`, t);
      const stats = statsOf(current);
      if (RUNS_RE.test(t)) stats.runs = Number(m[1]);
      else if (CPU_RE.test(t)) stats.avgCpuPercent = num(m[1]);
      else stats.peakWorkingSetBytes = Number(m[1]);
      continue;
    }
    if (!t.includes(',')) continue; // a line of a layout we do not know; rows are what matter
    const row = parseResultRow(t);
    if (!row) throw new ParseError(what, `line ${lineNo} is not model,time_cost,peak_bytes,avg_cpu,run_index`, t);
    columns ??= row.columns;
    if (!current || current.stats || (row.run.index === 0 && current.runs.length > 0)) {
      current = { runs: [] };
      groups.push(current);
    }
    current.runs.push(row.run);
  }
  const last = groups.at(-1);
  if (!last || columns === undefined) {
    throw new ParseError(what, `no per-run rows${insteadOf(text, what)}`, excerpt(text));
  }
  return { columns, groups, latenciesMs: last.runs.map((r) => r.latencyMs) };
}

// Fields are read from the right so a model path holding a comma survives: run_index, avg_cpu,
// peak bytes, time; a sixth numeric field before those is the total/submission pair of PR #26313.
function parseResultRow(t: string): { columns: 5 | 6; run: OrtResultFileRun } | undefined {
  const f = t.split(',').map((s) => s.trim());
  const n = f.length;
  if (n < 5) return undefined;
  const [idx, cpu, peak, time] = [f[n - 1], f[n - 2], f[n - 3], f[n - 4]];
  if (!isInt(idx) || !isNum(cpu) || !isInt(peak) || !isNum(time)) return undefined;
  const before = f[n - 5];
  const six = n >= 6 && isNum(before);
  const model = f.slice(0, n - (six ? 5 : 4)).join(',');
  const run: OrtResultFileRun = {
    model,
    latencyMs: shift(time, 3),
    peakWorkingSetBytes: Number(peak),
    avgCpuPercent: num(cpu),
    index: Number(idx),
  };
  if (six) run.submissionMs = shift(before, 3);
  return { columns: six ? 6 : 5, run };
}

// ---------------------------------------------------------------------------------------------------
// QNN fallback

/** What the logs say about where the nodes of a QNN EP session ran. */
export interface QnnFallbackVerdict {
  /** true: part or all of the graph ran (or would have run) on the CPU; false: the QNN EP reported
   * that it took every node in one partition; undefined: the logs say neither. */
  fellBack: boolean | undefined;
  /** The lines the verdict rests on. */
  evidence: string[];
  partitions?: number;
  graphNodes?: number;
  qnnNodes?: number;
}

// The QNN EP logs this summary from GetCapability: at INFO level for one partition (not shown at
// perf_test's default log level) and at WARNING level for several. Some plugin-EP builds print the
// partition count in place of the supported-node count, so "N supported" equal to "N partitions" is
// not read as a node count.
const QNN_SUMMARY_RE = new RegExp(
  String.raw`Number of partitions supported by QNN EP: (\d+), ` +
    String.raw`number of nodes in the graph: (\d+), number of nodes supported by QNN: (\d+)`,
);

// Lines that on their own prove CPU execution (or a refusal to fall back, which means it would have):
// the QNN EP lists unsupported nodes when CPU fallback is disabled; a backend that fails to set up
// leaves the whole graph to the CPU EP (microsoft/onnxruntime#21214); ORT refuses the session when
// `session.disable_cpu_ep_fallback|1` is set and nodes are left for the CPU.
const FALLBACK_LINES: readonly string[] = [
  'Unsupported nodes in QNN EP',
  'QNN SetupBackend failed',
  'fallback to CPU EP has been explicitly disabled',
];

/**
 * Conservative reading of stdout+stderr for a QNN EP fallback. ORT's generic warning "Some nodes were
 * not assigned to the preferred execution providers" is deliberately not used: ORT prints it whenever
 * it places shape-computation nodes on the CPU on purpose.
 */
export function detectQnnFallback(stdout: string, stderr = ''): QnnFallbackVerdict {
  const evidence: string[] = [];
  let fellBack: boolean | undefined;
  const verdict: QnnFallbackVerdict = { fellBack: undefined, evidence };
  for (const raw of splitLines(`${stdout}\n${stderr}`)) {
    const l = raw.trim();
    if (FALLBACK_LINES.some((s) => l.includes(s))) {
      evidence.push(l);
      fellBack = true;
      continue;
    }
    const m = QNN_SUMMARY_RE.exec(l);
    if (!m) continue;
    const [partitions, graphNodes, qnnNodes] = [Number(m[1]), Number(m[2]), Number(m[3])];
    Object.assign(verdict, { partitions, graphNodes, qnnNodes });
    const ambiguousCount = qnnNodes === partitions && qnnNodes < graphNodes;
    if (partitions === 0 || partitions > 1 || (!ambiguousCount && qnnNodes < graphNodes)) {
      evidence.push(l);
      fellBack = true;
    } else if (partitions === 1 && qnnNodes === graphNodes && fellBack === undefined) {
      evidence.push(l);
      fellBack = false;
    }
  }
  verdict.fellBack = fellBack;
  return verdict;
}

// ---------------------------------------------------------------------------------------------------

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function num(s: string | undefined): number {
  return Number(s);
}

function isNum(s: string | undefined): s is string {
  return s !== undefined && IS_NUM.test(s);
}

function isInt(s: string | undefined): s is string {
  return s !== undefined && IS_INT.test(s);
}

function percentileKey(label: string | undefined): keyof OrtLatencyPercentilesMs {
  return PERCENTILE_KEYS[label as keyof typeof PERCENTILE_KEYS];
}
