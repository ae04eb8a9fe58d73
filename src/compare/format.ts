import type { EntryComparison } from './types.js';

// Number formatting shared by the regression renderers, so the Markdown table, the JUnit messages
// and the verdict reasons print the same value the same way. A value that is not a finite number
// prints as a dash: a report never shows NaN or Infinity.

const known = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** Milliseconds with about four significant digits (0.0123, 1.234, 12.34, 123.4, 1234). */
export function formatMs(ms: number | null): string {
  if (!known(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 1000) return ms.toFixed(0);
  if (a >= 100) return ms.toFixed(1);
  if (a >= 10) return ms.toFixed(2);
  if (a >= 1) return ms.toFixed(3);
  return ms.toPrecision(3);
}

export function formatRatio(r: number | null): string {
  return known(r) ? r.toFixed(3) : '–';
}

/** 0.05 -> "5%", 0.025 -> "2.5%", 0.0123456 -> "1.235%". */
export function formatPercent(fraction: number): string {
  if (!known(fraction)) return '–';
  return `${Number((fraction * 100).toPrecision(4))}%`;
}

/** A table's between-round noise for a header: "±3.8% (pooled over 39 entries, 67 df)" or "unknown". */
export function formatRoundNoise(noise: { tau: number; df: number; entries: number } | null): string {
  if (noise === null) return 'unknown (one round per entry)';
  const entries = `${noise.entries} ${noise.entries === 1 ? 'entry' : 'entries'}`;
  return `±${(noise.tau * 100).toFixed(1)}% (${entries}, ${noise.df} df)`;
}

/** A ratio as a signed change: 1.123 -> "+12.3%". */
export function formatChange(r: number | null): string {
  if (!known(r)) return '–';
  const pct = (r - 1) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

export function formatP(p: number | null): string {
  if (!known(p)) return '–';
  if (p === 0) return '0';
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

export function formatInterval(ci: [number, number] | null): string {
  return ci === null ? '–' : `[${formatRatio(ci[0])}, ${formatRatio(ci[1])}]`;
}

/**
 * The one-sided p and q in the direction of the observed change (slower when the ratio is at least
 * 1, faster otherwise), so an improvement is not shown with p(slower) = 1.
 */
export function directional(e: EntryComparison): {
  p: number | null;
  q: number | null;
  direction: 'slower' | 'faster';
} {
  if (e.ratio !== null && e.ratio < 1) return { p: e.pFaster, q: e.qFaster, direction: 'faster' };
  return { p: e.pSlower, q: e.qSlower, direction: 'slower' };
}
