// Parser for snpe-net-run's console log. It prints no timing (that is in SNPEDiag_N.log, read with
// snpe-diagview) but says which SDK ran, which graph, how many input sets it processed and whether it
// finished:
//   -------------------------------------------------------------------------------
//   Model String: N/A
//   SNPE v2.22.6.240515184619_92920
//   -------------------------------------------------------------------------------
//   Processing graph : depth_anything_vits_op16          (newer SDKs)
//   Processing DNN input(s):
//   ./input/input.raw                                      (or on the same line)
//   Successfully executed graph depth_anything_vits_op16   (older: "Successfully executed!")
// Errors come as "error_code=…; error_message=…" lines or ERROR/"Error:" lines.
import { ParseError } from '../../errors.js';
import { captureLines, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';
import { headExcerpt } from '../../parsing/text.js';

const WHAT = "snpe-net-run's log";

export interface SnpeNetRunLog {
  /** From "SNPE v2.22.6.240515184619_92920" (without the v). */
  version?: string;
  /** From "Processing graph : <name>". */
  graph?: string;
  /** "Processing DNN input(s):" lines: input sets processed. */
  inputs: number;
  /** A "Successfully executed" line was printed. */
  succeeded: boolean;
  /** Error lines, as printed. */
  errors: string[];
}

const VERSION_RE = /^SNPE v(\S+)$/;
const GRAPH_RE = /^Processing graph\s*:\s*(\S+)/;
const INPUT_RE = /^Processing DNN [Ii]nput\(s\):/;
const SUCCESS_RE = /^Successfully executed\b/;
const ERROR_RE = /error_code=|^(?:\[?ERROR\]?|Error)[: ]|\bfailed\b|\berror\b/i;

/**
 * Reads the log (text or the bytes of a saved capture). Throws ParseError when the text has none of
 * the header, input or success lines, naming what it looks like instead.
 */
export function parseSnpeNetRunLog(capture: CaptureInput): SnpeNetRunLog {
  const lines = captureLines(capture, WHAT).map((l) => l.trim());
  const out: SnpeNetRunLog = { inputs: 0, succeeded: false, errors: [] };
  let known = false;
  for (const l of lines) {
    let m: RegExpExecArray | null;
    if ((m = VERSION_RE.exec(l))) [out.version, known] = [m[1], true];
    else if ((m = GRAPH_RE.exec(l))) [out.graph, known] = [m[1], true];
    else if (INPUT_RE.test(l)) [out.inputs, known] = [out.inputs + 1, true];
    else if (SUCCESS_RE.test(l)) [out.succeeded, known] = [true, true];
    else if (ERROR_RE.test(l)) out.errors.push(l);
  }
  if (!known) {
    const text = lines.join('\n');
    const problem = 'no "SNPE v…" header, "Processing DNN input(s):" or "Successfully executed" line';
    throw new ParseError(WHAT, `${problem}${insteadOf(text, WHAT)}`, headExcerpt(text));
  }
  return out;
}
