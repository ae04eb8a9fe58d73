import { describe, expect, it } from 'vitest';
import { incompleteBeta, studentTQuantile, studentTSf } from '../../../src/stats/student-t.js';

describe('Student t distribution', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
      // df = 1 is the Cauchy distribution; df = 2 has P(T > t) = 1/2 - t / (2 sqrt(t^2 + 2)).
      expect(studentTSf(t, 1)).toBeCloseTo(0.5 - Math.atan(t) / Math.PI, 12);
      expect(studentTSf(t, 2)).toBeCloseTo(0.5 - t / (2 * Math.sqrt(t * t + 2)), 12);
    }
  });

  it('gives the table quantiles', () => {
    // Two-sided 95% and 99% critical values (any statistics table).
    const table: [number, number, number][] = [
      [0.975, 1, 12.7062],
      [0.975, 2, 4.3027],
      [0.975, 5, 2.5706],
      [0.975, 9, 2.2622],
      [0.975, 30, 2.0423],
      [0.995, 3, 5.8409],
      [0.995, 9, 3.2498],
      [0.95, 7, 1.8946],
    ];
    for (const [p, df, q] of table) expect(studentTQuantile(p, df)).toBeCloseTo(q, 3);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.5706, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
  });

  it('is symmetric, monotone and saturates at the ends', () => {
    for (const df of [1, 3.5, 12]) {
      expect(studentTSf(0, df)).toBeCloseTo(0.5, 14);
      expect(studentTSf(1.3, df) + studentTSf(-1.3, df)).toBeCloseTo(1, 14);
      expect(studentTSf(2, df)).toBeLessThan(studentTSf(1, df));
    }
    expect(studentTSf(Infinity, 4)).toBe(0);
    expect(studentTSf(-Infinity, 4)).toBe(1);
    expect(() => studentTSf(1, 0)).toThrow(/df > 0/);
  });

  it('incomplete beta: I_x(1, 1) = x and I_x(a, 1) = x^a', () => {
    for (const x of [0.1, 0.5, 0.9]) {
      expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(incompleteBeta(x, 3, 1)).toBeCloseTo(x ** 3, 12);
    }
  });
});
