// Parser for QNN profiling CSV: the file the ORT QNN execution provider writes with
// `profiling_level|basic|detailed` (`profiling_file_path`, or qnn-profiling-data.csv in the working
// folder on old builds), and qnn-profile-viewer's `--output x.csv`. Pure: text in, typed data out.
//
// Header (written only when the file is new; the file is opened in append mode, so one file can hold
// several runs):
//   Msg Timestamp,Message,Time,Unit of Measurement,Timing Source,Event Level,Event Identifier
// some builds add an 8th column "ONNX Source Ops". Identifiers are quoted when they hold commas or
// parentheses ("Conv2d:OpId_1 (cycles)"), so rows go through an RFC 4180 tokenizer, not split(',').
// Each Run() — warm-ups included — writes one group of rows that starts with the ROOT row
// "Number of HVX threads used" (device-tools.md §1.6, §9.3).
// qnn-profile-viewer's CSV (`--output x.csv`) starts with a few lines about the tool and the log
// before that header, and has one group of rows per execute whose Message is EXECUTE, the first
// usually qnn-net-run's own timer: `<ts>,EXECUTE,3301,US,NETRUN,ROOT,Graph 0: <name>`, then the
// backend's events (`...,BACKEND,ROOT,QNN (execute) time`), the HVX count among them, not first.
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

const WHAT = 'QNN profiling CSV';
const HEADER_FIRST = 'Msg Timestamp';
const HVX_MARKER = 'Number of HVX threads used';

export interface QnnCsvRow {
  /** 1-based line number of the row's first line, for messages. */
  line: number;
  timestamp: string;
  /** "ROOT", "NODE", "EXECUTE", "BACKEND", ... */
  message: string;
  time: number;
  /** As printed: "US", "CYCLES", "COUNT", ... */
  unit: string;
  source: string;
  /** "ROOT", "SUB-EVENT", ... */
  level: string;
  identifier: string;
  /** 8-column files only. */
  onnxSourceOps?: string;
}

/** One execute: the rows from one ROOT HVX marker to the next. */
export interface QnnCsvSample {
  rows: QnnCsvRow[];
  /** Row values by identifier, µs converted to ms (first occurrence within the sample). */
  events: Record<string, QnnMetric>;
  ops: QnnOpCycles[];
}

export interface QnnProfilingCsv {
  columns: 7 | 8;
  /** Rows before the first execute (graph finalize and similar). */
  preamble: QnnCsvRow[];
  samples: QnnCsvSample[];
  /** Viewer CSV: rows after the executes that belong to none (DE-INIT, EXECUTE IPS). */
  trailer: QnnCsvRow[];
}

/**
 * Parses the CSV and splits it into executes. The viewer's CSV (rows whose Message is EXECUTE) is
 * split where a ROOT identifier repeats: its HVX row is not the first of an execute, so splitting there
 * would hand each execute's NetRun to the one before. Other files (the ORT QNN EP's) are split at
 * each HVX marker. Lines before the header (the viewer's banner) are skipped. Throws ParseError on a
 * broken row or an empty file.
 */
export function parseQnnProfilingCsv(capture: CaptureInput): QnnProfilingCsv {
  const text = decodeCapture(capture, 'QNN profiling CSV');
  const { body, skipped } = fromHeader(text.replace(/^\uFEFF/, ''));
  const records = tokenizeCsv(body).map((r) => ({ ...r, line: r.line + skipped }));
  const rows: QnnCsvRow[] = [];
  let columns: 7 | 8 | undefined;
  for (const { line, fields } of records) {
    if (fields.length === 1 && fields[0]?.trim() === '') continue;
    if (fields[0]?.trim() === HEADER_FIRST) {
      columns ??= fields.length >= 8 ? 8 : 7;
      continue;
    }
    if (fields.length < 7) {
      const problem = `line ${line} has ${fields.length} fields, expected 7 or 8${insteadOf(text, WHAT)}`;
      throw new ParseError(WHAT, problem, fields.join(','));
    }
    const time = Number(fields[2]);
    if (fields[2]?.trim() === '' || !Number.isFinite(time)) {
      throw new ParseError(WHAT, `line ${line}: Time "${fields[2] ?? ''}" is not a number`, fields.join(','));
    }
    const [timestamp, message, , unit, source, level, identifier, ops] = fields.map((f) => f.trim());
    const row: QnnCsvRow = {
      line,
      timestamp: timestamp ?? '',
      message: message ?? '',
      time,
      unit: unit ?? '',
      source: source ?? '',
      level: level ?? '',
      identifier: identifier ?? '',
    };
    if (ops !== undefined && ops !== '') row.onnxSourceOps = ops;
    columns ??= fields.length >= 8 ? 8 : 7;
    rows.push(row);
  }
  if (rows.length === 0 || columns === undefined) {
    throw new ParseError(WHAT, `no data rows${insteadOf(text, WHAT)}`, text.slice(0, 400));
  }

  const split = rows.some(isExecuteRow) || !rows.some(isMarker) ? splitAtRepeatedRoot(rows) : splitAtMarkers(rows);
  return { columns, preamble: split.preamble, samples: split.groups.map(sampleOfRows), trailer: split.trailer };
}

