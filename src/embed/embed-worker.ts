/**
 * The worker-thread side of threads.ts. Initialised with shared buffers for one job and then answers
 * requests until terminated:
 * - t-SNE (`kind: 'tsne'`): `forces` computes per-point repulsion and attraction (tsne.ts `pointForces`) for
 *   chunks of points claimed from a shared counter, the main thread claiming chunks of the same counter;
 *   a request may carry the quadtree's arrays when the main thread reallocated them.
 * - neighbours (`kind: 'neighbours'`): the pairs of a range of rows into this worker's shared heaps.
 * - PCA (`kind: 'pca'`): `timesRight` / `transposeTimes` of pca.ts on this worker's rows.
 * Runs only as a worker_threads entry point.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendName } from '../kernels/tensor/backend';
import { timesRight, transposeTimes } from './pca';
import { QuadTree } from './quadtree';
import { neighboursOfPairs } from './neighbours';
import { forcesOfClaimedChunks, type ForcesRequest, type NeighboursRequest, type TsneWorkerInit } from './tsne-parallel';

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

export interface PcaWorkerInit {
  kind: 'pca';
  /** The data's rows from `first` on (shared memory). */
  data: Float32Array | Float64Array;
  first: number;
  p: number;
  /** The main thread's tfjs backend, so that every block is computed by the same kernels. */
  backend: string;
}

interface PcaRequest {
  type: 'right' | 'left';
  id: number;
  r0: number;
  r1: number;
  mean: Float64Array;
  scale: Float64Array;
  m: Float64Array;
  l: number;
  out?: Float64Array;
}

function servePca(init: PcaWorkerInit): void {
  const ready = initBackend({ backend: (['wasm', 'cpu', 'tensorflow'].includes(init.backend) ? init.backend : 'wasm') as BackendName });
  parentPort!.on('message', async (req: PcaRequest) => {
    try {
      await ready;
      if (req.type === 'right') {
        timesRight(init.data, init.first, req.r0, req.r1, init.p, req.mean, req.scale, req.m, req.l, req.out!);
        parentPort!.postMessage({ id: req.id });
      } else {
        const out = transposeTimes(init.data, init.first, req.r0, req.r1, init.p, req.mean, req.scale, req.m, req.l);
        parentPort!.postMessage({ id: req.id, out }, [out.buffer as ArrayBuffer]);
      }
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
}

function serveNeighbours(): void {
  parentPort!.on('message', (req: NeighboursRequest) => {
    try {
      neighboursOfPairs(req.data, req.n, req.d, req.k, req.r0, req.r1, req.heaps);
      parentPort!.postMessage({ id: req.id });
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
}

const kind = (workerData as { kind?: string } | undefined)?.kind;
if (parentPort && kind === 'neighbours') serveNeighbours();
if (parentPort && kind === 'tsne') serveTsne(workerData as TsneWorkerInit);
if (parentPort && kind === 'pca') servePca(workerData as PcaWorkerInit);
