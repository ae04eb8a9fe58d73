// Reading facts out of Swift source text, for the tests that keep the NSBench app (ios/NSBench) and
// the harness's parsers in step without a Swift toolchain: string literals with their `\(...)`
// interpolations, enum cases with the string each returns, stored properties of a struct.

/** A piece of a Swift string literal: literal text, or the expression of an interpolation. */
export type LiteralPart = { text: string } | { expr: string };

export interface SwiftLiteral {
  parts: LiteralPart[];
  /** 1-based line of the opening quote. */
  line: number;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', "'": "'", '\\': '\\' };

/** Reads the single-line literal whose opening quote is at `start`; returns it and the index after it. */
function readLiteral(source: string, start: number): { parts: LiteralPart[]; end: number } {
  const parts: LiteralPart[] = [];
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') throw new Error(`unterminated string literal at offset ${start}`);
    if (c === '"') {
      if (text) parts.push({ text });
      return { parts, end: i + 1 };
    }
    if (c !== '\\') {
      text += c;
      i += 1;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (next !== '(') {
      if (!(next in SIMPLE_ESCAPES)) throw new Error(`unsupported escape \\${next} at offset ${i}`);
      text += SIMPLE_ESCAPES[next];
      i += 2;
      continue;
    }
    // An interpolation: up to the parenthesis that closes it, skipping nested string literals.
    let depth = 1;
    let j = i + 2;
    while (depth > 0) {
      const d = source[j];
      if (d === undefined || d === '\n') throw new Error(`unterminated interpolation at offset ${i}`);
      if (d === '"') j = readLiteral(source, j).end - 1;
      else if (d === '(') depth += 1;
      else if (d === ')') depth -= 1;
      j += 1;
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ expr: source.slice(i + 2, j - 1).trim() });
    i = j;
  }
  throw new Error(`unterminated string literal at offset ${start}`);
}

/** Every single-line string literal that starts with `prefix`, outside comments. */
export function stringLiteralsStartingWith(source: string, prefix: string): SwiftLiteral[] {
  const code = source.replace(/\/\/[^\n]*/g, (comment) => ' '.repeat(comment.length));
  const found: SwiftLiteral[] = [];
  let at = code.indexOf(`"${prefix}`);
  while (at >= 0) {
    const { parts, end } = readLiteral(code, at);
    found.push({ parts, line: code.slice(0, at).split('\n').length });
    at = code.indexOf(`"${prefix}`, end);
  }
  return found;
}

/** Fills a literal's interpolations; an expression `values` has no entry for is an error. */
export function renderLiteral(literal: SwiftLiteral, values: Record<string, string>): string {
  return literal.parts
    .map((p) => {
      if ('text' in p) return p.text;
      const v = values[p.expr];
      if (v === undefined) throw new Error(`no sample value for \\(${p.expr}) (line ${literal.line})`);
      return v;
    })
    .join('');
}

/** The body of `enum Name ... { ... }` (up to the first closing brace at column 0). */
export function swiftBlock(source: string, declaration: RegExp): string {
  const m = declaration.exec(source);
  if (!m) throw new Error(`no declaration matching ${declaration}`);
  const end = source.indexOf('\n}', m.index);
  return source.slice(m.index, end < 0 ? undefined : end);
}

/** The case names of a string enum (`case a` / `case a, b` lines). */
export function enumCases(block: string): string[] {
  return [...block.matchAll(/^\s*case ([\w, ]+)$/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
}

/** `case .x: return "y"` pairs of a switch. */
export function caseReturns(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/case \.(\w+): return "([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** Stored properties `public var name: Type` (optional when the type ends in `?`). */
export function storedProperties(block: string): { name: string; type: string; optional: boolean }[] {
  return [...block.matchAll(/^\s*public var (\w+): ([\w.]+)(\?)?$/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    optional: m[3] === '?',
  }));
}
