// The shared decoding of captures: encodings, line ends, prefixes every line carries.
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { captureLines, decodeCapture, stripCommonPrefix } from '../../../src/parsing/capture-text.js';
import { looksLike } from '../../../src/parsing/looks-like.js';

const utf16le = (text: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => new Uint8Array([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()]);

describe('decodeCapture', () => {
  it('reads UTF-8 with or without a mark, and UTF-16 LE and BE led by their mark, with CRLF or CR made LF', () => {
    expect(decodeCapture(new Uint8Array(Buffer.from('\uFEFF[a]: [é]\r\n')), 'x')).toBe('[a]: [é]\n');
    expect(decodeCapture(utf16le('[a]: [1]\r\n[b]: [2]\r\n'), 'x')).toBe('[a]: [1]\n[b]: [2]\n');
    expect(decodeCapture(utf16be('[a]: [1]\r[b]: [2]'), 'x')).toBe('[a]: [1]\n[b]: [2]');
    // The first property survives: the mark is dropped, not glued to it.
    expect(decodeCapture('\uFEFF[first]: [kept]', 'x')).toBe('[first]: [kept]');
  });

  it('recovers ASCII UTF-16 text that was read as UTF-8, and refuses bytes in neither encoding', () => {
    const misread = Buffer.from(utf16le('[a]: [1]\r\n')).toString('utf8');
    expect(decodeCapture(misread, 'getprop output')).toBe('[a]: [1]\n');
    const latin1 = new Uint8Array([0x5b, 0x61, 0x5d, 0x3a, 0x20, 0xe9, 0x0a]);
    expect(() => decodeCapture(latin1, 'getprop output')).toThrow(ParseError);
    expect(() => decodeCapture(latin1, 'getprop output')).toThrow(
      'cannot parse getprop output: the text is neither UTF-8 nor UTF-16 with a byte-order mark ' +
        '(it starts with bytes 5b 61 5d 3a 20 e9 0a)',
    );
  });
});

describe('stripCommonPrefix', () => {
  it('removes a logcat header, a CI timestamp or a shared indent on every line, keeping relative indent', () => {
    const brief = ['I/onnxruntime(12345): a: 1', 'I/onnxruntime(12345):   b: 2'];
    expect(stripCommonPrefix(brief)).toEqual(['a: 1', '  b: 2']);
    const threadtime = [
      '06-18 10:20:41.892  4669  4669 I tflite  : count=1',
      '06-18 10:20:41.900  4669  4669 I tflite  : x',
    ];
    expect(stripCommonPrefix(threadtime)).toEqual(['count=1', 'x']);
    const ci = ['2025-03-04T10:15:10.1234567Z Total: 1', '2025-03-04T10:15:11Z   P50: 2'];
    expect(stripCommonPrefix(ci)).toEqual(['Total: 1', '  P50: 2']);
    expect(stripCommonPrefix(['    a', '', '      b', '    c'])).toEqual(['a', '', '  b', 'c']);
  });

  it('leaves lines alone when one of them lacks the prefix', () => {
    const lines = ['I/onnxruntime(1): a', 'b'];
    expect(stripCommonPrefix(lines)).toEqual(lines);
    expect(captureLines('x\n  y\n', 't')).toEqual(['x', '  y', '']);
  });
});

describe('looksLike', () => {
  it('names the tool whose output a text is, or quotes its first line', () => {
    expect(looksLike('Average SNPE Statistics:\nTotal Inference Time: 1 us')).toBe('snpe-diagview output (SNPE)');
    expect(looksLike('Execute Stats (Average):\n    NetRun:  2952 us')).toBe('qnn-profile-viewer output (QNN)');
    expect(looksLike('')).toBe('empty');
    expect(looksLike('hello\nworld\n')).toBe('2 lines of unknown text starting "hello"');
  });
});
