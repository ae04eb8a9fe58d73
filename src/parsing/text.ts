// Small helpers every output parser shares.

/**
 * Moves the decimal point of the printed number instead of multiplying, so 0.0958204 s is exactly
 * 95.8204 ms and 70.3736 µs exactly 0.0703736 ms (a multiplication leaves binary noise behind).
 */
export function shift(printed: string | number | undefined, places: number): number {
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+))(?:[eE]([-+]?\d+))?$/.exec(String(printed ?? '').trim());
  if (!m) return Number.NaN;
  return Number(`${m[1]}e${Number(m[2] ?? 0) + places}`);
}

/** The last lines of a tool's output, for an error message (where output stopped making sense). */
export function tailExcerpt(text: string, lines = 12, chars = 800): string {
  return text.trim().split(/\r?\n/).slice(-lines).join('\n').slice(-chars);
}

/** The first lines of a tool's output, for an error message (what the output was instead). */
export function headExcerpt(text: string, lines = 12, chars = 800): string {
  return text.trim().split(/\r?\n/).slice(0, lines).join('\n').slice(0, chars);
}
