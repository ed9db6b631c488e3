/**
 * Exact k nearest neighbours (squared Euclidean distance) of every row, by brute force over pairs: each pair's
 * distance is computed once and offered to both rows' bounded max-heaps. Neighbours are ordered by
 * (distance, index), a total order, so the k nearest are one well-defined set even with tied distances, and
 * any split of the pairs between threads (`neighboursOfPairs` on row ranges, then `mergeNeighbours`) finds
 * exactly what one thread finds.
 */
import { OptionError } from '../errors';

export interface Neighbours {
  /** [n, k] row-major, nearest first. */
  index: Int32Array;
  distance2: Float64Array;
}

/** Bounded heaps of k candidates per row (largest (distance, index) on top); shared memory allowed. */
export interface NeighbourHeaps {
  index: Int32Array;
  distance2: Float64Array;
  size: Int32Array;
}

export function emptyHeaps(n: number, k: number, shared = false): NeighbourHeaps {
  const memory = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return { index: new Int32Array(memory(4 * n * k)), distance2: new Float64Array(memory(8 * n * k)), size: new Int32Array(memory(4 * n)) };
}

/**
 * The k nearest neighbours of every row (exact, brute force over pairs), nearest first.
 * @param data - Row-major [n, features].
 * @param shape - [n, features].
 * @param k - Neighbours per row.
 * @returns `index` and squared distance `distance2`, row-major [n, k], nearest first.
 * @example
 * const { index } = nearestNeighbours(points, [n, 2], 5);
 */
export function nearestNeighbours(data: ArrayLike<number>, shape: [number, number], k: number): Neighbours {
  const [n, d] = shape;
  checkK(n, k);
  const heaps = emptyHeaps(n, k);
  neighboursOfPairs(Float64Array.from(data as ArrayLike<number>), n, d, k, 0, n, heaps);
  return mergeNeighbours([heaps], n, k);
}

export function checkK(n: number, k: number): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= n - 1)) throw new OptionError(`k must be an integer in 1–${n - 1} (n − 1), got ${k}`, { option: 'k' });
}

/** Offers every pair (i, j) with i in [r0, r1) and j > i to both rows' heaps. */
export function neighboursOfPairs(x: Float64Array, n: number, d: number, k: number, r0: number, r1: number, heaps: NeighbourHeaps): void {
  const { index: heapIndex, distance2: heapDist, size } = heaps;
  // (a, i) above (b, j) in the heap order.
  const after = (a: number, i: number, b: number, j: number) => a > b || (a === b && i > j);
  const offer = (row: number, j: number, dist: number) => {
    const base = row * k;
    let s = size[row]!;
    if (s < k) {
      let c = s++;
      size[row] = s;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!after(dist, j, heapDist[base + parent]!, heapIndex[base + parent]!)) break;
        heapDist[base + c] = heapDist[base + parent]!;
        heapIndex[base + c] = heapIndex[base + parent]!;
        c = parent;
      }
      heapDist[base + c] = dist;
      heapIndex[base + c] = j;
    } else if (after(heapDist[base]!, heapIndex[base]!, dist, j)) {
      let c = 0;
      for (;;) {
        let child = 2 * c + 1;
        if (child >= k) break;
        if (child + 1 < k && after(heapDist[base + child + 1]!, heapIndex[base + child + 1]!, heapDist[base + child]!, heapIndex[base + child]!)) child++;
        if (!after(heapDist[base + child]!, heapIndex[base + child]!, dist, j)) break;
        heapDist[base + c] = heapDist[base + child]!;
        heapIndex[base + c] = heapIndex[base + child]!;
        c = child;
      }
      heapDist[base + c] = dist;
      heapIndex[base + c] = j;
    }
  };
  for (let i = r0; i < r1; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let dist = 0;
      for (let f = 0; f < d; f++) {
        const diff = x[oi + f]! - x[oj + f]!;
        dist += diff * diff;
      }
      offer(i, j, dist);
      offer(j, i, dist);
    }
  }
}

/** The k smallest (distance, index) of each row over several threads' heaps, nearest first. */
export function mergeNeighbours(parts: readonly NeighbourHeaps[], n: number, k: number): Neighbours {
  const index = new Int32Array(n * k);
  const distance2 = new Float64Array(n * k);
  const candidates: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    candidates.length = 0;
    for (const h of parts) for (let m = 0; m < h.size[i]!; m++) candidates.push([h.distance2[i * k + m]!, h.index[i * k + m]!]);
    candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let m = 0; m < k; m++) {
      distance2[i * k + m] = candidates[m]![0];
      index[i * k + m] = candidates[m]![1];
    }
  }
  return { index, distance2 };
}

/** Row boundaries that give each of `parts` threads about the same number of pairs (row i has n − 1 − i). */
export function pairRanges(n: number, parts: number): number[] {
  const total = (n * (n - 1)) / 2;
  const bounds = [0];
  let done = 0;
  let row = 0;
  for (let t = 1; t < parts; t++) {
    while (row < n && done < (t * total) / parts) done += n - 1 - row++;
    bounds.push(row);
  }
  bounds.push(n);
  return bounds;
}
