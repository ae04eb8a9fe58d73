// Exact non-dominated sets. Every objective is minimised (callers negate what they maximise).
//
// A point is dominated when another point is no worse in every objective and strictly better in at
// least one. Identical objective vectors therefore never dominate each other: when a vector is on the
// front, every candidate that has exactly that vector is kept (all duplicates, none dropped), so two
// variants with equal cost are both offered to the user.
//
// Candidates are first sorted lexicographically by their objective vector, so that anything that can
// dominate a point comes before it. Then:
//  - 2 objectives: a sweep keeping the best second objective so far, O(n log n);
//  - 3 objectives: the same sweep with a Fenwick tree of prefix minima of the third objective over the
//    ranks of the second, O(n log n);
//  - 4 or more: each distinct vector is checked against the front found so far, O(n * front).

export type Columns = readonly ArrayLike<number>[];

function lexOrder(cols: Columns, ids: ArrayLike<number>): Int32Array {
  const order = Int32Array.from(ids as ArrayLike<number>);
  const k = cols.length;
  // Sorting a typed array with a comparator keeps it out of the generic array path.
  order.sort((a, b) => {
    for (let j = 0; j < k; j++) {
      const c = cols[j]!;
      const d = c[a]! - c[b]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
  return order;
}

function sameVector(cols: Columns, a: number, b: number): boolean {
  for (const c of cols) if (c[a] !== c[b]) return false;
  return true;
}

/** Where the run of candidates with the same vector as order[i] ends (the sort puts them together). */
function runEnd(cols: Columns, order: Int32Array, i: number): number {
  const head = order[i]!;
  let j = i + 1;
  while (j < order.length && sameVector(cols, head, order[j]!)) j++;
  return j;
}

/** Candidate ids (a subset of `ids`) on the front, in lexicographic order of their objectives. */
export function paretoFront(cols: Columns, ids: ArrayLike<number>): number[] {
  const k = cols.length;
  if (k === 0) throw new Error('paretoFront needs at least one objective');
  const order = lexOrder(cols, ids);
  const n = order.length;
  const out: number[] = [];
  if (n === 0) return out;
  if (k === 1) {
    const best = cols[0]![order[0]!]!;
    for (let i = 0; i < n && cols[0]![order[i]!] === best; i++) out.push(order[i]!);
    return out;
  }
  if (k === 2) return front2(cols, order);
  if (k === 3) return front3(cols, order);
  return frontGeneric(cols, order);
}

function front2(cols: Columns, order: Int32Array): number[] {
  const [f1, f2] = cols as [ArrayLike<number>, ArrayLike<number>];
  const out: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let i = 0;
  const n = order.length;
  while (i < n) {
    // Within a run of equal f1, the first has the smallest f2 (lexicographic order); only the points
    // equal to it can be non-dominated, and only if no earlier run reached that f2.
    const head = order[i]!;
    const x = f1[head]!;
    const m = f2[head]!;
    const keep = m < best;
    while (i < n && f1[order[i]!] === x) {
      if (keep && f2[order[i]!] === m) out.push(order[i]!);
      i++;
    }
    if (keep) best = m;
  }
  return out;
}

function front3(cols: Columns, order: Int32Array): number[] {
  const [, f2, f3] = cols as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const n = order.length;
  // Ranks of f2 (1-based, equal values share a rank) for the Fenwick tree.
  const byF2 = Int32Array.from(order).sort((a, b) => f2[a]! - f2[b]!);
  const rank = new Map<number, number>();
  for (let i = 0, r = 0; i < n; i++) {
    const v = f2[byF2[i]!]!;
    if (!rank.has(v)) rank.set(v, ++r);
  }
  const size = rank.size;
  const tree = new Float64Array(size + 1).fill(Number.POSITIVE_INFINITY);
  const query = (r: number) => {
    let m = Number.POSITIVE_INFINITY;
    for (; r > 0; r -= r & -r) if (tree[r]! < m) m = tree[r]!;
    return m;
  };
  const update = (r: number, v: number) => {
    for (; r <= size; r += r & -r) if (v < tree[r]!) tree[r] = v;
  };
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    const head = order[i]!;
    const j = runEnd(cols, order, i);
    // Every earlier distinct vector is no worse in f1; it dominates this one iff it is no worse in
    // f2 and f3 as well.
    const r = rank.get(f2[head]!)!;
    if (query(r) > f3[head]!) for (let t = i; t < j; t++) out.push(order[t]!);
    update(r, f3[head]!);
    i = j;
  }
  return out;
}

function frontGeneric(cols: Columns, order: Int32Array): number[] {
  const n = order.length;
  const k = cols.length;
  const reps: number[] = [];
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    const head = order[i]!;
    const j = runEnd(cols, order, i);
    let dominated = false;
    for (const q of reps) {
      let le = true;
      for (let c = 0; c < k && le; c++) le = cols[c]![q]! <= cols[c]![head]!;
      if (le) {
        dominated = true;
        break;
      }
    }
    if (!dominated) {
      reps.push(head);
      for (let t = i; t < j; t++) out.push(order[t]!);
    }
    i = j;
  }
  return out;
}
