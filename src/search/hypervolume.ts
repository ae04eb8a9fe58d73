// Exact hypervolume of a set of points (all objectives minimised) against a reference point: the
// measure of the region dominated by the set and bounded by the reference. Points that are not
// strictly better than the reference in every objective add nothing and are ignored.
//  - 1 objective: ref - min;
//  - 2 objectives: a sweep in increasing first objective, O(n log n);
//  - 3 objectives: slicing along the third objective; each slab's area is the 2-D hypervolume of the
//    points at or below it, kept in a list sorted by the first objective, O(n^2).
// More objectives are not supported (the search reports no hypervolume then).

export type Point = readonly number[];

export function hypervolume(points: readonly Point[], ref: Point): number {
  const k = ref.length;
  const inside = points.filter((p) => p.length === k && p.every((v, j) => v < ref[j]!));
  if (inside.length === 0) return 0;
  if (k === 1) return ref[0]! - Math.min(...inside.map((p) => p[0]!));
  if (k === 2)
    return area2(
      inside.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
      ref[0]!,
      ref[1]!,
    );
  if (k === 3) return volume3(inside, ref);
  throw new Error(`hypervolume supports 1 to 3 objectives, not ${k}`);
}

/** Area dominated by points sorted by x (then y) ascending, bounded by (rx, ry). */
function area2(sorted: readonly Point[], rx: number, ry: number): number {
  let area = 0;
  let prevY = ry;
  for (const p of sorted) {
    const y = p[1]!;
    if (y < prevY) {
      area += (rx - p[0]!) * (prevY - y);
      prevY = y;
    }
  }
  return area;
}

function volume3(points: readonly Point[], ref: Point): number {
  const byZ = points.slice().sort((a, b) => a[2]! - b[2]!);
  const slab: Point[] = [];
  let volume = 0;
  let i = 0;
  while (i < byZ.length) {
    const z = byZ[i]![2]!;
    for (; i < byZ.length && byZ[i]![2] === z; i++) insertSorted(slab, byZ[i]!);
    const nextZ = i < byZ.length ? byZ[i]![2]! : ref[2]!;
    volume += area2(slab, ref[0]!, ref[1]!) * (nextZ - z);
  }
  return volume;
}

function insertSorted(list: Point[], p: Point): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const q = list[mid]!;
    if (q[0]! < p[0]! || (q[0] === p[0] && q[1]! <= p[1]!)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, p);
}
