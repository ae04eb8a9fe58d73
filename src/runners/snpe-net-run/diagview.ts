// Parser for what snpe-diagview (Qualcomm Neural Processing SDK, SNPE) prints when it decodes the
// SNPEDiag_N.log of an snpe-net-run run. Pure: text in, typed data out, times in ms.
//
// Two layouts (device-tools.md §2.5, §9.4; captures in test/fixtures/outputs/snpe-diagview/):
//   - SNPE 1.x to 2.3x: "Dnn Runtime Load/Deserialize/Create/De-Init Statistics:", then
//     "Average SNPE Statistics:" with "Total Inference Time: 26458 us", "Forward Propagate Time: …",
//     "RPC Execute Time", "Snpe Accelerator Time", "Accelerator Time", "Misc Accelerator Time", then
//     "Layer Times:" rows "0: 1419 us : CPU" (DSP rows count cycles: "1: 162014 cycles : DSP");
//     zero init times print "0 NONE".
//   - QAIRT era (SNPE 2.3x+): "SNPE Create Statistics:" and "SNPE Execute Statistics (Averaged):",
//     values indented by two spaces, a zero printed without unit ("RPC Execute Time: 0 "),
//     "Num times yield occurred", "Per-Subnet Execution Times:" ("Subnet 0 (DSP) : 13545 cycles") and
//     "Per-Layer Execution Times:" rows "0: <layer> : 23 us : CPU".
// Labels are matched on their letters only, so a copy with stray characters ("Forward Propagate
// ..Time") still reads. Outermost first: Total Inference ⊇ Forward Propagate ⊇ RPC Execute ⊇ Snpe
// Accelerator ⊇ Accelerator (the DSP's own time).
import { ParseError } from '../../errors.js';
import { captureLines, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';
import { headExcerpt, shift } from '../../parsing/text.js';

const WHAT = 'snpe-diagview output';

/** The averaged execute statistics, in ms; a line the output lacks stays undefined. */
export interface SnpeExecuteStats {
  totalInferenceMs?: number;
  forwardPropagateMs?: number;
  rpcExecuteMs?: number;
  snpeAcceleratorMs?: number;
  acceleratorMs?: number;
  miscAcceleratorMs?: number;
  /** "Num times yield occurred" (QAIRT era). */
  yieldCount?: number;
}

/** A per-layer or per-subnet row: µs rows in ms, DSP/HTP rows in cycles (no fixed relation to time). */
export interface SnpeTimedRow {
  index: number;
  name?: string;
  value: number;
  unit: 'ms' | 'cycles';
  runtime: string;
}

export interface SnpeDiagviewResult {
  /** `average`: "Average SNPE Statistics:"; `averaged`: "SNPE Execute Statistics (Averaged):". */
  layout: 'average' | 'averaged';
  /** "Software library version". */
  version?: string;
  /** Load, Deserialize, Create, Init, De-Init, Create Network(s), RPC Init Time, ... in ms. */
  create: Record<string, number>;
  execute: SnpeExecuteStats;
  subnets: SnpeTimedRow[];
  layers: SnpeTimedRow[];
  /** The runtimes the layer (or subnet) rows name, in order of appearance: CPU, GPU, DSP, ... */
  runtimes: string[];
}

const EXECUTE_KEYS: Record<string, keyof SnpeExecuteStats> = {
  totalinferencetime: 'totalInferenceMs',
  forwardpropagatetime: 'forwardPropagateMs',
  rpcexecutetime: 'rpcExecuteMs',
  snpeacceleratortime: 'snpeAcceleratorMs',
  acceleratortime: 'acceleratorMs',
  miscacceleratortime: 'miscAcceleratorMs',
  numtimesyieldoccurred: 'yieldCount',
};

type Section = 'create' | 'execute' | 'layers' | 'subnets' | 'other';

const SECTIONS: [RegExp, Section, SnpeDiagviewResult['layout']?][] = [
  [/^Average SNPE Statistics:$/, 'execute', 'average'],
  [/^SNPE Execute Statistics \(Averaged\):$/, 'execute', 'averaged'],
  [/^(?:Dnn Runtime Load\/Deserialize\/Create\/De-Init|SNPE Create) Statistics:$/, 'create'],
  [/^(?:Per-)?Layer (?:Execution )?Times:$/, 'layers'],
  [/^Per-Subnet Execution Times:$/, 'subnets'],
  [/^[A-Z][\w /()-]* (?:Statistics|Times)(?: \([\w ]+\))?:$/, 'other'],
];

const VALUE_RE = /^([A-Za-z][A-Za-z ()./-]*?):\s*(\d+(?:\.\d+)?)\s*(us|NONE|cycles)?$/;
const LAYER_RE = /^(\d+): (?:(.*?) : )?(\d+(?:\.\d+)?) (us|cycles) : (\w+)$/;
const SUBNET_RE = /^Subnet (\d+) \((\w+)\) : (\d+(?:\.\d+)?) (us|cycles)$/;
const VERSION_RE = /^Software library version: (\S+)/;

const letters = (label: string) => label.toLowerCase().replace(/[^a-z]/g, '');

/** µs → ms; "0 NONE" and a unitless 0 are 0; another unitless value is not a time this parser knows. */
function timeOf(value: string, unit: string | undefined): number | undefined {
  if (unit === 'us') return shift(value, -3);
  return Number(value) === 0 ? 0 : undefined;
}

function row(m: RegExpExecArray, named: boolean): SnpeTimedRow {
  // Layer rows: index, name, value, unit, runtime; subnet rows: index, runtime, value, unit.
  const fields = named ? [m[1], m[2], m[3], m[4], m[5]] : [m[1], undefined, m[3], m[4], m[2]];
  const [index, name, value, unit, runtime] = fields;
  const out: SnpeTimedRow = {
    index: Number(index),
    value: unit === 'us' ? shift(value, -3) : Number(value),
    unit: unit === 'us' ? 'ms' : 'cycles',
    runtime: runtime ?? '',
  };
  if (name !== undefined && name !== '') out.name = name;
  return out;
}

/**
 * Parses snpe-diagview's text (or the bytes of a saved capture). Throws ParseError naming the missing
 * section or line and what the text looks like instead (qnn-profile-viewer output, for one).
 */
export function parseSnpeDiagview(capture: CaptureInput): SnpeDiagviewResult {
  const lines = captureLines(capture, WHAT);
  const text = lines.join('\n');
  let layout: SnpeDiagviewResult['layout'] | undefined;
  let section: Section = 'other';
  const out: Omit<SnpeDiagviewResult, 'layout'> = { create: {}, execute: {}, subnets: [], layers: [], runtimes: [] };
  for (const raw of lines) {
    const t = raw.trim();
    if (t === '' || /^-+$/.test(t) || /^\.+$/.test(t)) continue;
    let m: RegExpExecArray | null;
    if ((m = VERSION_RE.exec(t))) out.version = m[1];
    const header = SECTIONS.find(([re]) => re.test(t));
    if (header) {
      section = header[1];
      if (header[2]) layout ??= header[2];
      continue;
    }
    if (section === 'layers' && (m = LAYER_RE.exec(t))) out.layers.push(row(m, true));
    else if (section === 'subnets' && (m = SUBNET_RE.exec(t))) out.subnets.push(row(m, false));
    else if ((section === 'create' || section === 'execute') && (m = VALUE_RE.exec(t))) {
      const [label, value, unit] = [m[1]!, m[2]!, m[3]];
      if (section === 'create') {
        const ms = timeOf(value, unit);
        if (ms !== undefined) out.create[label] = ms;
        continue;
      }
      const key = EXECUTE_KEYS[letters(label)];
      if (key === 'yieldCount') out.execute.yieldCount = Number(value);
      else if (key !== undefined) {
        const ms = timeOf(value, unit);
        if (ms !== undefined) out.execute[key] = ms;
      }
    }
  }
  if (layout === undefined) {
    const problem = 'no "Average SNPE Statistics:" (or QAIRT-era "SNPE Execute Statistics (Averaged):") section';
    throw new ParseError(WHAT, `${problem}${insteadOf(text, WHAT)}`, headExcerpt(text));
  }
  if (out.execute.totalInferenceMs === undefined) {
    const problem = 'the execute statistics have no "Total Inference Time: N us" line';
    throw new ParseError(WHAT, `${problem}${insteadOf(text, WHAT)}`, headExcerpt(text));
  }
  const named = out.layers.length > 0 ? out.layers : out.subnets;
  out.runtimes = [...new Set(named.map((r) => r.runtime))];
  return { layout, ...out };
}
