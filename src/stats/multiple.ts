// Multiple comparisons. A suite of 36 entries tested at alpha = 0.01 each would raise a false
// alarm in about 30% of clean runs; Benjamini-Hochberg controls the expected share of false
// discoveries among the flagged entries instead, which keeps power on large suites.

/**
 * Benjamini-Hochberg adjusted p-values (q-values), in the input order. With p sorted ascending,
 * q(i) = min over j >= i of min(1, m * p(j) / j); an entry is a discovery at level alpha when
 * q <= alpha. Same as R's p.adjust(p, "BH").
 */
export function benjaminiHochberg(pvalues: readonly number[]): number[] {
  const m = pvalues.length;
  for (const p of pvalues) {
    if (!(p >= 0 && p <= 1)) throw new Error(`p-value ${p} is outside [0, 1]`);
  }
  const order = pvalues.map((_, i) => i).sort((i, j) => pvalues[i]! - pvalues[j]!);
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1]!;
    running = Math.min(running, (m * pvalues[index]!) / rank);
    // m p / rank >= p in exact arithmetic; guard the last bit of rounding (m p / m < p).
    q[index] = Math.max(running, pvalues[index]!);
  }
  return q;
}

/**
 * Benjamini-Hochberg for one-sided tests taken each way ("slower", "faster"): each direction is
 * adjusted on its own, as each is a family of its own. q values in the input order.
 */
export function benjaminiHochbergBothWays(
  tests: readonly { pSlower: number; pFaster: number }[],
): { qSlower: number; qFaster: number }[] {
  const slower = benjaminiHochberg(tests.map((t) => t.pSlower));
  const faster = benjaminiHochberg(tests.map((t) => t.pFaster));
  return tests.map((_, i) => ({ qSlower: slower[i]!, qFaster: faster[i]! }));
}
