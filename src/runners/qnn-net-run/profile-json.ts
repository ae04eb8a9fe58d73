// Parser for the JSON that qnn-profile-viewer writes with `--reader libQnnJsonProfilingReader.so`
// (QAIRT; device-tools.md §2.2): `{"metadata": {...}, "messages": [{"method", "profilingEvents"}]}`,
// each event `{"identifier", "unit", "type", "value", "sub-events"?}` with units MICROSEC or CYCLES
// (COUNT for counters). Methods seen: BACKEND_CREATE_FROM_BINARY, BACKEND_EXECUTE, APP_EXECUTE_IPS,
// BACKEND_DEINIT. Pure: text in, typed data out.
import { ParseError } from '../../errors.js';
import {
  type QnnExecuteEvents,
  type QnnExecuteSample,
  type QnnLatency,
  type QnnMetric,
  type QnnOpCycles,
  sampleFromEvents,
  summarizeSamples,
} from './profile-viewer.js';
import { shift } from '../../parsing/text.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';

const WHAT = 'qnn-profile-viewer JSON';

export interface QnnJsonEvent {
  identifier: string;
  /** "INIT", "EXECUTE", "" ... as printed. */
  type: string;
  /** As printed: "MICROSEC", "CYCLES", "COUNT", ... */
  unit: string;
  /** The value as printed (in `unit`). */
  value?: number;
  /** The value with MICROSEC converted to ms; undefined for units we do not convert. */
  metric?: QnnMetric;
  subEvents: QnnJsonEvent[];
}

export interface QnnJsonMessage {
  method: string;
  events: QnnJsonEvent[];
}

export interface QnnProfileJson {
  appName?: string;
  appVersion?: string;
  messages: QnnJsonMessage[];
}

/** Parses the reader's JSON. Throws ParseError when it is not JSON or lacks `messages`. */
export function parseQnnProfileJson(capture: CaptureInput): QnnProfileJson {
  const text = decodeCapture(capture, 'qnn-profile-viewer JSON');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(WHAT, `not JSON (${(error as Error).message})${insteadOf(text, WHAT)}`, text.slice(0, 400));
  }
  if (!isObject(doc) || !Array.isArray(doc.messages)) {
    throw new ParseError(WHAT, 'no "messages" array', text.slice(0, 400));
  }
  const out: QnnProfileJson = {
    messages: doc.messages.map((m, i) => {
      if (!isObject(m) || typeof m.method !== 'string') {
        throw new ParseError(WHAT, `messages[${i}] has no "method"`, JSON.stringify(m).slice(0, 400));
      }
      const events = Array.isArray(m.profilingEvents) ? m.profilingEvents : [];
      return { method: m.method, events: events.map((e, j) => eventOf(e, `messages[${i}].profilingEvents[${j}]`)) };
    }),
  };
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  if (typeof metadata.appName === 'string') out.appName = metadata.appName;
  if (typeof metadata.appVersion === 'string') out.appVersion = metadata.appVersion;
  return out;
}

/** Per-op cycles found in the sub-events of one message ("fc:OpId_17"). */
export function qnnJsonOps(message: QnnJsonMessage): QnnOpCycles[] {
  const ops: QnnOpCycles[] = [];
  const visit = (e: QnnJsonEvent) => {
    const m = /^(.*?)(?::|\s+)OpId_(\d+)(?:\s*\(cycles\))?$/.exec(e.identifier);
    if (m && e.value !== undefined) ops.push({ name: m[1] ?? '', opId: Number(m[2]), cycles: e.value });
    e.subEvents.forEach(visit);
  };
  message.events.forEach((e) => e.subEvents.forEach(visit));
  return ops;
}

/**
 * The numbers the harness records: one sample per BACKEND_EXECUTE message after dropping `warmup`
 * leading ones, their means, the NPU verdict, and the IPS of APP_EXECUTE_IPS when present.
 */
export function qnnJsonLatency(json: QnnProfileJson, options: { warmup?: number } = {}): QnnLatency & { ips?: number } {
  const samples: QnnExecuteSample[] = qnnJsonExecutes(json, options).map((events) => sampleFromEvents(events));
  const latency: QnnLatency & { ips?: number } = summarizeSamples(samples);
  const ips = json.messages.find((m) => m.method === 'APP_EXECUTE_IPS')?.events.find((e) => e.value !== undefined);
  if (ips?.value !== undefined) latency.ips = ips.value;
  return latency;
}

/**
 * The events of each BACKEND_EXECUTE message after dropping `warmup` leading ones (first occurrence of
 * each identifier). The reader reports backend events only: qnn-net-run's own NetRun timer is not
 * among them.
 */
export function qnnJsonExecutes(json: QnnProfileJson, options: { warmup?: number } = {}): QnnExecuteEvents[] {
  return json.messages
    .filter((m) => m.method === 'BACKEND_EXECUTE')
    .slice(options.warmup ?? 0)
    .map((m) => {
      const events: Record<string, QnnMetric> = {};
      for (const e of m.events) if (e.metric && !(e.identifier in events)) events[e.identifier] = e.metric;
      return events;
    });
}

function eventOf(e: unknown, where: string): QnnJsonEvent {
  if (!isObject(e) || typeof e.identifier !== 'string') {
    throw new ParseError(WHAT, `${where} has no "identifier"`, JSON.stringify(e)?.slice(0, 400) ?? '');
  }
  const unit = typeof e.unit === 'string' ? e.unit : '';
  const event: QnnJsonEvent = {
    identifier: e.identifier,
    type: typeof e.type === 'string' ? e.type : '',
    unit,
    subEvents: Array.isArray(e['sub-events'])
      ? e['sub-events'].map((s, k) => eventOf(s, `${where}.sub-events[${k}]`))
      : [],
  };
  const value = typeof e.value === 'number' ? e.value : typeof e.value === 'string' ? Number(e.value) : undefined;
  if (value !== undefined) {
    if (!Number.isFinite(value)) throw new ParseError(WHAT, `${where}.value is not a number`, String(e.value));
    event.value = value;
    const metric = metricOf(value, unit);
    if (metric) event.metric = metric;
  }
  return event;
}

function metricOf(value: number, unit: string): QnnMetric | undefined {
  switch (unit.toUpperCase()) {
    case 'MICROSEC':
    case 'US':
      return { unit: 'ms', value: shift(value, -3) };
    case 'CYCLES':
      return { unit: 'cycles', value };
    case 'COUNT':
      return { unit: 'count', value };
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
