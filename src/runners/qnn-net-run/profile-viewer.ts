// Parser for the text that qnn-profile-viewer (Qualcomm QNN / QAIRT SDK) prints when it decodes a
// qnn-net-run profiling log with its default reader. Pure: text in, typed data out.
//
// Layouts read (device-tools.md §2.2, §9.2):
//   - sectioned (basic profiling): "Init Stats:", "Finalize Stats:", "Execute Stats (Average):",
//     "Execute Stats (Min|Max|Overall):", each underlined with dashes, optional "Graph N (name):"
//     blocks, lines "NetRun:  2952 us" and "Backend (<event>): <value> us|cycles|count", and
//     "NetRun IPS: 214.8888 inf/sec" under "Execute Stats (Overall):".
//   - newer SDKs: "NetRun IPS (includes IO and misc. time): <x> inf/sec" and more Backend events
//     ("Accelerator (execute excluding wait) time", "Time for HVX + HMX power on and acquire", ...);
//     detailed profiling adds per-op lines "<op>:OpId_<k> (cycles): N cycles".
//   - the older per-run layout: "Execute Stats:" then "Execute Stat 1", "Execute Stat 2", ... with
//     lines "<event> : <value> <unit>" and no "Backend (...)" wrapper.
// Event names are stored without the "Backend (...)" wrapper so both layouts share keys.
import { ParseError } from '../../errors.js';
import { shift, headExcerpt as excerpt } from '../../parsing/text.js';
import { captureText, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';

const WHAT = 'qnn-profile-viewer output';

/** A profiling value: times converted from µs to ms; cycles and counts kept as printed. */
export type QnnMetric =
  { unit: 'ms'; value: number } | { unit: 'cycles'; value: number } | { unit: 'count'; value: number };

/** A per-op line of detailed profiling. Cycles have no fixed relation to time (ops run in parallel on
 * the HTP), so they are only good as shares. */
export interface QnnOpCycles {
  name: string;
  opId: number;
  cycles: number;
}

/** The lines of one section that belong to one graph (or to no graph header). */
export interface QnnViewerGroup {
  /** From "Graph 0 (model):"; undefined for lines outside any graph block. */
  graph?: { index: number; name: string };
  /** Host wall time, NetRun (µs → ms). */
  netRunMs?: number;
  /** Backend events by name (e.g. "Accelerator (execute) time"). */
  events: Record<string, QnnMetric>;
  ops: QnnOpCycles[];
}

export interface QnnViewerSection {
  /** The header as printed without the colon: "Execute Stats (Average)", "Execute Stat 3". */
  title: string;
  phase: 'init' | 'compose' | 'finalize' | 'deinit' | 'execute' | 'other';
  /** "average", "min", "max", "overall" from the header; "run" for the per-run layout. */
  statistic?: 'average' | 'min' | 'max' | 'overall' | 'run';
  /** Per-run layout: the N of "Execute Stat N". */
  run?: number;
  groups: QnnViewerGroup[];
  /** "NetRun IPS" in inferences per second. */
  ips?: number;
}

export interface QnnProfileViewerResult {
  layout: 'sectioned' | 'per-run';
  sections: QnnViewerSection[];
}

/** The numbers of one execute (or of the averaged execute), as the harness records them. */
export interface QnnExecuteSample {
  /** NetRun: host-side wall time including IO, ms. */
  netRunMs?: number;
  /** "Accelerator (execute) time", ms: the HTP's own execute time. */
  acceleratorExecuteMs?: number;
  /** "QNN accelerator (execute) time", ms: one level out (includes the accelerator wait). */
  qnnAcceleratorExecuteMs?: number;
  /** "Accelerator (execute) time (cycles)". */
  acceleratorCycles?: number;
  /** "Number of HVX threads used". */
  hvxThreads?: number;
}

/**
 * Every event of one execute (or of the averaged execute) by QNN's own name, times in ms, with
 * qnn-net-run's wall time under "NetRun". A runner takes exactly the event it was asked for from it,
 * and can say which events exist when that one is missing.
 */
export type QnnExecuteEvents = Record<string, QnnMetric>;

/** The latency numbers the harness stores for a qnn-net-run entry, whichever output they came from.
 * The sample fields hold the tool's own average (`average`) or the mean over `samples` (`per-execute`). */
export interface QnnLatency extends QnnExecuteSample {
  /** `average`: the tool averaged the executes itself; `per-execute`: one sample per execute. */
  kind: 'average' | 'per-execute';
  /** Executes after the dropped warm-ups (one element for `average`). */
  samples: QnnExecuteSample[];
  /** false when the HVX thread count is 0 or no accelerator time was reported (the graph ran on the
   * CPU); true when accelerator time was reported; undefined when there is no execute data at all. */
  npuRan: boolean | undefined;
}

const SAMPLE_KEYS = [
  'netRunMs',
  'acceleratorExecuteMs',
  'qnnAcceleratorExecuteMs',
  'acceleratorCycles',
  'hvxThreads',
] as const;
const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const SECTION_RE = /^(.+?) Stats(?: \((Average|Min|Max|Overall)\))?:$/;
const RUN_HEADER_RE = /^Execute Stat (\d+)$/;
const GRAPH_RE = /^Graph (\d+) \((.*)\):$/;
const IPS_RE = new RegExp(String.raw`^NetRun IPS(?: \(includes IO and misc\. time\))?:\s+(${NUM})\s+inf\/sec$`);
const OP_RE = /^(.*?)(?::|\s+)OpId_(\d+) \(cycles\)\s*:\s+(\d+)\s+cycles$/;
const NETRUN_RE = new RegExp(String.raw`^NetRun\s*:\s+(${NUM})\s+(us|cycles|count)$`);
const BACKEND_RE = new RegExp(String.raw`^Backend \((.+)\):\s+(${NUM})\s+(us|cycles|count)$`);
// Old per-run layout: "RPC (execute) time : 2717302 us" (some copies pad with two spaces before the unit).
const SPACED_RE = new RegExp(String.raw`^(.+?)\s+:\s+(${NUM})\s+(us|cycles|count)$`);

/**
 * Parses qnn-profile-viewer's text output. Lines it does not know are skipped (new SDKs add events);
 * throws ParseError when no section with a value is found.
 */
export function parseQnnProfileViewer(capture: CaptureInput): QnnProfileViewerResult {
  const text = captureText(capture, WHAT);
  const sections: QnnViewerSection[] = [];
  let section: QnnViewerSection | undefined;
  let group: QnnViewerGroup | undefined;
  let perRun = false;

  const groupOf = (s: QnnViewerSection): QnnViewerGroup => {
    if (!group) {
      group = { events: {}, ops: [] };
      s.groups.push(group);
    }
    return group;
  };

  for (const raw of text.split(/\r?\n/)) {
    const t = raw.trim();
    if (t === '' || /^-+$/.test(t)) continue;
    let m: RegExpExecArray | null;
    if ((m = RUN_HEADER_RE.exec(t))) {
      perRun = true;
      section = { title: t, phase: 'execute', statistic: 'run', run: Number(m[1]), groups: [] };
      sections.push(section);
      group = undefined;
      continue;
    }
    if ((m = SECTION_RE.exec(t))) {
      section = { title: t.slice(0, -1), phase: phaseOf(m[1] ?? ''), groups: [] };
      const statistic = m[2]?.toLowerCase();
      if (statistic) section.statistic = statistic as QnnViewerSection['statistic'];
      sections.push(section);
      group = undefined;
      continue;
    }
    if (!section) continue; // banner lines before the first section
    if ((m = GRAPH_RE.exec(t))) {
      group = { graph: { index: Number(m[1]), name: m[2] ?? '' }, events: {}, ops: [] };
      section.groups.push(group);
      continue;
    }
    if ((m = IPS_RE.exec(t))) {
      section.ips = Number(m[1]);
      continue;
    }
    if ((m = OP_RE.exec(t))) {
      groupOf(section).ops.push({ name: m[1] ?? '', opId: Number(m[2]), cycles: Number(m[3]) });
      continue;
    }
    if ((m = NETRUN_RE.exec(t))) {
      const metric = metricOf(m[1], m[2]);
      if (metric.unit === 'ms') groupOf(section).netRunMs = metric.value;
      continue;
    }
    if ((m = BACKEND_RE.exec(t)) ?? (m = SPACED_RE.exec(t))) {
      const name = m[1] ?? '';
      const metric = metricOf(m[2], m[3]);
      if (name === 'NetRun' && metric.unit === 'ms') groupOf(section).netRunMs = metric.value;
      else groupOf(section).events[name] = metric;
    }
  }

  const withData = sections.filter((s) => s.ips !== undefined || s.groups.length > 0);
  if (withData.length === 0) {
    const problem = 'no "... Stats:" section with NetRun, Backend or per-run values';
    throw new ParseError(WHAT, `${problem}${insteadOf(text, WHAT)}`, excerpt(text));
  }
  return { layout: perRun ? 'per-run' : 'sectioned', sections: withData };
}

/**
 * The numbers the harness records. From the sectioned layout it reads "Execute Stats (Average)" (the
 * first graph block that has values); from the per-run layout one sample per "Execute Stat N" after
 * dropping `warmup` leading executes (the first HTP execute pays power-up).
 */
export function qnnViewerLatency(result: QnnProfileViewerResult, options: { warmup?: number } = {}): QnnLatency {
  if (result.layout === 'per-run') {
    const runs = result.sections.filter((s) => s.statistic === 'run');
    const samples = runs.map((s) => sampleOf(firstGroup(s))).slice(options.warmup ?? 0);
    return summarizeSamples(samples);
  }
  const average = result.sections.find((s) => s.phase === 'execute' && s.statistic === 'average');
  if (!average) return { kind: 'average', samples: [], npuRan: undefined };
  const sample = sampleOf(firstGroup(average));
  return { kind: 'average', samples: [sample], ...sample, npuRan: npuRanOf([sample]) };
}

/**
 * The events of each execute, as qnnViewerLatency counts them: one record per "Execute Stat N" after
 * dropping `warmup` leading executes, or the one record of "Execute Stats (Average)" (which the tool
 * averaged over every execute, warm-ups included). Empty when the output has no execute data.
 */
export function qnnViewerExecutes(
  result: QnnProfileViewerResult,
  options: { warmup?: number } = {},
): QnnExecuteEvents[] {
  if (result.layout === 'per-run') {
    return result.sections
      .filter((s) => s.statistic === 'run')
      .map((s) => eventsOfGroup(firstGroup(s)))
      .slice(options.warmup ?? 0);
  }
  const average = result.sections.find((s) => s.phase === 'execute' && s.statistic === 'average');
  return average ? [eventsOfGroup(firstGroup(average))] : [];
}

/** A group's Backend events plus its NetRun line under the name "NetRun". */
function eventsOfGroup(group: QnnViewerGroup | undefined): QnnExecuteEvents {
  if (!group) return {};
  return {
    ...group.events,
    ...(group.netRunMs !== undefined ? { NetRun: { unit: 'ms' as const, value: group.netRunMs } } : {}),
  };
}

/** Reduces per-execute samples to their means and the NPU verdict. Shared by the CSV and JSON readers. */
export function summarizeSamples(samples: QnnExecuteSample[]): QnnLatency {
  const mean = (key: keyof QnnExecuteSample): number | undefined => {
    const values = samples.map((s) => s[key]).filter((v): v is number => v !== undefined);
    if (values.length === 0) return undefined;
    // Rounded to the picosecond: the mean of 2.492 and 2.508 is 2.5, not 2.4999999999999996.
    return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1e9) / 1e9;
  };
  const out: QnnLatency = { kind: 'per-execute', samples, npuRan: npuRanOf(samples) };
  for (const key of SAMPLE_KEYS) {
    const value = mean(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The NPU verdict over a set of executes (see QnnLatency.npuRan). */
export function npuRanOf(samples: QnnExecuteSample[]): boolean | undefined {
  if (samples.length === 0) return undefined;
  if (samples.some((s) => s.hvxThreads === 0)) return false;
  const accelerated = (s: QnnExecuteSample) =>
    [s.acceleratorExecuteMs, s.qnnAcceleratorExecuteMs, s.acceleratorCycles].some((v) => v !== undefined && v > 0);
  return samples.every(accelerated);
}

/** Builds a sample from events keyed by QNN's event names (text, CSV and JSON use the same names). */
export function sampleFromEvents(events: Record<string, QnnMetric>, netRunMs?: number): QnnExecuteSample {
  const sample: QnnExecuteSample = {};
  const ms = (name: string) => {
    const e = events[name];
    return e?.unit === 'ms' ? e.value : undefined;
  };
  const plain = (name: string) => events[name]?.value;
  const set = <K extends keyof QnnExecuteSample>(key: K, value: number | undefined) => {
    if (value !== undefined) sample[key] = value;
  };
  set('netRunMs', netRunMs ?? ms('NetRun'));
  set('acceleratorExecuteMs', ms('Accelerator (execute) time'));
  set('qnnAcceleratorExecuteMs', ms('QNN accelerator (execute) time'));
  set('acceleratorCycles', plain('Accelerator (execute) time (cycles)'));
  set('hvxThreads', plain('Number of HVX threads used'));
  return sample;
}

function sampleOf(group: QnnViewerGroup | undefined): QnnExecuteSample {
  return group ? sampleFromEvents(group.events, group.netRunMs) : {};
}

function firstGroup(section: QnnViewerSection): QnnViewerGroup | undefined {
  return section.groups.find((g) => g.netRunMs !== undefined || Object.keys(g.events).length > 0);
}

function phaseOf(name: string): QnnViewerSection['phase'] {
  switch (name) {
    case 'Init':
      return 'init';
    case 'Compose Graphs':
      return 'compose';
    case 'Finalize':
      return 'finalize';
    case 'De-Init':
      return 'deinit';
    case 'Execute':
      return 'execute';
    default:
      return 'other';
  }
}

function metricOf(value: string | undefined, unit: string | undefined): QnnMetric {
  if (unit === 'us') return { unit: 'ms', value: shift(value, -3) };
  return { unit: unit === 'cycles' ? 'cycles' : 'count', value: Number(value) };
}

/** Moves the decimal point of a printed number by `places` instead of multiplying, so 2952 µs is
 * exactly 2.952 ms and 70.3736 µs exactly 0.0703736 ms (a multiplication leaves binary noise behind).
 * Shared with the CSV and JSON readers. */
