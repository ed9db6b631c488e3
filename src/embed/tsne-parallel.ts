/**
 * Barnes-Hut t-SNE on every core: the same optimisation as tsne.ts, with each iteration's per-point forces
 * (repulsion through the quadtree — the bulk of the work — and attraction over P) shared by the main thread
 * and worker threads. Layout, quadtree, P and the force buffers live in SharedArrayBuffers; threads claim
 * chunks of points from a shared counter. Every point's forces are computed by the same code from the same
 * inputs whoever computes them, and Z is summed in point order, so the layout equals `tsne`'s to the last bit.
 */
import * as os from 'node:os';
import { OptionError } from '../errors';
import { QuadTree, type QuadTreeBuffers } from './quadtree';
import { EmbedWorker, sharedFloat64, sharedInt32 } from './threads';
import { checkK, emptyHeaps, mergeNeighbours, neighboursOfPairs, pairRanges, type NeighbourHeaps, type Neighbours } from './neighbours';
import { combineForces, exaggerationAt, finishTsne, pointForces, prepareTsne, stepLayout, tsneSettings, type ForceBuffers, type SparseAffinities, type TsneOptions, type TsneResult } from './tsne';

/** What a t-SNE worker shares with the main thread (embed-worker.ts). */
export interface TsneWorkerInit {
  kind: 'tsne';
  layout: Float64Array;
  p: SparseAffinities;
  forces: ForceBuffers;
  /** [next point to claim, workers finished] */
  control: Int32Array;
}

/** Points claimed per counter increment: large enough to amortise the atomic, small enough to balance. */
export const TSNE_CHUNK = 64;

/** One iteration's request to a t-SNE worker; carries the tree's arrays when they were reallocated. */
export interface ForcesRequest {
  type: 'forces';
  id: number;
  exaggeration: number;
  theta: number;
  tree?: QuadTreeBuffers;
}

/** Claims chunks of points from `control[0]` until none are left, computing their forces. */
export function forcesOfClaimedChunks(init: Omit<TsneWorkerInit, 'kind'>, tree: QuadTree, exaggeration: number, theta: number): void {
  const n = init.layout.length / 2;
  for (;;) {
    const start = Atomics.add(init.control, 0, TSNE_CHUNK);
    if (start >= n) return;
    pointForces(init.layout, init.p, exaggeration, theta, tree, start, Math.min(n, start + TSNE_CHUNK), init.forces);
  }
}

export interface ParallelTsneOptions extends TsneOptions {
  /** Threads including this one (default: every core, os.availableParallelism()). */
  threads?: number;
}

/**
 * 2-D t-SNE of the rows of `data` ([n, features], row-major) using `threads` threads; resolves to what
 * `tsne` returns for the same options.
 *
 * @example
 * const { x, y, klDivergence } = await tsneParallel(activations, [n, 50], { seed: 1, threads: 2 });
 */
export async function tsneParallel(data: ArrayLike<number>, shape: [number, number], options: ParallelTsneOptions = {}): Promise<TsneResult> {
  const threads = options.threads ?? os.availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) throw new OptionError(`threads must be a positive integer, got ${threads}`, { option: 'threads' });
  const { neighbours: k } = tsneSettings(data, shape, options);
  const s = prepareTsne(data, shape, options, threads > 1 ? await neighboursParallel(data, shape, k, threads) : undefined);
  s.layout = sharedFloat64(s.layout);
  const p = { rowStart: sharedInt32(s.p.rowStart), column: sharedInt32(s.p.column), value: sharedFloat64(s.p.value) };
  const forces = { repulsion: sharedFloat64(3 * s.n), attraction: sharedFloat64(2 * s.n) };
  const control = sharedInt32(2);
  const shared = { layout: s.layout, p, forces, control };
  const tree = new QuadTree(s.n, true);
  const workers = Array.from({ length: threads - 1 }, () => new EmbedWorker({ kind: 'tsne', ...shared }));
  const sent = workers.map(() => -1); // tree generation each worker has attached to
  try {
    for (let it = 0; it < s.iterations; it++) {
      const exaggeration = exaggerationAt(s, it);
      tree.build(s.layout);
      Atomics.store(control, 1, 0);
      Atomics.store(control, 0, 0); // publishes the layout and the tree before the workers start
      const pending = workers.map((w, k) => {
        const fresh = sent[k] !== tree.generation;
        sent[k] = tree.generation;
        return w.request({ type: 'forces', exaggeration, theta: s.theta, ...(fresh ? { tree: tree.buffers() } : {}) });
      });
      forcesOfClaimedChunks(shared, tree, exaggeration, s.theta);
      await Promise.all(pending);
      Atomics.load(control, 1); // acquires the workers' writes
      s.z = combineForces(forces, s.n, s.gradient);
      stepLayout(s, it);
      options.onProgress?.(it + 1, s.iterations);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return finishTsne(s);
}

/** What a k-nearest-neighbours worker is asked: the pairs of rows [r0, r1) into its own heaps. */
export interface NeighboursRequest {
  type: 'neighbours';
  id: number;
  data: Float64Array;
  n: number;
  d: number;
  k: number;
  r0: number;
  r1: number;
  heaps: NeighbourHeaps;
}

/**
 * Exact k nearest neighbours on `threads` threads: the pairs are split by rows into equal shares, each thread
 * keeps its own heaps, and the heaps are merged; the same neighbours as `nearestNeighbours`.
 */
export async function neighboursParallel(data: ArrayLike<number>, shape: [number, number], k: number, threads: number): Promise<Neighbours> {
  const [n, d] = shape;
  checkK(n, k);
  const x = sharedFloat64(data);
  const bounds = pairRanges(n, threads);
  const heaps = bounds.slice(0, -1).map((_, t) => emptyHeaps(n, k, t > 0));
  const workers = Array.from({ length: threads - 1 }, () => new EmbedWorker({ kind: 'neighbours' }));
  try {
    const pending = workers.map((w, i) => w.request({ type: 'neighbours', data: x, n, d, k, r0: bounds[i + 1]!, r1: bounds[i + 2]!, heaps: heaps[i + 1]! }));
    neighboursOfPairs(x, n, d, k, bounds[0]!, bounds[1]!, heaps[0]!);
    await Promise.all(pending);
    return mergeNeighbours(heaps, n, k);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
