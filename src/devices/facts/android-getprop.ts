// `getprop` prints one `[key]: [value]` line per property; a value holding newlines continues on the
// following lines until the one that ends with `]`. A saved copy may be UTF-16 with a byte-order mark
// and CRLF line ends (`adb shell getprop > file` in Windows PowerShell) or indented; see capture-text.ts.
import { ParseError } from '../../errors.js';
import { captureLines, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';

const START = /^\[([^\]]+)\]: \[(.*)$/;

export function parseGetprop(capture: CaptureInput): Record<string, string> {
  const props: Record<string, string> = {};
  let key: string | undefined;
  let parts: string[] = [];
  const lines = captureLines(capture, 'getprop output');
  const text = lines.join('\n');
  for (const line of lines) {
    if (key !== undefined) {
      parts.push(line);
      if (line.endsWith(']')) {
        props[key] = parts.join('\n').slice(0, -1);
        key = undefined;
      }
      continue;
    }
    const match = START.exec(line);
    if (!match) continue;
    const rest = match[2]!;
    if (rest.endsWith(']')) {
      props[match[1]!] = rest.slice(0, -1);
    } else {
      key = match[1]!;
      parts = [rest];
    }
  }
  // An unterminated value at the end still counts (output cut short).
  if (key !== undefined) props[key] = parts.join('\n');
  if (Object.keys(props).length === 0 && text.trim().length > 0) {
    const problem = `no \`[key]: [value]\` line${insteadOf(text, 'getprop output')}`;
    throw new ParseError('getprop output', problem, text.slice(0, 200));
  }
  return props;
}

/** The first non-empty property among `keys`. */
export function firstProp(props: Record<string, string>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = props[key]?.trim();
    if (value) return value;
  }
  return undefined;
}
