// The chi-square distribution's upper tail, for Cochran's Q (do the rounds of one entry agree?).
// P(X > x) for X ~ chi-square(df) is the regularised upper incomplete gamma Q(df/2, x/2), computed
// as in Numerical Recipes (6.2): the series for x < a + 1, the continued fraction (modified Lentz)
// beyond; ln Gamma is simple-statistics' `gammaln` (Lanczos, g = 607/128, 15 terms, ~1e-15
// relative). Checked against the closed forms for df = 1 (erfc(sqrt(x/2))) and df = 2 (exp(-x/2)) and
// against simple-statistics' table of critical values. simple-statistics has no chi-square tail
// (only that table, to two decimals) and only an approximate normal quantile (`probit`, about 1e-3),
// too coarse for the interval widths normalQuantile scales, so both are here.
import { gammaln } from 'simple-statistics';
import { normalCdf } from './normal.js';

/** ln Gamma(x) for x > 0 (simple-statistics returns Infinity for x <= 0; we refuse it). */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new Error(`lnGamma needs x > 0 (x = ${x})`);
  return gammaln(x);
}

/** Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new Error(`gammaQ needs a > 0 (a = ${a})`);
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    // P(a, x) by the series sum x^n / (a (a+1) ... (a+n)).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P(X > x) for X ~ chi-square with df degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new Error(`chi-square needs df > 0 (df = ${df})`);
  return gammaQ(df / 2, x / 2);
}

/** The standard normal quantile: z with P(Z <= z) = p (bisection on the exact CDF; 1e-12 in z). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normal quantile needs 0 < p < 1 (p = ${p})`);
  let lo = -40;
  let hi = 40;
  while (hi - lo > 1e-12) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
