// Student's t distribution, for the paired verdict of `bench compare` (a t-interval and a one-sided
// t test over a few paired round ratios) and for a run-to-run spread learnt from a few baseline
// tables. simple-statistics has no t CDF, so it is built here: P(T > t) for t >= 0 is
// I_x(df/2, 1/2) / 2 with x = df / (df + t^2), the regularised incomplete beta computed with the
// continued fraction of Numerical Recipes (6.4, modified Lentz); ln Gamma from chi-square.ts.
// Checked in tests against the closed forms for df = 1 (Cauchy) and df = 2 and table quantiles.
import { lnGamma } from './chi-square.js';

/** Continued fraction of the incomplete beta (Numerical Recipes betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new Error(`incomplete beta needs a, b > 0 (a = ${a}, b = ${b})`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry beyond.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for T ~ Student t with df degrees of freedom (df > 0, need not be whole). */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`Student t needs df > 0 (df = ${df})`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const tail = incompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
  return t >= 0 ? tail : 1 - tail;
}

/** The quantile t with P(T <= t) = p (bisection on the CDF; 1e-10 in t). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`Student t quantile needs 0 < p < 1 (p = ${p})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTSf(hi, df) > 1 - p) hi *= 2;
  while (hi - lo > 1e-10 * Math.max(1, hi)) {
    const mid = (lo + hi) / 2;
    if (studentTSf(mid, df) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
