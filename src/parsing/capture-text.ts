// How a saved or streamed tool output becomes lines every parser can read, shared by all of them:
//   1. bytes are decoded as UTF-8, or as UTF-16 when a byte-order mark says so (`adb shell getprop >
//      file` in Windows PowerShell writes UTF-16LE with a BOM); the mark itself is dropped. Text that
//      is neither fails with a ParseError naming the encoding found.
//   2. CRLF and lone CR line ends become LF.
//   3. a prefix carried by every line is removed, once per file: a logcat header (`I/tag(pid): `,
//      `I tag  : `, threadtime columns), a timestamp (`2025-03-04T10:15:10.123Z `, `[10:15:10] `),
//      then the indentation all non-blank lines share (a documentation code block). Relative
//      indentation is kept, since some tools indent lines that belong to a block.
import { ParseError } from '../errors.js';

/** What a parser accepts: text, or the raw bytes of a captured file. */
export type CaptureInput = string | Uint8Array;

const BOM_UTF8 = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function hexHead(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function decodeBytes(bytes: Uint8Array, what: string): string {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = startsWith(bytes, BOM_UTF8) ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const found = `it starts with bytes ${hexHead(bytes)}`;
    throw new ParseError(what, `the text is neither UTF-8 nor UTF-16 with a byte-order mark (${found})`);
  }
}

/**
 * A UTF-16 file that was read as UTF-8 before it reached the parser: its mark became U+FFFD pairs
 * (or stayed U+FEFF) and every ASCII character is followed by a NUL. The ASCII text is recovered;
 * anything else cannot be, and says so.
 */
function repairMisreadUtf16(text: string, what: string): string {
  const nul = text.indexOf('\u0000');
  if (nul < 0 || nul > 8) return text;
  const body = text.replace(/^(?:\uFFFD\uFFFD|\uFEFF)/, '');
  const le = body.length % 2 === 0 && [...body].every((c, i) => (i % 2 === 1) === (c === '\u0000'));
  if (le) return body.replace(/\u0000/g, '');
  const problem = 'the text looks like UTF-16 that was read as UTF-8 (NUL between characters)';
  throw new ParseError(what, `${problem}; give the parser the raw bytes`);
}

/** Text of a capture: decoded, without a byte-order mark, with LF line ends. */
export function decodeCapture(input: CaptureInput, what: string): string {
  const text =
    typeof input === 'string' ? repairMisreadUtf16(input.replace(/^\uFEFF/, ''), what) : decodeBytes(input, what);
  return text.replace(/\r\n?/g, '\n');
}

// Line prefixes a capture can carry on every line. Each is tried on its own; the first that every
// non-blank line matches is removed.
const LINE_PREFIXES: readonly RegExp[] = [
  // logcat threadtime: "06-18 10:20:41.892  4669  4669 I tflite  : "
  /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+\d+\s+\d+\s+[VDIWEF] [^:]*?\s*: ?/,
  // logcat brief / process: "I/onnxruntime(12345): ", "I/tflite  ( 123): "
  /^[VDIWEF]\/[^(:]*\(\s*\d+\): ?/,
  // logcat tag: "I tflite  : "
  /^[VDIWEF] [\w.-]+\s*: ?/,
  // ISO-8601 timestamps of CI logs: "2025-03-04T10:15:10.1234567Z "
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)? /,
  // "[2025-03-04 10:15:10.123] ", "[10:15:10] ", "2025-03-04 10:15:10,123 "
  /^\[(?:\d{4}-\d\d-\d\d[ T])?\d\d:\d\d:\d\d(?:[.,]\d+)?\] ?/,
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? /,
];

/** Removes a prefix every non-blank line carries, then the indentation they all share. */
export function stripCommonPrefix(lines: readonly string[]): string[] {
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length === 0) return [...lines];
  let out = [...lines];
  const prefix = LINE_PREFIXES.find((re) => filled.every((l) => re.test(l)));
  if (prefix) out = out.map((l) => l.replace(prefix, ''));
  const indents = out.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0]);
  const shared = indents.reduce((a, b) => commonStart(a, b));
  return shared === '' ? out : out.map((l) => (l.startsWith(shared) ? l.slice(shared.length) : l.trimStart()));
}

function commonStart(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** The lines of a capture, decoded and with any prefix all of them carry removed. */
export function captureLines(input: CaptureInput, what: string): string[] {
  return stripCommonPrefix(decodeCapture(input, what).split('\n'));
}

/** The capture as one text again, after captureLines. */
export function captureText(input: CaptureInput, what: string): string {
  return captureLines(input, what).join('\n');
}
