// Data printed to a terminal: every control character shown as a visible escape, nothing else changed.
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeLines } from '../../src/terminal-text.js';

describe('terminalSafe', () => {
  it('escapes clear-screen, window-title, CR/LF and bidirectional overrides', () => {
    expect(terminalSafe('x\x1b[2J\x1b]0;owned\x07\r\nbench: ok')).toBe('x\\x1b[2J\\x1b]0;owned\\x07\\r\\nbench: ok');
    expect(terminalSafe('\x9b31m\x7f\t\u202eevil\u2066')).toBe('\\x9b31m\\x7f\\t\\u202eevil\\u2066');
    expect(terminalSafe('\x00')).toBe('\\x00');
  });
  it('leaves printable text alone, Unicode included', () => {
    for (const text of ['E1=R-A-R-A', 'Pixel 8 Pro', 'µs ±5% °C – ✅', 'a\\x1b stays as typed']) {
      expect(terminalSafe(text)).toBe(text);
    }
  });
  it("keeps the printer's own line breaks when a text is made safe line by line", () => {
    expect(terminalSafeLines('one\x1b[K\ntwo')).toBe('one\\x1b[K\ntwo');
  });
});
