// Strings that come from data (a LUT, a catalogue, a manifest, a device's answers, a file name) and
// are printed to a terminal. A control character in them is an instruction to the terminal, not text:
// ESC starts sequences that clear the screen or set the window title, CR and LF start fake lines, and
// bidirectional overrides reorder what is shown. Every such character is shown as a visible escape
// (\x1b, \r, \n, \u202e) instead, so what is printed is exactly what the file holds, and harmless.

// C0 controls, DEL, C1 controls, and the Unicode format characters that reorder text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character replaced by a visible escape; one line, safe to print. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A text of several lines (the newlines are the printer's own): every line made safe. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
