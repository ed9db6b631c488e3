/**
 * PCA on every core: the randomized SVD of pca.ts with each pass over the data (X̃ M and X̃ᵀ M, the bulk of
 * the work) split by rows between the main thread and worker threads, each running the same tfjs blocks on
 * its own backend (wasm is single-threaded under Node, so each worker is one more core). Rows are split on
 * pca.ts's block boundaries, so X̃ M is computed block for block as on one thread; the partial sums of X̃ᵀ M
 * are added in thread order, so results agree with `pca` up to float rounding of that sum.
 *
 * Memory: workers read their rows from shared memory. Data already in a SharedArrayBuffer is used in place;
 * otherwise each worker's rows (not the main thread's) are copied once into shared float32 memory.
 */
import * as os from 'node:os';
import { tf } from '../kernels/tensor/tf';
import { OptionError } from '../errors';
import { blockRows, finishPca, orthonormalize, preparePca, timesRight, transposeTimes, type PcaOptions, type PcaResult } from './pca';
import { EmbedWorker, sharedFloat64 } from './threads';

export interface ParallelPcaOptions extends PcaOptions {
  /** Threads including this one (default: every core, os.availableParallelism()). */
  threads?: number;
}

/**
 * Top principal components of `data` ([n, features], row-major) using `threads` threads; resolves to what
 * `pca` returns for the same options (to float rounding).
 *
 * @example
 * const reduced = await pcaParallel(activations, [n, features], { components: 50, threads: 2 });
 */
export async function pcaParallel(data: Float32Array | Float64Array, shape: [number, number], options: ParallelPcaOptions = {}): Promise<PcaResult> {
  const threads = options.threads ?? os.availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) throw new OptionError(`threads must be a positive integer, got ${threads}`, { option: 'threads' });
  const s = preparePca(data, shape, options);
  const { n, p, l } = s;
  // Contiguous runs of whole blocks per thread; thread 0 is this one.
  const step = blockRows(p);
  const blocks = Math.ceil(n / step);
  const bounds = Array.from({ length: threads + 1 }, (_, t) => Math.min(n, Math.floor((t * blocks) / threads) * step));
  const inPlace = data.buffer instanceof SharedArrayBuffer;
  const backend = tf.getBackend();
  const workers = Array.from({ length: threads - 1 }, (_, w) => {
    const [r0, r1] = [bounds[w + 1]!, bounds[w + 2]!];
    const rows = inPlace ? data : (() => {
      const copy = new Float32Array(new SharedArrayBuffer(4 * (r1 - r0) * p));
      copy.set(data.subarray(r0 * p, r1 * p));
      return copy;
    })();
    return { r0, r1, worker: new EmbedWorker({ kind: 'pca', data: rows, first: inPlace ? 0 : r0, p, backend }) };
  });
  const mean = sharedFloat64(s.mean);
  const scale = sharedFloat64(s.scale);
  const right = async (m: Float64Array) => {
    const out = sharedFloat64(n * l);
    const shared = sharedFloat64(m);
    const pending = workers.map(({ r0, r1, worker }) => worker.request({ type: 'right', r0, r1, mean, scale, m: shared, l, out }));
    timesRight(data, 0, 0, bounds[1]!, p, s.mean, s.scale, m, l, out);
    await Promise.all(pending);
    return Float64Array.from(out);
  };
  const left = async (m: Float64Array) => {
    const shared = sharedFloat64(m);
    const pending = workers.map(({ r0, r1, worker }) => worker.request({ type: 'left', r0, r1, mean, scale, m: shared, l }));
    const sum = transposeTimes(data, 0, 0, bounds[1]!, p, s.mean, s.scale, m, l);
    for (const reply of await Promise.all(pending)) {
      const part = reply.out as Float64Array;
      for (let i = 0; i < sum.length; i++) sum[i]! += part[i]!;
    }
    return sum;
  };
  try {
    let q = orthonormalize(await right(s.omega), n, l);
    for (let it = 0; it < s.powerIterations; it++) {
      const z = orthonormalize(await left(q), p, l);
      q = orthonormalize(await right(z), n, l);
    }
    return finishPca(s, await left(q), q);
  } finally {
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }
}
