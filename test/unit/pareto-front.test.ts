import { describe, expect, it } from 'vitest';
import { hypervolume, type Point } from '../../src/search/hypervolume.js';
import { kneePoint } from '../../src/search/knee.js';
import { paretoFront } from '../../src/search/pareto.js';
import { bruteForceFront, randomColumns } from '../support/random.js';
import { mulberry32 } from '../support/synthetic-lut.js';

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

describe('exact non-dominated set', () => {
  for (const k of [1, 2, 3, 4]) {
    it(`matches the brute-force front with ${k} objectives, ties and duplicates (seeded)`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const n = 40 + seed * 7;
        const cols = randomColumns(seed * 31 + k, n, k, seed % 3 === 0 ? 4 : 12);
        // A subset, like a constrained search.
        const ids = Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 !== 3);
        expect(sorted(paretoFront(cols, ids))).toEqual(sorted(bruteForceFront(cols, ids)));
      }
    });
  }

  it('keeps every duplicate of a front point and drops duplicates of dominated points', () => {
    const f1 = Float64Array.from([1, 1, 2, 2, 3, 1]);
    const f2 = Float64Array.from([5, 5, 2, 3, 2, 5]);
    // 0, 1, 5 are identical (1,5): all kept; 2 is (2,2); 3 (2,3) is dominated by 2; 4 (3,2) by 2.
    expect(sorted(paretoFront([f1, f2], [0, 1, 2, 3, 4, 5]))).toEqual([0, 1, 2, 5]);
  });

  it('a tie in one objective is not dominance without strict improvement elsewhere', () => {
    const f1 = Float64Array.from([1, 1, 2]);
    const f2 = Float64Array.from([3, 3, 3]);
    const f3 = Float64Array.from([0, 1, 0]);
    expect(sorted(paretoFront([f1, f2, f3], [0, 1, 2]))).toEqual([0]);
    expect(sorted(paretoFront([f1, f2], [0, 1, 2]))).toEqual([0, 1]);
  });

  it('returns an empty front for no candidates', () => {
    expect(paretoFront([new Float64Array(0), new Float64Array(0)], [])).toEqual([]);
  });
});

/** Exact reference: sum of the grid cells (between consecutive coordinates) dominated by some point. */
function gridHypervolume(points: Point[], ref: Point): number {
  const k = ref.length;
  const axes = Array.from({ length: k }, (_, j) =>
    [...new Set([...points.map((p) => p[j]!), ref[j]!])].filter((v) => v <= ref[j]!).sort((a, b) => a - b),
  );
  let volume = 0;
  const walk = (j: number, lower: number[], size: number) => {
    if (j === k) {
      if (points.some((p) => p.every((v, d) => v <= lower[d]!))) volume += size;
      return;
    }
    const ax = axes[j]!;
    for (let i = 0; i + 1 < ax.length; i++) walk(j + 1, [...lower, ax[i]!], size * (ax[i + 1]! - ax[i]!));
  };
  walk(0, [], 1);
  return volume;
}

describe('hypervolume', () => {
  for (const k of [1, 2, 3]) {
    it(`equals the exact grid reference in ${k}-D on random sets with ties (seeded)`, () => {
      const rand = mulberry32(100 + k);
      for (let t = 0; t < 30; t++) {
        const n = 1 + Math.floor(rand() * 14);
        const points = Array.from({ length: n }, () => Array.from({ length: k }, () => Math.floor(rand() * 8) / 2));
        const ref = Array.from({ length: k }, () => 4.5);
        expect(hypervolume(points, ref)).toBeCloseTo(gridHypervolume(points, ref), 9);
      }
    });
  }

  it('ignores points outside the reference box and handles hand-computed cases', () => {
    expect(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
    ).toBe(3 + 2 + 1);
    expect(hypervolume([[5, 0]], [4, 4])).toBe(0);
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).toBe(6);
    expect(hypervolume([], [1, 1])).toBe(0);
  });
});

describe('knee point', () => {
  it('is the front point farthest from the line between the extremes (2-D)', () => {
    const f1 = Float64Array.from([0, 1, 2, 10]);
    const f2 = Float64Array.from([10, 2, 1, 0]);
    expect(kneePoint([f1, f2], [0, 1, 2, 3])).toBe(1);
  });
  it('breaks ties by the lowest candidate number', () => {
    const f1 = Float64Array.from([0, 1, 1, 2]);
    const f2 = Float64Array.from([2, 1, 1, 0]);
    expect(kneePoint([f1, f2], [3, 2, 1, 0])).toBe(0);
  });
});
