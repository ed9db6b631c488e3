/**
 * The worker-thread side of threads.ts. Initialised with shared buffers for one job and then answers
 * requests until terminated:
 * - t-SNE (`kind: 'tsne'`): `forces` computes per-point repulsion and attraction (tsne.ts `pointForces`) for
 *   chunks of points claimed from a shared counter, the main thread claiming chunks of the same counter;
 *   a request may carry the quadtree's arrays when the main thread reallocated them.
 * - PCA (`kind: 'pca'`): `timesRight` / `transposeTimes` of pca.ts on this worker's rows.
 * Runs only as a worker_threads entry point.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { QuadTree, type QuadTreeBuffers } from './quadtree';
import { pointForces, type ForceBuffers, type SparseAffinities } from './tsne';

/** Points claimed per counter increment: large enough to amortise the atomic, small enough to balance. */
export const TSNE_CHUNK = 64;

export interface TsneWorkerInit {
  kind: 'tsne';
  layout: Float64Array;
  p: SparseAffinities;
  forces: ForceBuffers;
  /** [next point to claim, workers finished] */
  control: Int32Array;
}

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

function serveTsne(init: TsneWorkerInit): void {
  let tree: QuadTree | undefined;
  parentPort!.on('message', (req: ForcesRequest) => {
    try {
      if (req.tree) tree = QuadTree.attach(req.tree);
      if (!tree) throw new Error('forces requested before the tree was sent');
      forcesOfClaimedChunks(init, tree, req.exaggeration, req.theta);
      Atomics.add(init.control, 1, 1); // publishes this thread's writes before the reply
      parentPort!.postMessage({ id: req.id });
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
}

if (parentPort && (workerData as { kind?: string } | undefined)?.kind === 'tsne') serveTsne(workerData as TsneWorkerInit);
