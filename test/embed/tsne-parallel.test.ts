import { describe, expect, it } from 'vitest';
import { tsne } from '../../src/embed/tsne';
import { tsneParallel } from '../../src/embed/tsne-parallel';
import { EmbedWorker, sharedFloat64, sharedInt32 } from '../../src/embed/threads';

/** The deterministic blobs of tsne.test.ts (point i in cluster i mod k). */
function blobs(n: number, d: number, k: number): Float64Array {
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = 4 * Math.sin((i % k + 1) * (f + 1) * 0.7) + Math.sin(i * 12.9898 + f * 78.233);
  return data;
}

describe('tsneParallel', () => {
  it('gives tsne\'s layout to the last bit, and the same KL divergence, with 2 and 3 threads', async () => {
    const n = 400;
    const data = blobs(n, 12, 4);
    const options = { iterations: 300, perplexity: 20, seed: 3 };
    const single = tsne(data, [n, 12], options);
    for (const threads of [2, 3]) {
      const parallel = await tsneParallel(data, [n, 12], { ...options, threads });
      expect(Array.from(parallel.x)).toEqual(Array.from(single.x));
      expect(Array.from(parallel.y)).toEqual(Array.from(single.y));
      expect(parallel.klDivergence).toBe(single.klDivergence);
    }
  });

  it('with one thread runs without workers; rejects a bad thread count', async () => {
    const data = blobs(60, 5, 3);
    const one = await tsneParallel(data, [60, 5], { iterations: 50, perplexity: 10, threads: 1 });
    expect(Array.from(one.x)).toEqual(Array.from(tsne(data, [60, 5], { iterations: 50, perplexity: 10 }).x));
    await expect(tsneParallel(data, [60, 5], { threads: 0 })).rejects.toThrow(/threads/);
  });

  it('a worker that fails or dies rejects what it owes instead of hanging', async () => {
    const w = new EmbedWorker({ kind: 'tsne', layout: sharedFloat64(8), p: { rowStart: sharedInt32(5), column: sharedInt32(0), value: sharedFloat64(0) }, forces: { repulsion: sharedFloat64(12), attraction: sharedFloat64(8) }, control: sharedInt32(2) });
    await expect(w.request({ type: 'forces', exaggeration: 1, theta: 0.5 })).rejects.toThrow(/before the tree/);
    // The assertion is attached before terminate(): the worker may answer (with its error) while terminate() is
    // still pending, and a rejection with no handler yet is reported as unhandled.
    const owed = expect(w.request({ type: 'forces', exaggeration: 1, theta: 0.5 })).rejects.toThrow();
    await w.terminate();
    await owed;
    await expect(w.request({ type: 'forces', exaggeration: 1, theta: 0.5 })).rejects.toThrow(/exited/);
  });
});

describe('neighboursParallel', () => {
  it('finds exactly the neighbours of nearestNeighbours, also with tied distances (duplicated points)', async () => {
    const n = 301;
    const d = 6;
    const data = blobs(n, d, 5);
    for (let i = 0; i < 40; i++) for (let f = 0; f < d; f++) data[(i + 100) * d + f] = data[i * d + f]!; // exact duplicates
    const { nearestNeighbours } = await import('../../src/embed/neighbours');
    const { neighboursParallel } = await import('../../src/embed/tsne-parallel');
    const single = nearestNeighbours(data, [n, d], 20);
    for (const threads of [2, 3]) {
      const parallel = await neighboursParallel(data, [n, d], 20, threads);
      expect(Array.from(parallel.index)).toEqual(Array.from(single.index));
      expect(Array.from(parallel.distance2)).toEqual(Array.from(single.distance2));
    }
  });
});