const isMarker = (r: QnnCsvRow) => r.level === 'ROOT' && r.identifier === HVX_MARKER;
const isExecuteRow = (r: QnnCsvRow) => r.message.toUpperCase() === 'EXECUTE';

interface Split {
  preamble: QnnCsvRow[];
  groups: QnnCsvRow[][];
  trailer: QnnCsvRow[];
}

/** ORT QNN EP files: an execute runs from one HVX marker to the next. */
function splitAtMarkers(rows: QnnCsvRow[]): Split {
  const preamble: QnnCsvRow[] = [];
  const groups: QnnCsvRow[][] = [];
  for (const r of rows) {
    if (isMarker(r)) groups.push([r]);
    else (groups.at(-1) ?? preamble).push(r);
  }
  return { preamble, groups, trailer: [] };
}

/** Viewer files: EXECUTE rows, a new execute where a ROOT identifier comes round again. */
function splitAtRepeatedRoot(rows: QnnCsvRow[]): Split {
  const preamble: QnnCsvRow[] = [];
  const groups: QnnCsvRow[][] = [];
  const trailer: QnnCsvRow[] = [];
  let seen = new Set<string>();
  for (const r of rows) {
    if (!isExecuteRow(r)) {
      (groups.length === 0 ? preamble : trailer).push(r);
      continue;
    }
    const root = r.level === 'ROOT';
    if (groups.length === 0 || (root && seen.has(r.identifier))) {
      groups.push([]);
      seen = new Set();
    }
    if (root) seen.add(r.identifier);
    groups.at(-1)?.push(r);
  }
  return { preamble, groups, trailer };
}

/** The text from the header line on, and how many lines came before it (none when there is no header). */
function fromHeader(text: string): { body: string; skipped: number } {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^"?Msg Timestamp"?\s*,/.test(l.trim()));
  if (at <= 0) return { body: text, skipped: 0 };
  return { body: lines.slice(at).join('\n'), skipped: at };
}

/**
 * The numbers the harness records: one sample per execute after dropping `warmup` leading executes
 * (ORT perf_test runs one untimed warm-up, qnn-net-run none), with their means and the NPU verdict.
 */
export function qnnCsvLatency(csv: QnnProfilingCsv, options: { warmup?: number } = {}): QnnLatency {
  const samples: QnnExecuteSample[] = qnnCsvExecutes(csv, options).map((events) => sampleFromEvents(events));
  return summarizeSamples(samples);
}

/**
 * The events of each execute after dropping `warmup` leading ones, with qnn-net-run's own timer (the
 * row whose Timing Source is NETRUN, in µs; its identifier is the graph's name) under "NetRun".
 */
export function qnnCsvExecutes(csv: QnnProfilingCsv, options: { warmup?: number } = {}): QnnExecuteEvents[] {
  return csv.samples.slice(options.warmup ?? 0).map((s) => {
    const netRun = s.rows
      .filter((r) => r.source.toUpperCase() === 'NETRUN' || r.identifier === 'NetRun')
      .map((r) => metricOf(r.time, r.unit))
      .find((m) => m.unit === 'ms');
    return netRun ? { ...s.events, NetRun: netRun } : { ...s.events };
  });
}

const OP_RE = /^(.*?)(?::|\s+)OpId_(\d+)\s*\(cycles\)$/;

function sampleOfRows(rows: QnnCsvRow[]): QnnCsvSample {
  const events: Record<string, QnnMetric> = {};
  const ops: QnnOpCycles[] = [];
  for (const r of rows) {
    const op = r.unit.toUpperCase() === 'CYCLES' ? OP_RE.exec(r.identifier) : null;
    if (op && r.level !== 'ROOT') {
      ops.push({ name: op[1] ?? '', opId: Number(op[2]), cycles: r.time });
      continue;
    }
    if (!(r.identifier in events)) events[r.identifier] = metricOf(r.time, r.unit);
  }
  return { rows, events, ops };
}

function metricOf(value: number, unit: string): QnnMetric {
  const u = unit.toUpperCase();
  if (u === 'US' || u === 'MICROSEC') return { unit: 'ms', value: shift(value, -3) };
  if (u === 'CYCLES') return { unit: 'cycles', value };
  return { unit: 'count', value };
}

/** A CSV record with the line it started on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 tokenizer: fields separated by commas, records by CRLF or LF; a field in double quotes may
 * hold commas, line breaks and doubled quotes (""). Throws ParseError on a quote left open (a file cut
 * short) or text after a closing quote.
 */
export function tokenizeCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const start = line;
      i += 1;
      for (;;) {
        if (i >= text.length)
          throw new ParseError(WHAT, `quote opened on line ${start} is never closed`, text.slice(-200));
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === '\n') line += 1;
        field += q;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new ParseError(
          WHAT,
          `text after a closing quote on line ${line}`,
          text.slice(Math.max(0, i - 60), i + 60),
        );
      }
      continue;
    }
    if (c === ',') {
      endField();
      i += 1;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      i += 1;
      continue;
    }
    if (c === '\n') {
      line += 1;
      endRecord();
      i += 1;
      continue;
    }
    field += c;
    i += 1;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
